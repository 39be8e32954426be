"""Issue 22: a bug while handling one file fails that file only; the report is always written.

A bug is injected into a format reader and into the writer for one file of three: the
other two are translated, the broken one fails with one line (no traceback, none of its
text), and the JSON report accounts for all three.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import translate.translation.pipeline as pipeline_module
from translate.cli.app import app
from translate.formats.markdown import MarkdownFormat

SECRET = "il testo segreto del documento b"


def three_files(folder: Path) -> None:
    folder.mkdir()
    for name in "abc":
        (folder / f"{name}.md").write_text(f"# Titolo {name}\n\nIl fatto {name} è accaduto "
                                           f"ieri. {SECRET if name == 'b' else ''}\n", "utf-8")


def run_three(folder: Path, registry_file: Path, report: Path, *flags: str,
              catch: bool = False) -> Any:
    args = flags or ("--from", "it")
    return CliRunner().invoke(app, [str(folder), "--models", str(registry_file), "--engine",
                                    "fake", *args, "--report", str(report)],
                              catch_exceptions=catch)


def check_one_failed(folder: Path, report: Path, result: Any) -> dict[str, Any]:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and SECRET not in result.output
    data = json.loads(report.read_text("utf-8"))
    by_name = {Path(f["path"]).name: f for f in data["files"]}
    assert sorted(by_name) == ["a.md", "b.md", "c.md"]
    assert by_name["a.md"]["status"] == by_name["c.md"]["status"] == "translated"
    assert by_name["b.md"]["status"] == "failed"
    assert by_name["b.md"]["reason"].startswith("internal error: RuntimeError in ")
    assert SECRET not in json.dumps(data)
    assert (folder / "a.en.md").is_file() and (folder / "c.en.md").is_file()
    assert not (folder / "b.en.md").exists()
    return data


@pytest.mark.parametrize("flags", [("--from", "it"), ("--glob", "*.md")])  # 2nd: detected
def test_a_bug_in_a_format_reader_fails_that_file_only(tmp_path, registry_file,
                                                       monkeypatch, flags) -> None:
    real_read = MarkdownFormat.read

    def buggy_read(self: MarkdownFormat, data: bytes, where: str, *args: Any,
                   **kwargs: Any) -> Any:
        if where.endswith("b.md"):
            raise RuntimeError(f"cannot parse {SECRET}")
        return real_read(self, data, where, *args, **kwargs)

    monkeypatch.setattr(MarkdownFormat, "read", buggy_read)
    folder, report = tmp_path / "docs", tmp_path / "report.json"
    three_files(folder)
    data = check_one_failed(folder, report, run_three(folder, registry_file, report, *flags))
    assert data["totals"]["failed"] == 1 and data["totals"]["translated"] == 2


def test_a_bug_in_the_writer_fails_that_file_only(tmp_path, registry_file,
                                                  monkeypatch) -> None:
    real_write = pipeline_module.write_translation

    def buggy_write(work: Any, *args: Any, **kwargs: Any) -> Any:
        if work.path.name == "b.md":
            raise RuntimeError(f"cannot write {SECRET}")
        return real_write(work, *args, **kwargs)

    monkeypatch.setattr(pipeline_module, "write_translation", buggy_write)
    folder, report = tmp_path / "docs", tmp_path / "report.json"
    three_files(folder)
    check_one_failed(folder, report, run_three(folder, registry_file, report))
    # the next plain run, without the bug, finishes the one that failed
    monkeypatch.setattr(pipeline_module, "write_translation", real_write)
    again = run_three(folder, registry_file, report)
    assert again.exit_code == 0, again.output
    assert (folder / "b.en.md").is_file()


def test_a_bug_outside_any_one_file_still_writes_the_whole_report(
        tmp_path, registry_file, monkeypatch) -> None:
    def broken(self: Any, works: Any) -> Any:
        raise RuntimeError(f"memory lookup failed on {SECRET}")

    monkeypatch.setattr(pipeline_module.MemoryLayer, "answer", broken)
    folder, report = tmp_path / "docs", tmp_path / "report.json"
    three_files(folder)
    result = run_three(folder, registry_file, report, catch=True)
    assert isinstance(result.exception, RuntimeError)  # the console turns it into exit 70
    data = json.loads(report.read_text("utf-8"))
    assert sorted(Path(f["path"]).name for f in data["files"]) == ["a.md", "b.md", "c.md"]
    assert {f["status"] for f in data["files"]} == {"failed"}
    assert all(f["reason"].startswith("not translated: the run stopped (internal error: "
                                      "RuntimeError") for f in data["files"])
    assert any(w.startswith("the run stopped: internal error: RuntimeError")
               for w in data["warnings"])
    assert SECRET not in json.dumps(data)


@pytest.mark.parametrize("debug", [False, True])
def test_debug_shows_the_traceback_of_a_file_that_failed(tmp_path, registry_file,
                                                         monkeypatch, debug) -> None:
    def buggy_read(self: MarkdownFormat, data: bytes, where: str, *args: Any,
                   **kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(MarkdownFormat, "read", buggy_read)
    if debug:
        monkeypatch.setenv("TRANSLATE_DEBUG", "1")
    else:
        monkeypatch.delenv("TRANSLATE_DEBUG", raising=False)
    folder, report = tmp_path / "docs", tmp_path / "report.json"
    three_files(folder)
    result = run_three(folder, registry_file, report)
    assert result.exit_code == 1
    assert ("Traceback" in result.output) == debug
