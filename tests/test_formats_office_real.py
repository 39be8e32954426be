"""The new formats with real language (Apertium) and a real consumer (LibreOffice).

One run of ``translate --engine apertium`` over a folder of every new format, then one
LibreOffice conversion of every office output to PDF (LibreOffice is slow to start:
the tests share both). Under ``CI=true`` a missing Apertium or LibreOffice fails.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from typer.testing import CliRunner

from tests import office_corpus as corpus
from tests.system_tools import require_program
from translate.cli.app import app

pytestmark = pytest.mark.slow
FILES = {"deck.pptx": corpus.build_pptx, "book.xlsx": corpus.build_xlsx,
         "rapporto.odt": corpus.build_odt, "foglio.ods": corpus.build_ods,
         "slides.odp": corpus.build_odp, "libro.epub": corpus.build_epub,
         "relazione.pdf": corpus.build_pdf}
ODF_P = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}h", \
    "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}p"
OFFICE = ("deck.en.pptx", "book.en.xlsx", "rapporto.en.odt", "foglio.en.ods", "slides.en.odp")


@pytest.fixture(scope="module")
def translated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_program("apertium", "apertium apertium-cat-ita apertium-eng-cat")
    folder = tmp_path_factory.mktemp("real") / "docs"
    folder.mkdir()
    for name, build in FILES.items():
        (folder / name).write_bytes(build())
    report = folder.parent / "report.json"
    result = CliRunner().invoke(app, [str(folder), "--to", "en", "--from", "it", "--engine",
                                      "apertium", "--report", str(report)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    statuses = {Path(f["path"]).name: f["status"]
                for f in json.loads(report.read_text("utf-8"))["files"]}
    assert statuses == dict.fromkeys(FILES, "translated")
    return folder


@pytest.fixture(scope="module")
def converted(translated: Path) -> Path:
    soffice = require_program("soffice", "libreoffice-writer-nogui libreoffice-calc-nogui "
                                         "libreoffice-impress-nogui")
    out = translated.parent / "pdf"
    profile = (translated.parent / "profile").as_uri()
    run = subprocess.run([soffice, "--headless", f"-env:UserInstallation={profile}",
                          "--convert-to", "pdf", "--outdir", str(out),
                          *(str(translated / n) for n in OFFICE)],
                         capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stderr
    return out


def _pdf_text(path: Path) -> str:
    from pdfminer.high_level import extract_text

    return re.sub(r"\s+", " ", extract_text(str(path)))


def test_pptx_keeps_numbers_names_and_bold_in_real_english(translated: Path) -> None:
    from pptx import Presentation

    deck = Presentation(str(translated / "deck.en.pptx"))
    slides = list(deck.slides)
    assert len(slides) == 10
    runs = slides[0].placeholders[1].text_frame.paragraphs[0].runs
    bold = [r.text for r in runs if r.font.bold]
    assert len(bold) == 1 and bold[0].strip() and bold[0] != "è cresciuto"
    assert "12%" in "".join(r.text for r in runs)
    assert "2025" in slides[1].placeholders[1].text_frame.text
    table = next(s for s in slides[3].shapes if s.has_table).table
    assert table.cell(1, 1).text == "1200" and table.cell(0, 0).text != "Città"
    notes = slides[9].notes_slide.notes_text_frame.text
    assert "10" in notes and "relatore" not in notes and "diapositiva" not in notes


def test_xlsx_keeps_numbers_formulas_and_bold(translated: Path) -> None:
    import openpyxl

    book = openpyxl.load_workbook(translated / "book.en.xlsx", rich_text=True)
    sales = book["Vendite"]
    assert book.sheetnames == ["Vendite", "Note", "Riepilogo"]
    assert sales["B2"].value == 1200.5 and sales["B5"].value == "=SUM(B2:B4)"
    assert sales["A1"].value != "Città" and sales["A1"].font.b
    assert "12" in book["Note"]["A2"].value and book["Note"]["A2"].value != \
        "Il bilancio è stato approvato il 12 aprile."
    rich = sales["A8"].value
    assert [str(block.text) for block in rich if getattr(block, "font", None) and block.font.b]
    assert sales["A2"].comment.author == "Maria Rossi"


def test_odt_epub_and_pdf_keep_names_numbers_and_spans(translated: Path) -> None:
    content = zipfile.ZipFile(translated / "rapporto.en.odt").read("content.xml").decode()
    assert re.search(r'<text:span text:style-name="T1">[^<]+</text:span>', content)
    assert "<text:note-citation>1</text:note-citation>" in content
    assert "Una nota" not in content and "Il progetto" not in content
    from ebooklib import epub

    book = epub.read_epub(io.BytesIO((translated / "libro.en.epub").read_bytes()))
    assert book.get_metadata("DC", "language")[0][0] == "en"
    chapter = book.get_item_with_href("chap_1.xhtml").get_content().decode()
    assert "8:15" in chapter and re.search(r"<b>[^<]+</b>", chapter) and "Il treno" not in chapter
    markdown = (translated / "relazione.en.md").read_text("utf-8")
    assert "Maria Rossi" in markdown and "2024" in markdown and "250.000" in markdown
    assert markdown.count("<!-- page ") == 4 and "Il progetto" not in markdown


def test_libreoffice_opens_every_office_output_and_shows_the_translation(
        translated: Path, converted: Path) -> None:
    from pptx import Presentation

    texts = {name: _pdf_text(converted / (name.rsplit(".", 1)[0] + ".pdf")) for name in OFFICE}
    title = Presentation(str(translated / "deck.en.pptx")).slides[0].shapes.title.text
    assert title != "Relazione trimestrale" and title in texts["deck.en.pptx"]
    assert "Relazione trimestrale" not in texts["deck.en.pptx"]
    import openpyxl

    cell = openpyxl.load_workbook(translated / "book.en.xlsx")["Vendite"]["A5"].value
    assert cell in texts["book.en.xlsx"] and "2,850.5" in texts["book.en.xlsx"]
    for name, source in (("rapporto.en.odt", "Il budget è stato rispettato."),
                         ("foglio.en.ods", "Totale delle vendite"),
                         ("slides.en.odp", "Grazie per l'attenzione.")):
        assert texts[name].strip() and source not in texts[name], name
        content = etree.fromstring(zipfile.ZipFile(translated / name).read("content.xml"))
        first = next(" ".join("".join(p.itertext()).split()) for p in content.iter(*ODF_P)
                     if "".join(p.itertext()).strip())
        assert first in texts[name], (name, first)
    assert "Milan" in texts["foglio.en.ods"]
