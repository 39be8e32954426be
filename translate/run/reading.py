"""Reading one input with its format: its encoding, its segments and their languages.

Text formats keep the encoding rules of plain text (``--encoding``, detection, BOMs);
a binary format (DOCX) is never decoded. Languages are detected in the document's text
content (``formats.content``): the words of its segments, not tags, markup or zip bytes.
"""

from __future__ import annotations

from pathlib import Path

from translate.formats.base import Format, Parsed, format_for, is_binary, is_plain_text
from translate.formats.content import paragraph_texts, text_content
from translate.run.inputs import Languages, detect_languages, plan_languages
from translate.text.documents import Document, decode_bytes, read_regular

BINARY = "binary"  # the ``encoding`` a binary document is recorded with
# A first reading, for detection only, splits no sentences (``inline.Splitter``).
_FIRST_READING = ""


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
