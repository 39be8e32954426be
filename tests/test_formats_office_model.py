"""The new formats through the tiny real Marian model: every structural element kept."""

from __future__ import annotations

import io
import zipfile

from lxml import etree

from tests import office_corpus as corpus
from tests.test_formats_model import _changed, translate_all  # noqa: F401  (the fixture)

ODF_PAIRS = {"{urn:oasis:names:tc:opendocument:xmlns:text:1.0}span",
             "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}a"}


def _part(data: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read(name)


def _names(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.namelist()


def test_pptx_keeps_slides_shapes_tables_groups_and_notes(translate_all) -> None:  # noqa: F811
    from pptx import Presentation

    data = corpus.build_pptx()
    out, _, segments, outputs = translate_all("deck.pptx", data)
    _changed(segments, outputs)

    def outline(raw: bytes) -> list[object]:
        rows: list[object] = []
        for slide in Presentation(io.BytesIO(raw)).slides:
            for shape in slide.shapes:
                rows.append((shape.shape_type, shape.name, shape.top, shape.height,
                             len(shape.text_frame.paragraphs) if shape.has_text_frame else None,
                             len(list(shape.shapes)) if shape.shape_type == 6 else None))
                if getattr(shape, "has_table", False):
                    rows.append([len(c.text_frame.paragraphs) for r in shape.table.rows
                                 for c in r.cells])
            rows.append(len(slide.notes_slide.notes_text_frame.paragraphs))
        return rows

    assert outline(out) == outline(data)
    assert _names(out) == _names(data)


def test_xlsx_keeps_every_cell_type_formula_and_sheet(translate_all) -> None:  # noqa: F811
    from tests.test_formats_office import _cells

    data = corpus.build_xlsx()
    out, _, segments, outputs = translate_all("book.xlsx", data)
    _changed(segments, outputs)
    assert _cells(out) == _cells(data)
    for name in ("xl/workbook.xml", "xl/styles.xml", "xl/worksheets/sheet1.xml"):
        assert _part(out, name) == _part(data, name)


def test_opendocument_keeps_its_tree_but_spans(translate_all) -> None:  # noqa: F811
    def blocks(raw: bytes) -> list[object]:
        root = etree.fromstring(_part(raw, "content.xml"))
        return [(e.tag, sorted(e.attrib.items())) for e in root.iter()
                if e.tag not in ODF_PAIRS]

    for name, build in (("r.odt", corpus.build_odt), ("r.ods", corpus.build_ods),
                        ("r.odp", corpus.build_odp)):
        data = build()
        out, damaged, segments, outputs = translate_all(name, data)
        _changed(segments, outputs)
        assert blocks(out) == blocks(data), name
        if not damaged:
            assert etree.tostring(etree.fromstring(_part(out, "content.xml"))).count(b"<text:span") \
                == etree.tostring(etree.fromstring(_part(data, "content.xml"))).count(b"<text:span")


def test_epub_keeps_every_chapter_and_block(translate_all) -> None:  # noqa: F811
    from translate.formats.html import _INLINE

    data = corpus.build_epub()
    out, _, segments, outputs = translate_all("libro.epub", data)
    _changed(segments, outputs)
    assert _names(out) == _names(data)
    for name in _names(data):
        if name.endswith(".xhtml"):
            def tree(raw: bytes) -> list[str]:
                return [e.tag for e in etree.fromstring(raw).iter()
                        if isinstance(e.tag, str) and e.tag.split("}")[-1] not in _INLINE]

            assert tree(_part(out, name)) == tree(_part(data, name)), name


def test_pdf_keeps_its_pages_and_paragraphs(translate_all) -> None:  # noqa: F811
    from translate.formats.pdf import to_markdown

    data = corpus.build_pdf()
    out, _, segments, outputs = translate_all("r.pdf", data)
    _changed(segments, outputs)
    source = to_markdown(data, "r.pdf")[0]
    text = out.decode()
    assert text.count("<!-- page ") == source.count("<!-- page ") == 4
    assert text.count("\n\n") == source.count("\n\n")
