"""Plain text: the line-based segmenter, reassembled byte for byte."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from translate.formats.base import Parsed, Written, check_lengths
from translate.text.documents import Document, decode_bytes, encode_text
from translate.text.segment import Segmented, reassemble, segment


@dataclass(frozen=True)
class _Skeleton:
    layout: Segmented
    document: Document


class TextFormat:
    """Plain text (also the format for suffixes no other format claims)."""

    name = "text"
    suffixes = (".txt", ".text", ".rst")

    def read(self, data: bytes, where: str, lang: str = "it",
             encoding: str | None = None) -> Parsed:
        """Decode and segment; see ``translate.text.segment``."""
        document = decode_bytes(data, where, encoding)
        layout = segment(document.text, lang)
        return Parsed(layout.segments, layout.paragraphs, _Skeleton(layout, document))

    def write(self, parsed: Parsed, outputs: Sequence[str], target: str) -> Written:
        """Reassemble and encode like the input (UTF-8, or its UTF-16 and BOM)."""
        check_lengths(parsed, outputs)
        skeleton: _Skeleton = parsed.skeleton
        return Written(encode_text(reassemble(skeleton.layout, outputs), skeleton.document))


FORMAT = TextFormat()
