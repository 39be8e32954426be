"""Issue 21: a report or an output never takes the place of another output of the run."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.fakes import LOG
from translate.cli.app import app


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def translate(folder: Path, registry: Path, *extra: str):  # type: ignore[no-untyped-def]
    return run(str(folder), "--models", str(registry), "--engine", "fake", "--from", "it",
               *extra)


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text("Prima frase. Seconda frase.\n", "utf-8")
    (folder / "b.md").write_text("# Titolo\n\nUn altro documento.\n", "utf-8")
    return folder


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize(("report", "extra"), [
    ("a.en.txt", ()),
    ("b.en.md", ()),
    ("a.txt.review.html", ("--review",)),
    ("a.en.summary.txt", ("--summarize", "--method", "lead")),
    ("b.it.summary.md.txt", ("--summarize", "--method", "lead")),
    (".translate-outputs/r.json", ()),
    (".translate-cache/r.json", ()),
])
def test_a_report_path_that_an_output_takes_is_refused_before_any_work(
        docs, registry_file, report, extra) -> None:
    before = _names(docs)
    result = translate(docs, registry_file, "--report", str(docs / report), *extra)
    assert result.exit_code == 2, result.output
    assert "--report" in result.output and "not written there" in result.output
    assert _names(docs) == before  # nothing written: neither outputs nor the report
    assert LOG.batches == []


def test_a_report_beside_the_outputs_under_another_name_is_fine(docs, registry_file) -> None:
    result = translate(docs, registry_file, "--report", str(docs / "a.report.json"))
    assert result.exit_code == 0, result.output
    assert (docs / "a.en.txt").read_text("utf-8").startswith("<it-en>")


@pytest.mark.parametrize("args", [
    ("--to", "en.summary"), ("--to", "../../evil"), ("--to", "en/x"), ("--to", ""),
    ("--to", "summary"), ("--from", "../it"), ("--from", "it.en"),
])
def test_language_codes_are_validated_before_any_work(docs, registry_file, args) -> None:
    before = _names(docs)
    result = run(str(docs), "--models", str(registry_file), "--engine", "fake", *args)
    assert result.exit_code == 2, result.output
    assert "not a language code" in result.output and "Traceback" not in result.output
    assert _names(docs) == before and not (docs.parent / "evil").exists()
    summarize = run("summarize", str(docs), "--models", str(registry_file), "--engine",
                    "fake", "--method", "lead", *args)
    assert summarize.exit_code == 2 and _names(docs) == before


def test_bcp47_tags_with_script_and_region_are_accepted() -> None:
    from translate.options import Options

    for tag in ("en", "pt-BR", "zh-Hant", "zh-Hant-TW", "sr-Latn", "es-419", "yue"):
        assert Options(target=tag).target == tag
