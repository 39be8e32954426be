from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import torch
from transformers import AutoModelForSeq2SeqLM, AutoTokenizer
from typer.testing import CliRunner

from tests.conftest import SEED_DIR
from tests.fakes import LOG
from tests.helpers import map_reduce
from translate.cli.app import app
from translate.summaries.summarize import (
    SummaryOptions,
    chunk_units,
    fit_words,
    paragraphs,
    summarize_extractive,
)
from translate.summaries.textrank import count_words, lead, sentences, textrank

ENGLISH_DOC = (
    "The leader of North Korea met the Russian minister of natural resources.\n\n"
    "The government approved the budget law after a long debate in Parliament.\n"
    "Students demonstrated in front of the Ministry of Education in Rome.\n"
)


def run(*args: str, input: bytes | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args), input=input, catch_exceptions=False)


def _words(texts) -> list[int]:  # type: ignore[no-untyped-def]
    return [len(t.split()) + 2 for t in texts]


def test_chunks_cover_every_token_exactly_once() -> None:
    paras = [f"Paragraph {i} " + " ".join(f"w{i}_{j}" for j in range(i % 7 * 40 + 5)) + "."
             for i in range(60)]
    text = "\n\n".join(paras)
    assert sum(_words([text])) > 1024
    chunks = chunk_units(paragraphs(text), _words, 100)
    assert len(chunks) > 5
    assert all(n <= 100 for n in _words(chunks))
    assert " ".join(chunks).split() == text.split()  # in order, nothing lost or repeated


def test_map_reduce_has_chunks_and_reduce_levels() -> None:
    calls: list[list[str]] = []

    def summarize_all(chunks: list[str]) -> list[str]:
        calls.append(chunks)
        return [" ".join(c.split()[:12]) for c in chunks]

    text = "\n".join(f"Sentence number {i} " + "word " * 30 + "end." for i in range(80))
    summary = map_reduce(text, summarize_all, _words, 120)
    assert summary.chunks == len(calls[0]) > 10
    assert summary.reduce_levels >= 1 and len(calls) == summary.reduce_levels + 1
    assert len(calls[-1]) == 1
    assert summary.text == " ".join(calls[-1][0].split()[:12])


def test_extractive_on_the_sample_article() -> None:
    text = next(SEED_DIR.glob("*.txt")).read_text("utf-8")
    all_sentences = sentences(text)
    for method in ("extractive", "lead"):
        summary = summarize_extractive(text, SummaryOptions(method, max_words=60, min_words=5))
        picked = sentences(summary.text)
        assert picked and all(s in all_sentences for s in picked)
        positions = [all_sentences.index(s) for s in picked]
        assert positions == sorted(positions)
        assert count_words(summary.text) <= 60
    assert textrank(text, 60) != lead(text, 60)


def test_fit_words_keeps_whole_sentences() -> None:
    text = "One two three. Four five six seven. Eight."
    assert fit_words(text, 7) == ("One two three. Four five six seven.", True)
    assert fit_words(text, 100) == (text, False)
    assert fit_words("a b c d e f", 3) == ("a b c", True)


def test_options_are_validated() -> None:
    from translate.errors import UsageError

    with pytest.raises(UsageError, match="unknown summary method"):
        SummaryOptions("magic")
    with pytest.raises(UsageError, match="min-words"):
        SummaryOptions(max_words=5, min_words=10)


def test_tiny_bart_runs_the_real_abstractive_path(tmp_path, registry_file, tiny_bart) -> None:
    folder = tmp_path / "en"
    folder.mkdir()
    short = "The leader met the minister.\nStudents demonstrated in Rome.\n"
    (folder / "news.txt").write_text(short)
    report = tmp_path / "r.json"
    args = ["summarize", str(folder), "--models", str(registry_file), "--engine",
            "transformers", "--from", "en", "--max-words", "12", "--min-words", "3",
            "--report", str(report)]
    result = run(*args)
    assert result.exit_code == 0, result.output
    summary = (folder / "news.en.summary.txt").read_text("utf-8")
    # the same chunk through a plain generate() with the same settings
    tokenizer = AutoTokenizer.from_pretrained(tiny_bart)
    model = AutoModelForSeq2SeqLM.from_pretrained(tiny_bart).eval()
    chunks = chunk_units(paragraphs(short),
                         lambda ts: [len(tokenizer(t)["input_ids"]) for t in ts], 64)
    assert len(chunks) == 1
    low, high = SummaryOptions(max_words=12, min_words=3).token_limits()
    with torch.inference_mode():
        ids = model.generate(**tokenizer(chunks, return_tensors="pt"), num_beams=2,
                             no_repeat_ngram_size=3, min_new_tokens=low, max_new_tokens=high,
                             do_sample=False)
    expected = tokenizer.decode(ids[0], skip_special_tokens=True).strip()
    assert summary.strip() == fit_words(expected, 12)[0]
    assert json.loads(report.read_text())["summary"]["models_loaded"] == ["summarizer"]
    again = run(*args)
    assert again.exit_code == 0
    data = json.loads(report.read_text())
    assert data["summary"]["models_loaded"] == []
    assert data["summary"]["files"][0]["status"] == "up-to-date"


def test_long_document_reduce_with_tiny_bart(tmp_path, registry_file) -> None:
    folder = tmp_path / "long"
    folder.mkdir()
    (folder / "long.txt").write_text((ENGLISH_DOC + "\n") * 12)
    report = tmp_path / "r.json"
    result = run("summarize", str(folder), "--models", str(registry_file), "--engine",
                 "transformers", "--from", "en", "--max-words", "8", "--min-words", "2",
                 "--report", str(report))
    assert result.exit_code == 0, result.output
    details = json.loads(report.read_text())["summary"]["files"][0]["details"]
    assert details["chunks"] > 3 and details["reduce_levels"] >= 1
    assert details["words"] <= 8


@pytest.fixture
def italian(tmp_path: Path) -> Path:
    folder = tmp_path / "it"
    folder.mkdir()
    shutil.copy(next(SEED_DIR.glob("*.txt")), folder / "articolo.txt")
    (folder / "breve.txt").write_text("Prima frase breve qui. Seconda frase.\n")
    return folder


def test_summarize_translates_first_then_caches(italian, registry_file) -> None:
    args = ["summarize", str(italian), "--models", str(registry_file), "--engine", "fake",
            "--from", "it", "--max-words", "20", "--min-words", "2"]
    assert run(*args).exit_code == 0
    assert (italian / "articolo.en.txt").exists()
    summary = (italian / "breve.en.summary.txt").read_text()
    assert summary.startswith("<it-en>[Prima")
    assert LOG.loads == 2  # the translation model and the summariser, once each
    LOG.reset()
    second = run(*args)
    assert second.exit_code == 0 and LOG.loads == 0 and LOG.segments == []
    assert "2 up to date" in second.output


def test_translate_with_summarize_and_extractive(italian, registry_file) -> None:
    result = run(str(italian), "--to", "en", "--summarize", "--method", "extractive",
                 "--max-words", "30", "--models", str(registry_file), "--engine", "fake",
                 "--from", "it")
    assert result.exit_code == 0, result.output
    summary = (italian / "articolo.en.summary.txt").read_text().strip()
    english = (italian / "articolo.en.txt").read_text()
    assert summary and all(s in sentences(english) for s in sentences(summary))
    assert LOG.loads == 1  # extractive: only the translation model


def test_summarize_stdin(registry_file) -> None:
    result = run("summarize", "-", "--models", str(registry_file), "--engine", "fake",
                 "--from", "en", "--max-words", "10", "--min-words", "2",
                 input=ENGLISH_DOC.encode())
    assert result.exit_code == 0
    assert result.stdout.strip() == "The leader of North."
