"""PDF: the text layer as Markdown in reading order; headers, footers, hyphens, bad files."""

from __future__ import annotations

import io
import time

import pytest

from tests.office_corpus import PDF_PARAGRAPHS, build_pdf
from translate.errors import InputError
from translate.files.names import output_path
from translate.formats.base import NothingToRead, format_for
from translate.formats.pdf import FORMAT, to_markdown

pytest.importorskip("pdfminer")
pytest.importorskip("reportlab")
P = PDF_PARAGRAPHS


def _pages(markdown: str) -> list[list[str]]:
    pages = markdown.split("\n\n---\n\n")
    return [[b for b in page.split("\n\n") if b.strip() and not b.startswith("<!--")]
            for page in pages]


def test_reading_order_columns_hyphens_and_running_lines() -> None:
    data = build_pdf()
    from pdfminer.high_level import extract_text

    raw = extract_text(io.BytesIO(data))
    assert "-\n" in raw and "Pagina 3 di 5" in raw  # the source really has them
    markdown, notes = to_markdown(data, "r.pdf")
    pages = _pages(markdown)
    assert len(pages) == 5 and markdown.count("<!-- page ") == 4
    assert pages[0] == ["Sezione 1: analisi delle piogge", *P[:3]]
    assert pages[1] == ["Sezione 2: analisi delle piogge", P[0], P[4], P[2]]  # left, then right
    assert pages[2] == ["Sezione 3: analisi delle piogge", P[1], P[5], P[3]]
    assert "Relazione sul clima" not in markdown and "Pagina" not in markdown
    assert notes == ("running headers and footers removed: 10",)


def test_the_format_translates_paragraphs_and_writes_markdown() -> None:
    fmt = format_for(output_path(__import__("pathlib").Path("r.pdf"), "en"))
    assert fmt.name == "markdown"  # X.pdf -> X.en.md
    parsed = FORMAT.read(build_pdf(), "r.pdf")
    assert P[3] in parsed.segments or any(s in P[3] for s in parsed.segments)
    outputs = [s.upper() for s in parsed.segments]
    text = FORMAT.write(parsed, outputs, "en").data.decode()
    assert "SEZIONE 5: ANALISI DELLE PIOGGE" in text and text.count("<!-- page ") == 4
    same = FORMAT.write(parsed, parsed.segments, "en").data.decode()
    assert same == to_markdown(build_pdf(), "r.pdf")[0]


def test_markdown_characters_in_the_text_stay_text() -> None:
    from translate.formats.pdf import _escape

    assert _escape("# non un titolo") == "\\# non un titolo"
    assert _escape("1. non un elenco") == "1\\. non un elenco"
    assert _escape("- meno *stella* <b> a_b [x]") == "\\- meno \\*stella\\* \\<b> a\\_b \\[x\\]"


def _canvas_pdf(draw, **kwargs) -> bytes:  # type: ignore[no-untyped-def]
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out, invariant=1, **kwargs)
    draw(pdf)
    pdf.save()
    return out.getvalue()


def _scan(pdf) -> None:  # type: ignore[no-untyped-def]
    for _ in range(2):
        pdf.rect(50, 50, 400, 600, fill=1)  # an image of a page: no text
        pdf.showPage()


def _symbols(pdf) -> None:  # type: ignore[no-untyped-def]
    for row in range(30):
        pdf.drawString(50, 800 - 20 * row, "#$%&@!*+=?><~^ 0192 §±¶ ##//\\\\ %%% $$$ !!!")
    pdf.showPage()


def _many(pdf) -> None:  # type: ignore[no-untyped-def]
    for number in range(2000):
        pdf.drawString(50, 800, f"Pagina {number}")
        pdf.showPage()


def test_no_text_layer_is_skipped_with_the_ocr_command() -> None:
    with pytest.raises(NothingToRead) as caught:
        FORMAT.read(_canvas_pdf(_scan), "dir/scansione.pdf")
    assert caught.value.message == "dir/scansione.pdf: no text layer: run OCR first"
    assert "ocrmypdf --language ita scansione.pdf scansione.pdf.ocr.pdf" in (caught.value.hint or "")


@pytest.mark.parametrize(("make", "words"), [
    (lambda: _canvas_pdf(_symbols), "its text layer is not readable text (only"),
    (lambda: _canvas_pdf(lambda p: (p.drawString(50, 800, "Testo segreto."), p.showPage()),
                         encrypt="segreta"), "encrypted: it needs a password"),
    (lambda: b"%PDF-1.4\n" + bytes(range(256)) * 20, "not a readable PDF"),
    (lambda: build_pdf()[:2000], "not a readable PDF"),
    (lambda: b"PK\x03\x04 a zip named .pdf", "not a PDF (no %PDF header)"),
])
def test_bad_pdfs_are_clear_errors(make, words) -> None:
    with pytest.raises(InputError) as caught:
        FORMAT.read(make(), "rotto.pdf")
    assert caught.value.message.startswith("rotto.pdf: ") and words in caught.value.message


def test_a_2000_page_pdf_is_refused_before_its_pages_are_read() -> None:
    data = _canvas_pdf(_many)
    started = time.monotonic()
    with pytest.raises(InputError, match="2,000 pages, more than 1,000"):
        FORMAT.read(data, "lungo.pdf")
    assert time.monotonic() - started < 30  # the page count only, not 2,000 layouts


def test_a_pdf_next_to_its_markdown_namesake_never_overwrites_its_translation(
        tmp_path, registry_file) -> None:
    import json

    from typer.testing import CliRunner

    from translate.cli.app import app

    (tmp_path / "r.pdf").write_bytes(build_pdf(pages=1))
    (tmp_path / "r.md").write_text("# Il titolo del documento\n", "utf-8")
    (tmp_path / "s.pdf").write_bytes(build_pdf(pages=2))
    report = tmp_path / "report.json"
    for _ in range(2):
        CliRunner().invoke(app, [str(tmp_path), "--models", str(registry_file), "--engine",
                                 "fake", "--from", "it", "--report", str(report)],
                           catch_exceptions=False)
        files = {f["path"].rsplit("/", 1)[-1]: f for f in json.loads(report.read_text())["files"]}
        assert files["r.pdf"]["status"] == "failed"
        assert "r.en.md is also the translation of r.md" in files["r.pdf"]["reason"]
        assert files["r.md"]["status"] in ("translated", "up-to-date")
        assert files["s.pdf"]["status"] in ("translated", "up-to-date")
        assert (tmp_path / "r.en.md").read_text("utf-8").startswith("# ")
        assert "<!-- page 2 -->" in (tmp_path / "s.en.md").read_text("utf-8")


def test_glyph_numbers_and_symbols_are_not_text() -> None:
    from translate.formats.pdf_text import garbage

    assert "no character map" in (garbage("(cid:12)(cid:7)(cid:44) (cid:3)(cid:9) ab") or "")
    assert "no character map" in (garbage("\ue001\ue002\ue003 \ue004\ue005 ok") or "")
    assert garbage("Il progetto è stato avviato a Milano nel 2024.") is None
