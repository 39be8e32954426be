"""The text content of a document: its segments without placeholders, by paragraph.

What language detection reads (not tags, markup or zip bytes), and what summaries of
a translated document of any format are made from.
"""

from __future__ import annotations

from collections.abc import Sequence

from translate.formats.base import Parsed
from translate.formats.inline import TOKEN


def plain(segment: str) -> str:
    """``segment`` without its placeholders, spaces collapsed.

    A pair's tokens go (``<x1>il sito</x1>.`` -> ``il sito.``); an atom (inline code,
    an image, a tab) stands between words, so it leaves a space.
    """
    return " ".join(TOKEN.sub(lambda m: " " if m.group(3) else "", segment).split())


def paragraph_texts(parsed: Parsed, texts: Sequence[str] | None = None) -> dict[int, str]:
    """Each paragraph's plain text (its segments joined by spaces), keyed by its id.

    Args:
        parsed: The document.
        texts: One text per segment in place of the segments (their translations).
    """
    found: dict[int, list[str]] = {}
    for text, paragraph in zip(texts if texts is not None else parsed.segments,
                               parsed.paragraphs, strict=True):
        words = plain(text)
        if words:
            found.setdefault(paragraph, []).append(words)
    return {paragraph: " ".join(words) for paragraph, words in found.items()}


def text_content(parsed: Parsed) -> str:
    """The document's plain text: one paragraph a line, a blank line between them."""
    paragraphs = paragraph_texts(parsed).values()
    return "\n\n".join(paragraphs) + "\n" if paragraphs else ""
