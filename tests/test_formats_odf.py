"""OpenDocument: paragraphs, headings, lists, tables, notes, frames, slides; all else kept."""

from __future__ import annotations

import io
import zipfile

import pytest
from lxml import etree

from tests.helpers import identity_round_trip
from tests.office_corpus import build_odp, build_ods, build_odt
from tests.test_formats_office import upper
from translate.errors import InputError
from translate.formats.odf import FORMAT

TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"


def _part(data: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read(name)


def _shape(data: bytes) -> list[object]:
    """Every element's name and attributes, in order: the tree without its text."""
    out: list[object] = []
    for name in ("content.xml", "styles.xml"):
        root = etree.fromstring(_part(data, name))
        out += [(e.tag, sorted(e.attrib.items())) for e in root.iter()]
    return out


@pytest.mark.parametrize(("name", "build"), [("r.odt", build_odt), ("r.ods", build_ods),
                                             ("r.odp", build_odp)])
def test_identity_gives_back_the_same_bytes(name, build) -> None:
    data = build()
    assert identity_round_trip(FORMAT, data, name) == data


@pytest.mark.parametrize(("name", "build"), [("r.odt", build_odt), ("r.ods", build_ods),
                                             ("r.odp", build_odp)])
def test_translation_keeps_every_element_and_attribute(name, build) -> None:
    data = build()
    parsed = FORMAT.read(data, name)
    written = FORMAT.write(parsed, upper(parsed.segments), "en")
    assert written.damaged == ()
    assert _shape(written.data) == _shape(data)
    with zipfile.ZipFile(io.BytesIO(written.data)) as z:
        first = z.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert z.read("mimetype") == _part(data, "mimetype")


def test_odt_notes_frames_headers_and_spans_are_translated() -> None:
    data = build_odt()
    parsed = FORMAT.read(data, "r.odt")
    assert "Una nota <x1>importante</x1> a piè di pagina." in parsed.segments
    assert "Vedi il <x1>rapporto completo</x1> per i dettagli." in parsed.segments
    assert "1" not in parsed.segments  # a note's number is not text
    written = FORMAT.write(parsed, upper(parsed.segments), "en").data
    content = _part(written, "content.xml").decode()
    for kept in ('<text:span text:style-name="T1">COMPLETATO</text:span>',
                 "<text:note-citation>1</text:note-citation>",
                 '<text:p>UNA NOTA <text:span text:style-name="T1">IMPORTANTE</text:span> A PIÈ DI '
                 "PAGINA.</text:p>", "<text:p>TESTO NEL RIQUADRO.</text:p>",
                 'xlink:href="https://example.com/r">RAPPORTO COMPLETO</text:a>',
                 '<text:s text:c="2"/>SPAZI.', "<text:p>ALTRA NOTA DEL DOCUMENTO.</text:p>",
                 "<svg:title>IL RIQUADRO GRIGIO</svg:title>"):
        assert kept in content
    styles = _part(written, "styles.xml").decode()
    assert "RELAZIONE ANNUALE RISERVATA" in styles and "<text:page-number" in styles


def test_ods_keeps_numbers_dates_formula_results_and_sheet_names() -> None:
    parsed = FORMAT.read(build_ods(), "r.ods")
    assert "alto" not in parsed.segments and "1200" not in parsed.segments
    content = _part(FORMAT.write(parsed, upper(parsed.segments), "en").data, "content.xml").decode()
    assert 'office:string-value="alto"><text:p>alto</text:p>' in content
    assert '<text:p>1200</text:p>' in content and "<text:p>2025-03-01</text:p>" in content
    assert 'table:name="Vendite"' in content and "TOTALE DELLE VENDITE" in content


def test_odp_leaves_the_master_slides_alone() -> None:
    data = build_odp()
    parsed = FORMAT.read(data, "r.odp")
    assert "Titolo del modello" not in parsed.segments
    written = FORMAT.write(parsed, upper(parsed.segments), "en").data
    assert _part(written, "styles.xml") == _part(data, "styles.xml")
    assert "APPUNTI PER LA DIAPOSITIVA 2." in _part(written, "content.xml").decode()


def test_moved_spans_follow_the_words() -> None:
    parsed = FORMAT.read(build_odp(), "r.odp")
    index = parsed.segments.index("Il fatturato è <x1>cresciuto</x1> a Roma.")
    outputs = list(parsed.segments)
    outputs[index] = "<x1>Growth</x1> in Rome for the turnover."
    content = _part(FORMAT.write(parsed, outputs, "en").data, "content.xml").decode()
    assert '<text:p><text:span text:style-name="T1">Growth</text:span> in Rome for the ' \
           "turnover.</text:p>" in content


def _tracked() -> bytes:
    data = build_odt()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            body = source.read(item)
            if item.filename == "content.xml":
                body = body.replace(b"<office:text>", b'<office:text><text:tracked-changes>'
                                    b'<text:changed-region text:id="c1"><text:deletion>'
                                    b"<text:p>Testo cancellato.</text:p></text:deletion>"
                                    b"</text:changed-region></text:tracked-changes>")
            target.writestr(item, body)
    return out.getvalue()


def test_deleted_text_of_tracked_changes_is_counted_not_translated() -> None:
    parsed = FORMAT.read(_tracked(), "r.odt")
    assert "Testo cancellato." not in parsed.segments
    assert parsed.notes == ("tracked deletions not translated: 1",)


def _with(name: str, body: bytes) -> bytes:
    data = build_odt()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            target.writestr(item, body if item.filename == name else source.read(item))
    return out.getvalue()


@pytest.mark.parametrize(("make", "words"), [
    (lambda: b"not a zip at all", "not an OpenDocument file (not a zip"),
    (lambda: build_odt()[:400], "not an OpenDocument file (not a zip"),
    (lambda: _with("mimetype", b"application/epub+zip"), "its mimetype is 'application/epub+zip'"),
    (lambda: _with("content.xml", b"<office:document-content><unclosed>"), "not well-formed XML"),
    (lambda: _with("META-INF/manifest.xml", b"<m><manifest:encryption-data/></m>"),
     "password-protected"),
])
def test_bad_files_are_clear_errors(make, words) -> None:
    with pytest.raises(InputError) as caught:
        FORMAT.read(make(), "rotto.odt")
    assert caught.value.message.startswith("rotto.odt: ") and words in caught.value.message


def test_entities_are_not_expanded() -> None:
    bomb = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;'
            b'&a;&a;&a;&a;&a;&a;&a;">]><office:document-content xmlns:office="urn:oasis:names:'
            b'tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:'
            b'xmlns:text:1.0"><office:body><office:text><text:p>Ciao &b; mondo</text:p>'
            b"</office:text></office:body></office:document-content>")
    parsed = FORMAT.read(_with("content.xml", bomb), "r.odt")
    assert all("aaaa" not in s for s in parsed.segments)
    assert parsed.segments[0] == "Ciao <x1/> mondo"  # the reference is kept, unexpanded
    written = FORMAT.write(parsed, ["Hello <x1/> world", *parsed.segments[1:]], "en").data
    assert b"<text:p>Hello &b; world</text:p>" in _part(written, "content.xml")


def test_a_document_nested_too_deep_is_a_clear_error() -> None:
    body = ('<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:'
            'opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:'
            'text:1.0"><office:body><office:text><text:p>' + "<text:span>a" * 5000 + "Ciao"
            + "</text:span>" * 5000 + "</text:p></office:text></office:body>"
            "</office:document-content>")
    with pytest.raises(InputError, match=r"content\.xml has elements nested more than 256 deep"):
        FORMAT.read(_with("content.xml", body.encode()), "r.odt")
