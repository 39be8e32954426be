"""Issue 21: a document that expands past the size guard fails fast, with its figures."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from translate.cli.app import app

docx = pytest.importorskip("docx")


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def _docx(paragraphs: int = 1, parts: int = 0, media: int = 0) -> bytes:
    """A DOCX with ``paragraphs`` extra empty-ish paragraphs, extra parts and media bytes."""
    document = docx.Document()
    document.add_paragraph("Una frase da tradurre.")
    buffer = io.BytesIO()
    document.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/document.xml":
                body = b"<w:p><w:r><w:t>x</w:t></w:r></w:p>" * paragraphs
                data = data.replace(b"<w:body>", b"<w:body>" + body, 1)
            package.writestr(info.filename, data)
        for i in range(parts):
            package.writestr(f"customXml/extra{i}.xml", b"<a/>")
        if media:
            package.writestr("word/media/big.bin", b"\0" * media)
    return out.getvalue()


def _report(folder: Path, tmp_path: Path, *extra: str) -> tuple[int, dict[str, dict[str, str]]]:
    report = tmp_path / "r.json"
    result = run(str(folder), "--engine", "apertium", "--from", "it", "--dry-run",
                 "--report", str(report), *extra)
    files = json.loads(report.read_text("utf-8"))["files"]
    return result.exit_code, {Path(f["path"]).name: f for f in files}


def test_two_million_paragraphs_in_a_small_docx_fail_fast(tmp_path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    bomb = _docx(paragraphs=2_000_000)
    assert len(bomb) < 400_000  # a few hundred KB that expand to ~70 MB of XML
    (folder / "bomb.docx").write_bytes(bomb)
    (folder / "ok.txt").write_text("Una frase.\n", "utf-8")
    code, files = _report(folder, tmp_path)
    assert code == 1
    reason = files["bomb.docx"]["reason"]
    assert files["bomb.docx"]["status"] == "failed"
    assert "more than 1,000,000 XML elements" in reason and "--max-elements" in reason
    assert files["ok.txt"]["status"] == "planned"


@pytest.mark.parametrize(("package", "said"), [
    (dict(media=11_000_000), "unpacks to more than 10,240,000 bytes"),
    (dict(parts=1_001), "parts in the package, more than 1,000"),
    (dict(paragraphs=20_000), "more than 20,000 XML elements"),
])
def test_each_guard_names_its_figures_and_the_option(tmp_path, package, said) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "big.docx").write_bytes(_docx(**package))
    code, files = _report(folder, tmp_path, "--max-elements", "20000")
    assert code == 1 and said in files["big.docx"]["reason"], files["big.docx"]["reason"]
    assert "--max-elements" in files["big.docx"]["reason"]
    code, files = _report(folder, tmp_path, "--max-elements", "200000")  # raised: read
    assert code == 0 and files["big.docx"]["status"] == "planned"


def test_the_limit_is_a_job_key_and_an_option(tmp_path) -> None:
    from translate import Options
    from translate.errors import UsageError

    with pytest.raises(UsageError, match="max_elements"):
        Options(max_elements=0)
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.docx").write_bytes(_docx(paragraphs=5_000))
    jobs = tmp_path / "jobs.toml"
    jobs.write_text('[[job]]\ninputs = ["docs/"]\nfrom = "it"\nengine = "apertium"\n'
                    'max_elements = 9000\n')
    result = run("run", str(jobs), "--dry-run")
    assert result.exit_code == 1 and "more than 9,000 XML elements" in result.output


@pytest.mark.parametrize(("name", "text", "said"), [
    ("a.html", "<p>Una frase.</p>" * 300, "more than 200 HTML elements"),
    ("a.md", "Una riga.\n" * 300, "more than 200 Markdown lines"),
    ("a.srt", "".join(f"{i}\n00:00:0{i % 9},000 --> 00:00:0{i % 9},500\nCiao.\n\n"
                      for i in range(1, 302)), "more than 200 subtitle cues"),
])
def test_text_formats_have_a_size_guard_too(tmp_path, name, text, said) -> None:
    pytest.importorskip("lxml")
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / name).write_text(text, "utf-8")
    code, files = _report(folder, tmp_path, "--max-elements", "200")
    assert code == 1 and said in files[name]["reason"], files[name]["reason"]
    code, files = _report(folder, tmp_path)
    assert code == 0 and files[name]["status"] == "planned"
