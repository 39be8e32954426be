"""Runs over every format, continued: detection, summaries, review pages, encodings,
output names, and real English from Apertium (issue 14)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import docx
import pytest

from tests.formats_corpus import build_docx
from tests.system_tools import require_program
from tests.test_formats_runs import _files, _html_tree, _translate, run
from translate.formats.base import format_for


def test_language_is_detected_in_the_words_not_the_markup(
        tmp_path: Path, registry_file: Path) -> None:
    markup = ('<div class="the main content of the page" title="">'
              '<script>function whenTheWindowIsLoaded() { return "the window is ready and '
              'all the content has been loaded from the server"; }</script>') * 6
    page = (f"<html><body>{markup}<p>Il governo ha approvato ieri la nuova legge di "
            "bilancio per il prossimo anno.</p></body></html>")
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "pagina.html").write_text(page)
    (folder / "lettera.docx").write_bytes(build_docx())
    report = tmp_path / "report.json"
    assert _translate(folder, registry_file, "fake", report=report).exit_code == 0
    assert _files(report)["pagina.html"]["language"] == "it"
    detected = run("detect", str(folder))
    assert detected.exit_code == 0, detected.output
    assert sorted(line.split("\t")[:2] for line in detected.output.splitlines()) == [
        [str(folder / "lettera.docx"), "it"], [str(folder / "pagina.html"), "it"]]


def test_summaries_of_a_md_and_a_docx_with_one_stem_do_not_collide(
        tmp_path: Path, registry_file: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "x.md").write_text("# Titolo\n\nIl governo ha approvato la **legge** di "
                                 "bilancio per il prossimo anno.\n")
    (folder / "x.docx").write_bytes(build_docx())
    result = _translate(folder, registry_file, "fake", "--from", "it", "--summarize",
                        "--max-words", "20")
    assert result.exit_code == 0, result.output
    md = (folder / "x.en.summary.md.txt").read_text("utf-8")
    word = (folder / "x.en.summary.docx.txt").read_text("utf-8")
    assert md != word
    assert "Titolo" in md and "Relazione" in word  # each from its own document
    for text in (md, word):  # words, not markup or zip bytes
        assert not re.search(r"\*\*|</?x\d|PK|<w:", text), text
    assert not (folder / "x.en.summary.txt").exists()
    explained = run("cache", "stats", "--explain", str(folder / "x.en.summary.docx.txt"),
                    "--models", str(registry_file), "--engine", "fake")
    assert explained.exit_code == 0, explained.output
    assert "x.docx unchanged since the output was written" in explained.output


def test_review_rows_are_the_segments_the_run_translated(
        tmp_path: Path, registry_file: Path) -> None:
    from translate.formats.content import plain
    from translate.formats.inline import TOKEN
    from translate.review.build import build_review

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "nota.md").write_text("# Titolo\n\nIl governo ha approvato la **legge**. "
                                    "Vedi [il sito](https://example.com).\n")
    (folder / "rapporto.docx").write_bytes(build_docx())
    assert _translate(folder, registry_file, "fake", "--from", "it").exit_code == 0
    for name in ("nota.md", "rapporto.docx"):
        path = folder / name
        segments = format_for(path).read(path.read_bytes(), name, "it").segments
        page = build_review(path)
        words = [plain(s) if TOKEN.search(s) else s for s in segments]
        assert [row.source for row in page.rows] == words  # markup shown as its words
        assert [row.translation for row in page.rows] == [
            plain(f"<it-en>[{s}]") if TOKEN.search(s) else f"<it-en>[{s}]" for s in segments]
        assert not any(TOKEN.search(row.source + row.translation) for row in page.rows)
        assert page.edited_output is None
    edited = docx.Document(folder / "rapporto.en.docx")
    edited.paragraphs[0].runs[0].text = "My own heading"
    edited.save(folder / "rapporto.en.docx")
    shown = build_review(folder / "rapporto.docx").edited_output  # shown as words
    assert shown is not None and shown.startswith("My own heading") and "<w:" not in shown


def test_apertium_keeps_numbers_names_and_markup_in_html_and_docx(tmp_path: Path) -> None:
    """Real English (rule-based, no model download): meaning survives inside the formats."""
    packages = "apertium apertium-cat-ita apertium-eng-cat"
    require_program("apertium", packages)
    modes = Path(os.environ.get("APERTIUM_DATADIR") or "/usr/share/apertium") / "modes"
    if not all((modes / f"{pair}.mode").is_file() for pair in ("ita-cat", "cat-eng")):
        message = f"Apertium pairs ita-cat and cat-eng are missing (apt-get install {packages})"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "pagina.html").write_text(
        "<html><body><p>La società di <b>Mario Rossi</b> ha pagato 1500 euro per 3 "
        "computer il 12 marzo 2024.</p>"
        "<p>Il comune ha approvato il progetto.</p></body></html>\n")
    document = docx.Document()
    paragraph = document.add_paragraph("La società di ")
    paragraph.add_run("Mario Rossi").bold = True
    paragraph.add_run(" ha pagato 1500 euro per 3 computer il 12 marzo 2024.")
    document.add_paragraph("Il comune ha approvato il progetto.")
    document.save(folder / "lettera.docx")
    report = tmp_path / "report.json"
    result = run(str(folder), "--engine", "apertium", "--from", "it", "--to", "en",
                 "--report", str(report))
    assert result.exit_code == 0, result.output
    assert {f["status"] for f in _files(report).values()} == {"translated"}
    html = (folder / "pagina.en.html").read_text("utf-8")
    assert _html_tree(html.encode(), False) == _html_tree(
        (folder / "pagina.html").read_bytes(), False)
    out = docx.Document(folder / "lettera.en.docx")
    text = out.paragraphs[0].text
    assert "<b>Mario Rossi</b>" in html  # the name, and its markup around it
    for found in (html, text):
        assert "Mario Rossi" in found
        assert all(n in found for n in ("1500", "3", "12", "2024"))
        assert "paid" in found and "computer" in found  # English, not the Italian
        assert "pagato" not in found
    assert [r.text for r in out.paragraphs[0].runs if r.bold] == ["Mario Rossi"]
    assert "project" in out.paragraphs[1].text


def test_every_output_name_is_in_gitignore_and_no_input_is() -> None:
    import fnmatch

    from translate.files.names import output_path, summary_path
    from translate.formats.base import default_suffixes, unsupported
    from translate.review.page import review_path

    root = Path(__file__).resolve().parent.parent
    patterns = [line for line in (root / ".gitignore").read_text().splitlines()
                if line and not line.startswith("#")]

    def ignored(name: str) -> bool:
        return any(fnmatch.fnmatch(name, pattern) for pattern in patterns)

    for suffix in sorted(default_suffixes()):
        source = Path(f"rapporto{suffix}")
        if unsupported(source):
            continue
        outputs = [output_path(source, "en"), summary_path(source, "en"),
                   summary_path(source, "it"), review_path(source)]
        assert [o.name for o in outputs if not ignored(o.name)] == []
        assert not ignored(source.name)
    assert summary_path(Path("x.md"), "en") != summary_path(Path("x.docx"), "en")
    assert summary_path(Path("x.txt"), "en").name == "x.en.summary.txt"


@pytest.mark.parametrize("name", ["guide.md", "page.html", "film.srt", "lecture.vtt",
                                  "report.docx"])
def test_a_reading_for_detection_has_the_same_paragraphs_and_words(name: str) -> None:
    """Detection reads without splitting sentences; its paragraphs key the real reading."""
    from translate.formats.content import paragraph_texts

    data = (build_docx(footnotes=True) if name.endswith(".docx")
            else (Path(__file__).parent / "data" / "formats" / name).read_bytes())
    fmt = format_for(Path(name))
    quick, split = fmt.read(data, name, ""), fmt.read(data, name, "it")
    assert len(quick.segments) <= len(split.segments)  # sentences are not split
    assert paragraph_texts(quick) == paragraph_texts(split)


def test_html_in_its_declared_legacy_charset_and_encoding_forced(
        tmp_path: Path, registry_file: Path) -> None:
    page = ('<html><head><meta charset="windows-1251"></head><body><p>Привет, мир.</p>'
            "</body></html>\n")
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "pagina.html").write_bytes(page.encode("cp1251"))
    report = tmp_path / "report.json"
    result = _translate(folder, registry_file, "identity", "--from", "it", report=report)
    assert result.exit_code == 0, result.output
    assert _files(report)["pagina.html"]["details"]["encoding"] == "cp1251"
    assert "Привет, мир.".encode("cp1251") in (folder / "pagina.en.html").read_bytes()
    forced = _translate(folder, registry_file, "identity", "--from", "it", "--force",
                        "--encoding", "koi8-r", report=report)
    assert forced.exit_code == 0, forced.output  # --encoding wins over the <meta> charset
    assert _files(report)["pagina.html"]["details"]["encoding"] == "koi8-r"
