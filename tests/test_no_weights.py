"""The first hour without weights: what needs no model works on seeds/ with an empty cache."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import SEED_DIR
from tests.fakes import LOG
from translate.cli.app import app

ROOT = Path(__file__).resolve().parent.parent
SEED = next(SEED_DIR.glob("*.txt"))


@pytest.fixture
def empty_hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """An empty Hugging Face cache, offline: the machine of a new user."""
    hf = tmp_path / "hf"
    monkeypatch.setenv("HF_HOME", str(hf))
    monkeypatch.setenv("HF_HUB_CACHE", str(hf / "hub"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    import huggingface_hub.constants as constants

    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(hf / "hub"))
    return {**os.environ, "PYTHONPATH": str(ROOT)}


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    folder = tmp_path / "seeds"
    folder.mkdir()
    shutil.copy(SEED, folder / SEED.name)
    return folder


def console(script: str, *args: str, env: dict[str, str], stdin: bytes | None = None,
            ) -> subprocess.CompletedProcess[bytes]:
    """Run a real console entry point (``translate`` or ``summarize``) in a subprocess."""
    entry = "main" if script == "translate" else "summarize_main"
    code = f"import sys; sys.argv[0] = {script!r}; from translate.cli.app import {entry}; {entry}()"
    return subprocess.run([sys.executable, "-c", code, *args], env=env, input=stdin,
                          capture_output=True, timeout=240, cwd=ROOT)


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.is_file())


def test_dry_run_plans_the_sample_without_weights(seeds, empty_hub, tmp_path) -> None:
    before = files_in(seeds)
    report = tmp_path / "plan.json"
    proc = console("translate", str(seeds), "--dry-run", "--report", str(report), env=empty_hub)
    err = proc.stderr.decode()
    assert proc.returncode == 0, err
    assert "1 would translate" in err and "estimated" in err
    assert "translate models pull it-en" in err
    assert files_in(seeds) == before  # a dry run writes nothing
    data = json.loads(report.read_text())
    assert data["tokens_estimated"] is True and data["totals"]["model_tokens"] > 0
    assert [m["pair"] for m in data["missing_models"]] == ["it-en"]
    assert data["totals"]["planned"] == 1 and data["totals"]["segments"] > 10


def test_dry_run_counts_with_the_tokenizer_when_it_is_there(seeds, registry_file,
                                                             tmp_path) -> None:
    report = tmp_path / "plan.json"
    result = CliRunner().invoke(app, [str(seeds), "--dry-run", "--models", str(registry_file),
                                      "--report", str(report)])
    assert result.exit_code == 0, result.output
    data = json.loads(report.read_text())
    assert data["tokens_estimated"] is False and data["missing_models"] == []
    assert "estimated" not in result.output


def test_job_file_dry_run_plans_every_job(seeds, empty_hub, tmp_path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "nota.txt").write_text("Il governo ha approvato la legge di bilancio ieri sera "
                                    "dopo un lungo dibattito in parlamento.\n", "utf-8")
    jobs = tmp_path / "jobs.toml"
    jobs.write_text(f'[[job]]\nname = "one"\ninputs = ["{seeds}"]\n\n'
                    f'[[job]]\nname = "two"\ninputs = ["{other}"]\n', "utf-8")
    proc = console("translate", "run", str(jobs), "--dry-run", env=empty_hub)
    err = proc.stderr.decode()
    assert proc.returncode == 0, err
    assert "== job: one" in err and "== job: two" in err
    assert err.count("would translate") == 2


def test_a_missing_model_stops_before_any_file_is_touched(tmp_path, registry_file,
                                                          empty_hub) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "a_it.txt").write_text("Il governo ha approvato la legge di bilancio ieri sera "
                                     "dopo un lungo dibattito.\n", "utf-8")
    (folder / "b_fr.txt").write_text("Le gouvernement a approuvé le budget hier soir après un "
                                     "long débat au parlement.\n", "utf-8")
    registry = tmp_path / "models.toml"
    registry.write_text(registry_file.read_text() + '\n[pairs.fr-en]\nmodel = "org/absent"\n')
    proc = subprocess.run([sys.executable, "-m", "tests.fakes", str(folder), "--models",
                           str(registry), "--engine", "fake"], env=empty_hub, cwd=ROOT,
                          capture_output=True, timeout=240)
    err = proc.stderr.decode()
    assert proc.returncode == 2, err
    assert err.count("error:") == 1 and "org/absent" in err
    assert files_in(folder) == ["a_it.txt", "b_fr.txt"]  # not even the Italian one


def test_extractive_summary_without_any_model(seeds, empty_hub, tmp_path) -> None:
    report = tmp_path / "r.json"
    proc = console("summarize", str(seeds), "--method", "extractive", "--report", str(report),
                   env=empty_hub)
    err = proc.stderr.decode()
    assert proc.returncode == 0, err
    source_summary = seeds / SEED.name.replace(".txt", ".it.summary.txt")
    assert source_summary.is_file() and "summary left in 'it'" in err
    assert "translate models pull it-en" in err
    text = source_summary.read_text("utf-8")
    original = SEED.read_text("utf-8")
    assert text.strip() and all(word in original for word in text.split()[:20])
    assert not list(seeds.glob("*.en.*"))  # no English pretended
    data = json.loads(report.read_text())
    assert data["translation"] is None
    assert "untranslated" in data["summary"]["files"][0]["details"]


def test_lead_summary_on_stdin_without_any_model(empty_hub) -> None:
    proc = console("summarize", "-", "--method", "lead", "--max-words", "30",
                   env=empty_hub, stdin=SEED.read_bytes())
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout.decode().startswith("Corea del Nord e Russia")
    assert "summary left in 'it'" in proc.stderr.decode()


def test_extractive_summary_translates_only_the_chosen_sentences(seeds, registry_file) -> None:
    result = CliRunner().invoke(app, ["summarize", str(seeds), "--method", "lead",
                                      "--max-words", "30", "--models", str(registry_file),
                                      "--engine", "fake"])
    assert result.exit_code == 0, result.output
    summary = (seeds / SEED.name.replace(".txt", ".en.summary.txt")).read_text("utf-8")
    assert summary.startswith("<it-en>[Corea del Nord e Russia")
    assert 0 < len(LOG.segments) <= 3  # the chosen sentences, not the document
    assert not (seeds / SEED.name.replace(".txt", ".en.txt")).exists()
    LOG.reset()
    again = CliRunner().invoke(app, ["summarize", str(seeds), "--method", "lead",
                                     "--max-words", "30", "--models", str(registry_file),
                                     "--engine", "fake"])
    assert again.exit_code == 0 and LOG.loads == 0 and "1 up to date" in again.output


def test_stdin_extractive_with_a_model_is_english(registry_file) -> None:
    result = CliRunner().invoke(app, ["summarize", "-", "--method", "lead", "--max-words", "12",
                                      "--models", str(registry_file), "--engine", "fake"],
                                input=SEED.read_bytes())
    assert result.exit_code == 0
    assert result.stdout.startswith("<it-en>[")
