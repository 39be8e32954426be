"""Every report a run writes matches docs/report.schema.json."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from tests.report_schema import validate_report
from translate.cli.app import app

ITALIAN = "Il governo ha approvato la legge di bilancio dopo un lungo dibattito in Parlamento."
ENGLISH = ("The leader of North Korea met the Russian minister of natural resources. "
           "The government approved the budget law after a long debate in Parliament.")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(ITALIAN + "\n", encoding="utf-8")
    (docs / "empty.txt").write_text("\n\n", encoding="utf-8")  # skipped
    (docs / "news.txt").write_text(ENGLISH + "\n", encoding="utf-8")
    return docs


def report_of(tmp_path: Path, *args: str) -> dict[str, object]:
    path = tmp_path / "report.json"
    path.unlink(missing_ok=True)
    result = CliRunner().invoke(app, [*args, "--report", str(path)], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    data: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return validate_report(data)


def test_translation_reports_match(folder: Path, registry_file: Path, tmp_path: Path) -> None:
    common = [str(folder), "--models", str(registry_file), "--engine", "fake"]
    planned = report_of(tmp_path, *common, "--dry-run")
    assert {f["status"] for f in planned["files"]} >= {"planned", "skipped"}  # type: ignore[attr-defined]
    done = report_of(tmp_path, *common)
    assert {f["status"] for f in done["files"]} >= {"translated", "skipped"}  # type: ignore[attr-defined]
    (folder / "a.en.txt").write_text("edited by hand\n", encoding="utf-8")
    (folder / "news.txt").write_text(ENGLISH + " More.\n", encoding="utf-8")
    again = report_of(tmp_path, *common)
    assert {f["status"] for f in again["files"]} >= {"up-to-date", "translated"}  # type: ignore[attr-defined]
    (folder / "b.txt").write_text(ITALIAN + "\n", encoding="utf-8")
    (folder / "b.en.txt").write_text("not the tool's\n", encoding="utf-8")  # a conflict
    conflict = report_of(tmp_path, *common)
    assert "conflict" in {f["status"] for f in conflict["files"]}  # type: ignore[attr-defined]


def test_summary_reports_match(folder: Path, registry_file: Path, tmp_path: Path) -> None:
    common = ["--models", str(registry_file), "--engine", "fake"]
    extractive = report_of(tmp_path, "summarize", str(folder), *common, "--method", "lead")
    assert extractive["translation"] is None and extractive["summary"]
    both = report_of(tmp_path, str(folder), *common, "--summarize", "--max-words", "20",
                     "--min-words", "5")
    assert both["translation"] and both["summary"]


def test_the_schema_rejects_what_is_not_a_report(folder: Path, registry_file: Path,
                                                  tmp_path: Path) -> None:
    good = report_of(tmp_path, str(folder), "--models", str(registry_file), "--engine", "fake")
    for damage in ({"tool": "other"}, {"interrupted": "no"}, {"extra": 1}):
        bad = {**copy.deepcopy(good), **damage}
        with pytest.raises(jsonschema.ValidationError):
            validate_report(bad)
    bad = copy.deepcopy(good)
    bad["files"][0]["status"] = "done"  # type: ignore[index]
    with pytest.raises(jsonschema.ValidationError):
        validate_report(bad)
