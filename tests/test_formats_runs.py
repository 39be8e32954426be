"""Runs over folders of every format, end to end through the CLI (issue 14).

The ``identity`` engine returns its input, so every output must equal its input; the
``fake`` engine tags each segment, so only text may change.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import docx
import pytest
from lxml import etree
from typer.testing import CliRunner

from tests.fakes import LOG, FakeEngine
from tests.formats_corpus import build_docx
from tests.office_corpus import build_scan_pdf
from tests.report_schema import validate_report
from translate.cli.app import app
from translate.formats.base import format_for
from translate.models.engines.base import Generated

MARKDOWN = """---
title: Nota
---
# Relazione sul bilancio

Il governo ha approvato la **legge** di bilancio. Vedi [il sito](https://example.com/a).

- Primo punto dell'elenco, con `codice` dentro.
  ```
  codice in un elenco
  ```
- Secondo punto: il *progetto* continua.

| Voce | Importo |
|:-----|-------:|
| Spese di viaggio | 1.500 |

```python
print("non tradurre")
```
"""

HTML = """<!DOCTYPE html>
<html lang="it"><head><meta charset="utf-8"><title>La relazione annuale</title>
<style>body { color: red; }</style></head>
<body><!-- un commento -->
<p class="intro">Il governo ha approvato la <b>legge</b> di bilancio &amp; altro.</p>
<p translate="no">Non tradurre questo testo.</p>
<img src="a.png" alt="Una foto della sede">
<pre><code>codice non tradotto</code></pre>
</body></html>
"""

SRT = """1
00:00:01,000 --> 00:00:03,500
Buongiorno a tutti, oggi parliamo

2
00:00:03,600 --> 00:00:06,000
della nuova legge di bilancio.

3
00:00:07,000 --> 00:00:09,000
<i>Grazie</i> per l'attenzione.
"""

VTT = """WEBVTT

00:00:01.000 --> 00:00:03.500
Buongiorno a tutti, oggi parliamo

00:00:03.600 --> 00:00:06.000
della nuova legge di bilancio.
"""

TEXT = "Il governo ha approvato la legge di bilancio.\n\nSeconda frase del testo.\n"


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def _folder(root: Path) -> Path:
    folder = root / "docs"
    folder.mkdir()
    (folder / "nota.md").write_text(MARKDOWN, "utf-8")
    (folder / "pagina.html").write_text(HTML, "utf-8")
    (folder / "rapporto.docx").write_bytes(build_docx(footnotes=True))
    (folder / "film.srt").write_text(SRT, "utf-8")
    (folder / "lezione.vtt").write_text(VTT, "utf-8")
    (folder / "testo.txt").write_text(TEXT, "utf-8")
    (folder / "scansione.pdf").write_bytes(build_scan_pdf())  # no text layer: skipped
    return folder


def _translate(folder: Path, registry: Path, engine: str, *extra: str,
               report: Path | None = None):  # type: ignore[no-untyped-def]
    args = [str(folder), "--models", str(registry), "--engine", engine, *extra]
    if report is not None:
        args += ["--report", str(report)]
    return run(*args)


def _files(report: Path) -> dict[str, dict]:  # type: ignore[type-arg]
    data = validate_report(json.loads(report.read_text("utf-8")))
    return {Path(f["path"]).name: f for f in data["files"]}


def _html_tree(data: bytes, with_text: bool) -> list[object]:
    root = etree.fromstring(data, etree.HTMLParser())
    out: list[object] = []
    for element in root.iter():
        attrs = dict(element.attrib) if isinstance(element.tag, str) else {}
        if element is root:
            attrs.pop("lang", None)
        if not with_text:
            attrs.pop("alt", None)
        out.append((str(element.tag), sorted(attrs.items()),
                    (element.text, element.tail) if with_text else None))
    return out


def _docx_outline(data: bytes, with_text: bool) -> list[object]:
    """Styles, runs and tables; without text, run boundaries too may move with words."""
    document = docx.Document(io.BytesIO(data))
    out: list[object] = [(p.style.name if p.style else None,
                          [(r.bold, r.italic, r.underline, r.text) for r in p.runs]
                          if with_text else None) for p in document.paragraphs]
    out += [(len(t.rows), len(t.columns), [c.text if with_text else None for c in t._cells])
            for t in document.tables]
    return out


def _cues(text: str) -> list[str]:
    return [line for line in text.splitlines() if "-->" in line or line.isdigit()]


def test_every_format_comes_back_unchanged_through_the_identity_engine(
        tmp_path: Path, registry_file: Path) -> None:
    folder = _folder(tmp_path)
    report = tmp_path / "report.json"
    result = _translate(folder, registry_file, "identity", report=report)
    assert result.exit_code == 0, result.output
    for name in ("nota.md", "film.srt", "lezione.vtt", "testo.txt"):  # byte for byte
        stem, suffix = name.rsplit(".", 1)
        assert (folder / f"{stem}.en.{suffix}").read_bytes() == (folder / name).read_bytes()
    html = (folder / "pagina.en.html").read_bytes()
    assert _html_tree(html, True) == _html_tree((folder / "pagina.html").read_bytes(), True)
    assert b'<html lang="en">' in html
    source = (folder / "rapporto.docx").read_bytes()
    assert _docx_outline((folder / "rapporto.en.docx").read_bytes(), True) == \
        _docx_outline(source, True)
    files = _files(report)
    assert set(files) == {"nota.md", "pagina.html", "rapporto.docx", "film.srt",
                          "lezione.vtt", "testo.txt", "scansione.pdf"}  # all accounted for
    pdf = files.pop("scansione.pdf")
    assert pdf["status"] == "skipped" and "no text layer: run OCR first" in pdf["reason"]
    assert "ocrmypdf" in pdf["reason"]
    assert {f["status"] for f in files.values()} == {"translated"}
    assert {f["language"] for f in files.values()} == {"it"}  # detected in the words
    assert files["rapporto.docx"]["details"]["format"] == "docx"
    assert "encoding" not in files["rapporto.docx"]["details"]  # never decoded as text
    assert all(f["segments"] > 0 for f in files.values())


def test_a_rerun_is_up_to_date_and_a_dry_run_counts_segments(
        tmp_path: Path, registry_file: Path) -> None:
    folder = _folder(tmp_path)
    planned_report, report = tmp_path / "planned.json", tmp_path / "report.json"
    planned = _translate(folder, registry_file, "fake", "--dry-run", report=planned_report)
    assert planned.exit_code == 0, planned.output
    assert not list(folder.glob("*.en.*"))  # a dry run writes nothing
    assert _translate(folder, registry_file, "fake", report=report).exit_code == 0
    done, plan = _files(report), _files(planned_report)
    for name, entry in plan.items():
        if name == "scansione.pdf":
            continue
        assert entry["status"] == "planned"
        assert entry["segments"] == done[name]["segments"] > 0, name
        data = (folder / name).read_bytes()
        assert entry["segments"] == len(format_for(folder / name).read(data, name).segments)
    LOG.reset()
    again = _translate(folder, registry_file, "fake", report=report)
    assert again.exit_code == 0, again.output
    statuses = {name: f["status"] for name, f in _files(report).items()}
    assert statuses.pop("scansione.pdf") == "skipped"
    assert set(statuses.values()) == {"up-to-date"} and LOG.loads == 0
    assert not list(folder.glob("*.en.en.*"))


def test_the_fake_engine_changes_only_text(tmp_path: Path, registry_file: Path) -> None:
    folder = _folder(tmp_path)
    assert _translate(folder, registry_file, "fake", "--from", "it").exit_code == 0
    html = (folder / "pagina.en.html").read_bytes()
    assert _html_tree(html, False) == _html_tree(HTML.encode(), False)
    assert b"it-en" in html and b"codice non tradotto" in html
    assert b"Non tradurre questo testo." in html and b"body { color: red; }" in html
    out = (folder / "rapporto.en.docx").read_bytes()
    assert _docx_outline(out, False) == _docx_outline(
        (folder / "rapporto.docx").read_bytes(), False)
    assert "it-en" in docx.Document(io.BytesIO(out)).paragraphs[0].text
    srt = (folder / "film.en.srt").read_text("utf-8")
    assert _cues(srt) == _cues(SRT) and "it-en" in srt and "<i>" in srt
    md = (folder / "nota.en.md").read_text("utf-8")
    assert md.count("|") == MARKDOWN.count("|") and ":-----|-------:" in md
    assert "(https://example.com/a)" in md and "`codice`" in md
    assert 'print("non tradurre")' in md and "title: Nota" in md


def test_a_users_docx_is_a_conflict_and_an_edited_one_is_kept(
        tmp_path: Path, registry_file: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.docx").write_bytes(build_docx())
    (folder / "b.docx").write_bytes(build_docx())
    mine = build_docx(text_box=True)  # a user's own a.en.docx: never replaced
    (folder / "a.en.docx").write_bytes(mine)
    report = tmp_path / "report.json"
    first = _translate(folder, registry_file, "fake", "--from", "it", report=report)
    assert first.exit_code == 1
    files = _files(report)
    assert files["a.docx"]["status"] == "conflict"
    assert (folder / "a.en.docx").read_bytes() == mine
    assert files["b.docx"]["status"] == "translated"
    edited = docx.Document(io.BytesIO((folder / "b.en.docx").read_bytes()))
    edited.paragraphs[0].runs[0].text = "My own heading"
    buffer = io.BytesIO()
    edited.save(buffer)
    (folder / "b.en.docx").write_bytes(buffer.getvalue())
    _translate(folder, registry_file, "fake", "--from", "it", report=report)
    assert _files(report)["b.docx"]["status"] == "up-to-date"
    assert (folder / "b.en.docx").read_bytes() == buffer.getvalue()


def test_notes_and_damaged_placeholders_reach_the_report(
        tmp_path: Path, registry_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def careless(self: FakeEngine, texts: list[str],
                 overrides: dict[str, object] | None = None) -> list[Generated]:
        LOG.batches.append(list(texts))  # loses every placeholder, keeps the words
        return [Generated(re.sub(r"</?x\d+/?>", "", t)) for t in texts]

    monkeypatch.setattr(FakeEngine, "generate", careless)
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "nota.md").write_text("Il governo ha approvato la **legge** di bilancio.\n")
    (folder / "rapporto.docx").write_bytes(build_docx(footnotes=True))
    from tests.test_formats_odf import _tracked

    (folder / "bozza.odt").write_bytes(_tracked())  # deleted text: counted
    report = tmp_path / "report.json"
    result = _translate(folder, registry_file, "fake", "--from", "it", report=report)
    assert result.exit_code == 0, result.output
    data = validate_report(json.loads(report.read_text("utf-8")))
    files = {Path(f["path"]).name: f for f in data["files"]}
    assert files["nota.md"]["details"]["placeholders_damaged"] == 1
    assert any("markup" in item["codes"] for item in data["flagged"]  # retried, still damaged
               if item["file"].endswith("nota.md"))
    assert (folder / "nota.en.md").read_text() == (
        "Il governo ha approvato la legge di bilancio.\n")  # text kept, markup removed
    assert files["rapporto.docx"]["details"]["placeholders_damaged"] > 0
    assert "not_translated" not in files["rapporto.docx"]["details"]  # footnotes translated
    assert files["bozza.odt"]["details"]["not_translated"] == [
        "tracked deletions not translated: 1"]
    warnings = data["warnings"]
    assert any(w.startswith("docs/nota.md: 1 segments lost their inline formatting")
               or w.endswith("nota.md: 1 segments lost their inline formatting (the model "
                             "damaged its placeholders); all their text is kept")
               for w in warnings), warnings
    assert any("bozza.odt: tracked deletions not translated: 1" in w for w in warnings)
    assert "tracked deletions not translated: 1" in result.output  # on the console too


def test_a_corrupt_docx_fails_only_itself(tmp_path: Path, registry_file: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    good = build_docx()
    (folder / "buono.docx").write_bytes(good)
    (folder / "rotto.docx").write_bytes(good[: len(good) // 2])  # truncated zip
    (folder / "testo.txt").write_text(TEXT)
    report = tmp_path / "report.json"
    result = _translate(folder, registry_file, "fake", "--from", "it", report=report)
    assert result.exit_code == 1
    files = _files(report)
    assert files["rotto.docx"]["status"] == "failed" and files["rotto.docx"]["reason"]
    assert "Traceback" not in result.output
    assert files["buono.docx"]["status"] == files["testo.txt"]["status"] == "translated"
    assert not (folder / "rotto.en.docx").exists()
