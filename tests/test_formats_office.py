"""PPTX and XLSX: every slide, table, group, note and text cell; all else kept; bad files."""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from tests.helpers import identity_round_trip
from tests.office_corpus import SLIDES, build_pptx, build_xlsx, build_xlsx_inline
from translate.errors import InputError
from translate.formats.pptx import FORMAT as PPTX
from translate.formats.xlsx import FORMAT as XLSX

pptx = pytest.importorskip("pptx")
openpyxl = pytest.importorskip("openpyxl")


def upper(segments: tuple[str, ...]) -> list[str]:
    """A translation that changes every word and keeps the placeholders."""
    return [re.sub(r"(?<![<x/])\b([^\W\d_]+)", lambda m: m.group(1).upper(), s)
            for s in segments]


def _entries(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


def _deck(data: bytes):  # type: ignore[no-untyped-def]
    return pptx.Presentation(io.BytesIO(data))


def _shape_tree(data: bytes) -> list[object]:
    """Each slide's shapes (type, name, geometry, paragraphs' run formatting), tables, notes."""
    out: list[object] = []
    for slide in _deck(data).slides:
        for shape in slide.shapes:
            shapes = list(shape.shapes) if shape.shape_type == 6 else [shape]  # 6: a group
            for item in shapes:
                row: list[object] = [item.shape_type, item.name, item.left, item.width]
                if item.has_text_frame:
                    row += [[(r.font.bold, r.font.italic, r.hyperlink.address) for r in p.runs]
                            for p in item.text_frame.paragraphs]
                if getattr(item, "has_table", False):
                    row.append((len(item.table.rows), len(item.table.columns)))
                out.append(row)
        out.append(slide.has_notes_slide)
    return out


def test_pptx_identity_gives_back_the_same_bytes() -> None:
    data = build_pptx()
    assert identity_round_trip(PPTX, data, "deck.pptx") == data


def test_pptx_reads_every_slide_table_group_and_note_in_order() -> None:
    parsed = PPTX.read(build_pptx(), "deck.pptx")
    segments = parsed.segments
    titles = [segments.index(title) for title, _ in SLIDES]
    assert titles == sorted(titles)  # the presentation's order
    for kept in ("Milano", "Crescita", "Prima casella del gruppo", "Seconda casella del gruppo",
                 "Appunti del relatore per la diapositiva 10: parlare lentamente.",
                 "Il fatturato <x1>è cresciuto</x1> del 12% a Milano."):
        assert kept in segments
    assert parsed.notes == ("charts' embedded data workbooks not translated (the charts show "
                            "the translation; editing their data shows the source's labels): 1",)


def test_pptx_translation_keeps_shapes_runs_links_and_masters() -> None:
    data = build_pptx()
    parsed = PPTX.read(data, "deck.pptx")
    written = PPTX.write(parsed, upper(parsed.segments), "en")
    assert written.damaged == ()
    assert _shape_tree(written.data) == _shape_tree(data)
    before, after = _entries(data), _entries(written.data)
    assert list(after) == list(before)  # every part, in its order
    for name in before:
        if "slideMaster" in name or "slideLayout" in name or not name.endswith(".xml"):
            assert after[name] == before[name], name
    deck = _deck(written.data)
    slides = list(deck.slides)
    body = slides[0].placeholders[1].text_frame.paragraphs[0]
    assert [(r.text, r.font.bold) for r in body.runs] == [
        ("IL FATTURATO ", None), ("È CRESCIUTO", True), (" DEL 12% A MILANO.", None)]
    link = [r for r in slides[2].placeholders[1].text_frame.paragraphs[0].runs if r.hyperlink.address]
    assert link[0].text == " HA CHIUSO 34 CONTRATTI." and link[0].hyperlink.address.endswith("torino")
    colour = slides[1].placeholders[1].text_frame.paragraphs[0].runs[1]
    assert colour.font.italic and str(colour.font.color.rgb) == "C00000"
    table = next(s for s in slides[3].shapes if s.has_table).table
    assert table.cell(1, 0).text == "MILANO" and table.cell(1, 1).text == "1200"
    group = next(s for s in slides[4].shapes if s.shape_type == 6)
    assert [s.text_frame.text for s in group.shapes] == ["PRIMA CASELLA DEL GRUPPO",
                                                         "SECONDA CASELLA DEL GRUPPO"]
    chart = next(s for s in slides[8].shapes if s.has_chart).chart
    assert chart.chart_title.text_frame.text == "SPESE PREVISTE"
    assert list(chart.plots[0].categories) == ["PERSONALE", "AFFITTI"]
    assert chart.plots[0].series[0].name == "SPESE" and chart.plots[0].series[0].values == (1.5, 0.7)
    assert slides[9].notes_slide.notes_text_frame.text == \
        "APPUNTI DEL RELATORE PER LA DIAPOSITIVA 10: PARLARE LENTAMENTE."


def test_pptx_moved_bold_words_follow_the_translation() -> None:
    parsed = PPTX.read(build_pptx(), "deck.pptx")
    index = parsed.segments.index("Il fatturato <x1>è cresciuto</x1> del 12% a Milano.")
    outputs = list(parsed.segments)
    outputs[index] = "<x1>Growth</x1> of 12% in Milan for the turnover."
    slide = _deck(PPTX.write(parsed, outputs, "en").data).slides[0]
    runs = slide.placeholders[1].text_frame.paragraphs[0].runs
    assert [(r.text, r.font.bold) for r in runs] == [
        ("Growth", True), (" of 12% in Milan for the turnover.", None)]


def _book(data: bytes):  # type: ignore[no-untyped-def]
    return openpyxl.load_workbook(io.BytesIO(data))


def _cells(data: bytes) -> list[object]:
    """Every cell's type, number format, font, fill; formulas and numbers by value."""
    out: list[object] = []
    book = _book(data)
    for sheet in book:
        out.append((sheet.title, sorted(str(r) for r in sheet.merged_cells.ranges),
                    {k: v.width for k, v in sheet.column_dimensions.items()}))
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value if not isinstance(cell.value, str) or \
                    cell.value.startswith("=") else "text"
                out.append((cell.coordinate, cell.data_type, value, cell.number_format,
                            cell.font.b, cell.comment.author if cell.comment else None))
    return out


@pytest.mark.parametrize("build", [build_xlsx, build_xlsx_inline])
def test_xlsx_identity_gives_back_the_same_bytes(build) -> None:
    data = build()
    assert identity_round_trip(XLSX, data, "book.xlsx") == data


@pytest.mark.parametrize("build", [build_xlsx, build_xlsx_inline])
def test_xlsx_translates_text_cells_and_keeps_everything_else(build) -> None:
    data = build()
    parsed = XLSX.read(data, "book.xlsx")
    assert "Totale delle vendite" in parsed.segments
    assert not any(s in parsed.segments for s in ("alto", "grande", "1200", "Vendite!B5"))
    written = XLSX.write(parsed, upper(parsed.segments), "en")
    assert written.damaged == ()
    assert _cells(written.data) == _cells(data)
    book = _book(written.data)
    assert book.sheetnames == ["Vendite", "Note", "Riepilogo"]
    sales, notes = book["Vendite"], book["Note"]
    assert sales["A2"].value == "MILANO" and sales["A5"].value == "TOTALE DELLE VENDITE"
    assert sales["A2"].comment.text.startswith("CONTROLLARE IL DATO DI MILANO.")
    assert notes["A1"].value == "RELAZIONE ANNUALE DELLA SOCIETÀ"
    assert notes["A2"].value == "IL BILANCIO È STATO APPROVATO IL 12 APRILE."
    assert notes["A3"].value == 3.14 and sales["B5"].value == "=SUM(B2:B4)"


def test_xlsx_keeps_cached_formula_results_rich_runs_and_the_chart() -> None:
    data = build_xlsx()
    parsed = XLSX.read(data, "book.xlsx")
    written = XLSX.write(parsed, upper(parsed.segments), "en")
    before, after = _entries(data), _entries(written.data)
    assert list(after) == list(before)
    sheet = after["xl/worksheets/sheet1.xml"].decode()
    assert sheet == before["xl/worksheets/sheet1.xml"].decode()  # cells point to strings
    assert '<c r="B6" t="str"><f>IF(B5&gt;1000,"alto","basso")</f><v>alto</v>' in sheet
    assert "<v>2850.5</v>" in sheet
    strings = after["xl/sharedStrings.xml"].decode()
    assert re.search(r"<r><rPr><b/>.*?<t>ROMA</t></r>", strings)
    chart = after["xl/charts/chart1.xml"].decode()
    assert "VENDITE PER CITTÀ" in chart and "<c:v>MILANO</c:v>" in chart
    assert "<c:f>Vendite!$A$2:$A$4</c:f>" in chart  # references keep the sheet's name
    for name in ("xl/styles.xml", "xl/workbook.xml", "xl/drawings/drawing1.xml"):
        assert after[name] == before[name]


def _zip(entries: dict[str, bytes], compress: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compress) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return out.getvalue()


def _macro_pptx() -> bytes:
    entries = _entries(build_pptx())
    types = entries["[Content_Types].xml"].decode().replace(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
        "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml")
    entries["[Content_Types].xml"] = types.encode()
    entries["ppt/vbaProject.bin"] = b"\xd0\xcf\x11\xe0 macros"
    return _zip(entries)


def _bomb() -> bytes:
    entries = _entries(build_pptx())
    entries["ppt/slides/slide1.xml"] = b"<a>" + b" " * (20 << 20) + b"</a>"
    return _zip(entries)


def _deflate64() -> bytes:
    """A deck whose slide says it is compressed with Deflate64 (method 9, no reader here)."""
    data = bytearray(_zip(_entries(build_pptx())))
    name = b"ppt/slides/slide1.xml"
    for signature, method_at, name_at in ((b"PK\x03\x04", 8, 30), (b"PK\x01\x02", 10, 46)):
        start = 0
        while (start := data.find(signature, start)) >= 0:
            if data[start + name_at:start + name_at + len(name)] == name:
                data[start + method_at:start + method_at + 2] = (9).to_bytes(2, "little")
            start += 4
    return bytes(data)


@pytest.mark.parametrize(("fmt", "make", "words"), [
    (PPTX, _deflate64, "ppt/slides/slide1.xml uses a compression this tool cannot read"),
    (PPTX, lambda: b"plain text, not a zip", "not a .pptx (not a zip"),
    (PPTX, lambda: build_pptx()[:5000], "not a .pptx (not a zip"),
    (PPTX, _macro_pptx, "a macro-enabled file (.pptm) named .pptx"),
    (PPTX, _bomb, "inflates"),
    (PPTX, lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "password-protected"),
    (PPTX, build_xlsx, "not a .pptx (its main part is"),
    (XLSX, build_pptx, "not a .xlsx (its main part is"),
    (XLSX, lambda: _zip({"a.txt": b"hello"}), "no [Content_Types].xml"),
])
def test_bad_packages_are_clear_errors(fmt, make, words) -> None:
    with pytest.raises(InputError) as caught:
        fmt.read(make(), "rotto.x")
    assert caught.value.message.startswith("rotto.x: ") and words in caught.value.message


def test_hostile_files_fail_alone_and_the_others_go_on(tmp_path, registry_file) -> None:
    import json
    import time

    import psutil
    from typer.testing import CliRunner

    from tests.office_corpus import build_odt, build_pdf
    from tests.test_formats_pdf import _canvas_pdf, _many, _symbols
    from translate.cli.app import app

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "bomba.pptx").write_bytes(_bomb())
    (folder / "macro.pptx").write_bytes(_macro_pptx())
    (folder / "rotto.xlsx").write_bytes(build_xlsx()[:3000])
    (folder / "lungo.pdf").write_bytes(_canvas_pdf(_many))
    (folder / "simboli.pdf").write_bytes(_canvas_pdf(_symbols))
    (folder / "buono.odt").write_bytes(build_odt())
    (folder / "buono.pdf").write_bytes(build_pdf(pages=2))
    report = tmp_path / "report.json"
    before = psutil.Process().memory_info().rss
    started = time.monotonic()
    result = CliRunner().invoke(app, [str(folder), "--models", str(registry_file), "--engine",
                                      "fake", "--from", "it", "--report", str(report)],
                                catch_exceptions=False)
    elapsed = time.monotonic() - started
    assert result.exit_code == 1, result.output  # some files failed
    assert "Traceback" not in result.output
    files = {f["path"].rsplit("/", 1)[-1]: f for f in json.loads(report.read_text())["files"]}
    assert files["buono.odt"]["status"] == files["buono.pdf"]["status"] == "translated"
    reasons = {name: files[name]["reason"] for name in files if name.split(".")[0] != "buono"}
    assert all(files[name]["status"] == "failed" for name in reasons)
    assert "inflates" in reasons["bomba.pptx"] and "zip bomb" in reasons["bomba.pptx"]
    assert "macro-enabled" in reasons["macro.pptx"]
    assert "not a .xlsx" in reasons["rotto.xlsx"]
    assert "2,000 pages" in reasons["lungo.pdf"]
    assert "not readable text" in reasons["simboli.pdf"]
    assert elapsed < 120 and psutil.Process().memory_info().rss - before < 400 << 20


def test_what_no_format_translates_is_counted() -> None:
    entries = _entries(build_pptx())
    slide = entries["ppt/slides/slide1.xml"].decode()
    entries["ppt/slides/slide1.xml"] = re.sub(r'<p:cNvPr id="2" name="([^"]+)"',
                                              r'<p:cNvPr id="2" name="\1" descr="Un grafico"',
                                              slide, count=1).encode()
    parsed = PPTX.read(_zip(entries), "d.pptx")
    assert "alternative texts of pictures and shapes not translated: 1" in parsed.notes
    book = _entries(build_xlsx())
    sheet = book["xl/worksheets/sheet2.xml"].decode()
    book["xl/worksheets/sheet2.xml"] = sheet.replace(
        "</worksheet>", "<headerFooter><oddHeader>&amp;CRelazione &amp;P</oddHeader>"
        "<oddFooter>&amp;P / &amp;N</oddFooter></headerFooter></worksheet>").encode()
    assert XLSX.read(_zip(book), "b.xlsx").notes == (
        "printed page headers and footers not translated: 1",)
