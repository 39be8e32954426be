"""EPUB: chapters, table of contents and title translated; the package still valid."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from lxml import etree

from tests.office_corpus import build_epub
from tests.test_formats_office import upper
from translate.errors import InputError
from translate.formats.epub import FORMAT

ebooklib = pytest.importorskip("ebooklib")


def _entries(data: bytes) -> list[tuple[str, int, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [(i.filename, i.compress_type, z.read(i)) for i in z.infolist()]


def _canonical(name: str, data: bytes) -> bytes:
    """An XML part without its language, canonicalised; other entries as they are."""
    if not name.endswith((".xhtml", ".opf", ".ncx")):
        return data
    text = re.sub(rb'(xml:)?lang="[a-z]+"', b"", data)
    text = re.sub(rb"<dc:language>[a-z]+</dc:language>", b"", text)
    return bytes(etree.tostring(etree.fromstring(text), method="c14n"))


def test_identity_keeps_every_entry_and_changes_only_the_language() -> None:
    data = build_epub()
    parsed = FORMAT.read(data, "libro.epub")
    written = FORMAT.write(parsed, parsed.segments, "en")
    assert written.damaged == ()
    before, after = _entries(data), _entries(written.data)
    assert [(n, c) for n, c, _ in after] == [(n, c) for n, c, _ in before]
    assert after[0][:2] == ("mimetype", zipfile.ZIP_STORED)
    for (name, _, old), (_, _, new) in zip(before, after, strict=True):
        assert _canonical(name, new) == _canonical(name, old), name


def test_chapters_toc_and_title_are_translated_and_ebooklib_reads_the_book() -> None:
    data = build_epub()
    parsed = FORMAT.read(data, "libro.epub")
    assert "Il treno partì da <x1>Milano</x1> alle 8:15." in parsed.segments
    assert "codice 42" not in parsed.segments  # <pre>
    written = FORMAT.write(parsed, upper(parsed.segments), "en").data
    from ebooklib import epub

    path = io.BytesIO(written)
    book = epub.read_epub(path, {"ignore_ncx": False})
    assert book.get_metadata("DC", "title")[0][0] == "IL VIAGGIO"
    assert book.get_metadata("DC", "language")[0][0] == "en"
    assert book.get_metadata("DC", "creator")[0][0] == "Anna Bianchi"
    documents = {i.file_name: i.get_content().decode() for i in book.get_items()
                 if i.get_type() == ebooklib.ITEM_DOCUMENT}
    assert set(documents) == {"nav.xhtml", "chap_1.xhtml", "chap_2.xhtml", "chap_3.xhtml"}
    first = documents["chap_1.xhtml"]
    assert "<p>IL TRENO PARTÌ DA <b>MILANO</b> ALLE 8:15.</p>" in first
    assert 'alt="IL LAGO DI COMO"' in first and 'xml:lang="en"' in first
    assert "<pre>codice 42</pre>" in documents["chap_2.xhtml"]
    assert '<a href="chap_3.xhtml">IL CAPITOLO SEGUENTE</a>' in documents["chap_2.xhtml"]
    assert "CAPITOLO TERZO" in documents["nav.xhtml"]
    ncx = dict((n, d) for n, _, d in _entries(written))["EPUB/toc.ncx"].decode()
    assert ncx.count("<text>CAPITOLO") == 3 and "<text>IL VIAGGIO</text>" in ncx


def _with(name: str, body: bytes | None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(build_epub())) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            if item.filename != name or body is not None:
                target.writestr(item, body if item.filename == name else source.read(item))
        if name not in source.namelist() and body is not None:
            target.writestr(name, body)
    return out.getvalue()


@pytest.mark.parametrize(("make", "words"), [
    (lambda: b"PK\x03\x04 broken", "not an EPUB (not a zip"),
    (lambda: _with("META-INF/container.xml", None), "no META-INF/container.xml"),
    (lambda: _with("EPUB/content.opf", None), "its package document 'EPUB/content.opf' is missing"),
    (lambda: _with("EPUB/chap_2.xhtml", b"<html><p>rotto"), "EPUB/chap_2.xhtml is not well-formed"),
    (lambda: _with("META-INF/encryption.xml", b'<encryption><CipherReference URI="EPUB/chap_1.xhtml"/>'
                   b"</encryption>"), "encrypted (DRM)"),
])
def test_bad_books_are_clear_errors(make, words) -> None:
    with pytest.raises(InputError) as caught:
        FORMAT.read(make(), "rotto.epub")
    assert caught.value.message.startswith("rotto.epub: ") and words in caught.value.message


def test_html_named_entities_without_a_dtd_are_read_as_their_characters() -> None:
    chapter = (b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><head><title>T'
               b"</title></head><body><p>Ciao&nbsp;mondo &amp; amici&hellip;</p></body></html>")
    parsed = FORMAT.read(_with("EPUB/chap_1.xhtml", chapter), "b.epub")
    assert "Ciao\u00a0mondo &amp; amici\u2026" in parsed.segments or \
        "Ciao\u00a0mondo & amici\u2026" in parsed.segments
    written = FORMAT.write(parsed, parsed.segments, "en").data
    out = dict((n, d) for n, _, d in _entries(written))["EPUB/chap_1.xhtml"].decode()
    assert "<p>Ciao\u00a0mondo &amp; amici\u2026</p>" in out
