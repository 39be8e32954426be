"""DOCX: paragraphs, runs, styles and tables kept; unreached parts reported; bad files."""

from __future__ import annotations

import io
import re
import zipfile

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from tests.formats_corpus import W, build_docx
from tests.helpers import identity_round_trip
from translate.errors import InputError
from translate.formats.docx import FORMAT


def _xml(data: bytes) -> list[bytes]:
    """The document XML that carries text: body, headers and footers, canonicalised."""
    document = docx.Document(io.BytesIO(data))
    parts = [etree.tostring(document.element.body, method="c14n")]
    for section in document.sections:
        parts += [etree.tostring(section.header._element, method="c14n"),
                  etree.tostring(section.footer._element, method="c14n")]
    return parts


def _outline(data: bytes) -> list[object]:
    """Paragraph styles, runs' formatting, table shapes, through python-docx."""
    document = docx.Document(io.BytesIO(data))
    out: list[object] = [(p.style.name, [(r.bold, r.italic, r.underline) for r in p.runs])
                         for p in document.paragraphs]
    out += [(len(t.rows), len(t.columns), t.style.name if t.style else None)
            for t in document.tables]
    return out


def _identity(data: bytes) -> bytes:
    return identity_round_trip(FORMAT, data, "x.docx")


def test_corpus_round_trip_keeps_the_document_xml() -> None:
    data = build_docx()
    out = _identity(data)
    assert _xml(out) == _xml(data)
    assert _outline(out) == _outline(data)


def test_segments_carry_run_changes_as_placeholders() -> None:
    parsed = FORMAT.read(build_docx(), "r.docx")
    segments = set(parsed.segments)
    assert "Il progetto è stato <x1>completato</x1> in anticipo." in segments
    assert "Vedi il <x1>rapporto completo</x1> per i dettagli." in segments
    assert "Frase spezzata in più run con la stessa forma." in segments  # same format: no tag
    assert {"Tabella annidata", "Relazione annuale riservata", "Pagina di prova"} <= segments
    assert parsed.notes == ()


def test_translation_keeps_styles_runs_links_and_tables() -> None:
    data = build_docx()
    parsed = FORMAT.read(data, "r.docx")
    outputs = [re.sub(r"(?<![<x/])\b([^\W\d_]+)", lambda m: m.group(1).upper(), s)
               for s in parsed.segments]
    written = FORMAT.write(parsed, outputs, "en")
    assert written.damaged == ()
    assert _outline(written.data) == _outline(data)
    document = docx.Document(io.BytesIO(written.data))
    texts = [p.text for p in document.paragraphs]
    assert "IL PROGETTO È STATO COMPLETATO IN ANTICIPO. IL BUDGET È STATO RISPETTATO." in texts
    assert [r.text for r in document.paragraphs[1].runs if r.bold] == ["COMPLETATO"]
    assert document.tables[0].cell(1, 1).tables[0].cell(0, 0).text == "TABELLA ANNIDATA"
    assert document.sections[0].header.paragraphs[0].text == "RELAZIONE ANNUALE RISERVATA"
    body = etree.tostring(document.element.body).decode()
    assert re.search(r"<w:hyperlink [^>]*r:id=\"rId\d+\"><w:r><w:rPr><w:u w:val=\"single\"/>"
                     r"</w:rPr><w:t[^>]*>RAPPORTO COMPLETO</w:t>", body)


def test_reordered_run_changes_follow_the_words() -> None:
    data = build_docx()
    parsed = FORMAT.read(data, "r.docx")
    index = parsed.segments.index("Il progetto è stato <x1>completato</x1> in anticipo.")
    outputs = list(parsed.segments)
    outputs[index] = "<x1>Done</x1> early was the project."
    document = docx.Document(io.BytesIO(FORMAT.write(parsed, outputs, "en").data))
    runs = [(r.text, r.bold) for r in document.paragraphs[1].runs]
    assert runs[0] == ("Done", True) and runs[1][0].startswith(" early was the project.")


def test_footnotes_and_text_boxes_are_translated_too() -> None:
    data = build_docx(footnotes=True, text_box=True)
    parsed = FORMAT.read(data, "r.docx")
    assert parsed.notes == ()
    assert {"Una nota a piè di pagina.", "Un'altra nota.", "Testo in una casella"} <= \
        set(parsed.segments)
    written = FORMAT.write(parsed, [s.upper() for s in parsed.segments], "en")
    with zipfile.ZipFile(io.BytesIO(written.data)) as z:
        notes, body = z.read("word/footnotes.xml").decode(), z.read("word/document.xml").decode()
    assert "UNA NOTA A PIÈ DI PAGINA." in notes and "<w:separator/>" in notes
    assert "TESTO IN UNA CASELLA" in body and "Testo in una casella" not in body
    assert _xml(_identity(data)) == _xml(data)
    with zipfile.ZipFile(io.BytesIO(_identity(data))) as z:
        assert z.read("word/footnotes.xml") == zipfile.ZipFile(io.BytesIO(data)).read(
            "word/footnotes.xml")


def test_comments_insertions_and_inline_content_controls_are_translated() -> None:
    from docx.oxml import parse_xml

    document = docx.Document()
    p = document.add_paragraph("Il testo ")
    p._p.append(parse_xml(f'<w:ins xmlns:w="{W}" w:id="1" w:author="Anna" w:date="2025-01-01T00:00:00Z">'
                          "<w:r><w:t>aggiunto dopo</w:t></w:r></w:ins>"))
    p.add_run(" resta qui.")
    q = document.add_paragraph("Scegli ")
    q._p.append(parse_xml(f'<w:sdt xmlns:w="{W}"><w:sdtPr><w:alias w:val="Scelta"/></w:sdtPr>'
                          "<w:sdtContent><w:r><w:t>una opzione</w:t></w:r></w:sdtContent></w:sdt>"))
    q.add_run(" dal menu.")
    commented = document.add_paragraph("Frase commentata.")
    document.add_comment(commented.runs, text="Un commento del revisore.", author="Mario Bianchi")
    out = io.BytesIO()
    document.save(out)
    data = out.getvalue()
    parsed = FORMAT.read(data, "c.docx")
    assert parsed.notes == ()
    assert "Il testo <x1>aggiunto dopo</x1> resta qui." in parsed.segments
    assert "Scegli <x1>una opzione</x1> dal menu." in parsed.segments
    assert any(s.endswith("Un commento del revisore.") for s in parsed.segments)
    written = FORMAT.write(parsed, [re.sub(r"(?<![<x/])\b([^\W\d_]+)",
                                           lambda m: m.group(1).upper(), s)
                                    for s in parsed.segments], "en")
    assert written.damaged == ()
    result = docx.Document(io.BytesIO(written.data))
    body = etree.tostring(result.element.body).decode()
    assert re.search(r'<w:ins w:id="1" w:author="Anna"[^>]*><w:r><w:t>AGGIUNTO DOPO</w:t>', body)
    assert re.search(r'<w:sdt><w:sdtPr><w:alias w:val="Scelta"/></w:sdtPr><w:sdtContent><w:r>'
                     r"<w:t>UNA OPZIONE</w:t></w:r></w:sdtContent></w:sdt>", body)
    comment = next(iter(result.comments))
    assert comment.text == "UN COMMENTO DEL REVISORE." and comment.author == "Mario Bianchi"
    assert _xml(_identity(data)) == _xml(data)


def test_deleted_text_is_counted_not_translated() -> None:
    from docx.oxml import parse_xml

    document = docx.Document()
    p = document.add_paragraph("Resta ")
    p._p.append(parse_xml(f'<w:fldSimple xmlns:w="{W}" w:instr="AUTHOR"><w:r><w:t>Anna</w:t></w:r>'
                          "</w:fldSimple>"))
    out = io.BytesIO()
    document.save(out)
    parsed = FORMAT.read(out.getvalue(), "d.docx")
    assert parsed.notes == ("deleted text, fields or content controls in paragraphs not "
                            "translated: 1",)


def _zip_without_word() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("hello.txt", "not a word file")
    return out.getvalue()


@pytest.mark.parametrize(("make", "words"), [
    (lambda: b"this is plain text, not a zip", "not a valid .docx"),
    (lambda: build_docx()[:3000], "not a valid .docx"),  # truncated
    (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "password-protected"),
    (_zip_without_word, "not a valid .docx"),
])
def test_bad_files_are_clear_errors(make, words) -> None:
    with pytest.raises(InputError) as caught:
        FORMAT.read(make(), "rotto.docx")
    assert caught.value.message.startswith("rotto.docx: ") and words in caught.value.message


_RUN = st.tuples(st.sampled_from(["Ciao ", "mondo", " e poi", "  spazi  ", "Roma.", "x<x1>y",
                                  "È bello! Sì."]),
                 st.sampled_from([None, "b", "i", "bi", "u"]),
                 st.sampled_from(["", "tab", "br", "proofErr", "bookmark"]))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(_RUN, max_size=5), min_size=1, max_size=5), st.booleans())
def test_generated_documents_round_trip(paragraphs, with_table) -> None:
    document = docx.Document()
    for runs in paragraphs:
        p = document.add_paragraph()
        for text, form, extra in runs:
            run = p.add_run(text)
            run.bold = "b" in (form or "") or None
            run.italic = "i" in (form or "") or None
            run.underline = "u" in (form or "") or None
            if extra == "tab":
                run.add_tab()
            elif extra == "br":
                run.add_break()
            elif extra:  # zero-width marks between runs
                from docx.oxml import parse_xml

                xml = ('<w:proofErr w:type="spellStart"' if extra == "proofErr"
                       else '<w:bookmarkStart w:id="1" w:name="b"')
                p._p.append(parse_xml(f'{xml} xmlns:w="{W}"/>'))
    if with_table:
        table = document.add_table(rows=2, cols=2)
        table.cell(0, 0).text, table.cell(1, 1).text = "Voce uno", "Voce due."
    out = io.BytesIO()
    document.save(out)
    data = out.getvalue()
    assert _xml(_identity(data)) == _xml(data)


def _field_order(data: bytes) -> list[str]:
    body = docx.Document(io.BytesIO(data)).element.body
    return [e.get(f"{{{W}}}fldCharType") or "instr" for e in body.iter()
            if e.tag in (f"{{{W}}}fldChar", f"{{{W}}}instrText")]


def test_field_codes_keep_their_order_even_when_the_model_moves_them() -> None:
    data = build_docx()
    parsed = FORMAT.read(data, "r.docx")
    index = next(i for i, s in enumerate(parsed.segments) if "pagina" in s)
    assert parsed.segments[index] == "Vedi la pagina <x1/><x2/><x3/>3<x4/> del documento."
    outputs = list(parsed.segments)
    outputs[index] = "See page <x4/>3<x3/><x2/><x1/> of the document."  # all there, reversed
    written = FORMAT.write(parsed, outputs, "en")
    assert written.damaged == (index,)
    assert _field_order(written.data) == _field_order(data) == ["begin", "instr", "separate", "end"]
    texts = [p.text for p in docx.Document(io.BytesIO(written.data)).paragraphs]
    assert any("See page" in t and "of the document." in t for t in texts)


def test_spelling_marks_and_bookmarks_are_invisible_to_the_model_and_kept() -> None:
    data = build_docx()
    parsed = FORMAT.read(data, "r.docx")
    assert "Il progeto è finito." in parsed.segments  # no token for the marks
    outputs = [s if "progeto" not in s else "It is finished, truly." for s in parsed.segments]
    body = docx.Document(io.BytesIO(FORMAT.write(parsed, outputs, "en").data)).element.body
    names = [e.tag.split("}")[1] for e in body.iter() if e.tag.split("}")[1] in
             ("proofErr", "bookmarkStart", "bookmarkEnd")]
    assert names == ["proofErr", "proofErr", "bookmarkStart", "bookmarkEnd"]
    assert any(p.text.startswith("It is finished, truly.")
               for p in docx.Document(io.BytesIO(FORMAT.write(parsed, outputs, "en").data)).paragraphs)


def test_a_bookmark_that_lands_inside_bold_words_does_not_split_their_runs() -> None:
    from docx.oxml import parse_xml

    document = docx.Document()
    p = document.add_paragraph("Il lavoro ")
    p._p.append(parse_xml(f'<w:bookmarkStart xmlns:w="{W}" w:id="0" w:name="qui"/>'))
    p.add_run("è finito").bold = True
    p._p.append(parse_xml(f'<w:bookmarkEnd xmlns:w="{W}" w:id="0"/>'))
    p.add_run(" oggi.")
    out = io.BytesIO()
    document.save(out)
    parsed = FORMAT.read(out.getvalue(), "b.docx")
    assert parsed.segments == ("Il lavoro <x1>è finito</x1> oggi.",)
    written = FORMAT.write(parsed, ["Work <x1>is completely and utterly finished</x1> today."],
                           "en")
    result = docx.Document(io.BytesIO(written.data))
    runs = [(r.text, r.bold) for r in result.paragraphs[0].runs]
    assert runs == [("Work ", None), ("is completely and utterly finished", True), (" today.", None)]
    names = [e.tag.split("}")[1] for e in result.paragraphs[0]._p]
    assert names.count("bookmarkStart") == 1 and names.index("bookmarkStart") < names.index("bookmarkEnd")


def test_a_link_with_spelling_marks_inside_is_still_translated() -> None:
    from docx.oxml import parse_xml

    document = docx.Document()
    p = document.add_paragraph("Vedi ")
    p._p.append(parse_xml(
        f'<w:hyperlink xmlns:w="{W}" w:anchor="x"><w:proofErr w:type="spellStart"/>'
        '<w:r><w:t>qeusto link</w:t></w:r><w:proofErr w:type="spellEnd"/></w:hyperlink>'))
    p.add_run(" ora.")
    out = io.BytesIO()
    document.save(out)
    parsed = FORMAT.read(out.getvalue(), "l.docx")
    assert parsed.segments == ("Vedi <x1>qeusto link</x1> ora.",) and parsed.notes == ()
    written = FORMAT.write(parsed, ["See <x1>this link</x1> now."], "en")
    paragraph = docx.Document(io.BytesIO(written.data)).paragraphs[0]
    links = paragraph._p.findall(f"{{{W}}}hyperlink")
    assert paragraph.text == "See this link now." and len(links) == 1
    assert "".join(t.text for t in links[0].iter(f"{{{W}}}t")) == "this link"


def test_the_same_translation_gives_the_same_bytes_later(monkeypatch) -> None:
    import time

    data = build_docx()
    first = _identity(data)
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 3600)  # zip entries are dated
    assert _identity(data) == first
    dates = {i.filename: i.date_time for i in zipfile.ZipFile(io.BytesIO(data)).infolist()}
    for item in zipfile.ZipFile(io.BytesIO(first)).infolist():
        assert item.date_time == dates.get(item.filename, (1980, 1, 1, 0, 0, 0))
