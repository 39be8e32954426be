"""`translate eval` and `translate models check` through the command line."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.system_tools import require_program
from translate.cli.app import app
from translate.models.engines import ENGINES, EngineInfo
from translate.models.engines.base import Generated
from translate.models.hub import ResolvedModel
from translate.models.registry import ModelSpec
from translate.quality.model_check import golden_pairs


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args))


class GoldenEngine:
    """Answers each golden source with its reference: a perfect model."""

    name = "golden"

    def __init__(self, spec: ModelSpec) -> None:
        self.max_input_tokens = 512
        self.table = {p.source: p.reference for p in golden_pairs(spec.key)}

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return [len(t.split()) + 1 for t in texts]

    def generate(self, texts: Sequence[str]) -> list[Generated]:
        return [Generated(self.table.get(t, t)) for t in texts]


@pytest.fixture
def golden_engine():  # type: ignore[no-untyped-def]
    def load(resolved: ResolvedModel, spec: ModelSpec, device: str, compute: str) -> GoldenEngine:
        return GoldenEngine(spec)

    ENGINES["golden"] = EngineInfo("golden", load, lambda device: "exact", ("exact",),
                                   lambda: True)
    yield
    del ENGINES["golden"]


@pytest.fixture
def registry(tmp_path: Path, tiny_marian: Path) -> Path:
    path = tmp_path / "models.toml"
    path.write_text(f'[pairs.it-en]\nmodel = "{tiny_marian}"\n\n'
                    f'[pairs.de-en]\nmodel = "org/not-downloaded"\n\n'
                    f'[quality]\ncheck_min_chrf = 45\n')
    return path


def test_a_model_that_gives_the_references_passes(registry, golden_engine, monkeypatch,
                                                  tmp_path) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    result = run("models", "check", "it-en", "--models", str(registry), "--engine", "golden")
    assert result.exit_code == 0, result.output
    assert "it-en  chrF 100.0 (threshold 45" in result.output and "ok" in result.output


def test_a_model_that_gives_noise_fails(registry) -> None:
    result = run("models", "check", "it-en", "--models", str(registry), "--engine", "fake")
    assert result.exit_code == 1, result.output
    assert "FAILED" in result.output and "reference:" in result.output


def test_models_not_present_are_listed_and_none_checked_is_2(registry, monkeypatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    result = run("models", "check", "de-en", "--models", str(registry))
    assert result.exit_code == 2
    assert "de-en  not checked" in result.output


def test_the_threshold_comes_from_models_toml_or_the_flag(registry) -> None:
    loose = run("models", "check", "it-en", "--models", str(registry), "--engine", "fake",
                "--min-chrf", "1")
    assert "threshold 1" in loose.output and loose.exit_code == 0


def test_a_bad_quality_key_is_a_configuration_error(tmp_path: Path) -> None:
    bad = tmp_path / "models.toml"
    bad.write_text("[quality]\ncheck_min_chrff = 3\n")
    result = run("models", "check", "--models", str(bad))
    assert result.exit_code == 2 and "check_min_chrf" in result.output


def test_apertium_passes_the_italian_golden_sentences() -> None:
    require_program("apertium", "apertium apertium-cat-ita apertium-eng-cat")
    result = run("models", "check", "it-en", "--engine", "apertium")
    assert result.exit_code == 0, result.output
    assert "it-en  chrF" in result.output


def test_eval_scores_against_references(tmp_path: Path) -> None:
    hyp, ref = tmp_path / "hyp.txt", tmp_path / "ref.txt"
    ref.write_text("The government approved the law.\nStudents marched in Rome.\n")
    hyp.write_text("The government approved the law.\nStudents marched in Rome.\n")
    same = run("eval", str(hyp), str(ref), "--json")
    assert same.exit_code == 0, same.output
    data = json.loads(same.output)
    assert data["corpus"]["bleu"] == pytest.approx(100.0)
    assert data["corpus"]["chrf"] == pytest.approx(100.0)
    hyp.write_text("Xyz qwv.\nPlm rtk.\n")
    other = run("eval", str(hyp), str(ref), "--json")
    assert json.loads(other.output)["corpus"]["bleu"] == pytest.approx(0.0)
    text = run("eval", str(hyp), str(ref))
    assert "BLEU" in text.output and "chrF" in text.output and "nrefs:1" in text.output
