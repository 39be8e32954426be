"""Readable signatures in records, and ``translate cache stats --explain``."""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Mapping
from copy import deepcopy
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from translate.cache.outputs import read_record
from translate.cli.app import app
from translate.models.registry import load_registry
from translate.models.routing import Router
from translate.models.signature import differences, parse_signature, readable_signature
from translate.models.translator import RunSettings
from translate.summaries.summarize import SummaryOptions
from translate.summaries.summarizer import Summarizer

ITALIAN = "Prima frase breve. Seconda frase.\n\nTerzo paragrafo qui.\n"


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def translate(path: Path, registry: Path, *extra: str):  # type: ignore[no-untyped-def]
    return run(str(path), "--models", str(registry), "--engine", "fake", "--from", "it", *extra)


def explain(path: Path, registry: Path, *extra: str):  # type: ignore[no-untyped-def]
    return run("cache", "stats", "--explain", str(path), "--models", str(registry),
               "--engine", "fake", *extra)


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "breve.txt").write_text(ITALIAN, encoding="utf-8")
    return folder


def router(registry: Path) -> Router:
    return Router(load_registry(registry), settings=RunSettings(engine="fake"))


def leaves(value: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Paths to every non-dict value of a nested dict."""
    if isinstance(value, Mapping):
        for key, inner in value.items():
            yield from leaves(inner, (*path, key))
    else:
        yield path


def perturbed(signature: Mapping[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    """``signature`` with the value at ``path`` changed."""
    copy = deepcopy(dict(signature))
    node: dict[str, Any] = copy
    for key in path[:-1]:
        node = node[key]
    old = node[path[-1]]
    node[path[-1]] = "changed|value" if old in (None, "") else f"{old}x"
    return copy


def assert_every_field_shows(signature: Mapping[str, Any]) -> None:
    text = readable_signature(signature)
    assert readable_signature(signature) == text  # stable
    paths = list(leaves(signature))
    assert len(paths) > 5
    for path in paths:
        changed = readable_signature(perturbed(signature, path))
        assert changed != text, f"{'.'.join(path)} is not in the readable signature"
        assert differences(text, changed), path


def test_readable_signature_writes_every_translator_field(registry_file) -> None:
    translator = router(registry_file).route("it", "en")[0]
    signature = translator.signature()
    assert_every_field_shows(signature)
    fields = parse_signature(readable_signature(signature))
    folder = Path(signature["model"]).name
    assert fields["model"].startswith(f"{folder}@") and len(fields["model"]) == len(folder) + 13
    assert fields["beams"] == "1" and fields["engine"] == "fake" and fields["pair"] == "it-en"
    assert fields["v"] == signature["version"] and fields["task"] == "translate"
    for library, version in signature["libraries"].items():
        assert fields[library] == (version or "none")


def test_readable_signature_of_summaries_writes_every_field(registry_file) -> None:
    summarizer = Summarizer(router(registry_file), SummaryOptions(max_words=40))
    signature = summarizer.signature()
    assert_every_field_shows(signature)
    fields = parse_signature(readable_signature(signature))
    assert fields["task"] == "summarize" and fields["max_words"] == "40"
    assert fields["pair"] == "summarizer" and fields["beams"] == "2"
    extractive = {"task": "summarize", "options": {"method": "textrank", "max_words": 30},
                  "language": "en", "translators": {"it-en": "a" * 20}, "version": "0.1.0"}
    assert_every_field_shows(extractive)
    assert readable_signature(extractive) == (
        f"task=summarize|method=textrank|max_words=30|lang=en|translators=it-en:{'a' * 20}"
        "|v=0.1.0")


def test_values_with_separators_split_back_exactly() -> None:
    signature = {"source_prefix": ">>ita<< |%x", "pair": "it-en"}
    assert parse_signature(readable_signature(signature)) == {
        "prefix": ">>ita<< |%x", "pair": "it-en"}


def test_records_store_the_readable_signature_beside_the_hash(docs, registry_file) -> None:
    result = translate(docs, registry_file, "--num-beams", "1", "--summarize", "--method",
                       "extractive", "--max-words", "30")
    assert result.exit_code == 0, result.output
    record = read_record(docs / "breve.en.txt")
    assert record is not None and set(record["signature_texts"]) == set(record["signatures"])
    translator = router(registry_file).route("it", "en")[0]
    assert record["signature_texts"]["it-en"] == readable_signature(translator.signature())
    summary = read_record(docs / "breve.en.summary.txt")
    assert summary is not None and summary["signature"]
    fields = parse_signature(summary["signature_text"])
    assert fields["method"] == "extractive" and fields["translators"].startswith("it-en:")


def test_explain_names_the_setting_that_changed(docs, registry_file) -> None:
    assert translate(docs, registry_file, "--num-beams", "1").exit_code == 0
    same = explain(docs / "breve.txt", registry_file, "--num-beams", "1")
    assert same.exit_code == 0, same.output
    assert "it-en: would hit" in same.output and "would miss" not in same.output
    changed = explain(docs / "breve.en.txt", registry_file, "--num-beams", "2")
    assert changed.exit_code == 0, changed.output
    assert "it-en: would miss: beams 1 -> 2\n" in changed.output
    assert "input:  breve.txt unchanged" in changed.output
    assert "output: as translate wrote it" in changed.output


def test_explain_reports_an_edited_input_and_output(docs, registry_file) -> None:
    assert translate(docs, registry_file).exit_code == 0
    (docs / "breve.txt").write_text(ITALIAN + "\nUn altro paragrafo.\n", encoding="utf-8")
    (docs / "breve.en.txt").write_text("my own words\n", encoding="utf-8")
    result = explain(docs, registry_file)
    assert result.exit_code == 0, result.output
    assert "breve.txt changed since the output was written" in result.output
    assert "edited by hand since written, and its input changed" in result.output


def test_explain_a_file_translate_did_not_write(docs, registry_file) -> None:
    (docs / "breve.en.txt").write_text("written by a person\n", encoding="utf-8")
    result = explain(docs / "breve.en.txt", registry_file)
    assert result.exit_code == 0, result.output
    assert "not written by translate" in result.output
    assert "would" not in result.output


def test_explain_says_when_the_model_is_gone(tmp_path, docs, tiny_marian) -> None:
    model = tmp_path / "moved-model"
    shutil.copytree(tiny_marian, model)
    registry = tmp_path / "models.toml"
    registry.write_text(f'[pairs.it-en]\nmodel = "{model}"\nnum_beams = 1\n')
    assert translate(docs, registry).exit_code == 0
    shutil.rmtree(model)
    result = explain(docs / "breve.txt", registry)
    assert result.exit_code == 0, result.output
    assert "it-en recorded: task=translate|pair=it-en|model=moved-model@" in result.output
    assert "it-en: cannot compare: model" in result.output
    assert "not available locally" in result.output
    assert "Traceback" not in result.output


def test_explain_compares_an_abstractive_summary(docs, registry_file) -> None:
    result = translate(docs, registry_file, "--summarize", "--max-words", "20")
    assert result.exit_code == 0, result.output
    same = explain(docs / "breve.en.summary.txt", registry_file)
    assert same.exit_code == 0, same.output
    assert "summary recorded: task=summarize|method=abstractive|max_words=20" in same.output
    assert "summary: would hit" in same.output
    wider = registry_file.parent / "wider.toml"
    wider.write_text(registry_file.read_text().replace(
        "[summarizer]\nmodel", "[summarizer]\nnum_beams = 3\nmodel").replace(
        "num_beams = 2\nno_repeat", "no_repeat"))
    changed = explain(docs / "breve.en.summary.txt", wider)
    assert "summary: would miss: beams 2 -> 3\n" in changed.output, changed.output
