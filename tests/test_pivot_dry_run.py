"""A pivot's legs are each looked up with their own input, in a dry run and in a run."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tests.fakes import LOG
from translate.cli.app import app

GERMAN = ("Die Regierung hat das Haushaltsgesetz nach einer langen Debatte verabschiedet.\n\n"
          "Die Studenten demonstrierten vor dem Ministerium, und die Polizei sperrte die "
          "Straße.\n")


def _run(tmp_path: Path, registry_file: Path, *extra: str) -> dict:  # type: ignore[type-arg]
    report = tmp_path / "report.json"
    result = CliRunner().invoke(app, [str(tmp_path / "docs"), "--from", "de", "--models",
                                      str(registry_file), "--engine", "fake", "--report",
                                      str(report), *extra])
    assert result.exit_code == 0, result.output
    return json.loads(report.read_text())["totals"]


def test_a_dry_run_counts_the_second_leg_with_its_own_input(tmp_path: Path,
                                                            registry_file: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "de.txt").write_text(GERMAN, encoding="utf-8")
    first = _run(tmp_path, registry_file, "--to", "en")  # caches the de-en leg only
    assert first["model_segments"] == 2
    LOG.reset()
    plan = _run(tmp_path, registry_file, "--to", "it", "--dry-run")
    # de-en answers both from the cache, en-it has neither: both need a model
    assert plan["cache_hits"] == 0 and plan["model_segments"] == 2, plan
    assert plan["model_tokens"] > 0 and LOG.batches == []
    done = _run(tmp_path, registry_file, "--to", "it")
    assert done["cache_hits"] == 0 and done["model_segments"] == 2, done
    assert all(s.startswith("<de-en>[") for s in LOG.segments)  # only the second leg ran
    (tmp_path / "docs" / "de.it.txt").unlink()
    again = _run(tmp_path, registry_file, "--to", "it", "--dry-run")
    assert again["cache_hits"] == 2 and again["model_segments"] == 0, again
