"""``--ocr``: a scanned PDF (an image of text, no text layer) read through ocrmypdf.

The recognition test needs ocrmypdf and Tesseract's Italian data (Debian: ``apt-get
install ocrmypdf tesseract-ocr-ita``): it fails under ``CI=true`` when they are
missing, else skips. The messages for what is missing are tested without them.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.system_tools import require_program
from translate.cli.app import app
from translate.errors import UsageError
from translate.formats import pdf_ocr
from translate.formats.base import NothingToRead
from translate.formats.pdf import FORMAT, PdfFormat

pytest.importorskip("pdfminer")
pytest.importorskip("reportlab")
LINES = ["Il bilancio della società", "è stato approvato", "il 12 aprile 2025."]


def build_image_pdf(lines: list[str] = LINES) -> bytes:
    """One A4 page holding only a picture of ``lines`` (a scan: no text layer)."""
    from PIL import Image, ImageDraw, ImageFont
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    image = Image.new("L", (1654, 2339), 255)  # A4 at 200 dpi
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=64)
    for number, line in enumerate(lines):
        draw.text((150, 200 + 110 * number), line, fill=0, font=font)
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=(595.27, 841.89), invariant=1)
    pdf.drawImage(ImageReader(image), 0, 0, width=595.27, height=841.89)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def _ocr_tools() -> None:
    require_program("ocrmypdf", "ocrmypdf tesseract-ocr-ita")
    if "ita" not in pdf_ocr.installed_languages():
        require_program("tesseract-ita-data-is-missing", "tesseract-ocr-ita")


def test_without_ocr_an_image_pdf_is_a_scan_to_skip() -> None:
    with pytest.raises(NothingToRead) as caught:
        FORMAT.read(build_image_pdf(), "scan.pdf", "it")
    assert "--ocr" in (caught.value.hint or "")


def test_missing_ocrmypdf_or_language_data_is_named_with_how_to_install(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no program at all
    with pytest.raises(UsageError) as caught:
        PdfFormat(ocr=True).read(build_image_pdf(), "scan.pdf", "it")
    assert "ocrmypdf" in caught.value.message
    assert "apt-get install ocrmypdf tesseract-ocr-ita" in (caught.value.hint or "")
    monkeypatch.undo()
    if pdf_ocr.installed_languages() and "jpn" in pdf_ocr.installed_languages():
        pytest.skip("Japanese data is installed: nothing missing to name")
    if not pdf_ocr.shutil.which("ocrmypdf"):
        return
    with pytest.raises(UsageError) as caught:
        pdf_ocr.languages_for("ja")
    assert "'ja' (jpn)" in caught.value.message
    assert "tesseract-ocr-jpn" in (caught.value.hint or "")


def test_a_run_with_ocr_but_no_ocrmypdf_fails_that_file_clearly(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    require_program("apertium", "apertium apertium-cat-ita apertium-eng-cat")
    monkeypatch.setattr(pdf_ocr, "PROGRAM", "ocrmypdf-not-installed")
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "scan.pdf").write_bytes(build_image_pdf())
    (folder / "nota.txt").write_text("Il bilancio è stato approvato.\n", "utf-8")
    report = tmp_path / "r.json"
    result = CliRunner().invoke(app, [str(folder), "--from", "it", "--engine", "apertium",
                                      "--ocr", "--report", str(report)])
    files = {Path(f["path"]).name: f for f in json.loads(report.read_text("utf-8"))["files"]}
    assert result.exit_code != 0
    assert files["nota.txt"]["status"] == "translated"
    assert files["scan.pdf"]["status"] == "failed"
    assert "ocrmypdf" in files["scan.pdf"]["reason"]
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) == [
        "nota.en.txt", "nota.txt", "scan.pdf"]


@pytest.mark.slow
def test_ocr_reads_the_words_of_a_scan_and_leaves_the_folder_alone(tmp_path: Path) -> None:
    _ocr_tools()
    require_program("apertium", "apertium apertium-cat-ita apertium-eng-cat")
    folder = tmp_path / "docs"
    folder.mkdir()
    data = build_image_pdf()
    (folder / "scan.pdf").write_bytes(data)
    parsed = PdfFormat(ocr=True).read(data, "scan.pdf", "it")
    words = " ".join(parsed.segments).lower()
    assert "bilancio" in words and "approvato" in words and "2025" in words
    report = tmp_path / "r.json"
    args = [str(folder), "--from", "it", "--engine", "apertium", "--report", str(report)]
    result = CliRunner().invoke(app, [*args, "--ocr"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    english = (folder / "scan.en.md").read_text("utf-8").lower()
    assert "2025" in english and "april" in english and "bilancio" not in english
    # only the translation and the tool's own records next to the input; the input as it was
    assert (folder / "scan.pdf").read_bytes() == data
    assert {p.name for p in folder.iterdir()} - {"scan.pdf", "scan.en.md"} <= {
        ".translate-cache", ".translate-outputs"}
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    status = json.loads(report.read_text("utf-8"))["files"][0]
    assert status["status"] == "skipped" and "run OCR first" in status["reason"]
