"""``--translate-sheet-names``: valid names, every reference rewritten, formulas still compute.

The pure parts (names Excel accepts, formulas rewritten) are tested directly; the
format with a translation function that renames each sheet; the whole run with
Apertium and LibreOffice, which computes the formulas again from the translated
workbook (their cached results removed) and must find every renamed sheet.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.system_tools import require_program
from translate.cli.app import app
from translate.formats.sheet_names import rewrite_formula, valid_names
from translate.formats.xlsx import FORMAT, XlsxFormat

S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def build_book() -> bytes:
    """Three sheets whose names need quoting or not, referenced every way a workbook can."""
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    summary = book.add_worksheet("Riepilogo")
    sales = book.add_worksheet("Vendite totali")
    prices = book.add_worksheet("Prezzi")
    for row, (city, amount) in enumerate([("Milano", 1200), ("Roma", 950), ("Torino", 700)]):
        sales.write_string(row, 0, city)
        sales.write_number(row, 1, amount)
        prices.write_number(row, 0, row + 2)
    summary.write_string("A1", "Totale delle vendite")
    summary.write_formula("B1", "=SUM('Vendite totali'!B1:B3)")
    summary.write_formula("B2", "=Prezzi!A1*'Vendite totali'!B2")
    summary.write_formula("B3", '=IF(Prezzi!A3>3,"Prezzi!A3 alto","basso")')
    summary.write_formula("B4", "=SUM(Totali)")
    book.define_name("Totali", "='Vendite totali'!$B$1:$B$3")
    chart = book.add_chart({"type": "column"})
    chart.add_series({"categories": "='Vendite totali'!$A$1:$A$3",
                      "values": "='Vendite totali'!$B$1:$B$3"})
    summary.insert_chart("D2", chart)
    book.close()
    return out.getvalue()


def _parts(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {n: archive.read(n).decode("utf-8") for n in archive.namelist()
                if n.endswith(".xml")}


def _sheet_names(data: bytes) -> list[str]:
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = etree.fromstring(archive.read("xl/workbook.xml"))
    return [e.get("name") for e in root.iter(f"{S}sheet")]


def test_names_are_made_valid_for_excel_and_each_change_is_said() -> None:
    names, notes = valid_names(
        ["Uno", "Due", "Tre", "Quattro", "2024", "Cinque"],
        ["Sales: 2024/Q1 [draft]?", "SALES 2024 Q1 DRAFT", "A" * 40, "'History'", None,
         "2024"])
    assert names[0] == "Sales 2024 Q1 draft"
    assert names[1] == "SALES 2024 Q1 DRAFT (2)"  # Excel compares names ignoring case
    assert names[2] == "A" * 31
    assert names[3] == "Quattro"  # "History" is Excel's own
    assert names[4] == "2024" and names[5] == "2024 (2)"  # a kept name is taken first
    assert all(len(n) <= 31 and not re.search(r"[\[\]:*?/\\]", n) for n in names)
    assert len({n.casefold() for n in names}) == len(names)
    joined = "\n".join(notes)
    for said in ("'Sales 2024 Q1 draft'", "'SALES 2024 Q1 DRAFT (2)'", "'" + "A" * 31 + "'",
                 "'Quattro'", "'2024 (2)'"):
        assert said in joined


def test_a_numbered_name_still_fits_in_31_characters() -> None:
    names, _ = valid_names(["a", "b"], ["B" * 31, "b" * 31])
    assert names == ["B" * 31, "b" * 27 + " (2)"]


@pytest.mark.parametrize(("formula", "expected"), [
    ("=SUM('Vendite totali'!B1:B3)", "=SUM('Total sales'!B1:B3)"),
    ("=Prezzi!A1*'Vendite totali'!B2", "=Prices!A1*'Total sales'!B2"),
    ("=prezzi!A1", "=Prices!A1"),  # references ignore case
    ('=IF(Prezzi!A3>3,"Prezzi!A3","x")', '=IF(Prices!A3>3,"Prezzi!A3","x")'),
    ("=SUM(Prezzi:Altro!A1)", "=SUM(Prices:Altro!A1)"),
    ("=[1]Prezzi!A1+Prezzi2!A1+X.Prezzi!A1", "=[1]Prezzi!A1+Prezzi2!A1+X.Prezzi!A1"),
    ("='[Book.xlsx]Prezzi'!A1", "='[Book.xlsx]Prezzi'!A1"),
    ("=Costi!A1", "='It''s A1'!A1"),  # quoted, its apostrophe doubled
    ("='Vendite totali'!A1&Dati!B2", "='Total sales'!A1&'A1'!B2"),  # a cell-like name
])
def test_formulas_name_the_new_sheets(formula: str, expected: str) -> None:
    renamed = {"vendite totali": "Total sales", "prezzi": "Prices", "costi": "It's A1",
               "dati": "A1"}
    assert rewrite_formula(formula, renamed)[0] == expected


def test_a_sheet_named_inside_a_string_is_counted() -> None:
    assert rewrite_formula('=INDIRECT("Prezzi!A1")', {"prezzi": "Prices"})[1] == 1
    assert rewrite_formula('=INDIRECT("Altro!A1")', {"prezzi": "Prices"})[1] == 0


def test_sheet_names_are_kept_by_default() -> None:
    data = build_book()
    parsed = FORMAT.read(data, "book.xlsx", "it")
    assert not {"Riepilogo", "Vendite totali", "Prezzi"} & set(parsed.segments)
    written = FORMAT.write(parsed, [s.upper() for s in parsed.segments], "en")
    assert _sheet_names(written.data) == ["Riepilogo", "Vendite totali", "Prezzi"]
    assert FORMAT.settings == {}


def test_renamed_sheets_are_renamed_everywhere_they_are_named() -> None:
    data = build_book()
    fmt = XlsxFormat(translate_sheet_names=True)
    assert fmt.settings == {"translate_sheet_names": True}
    parsed = fmt.read(data, "book.xlsx", "it")
    assert parsed.segments[-3:] == ("Riepilogo", "Vendite totali", "Prezzi")
    names = {"Riepilogo": "Summary", "Vendite totali": "Total: sales", "Prezzi": "summary"}
    written = fmt.write(parsed, [names.get(s, s) for s in parsed.segments], "en")
    assert _sheet_names(written.data) == ["Summary", "Total sales", "summary (2)"]
    assert any("'summary (2)'" in n for n in written.notes)
    assert any("'Total sales'" in n for n in written.notes)
    parts = _parts(written.data)
    sheet = parts["xl/worksheets/sheet1.xml"]
    assert "SUM('Total sales'!B1:B3)" in sheet
    assert "'summary (2)'!A1*'Total sales'!B2" in sheet
    assert "Prezzi!A3 alto" in sheet  # a string stays the text it was
    assert "'Total sales'!$B$1:$B$3" in parts["xl/workbook.xml"]  # the defined name
    chart = next(v for k, v in parts.items() if k.startswith("xl/charts/chart"))
    assert "'Total sales'!$A$1:$A$3" in chart and "Vendite" not in chart
    assert "Total sales" in parts["docProps/app.xml"]
    assert not any("Vendite totali" in text for text in parts.values())
    assert any("inside a string" in n for n in written.notes)  # "Prezzi!A3 alto"


def _uncached(data: bytes) -> bytes:
    """The workbook without its formulas' cached results: a reader must compute them."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            part = source.read(item)
            if item.filename.startswith("xl/worksheets/"):
                part = re.sub(rb"(</f>)<v>[^<]*</v>", rb"\1", part)
            target.writestr(item, part)
    return out.getvalue()


@pytest.mark.slow
def test_with_apertium_names_are_english_and_libreoffice_computes_every_formula(
        tmp_path: Path) -> None:
    require_program("apertium", "apertium apertium-cat-ita apertium-eng-cat")
    soffice = require_program("soffice", "libreoffice-calc-nogui")
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "libro.xlsx").write_bytes(build_book())
    report = tmp_path / "report.json"
    args = [str(folder), "--to", "en", "--from", "it", "--engine", "apertium"]
    result = CliRunner().invoke(app, [*args, "--report", str(report)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert _sheet_names((folder / "libro.en.xlsx").read_bytes())[1] == "Vendite totali"
    result = CliRunner().invoke(app, [*args, "--translate-sheet-names", "--report",
                                      str(report)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    # an output made without the flag is not up to date with it
    assert json.loads(report.read_text("utf-8"))["files"][0]["status"] == "translated"
    names = _sheet_names((folder / "libro.en.xlsx").read_bytes())
    assert names[1] == "Total sales" and names[2] != "Prezzi"
    result = CliRunner().invoke(app, [*args, "--translate-sheet-names", "--report",
                                      str(report)], catch_exceptions=False)
    assert json.loads(report.read_text("utf-8"))["files"][0]["status"] == "up-to-date"
    result = CliRunner().invoke(app, [*args, "--report", str(report)], catch_exceptions=False)
    assert json.loads(report.read_text("utf-8"))["files"][0]["status"] == "translated"
    assert _sheet_names((folder / "libro.en.xlsx").read_bytes())[1] == "Vendite totali"
    result = CliRunner().invoke(app, [*args, "--translate-sheet-names", "--report",
                                      str(report)], catch_exceptions=False)
    check = tmp_path / "check.xlsx"
    check.write_bytes(_uncached((folder / "libro.en.xlsx").read_bytes()))
    out = tmp_path / "csv"
    run = subprocess.run([soffice, "--headless", f"-env:UserInstallation="
                          f"{(tmp_path / 'profile').as_uri()}", "--convert-to",
                          "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,"
                          "false,false,-1", "--outdir", str(out), str(check)],
                         capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stderr
    first = next(p for p in out.iterdir() if p.name.endswith(f"-{names[0]}.csv"))
    rows = list(csv.reader(io.StringIO(first.read_text("utf-8"))))
    # SUM of the sales, a price times a sale, IF over a price, a defined name's SUM
    assert [row[1] for row in rows[:4]] == ["2850", "1900", "Prezzi!A3 alto", "2850"]
    assert "#REF" not in first.read_text("utf-8")
    assert any(p.name.endswith("-Total sales.csv") for p in out.iterdir())
    # the review page reads the workbook as the run did: its rows hold the sheet names
    result = CliRunner().invoke(app, ["review", str(folder / "libro.xlsx"), "--to", "en"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    page = (folder / "libro.xlsx.review.html").read_text("utf-8")
    assert "Vendite totali" in page and "Total sales" in page


def test_a_name_collision_in_a_run_is_a_warning_in_the_report(tmp_path: Path) -> None:
    import xlsxwriter

    require_program("apertium", "apertium apertium-cat-ita apertium-eng-cat")
    folder = tmp_path / "docs"
    folder.mkdir()
    book = xlsxwriter.Workbook(str(folder / "due.xlsx"))
    book.add_worksheet("Vendite").write_string("A1", "Il totale delle vendite")
    book.add_worksheet("Vendite ").write_formula("A1", "=Vendite!A1+'Vendite '!A2")
    book.close()
    report = tmp_path / "r.json"
    result = CliRunner().invoke(app, [str(folder), "--from", "it", "--engine", "apertium",
                                      "--translate-sheet-names", "--report", str(report)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert _sheet_names((folder / "due.en.xlsx").read_bytes()) == ["Sales", "Sales (2)"]
    details = json.loads(report.read_text("utf-8"))["files"][0]["details"]
    assert any("'Sales (2)'" in note for note in details["changed_to_fit"])
    assert "already taken" in result.output
    assert "<f>Sales!A1+'Sales (2)'!A2</f>" in _parts((folder / "due.en.xlsx").read_bytes())[
        "xl/worksheets/sheet2.xml"]
