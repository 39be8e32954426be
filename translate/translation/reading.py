"""Reading one input with its format: its encoding, its segments and their languages.

Text formats keep the encoding rules of plain text (``--encoding``, detection, BOMs);
a binary format (DOCX) is never decoded. Languages are detected in the document's text
content (``formats.content``): the words of its segments, not tags, markup or zip bytes.
"""

from __future__ import annotations

import sys
from pathlib import Path

from translate.files import reading as files_reading
from translate.files.reading import read_regular
from translate.formats.base import (
    Format,
    Parsed,
    format_for,
    is_binary,
    is_plain_text,
    reading_settings,
)
from translate.formats.content import paragraph_texts, text_content
from translate.text.documents import Document, decode_bytes
from translate.translation.inputs import Languages, detect_languages, plan_languages

BINARY = "binary"  # the ``encoding`` a binary document is recorded with
# The most input bytes (and their decoded text) a run keeps between its stages, so that
# planning, translation and the review page read and decode each input once; inputs
# past it are read again by the stage that needs them (memory stays bounded).
KEEP_BYTES = 256 * 1024 * 1024
# A first reading, for detection only, splits no sentences (``inline.Splitter``).
_FIRST_READING = ""


class InputBytes:
    """A run's inputs, each read and decoded once and kept for the stages after it.

    Planning reads an input (to detect its languages), the pipeline translates it and,
    with ``--review``, the review page shows it: all three use the same bytes and
    text. What is kept is bounded by ``budget`` (``KEEP_BYTES``); past it an input is
    read again where needed. ``reads`` counts the reads from disk, by path.

    Args:
        budget: The most bytes kept (an input's bytes plus its decoded text).
        keep_after_use: Keep an input after the pipeline used it (a review page follows).
    """

    def __init__(self, budget: int = KEEP_BYTES, keep_after_use: bool = False) -> None:
        self.budget = budget
        self.keep_after_use = keep_after_use
        self._kept: dict[Path, tuple[bytes, dict[tuple[str, str | None], Document]]] = {}
        # how the pipeline read each input (its segments and languages), for the page
        self._readings: dict[Path, tuple[tuple[str, ...], Parsed, Languages]] = {}
        self._size = 0
        self.reads: dict[Path, int] = {}

    def read(self, path: Path) -> bytes:
        """The bytes of ``path`` (read from disk the first time only, within the budget).

        Raises:
            InputError: not a regular file.
            OSError: it cannot be read.
        """
        key = path.absolute()
        kept = self._kept.get(key)
        if kept is not None:
            return kept[0]
        data = files_reading.read_regular(path)  # inputs; ``text_of`` reads outputs
        self.reads[key] = self.reads.get(key, 0) + 1
        if self._size + len(data) <= self.budget:
            self._kept[key] = (data, {})
            self._size += len(data)
        return data

    def decode(self, path: Path, fmt: Format, data: bytes, encoding: str | None) -> Document:
        """``decode_input`` of ``path``'s bytes, decoded once per format and encoding."""
        kept = self._kept.get(path.absolute())
        if kept is None or kept[0] is not data:
            return decode_input(fmt, data, str(path), encoding)
        key = (type(fmt).__name__, encoding)
        if key not in kept[1] and encoding is not None:  # the record's: as detected before
            same = [d for (name, _), d in kept[1].items()
                    if name == key[0] and d.encoding == encoding]
            if same:
                return same[0]
        if key not in kept[1]:
            doc = decode_input(fmt, data, str(path), encoding)
            size = sys.getsizeof(doc.text)  # a str holds 1 to 4 bytes a character
            if self._size + size > self.budget:
                return doc
            kept[1][key] = doc
            self._size += size
        return kept[1][key]

    def keep_reading(self, path: Path, fmt: Format, doc: Document, parsed: Parsed,
                     languages: Languages) -> None:
        """Keep how the pipeline read ``path``, when a review page follows (in the budget)."""
        key = path.absolute()
        if not self.keep_after_use or key not in self._kept:
            return
        size = sum(sys.getsizeof(s) for s in parsed.segments)
        if self._size + size <= self.budget:
            self._readings[key] = (_reading_key(fmt, doc), parsed, languages)
            self._size += size

    def reading(self, path: Path, fmt: Format, doc: Document) -> tuple[Parsed, Languages] | None:
        """How the pipeline read ``path`` (``None``: not kept, or read otherwise)."""
        kept = self._readings.get(path.absolute())
        if kept is None or kept[0] != _reading_key(fmt, doc):
            return None
        return kept[1], kept[2]

    def used(self, path: Path) -> None:
        """The pipeline is done reading ``path``: forget it unless a later stage needs it."""
        if self.keep_after_use:
            return
        kept = self._kept.pop(path.absolute(), None)
        if kept is not None:
            self._size -= len(kept[0]) + sum(sys.getsizeof(d.text) for d in kept[1].values())


def _reading_key(fmt: Format, doc: Document) -> tuple[str, ...]:
    """What a reading depends on: the format, its settings, the text's encoding."""
    return (type(fmt).__name__, repr(sorted(reading_settings(fmt).items())), doc.encoding)


def decode_input(fmt: Format, data: bytes, where: str, encoding: str | None) -> Document:
    """The input as text (its encoding found or forced); a binary one is not decoded.

    Raises:
        InputError: as ``decode_bytes``, for text formats.
    """
    if is_binary(fmt):
        return Document("", BINARY)
    decode = getattr(fmt, "decode", None)  # a format's own rules (HTML: its <meta> charset)
    if decode is not None:
        document: Document = decode(data, where, encoding)
        return document
    return decode_bytes(data, where, encoding)


def is_blank(doc: Document) -> bool:
    """Whether a decoded input holds nothing but whitespace (never said of a binary one)."""
    return doc.encoding != BINARY and doc.is_blank


def read_languages(fmt: Format, data: bytes, where: str, doc: Document, source: str,
                   encoding: str | None) -> Languages:
    """The languages of a document and its paragraphs (keyed as its format's paragraphs).

    A paragraph missing from ``Languages.paragraphs`` has the document's language.

    Raises:
        InputError: unreadable, or the language is unclear (``plan_languages``).
        UsageError: the format's optional dependency is missing.
    """
    if is_plain_text(fmt):  # plain text: detected without segmenting
        return plan_languages(doc.text, source)
    if source != "auto":
        return Languages(source, {})
    paragraphs = paragraph_texts(fmt.read(data, where, _FIRST_READING, encoding))
    if not paragraphs:  # no words: nothing to translate, no language to tell
        return Languages("en", {})
    return detect_languages(paragraphs, source)


def read_parsed(fmt: Format, data: bytes, where: str, doc: Document, source: str,
                encoding: str | None, known: Languages | None = None,
                ) -> tuple[Parsed, Languages]:
    """Read a document with its format, its sentences split in its own language.

    Args:
        fmt: Its format.
        data: Its bytes.
        where: Its name, for messages.
        doc: ``decode_input``'s result.
        source: ``--from`` (``auto``: detect).
        encoding: ``--encoding``.
        known: Its languages when planning found them already.

    Raises:
        InputError: unreadable, or the language is unclear.
        UsageError: the format's optional dependency is missing.
    """
    languages = known or read_languages(fmt, data, where, doc, source, encoding)
    return fmt.read(data, where, languages.document, encoding), languages


def text_of(path: Path, data: bytes | None = None, lang: str = "en",
            encoding: str | None = None) -> Document:
    """The text content of a document (``data``: its bytes; ``None``: read them).

    Plain text as it is; any other format's words without its markup (a summary of
    ``X.en.docx`` reads words, not zip bytes), one paragraph a line.

    Args:
        path: The document (its suffix names its format).
        data: Its bytes, when the caller has them.
        lang: Its language (for sentence splitting).
        encoding: ``--encoding``, for text formats.

    Raises:
        InputError: it cannot be decoded or parsed, or its format is not supported.
        UsageError: the format's optional dependency is missing.
        OSError: it cannot be read.
    """
    data = read_regular(path) if data is None else data
    fmt = format_for(path)
    if is_plain_text(fmt):
        return decode_bytes(data, str(path), encoding)
    return Document(text_content(fmt.read(data, str(path), lang, encoding)))
