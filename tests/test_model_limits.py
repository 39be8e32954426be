"""Issue 21: settings a model cannot hold are fitted to it and said, never a failed run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.model_factory import build_bart
from translate.cli.app import app


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def short_bart(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A summariser whose input window (256 positions) cannot hold twice 168 tokens."""
    return build_bart(tmp_path_factory.mktemp("models") / "bart-256", max_positions=256)


def test_a_short_window_summariser_writes_capped_summaries(tmp_path, short_bart) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    sentence = "The government approved the new budget law after a long debate. "
    (folder / "a.txt").write_text(sentence * 15 + "\n", "utf-8")
    (folder / "b.txt").write_text("Students demonstrated in Rome against the reform. " * 12
                                  + "\n", "utf-8")
    report = tmp_path / "r.json"
    result = run("summarize", str(folder), "--model", str(short_bart), "--report", str(report))
    assert result.exit_code == 0, result.output
    assert "must be at least twice" not in result.output
    assert "summaries are capped at" in result.output
    data = json.loads(report.read_text("utf-8"))["summary"]
    assert any("capped at" in w for w in data["warnings"])
    assert {f["status"] for f in data["files"]} == {"translated"}
    assert (folder / "a.en.summary.txt").read_text("utf-8").strip()
    assert (folder / "a.en.summary.txt").read_text() != (folder / "b.en.summary.txt").read_text()
    again = run("summarize", str(folder), "--model", str(short_bart))
    assert again.exit_code == 0 and "0 written, 2 up to date" in again.output


@pytest.fixture(scope="module")
def short_marian(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A translation model with a 128-position table."""
    from tests.model_factory import build_marian

    return build_marian(tmp_path_factory.mktemp("models") / "marian-128", max_positions=128)


@pytest.mark.parametrize("engine", ["transformers", "ctranslate2"])
def test_max_new_tokens_past_the_position_table_is_capped_and_said(tmp_path, short_marian,
                                                                  engine) -> None:
    from translate.models.engines import ENGINES

    if not ENGINES[engine].available():
        pytest.skip(f"{engine} is not installed")
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text("Una frase.\n", "utf-8")
    report = tmp_path / "r.json"
    result = run(str(folder), "--model", str(short_marian), "--from", "it", "--engine", engine,
                 "--max-new-tokens", "512", "--no-retry", "--report", str(report))
    assert result.exit_code == 0, result.output
    data = json.loads(report.read_text("utf-8"))
    assert any("max_new_tokens 512 is more than the model can write" in w
               and "capped at 127 tokens" in w for w in data["warnings"]), data["warnings"]
    assert (folder / "a.en.txt").read_text("utf-8").strip()
