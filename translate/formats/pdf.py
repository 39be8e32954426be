"""PDF: the text layer becomes Markdown (``X.pdf`` -> ``X.en.md``), translated as Markdown.

``formats.pdf_text`` gives each page's paragraphs in reading order, hyphenated words
joined, running headers and footers removed (counted in the notes). Each paragraph
becomes a Markdown paragraph, its Markdown characters escaped so the text stays
text; each new page starts after a visible marker, a thematic break and
``<!-- page N -->``. The Markdown format (``formats.markdown``) then reads and writes
it. A PDF without a text layer (a scan) is skipped with the OCR command to run; one
whose text layer is not text (fonts without a character map) is an error with the
same advice; an encrypted one, or one of more than ``MAX_PAGES`` pages, an error.
With ``--ocr`` the pages without a text layer are recognised first
(``formats.pdf_ocr``: ocrmypdf, into a temporary copy).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import Any

from translate.errors import InputError
from translate.formats.base import NothingToRead, Parsed, Written
from translate.formats.markdown import FORMAT as MARKDOWN
from translate.formats.pdf_ocr import recognise
from translate.formats.pdf_text import garbage, ocr_hint, read_layer

_INLINE = re.compile(r"([\\`*_\[\]|])|<(?=[A-Za-z/!?])|&(?=[#A-Za-z])")
_BLOCK = re.compile(r"^(\s*)([#>+=~-]|\d+(?=[.)]))")


def _escape(paragraph: str) -> str:
    text = _INLINE.sub(lambda m: "\\" + m.group(0), paragraph)
    return _BLOCK.sub(lambda m: m.group(1) + "\\" + m.group(2) if not m.group(2).isdigit()
                      else m.group(0) + "\\", text, count=1)


def to_markdown(data: bytes, where: str) -> tuple[str, tuple[str, ...]]:
    """The PDF's text as Markdown, and what was found but not translated.

    Raises:
        NothingToRead: no text layer (a scan).
        InputError: not a PDF, encrypted, too long, or a text layer that is not text.
    """
    layer = read_layer(data, where)
    text = "\n".join(p for page in layer.pages for p in page.paragraphs)
    if not text.strip():
        raise NothingToRead(f"{where}: no text layer: run OCR first", ocr_hint(where))
    problem = garbage(text)
    if problem:
        raise InputError(f"{where}: its text layer is not readable text ({problem})",
                         f"run OCR on it: {ocr_hint(where)}")
    blocks: list[str] = []
    for number, page in enumerate(layer.pages, start=1):
        if number > 1:
            blocks.append(f"---\n\n<!-- page {number} -->")
        blocks += [_escape(p) for p in page.paragraphs]
    notes: tuple[str, ...] = ()
    if layer.running:
        notes += (f"running headers and footers removed: {layer.running}",)
    if layer.empty_pages:
        notes += (f"pages without a text layer (not translated; run OCR): "
                  f"{layer.empty_pages}",)
    return "\n\n".join(blocks) + "\n", notes


class PdfFormat:
    """PDF documents (``.pdf``): their text layer, written as Markdown."""

    name = "pdf"
    suffixes = (".pdf",)
    binary = True  # never decoded as text
    output_suffix = ".md"

    def __init__(self, ocr: bool = False) -> None:
        self.ocr = ocr
        self._recognised: dict[str, bytes] = {}  # the last file's OCR, read twice a run

    @property
    def settings(self) -> dict[str, Any]:
        """The reading settings that change this format's output (kept in the record)."""
        return {"ocr": True} if self.ocr else {}

    def configure(self, ocr: bool = False, **_: Any) -> PdfFormat:
        """The format configured with a run's reading settings (``--ocr``)."""
        return PdfFormat(ocr)

    def _with_text(self, data: bytes, where: str, lang: str) -> bytes:
        """``data``, or with ``--ocr`` and pages without text, its recognised copy."""
        layer = read_layer(data, where)
        if layer.empty_pages == 0 and any(p.paragraphs for p in layer.pages):
            return data
        key = hashlib.sha256(data).hexdigest()
        if key not in self._recognised:
            self._recognised = {key: recognise(data, where, lang, len(layer.pages))}
        return self._recognised[key]

    def read(self, data: bytes, where: str, lang: str = "it",
             encoding: str | None = None) -> Parsed:
        """Extract the text layer and read it as Markdown.

        Raises:
            NothingToRead: no text layer.
            InputError: not a PDF, encrypted, too long, or a text layer that is not text.
            UsageError: pdfminer.six is not installed (the ``pdf`` extra), or ``--ocr``
                without ocrmypdf or the language's Tesseract data.
        """
        if self.ocr:
            data = self._with_text(data, where, lang)
        markdown, notes = to_markdown(data, where)
        parsed = MARKDOWN.read(markdown.encode("utf-8"), where, lang)
        return Parsed(parsed.segments, parsed.paragraphs, parsed, notes + parsed.notes)

    def write(self, parsed: Parsed, outputs: Sequence[str], target: str) -> Written:
        """The Markdown text with the translation in place of each paragraph."""
        inner: Parsed = parsed.skeleton
        return MARKDOWN.write(inner, outputs, target)


FORMAT = PdfFormat()
