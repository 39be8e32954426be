"""Scale: segmentation and summaries stay linear and terminate on any input size.

Speed itself is measured by ``benchmarks/segment.py``; these tests check the structure
that makes it linear (the splitter never sees more than a window) and that nothing is
lost at sizes where a quadratic step would never finish.
"""

from __future__ import annotations

import itertools
import json
import random
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.helpers import map_reduce
from tests.model_factory import build_bart
from translate.cli.app import app
from translate.cli.render import render_report
from translate.models.engines.base import BatchStats
from translate.summaries.textrank import _centrality, sentences
from translate.text import sentences as sentences_module
from translate.text.segment import Wrapped, reassemble, rewrap, segment
from translate.text.sentences import SPLITTER_WINDOW, sentence_spans, split_long, windows
from translate.translation.report import FileResult, RunReport, Status

SENTENCE = "Il governo ha approvato la legge n. 5 di bilancio dopo una lunga discussione. "


class _RegexSplitter:
    """A fast stand-in for pysbd (split after . ! ?), recording each input's length."""

    def __init__(self) -> None:
        self.lengths: list[int] = []

    def segment(self, text: str) -> list[str]:
        self.lengths.append(len(text))
        return re.findall(r".*?(?:[.!?]+\s+|$)", text, flags=re.S)[:-1] or [text]


@pytest.fixture
def fast_splitter(monkeypatch: pytest.MonkeyPatch) -> _RegexSplitter:
    splitter = _RegexSplitter()
    monkeypatch.setattr(sentences_module, "_sentence_splitter", lambda lang: splitter)
    return splitter


def test_the_splitter_never_sees_more_than_a_window(fast_splitter: _RegexSplitter) -> None:
    text = SENTENCE * 2000  # 160 KB on one line
    spans = sentence_spans(text)
    assert max(fast_splitter.lengths) <= SPLITTER_WINDOW
    assert sum(fast_splitter.lengths) == len(text)
    assert [text[a:b] for a, b in spans] == [SENTENCE.strip()] * 2000


def test_short_text_is_one_window() -> None:
    text = SENTENCE * (SPLITTER_WINDOW // len(SENTENCE))
    assert windows(text) == [(0, len(text))]


def test_windows_end_at_sentence_ends_never_inside_words() -> None:
    rng = random.Random(0)
    words = ["casa", "n.", "5", "Roma.", "bene!", "Vero?", "«Sì.»", "pag.", "3", "art.", "Il"]
    text = " ".join(rng.choice(words) for _ in range(20_000))
    cuts = windows(text)
    assert cuts[0][0] == 0 and cuts[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(cuts))
    for start, end in cuts[:-1]:
        assert end - start <= SPLITTER_WINDOW
        assert text[end - 1].isspace() and not text[end].isspace()  # between words
        before = text[start:end].rstrip()
        # a sentence end, never after an abbreviation ("n. 5", "pag. 3")
        assert before.endswith((".", "!", "?", "»")), before[-20:]
        assert before.rsplit(None, 1)[-1] not in ("n.", "pag.", "art.")


def test_windows_without_sentence_ends_cut_at_whitespace() -> None:
    text = "parola " * 1000 + "x" * (3 * SPLITTER_WINDOW) + " fine"
    cuts = windows(text)
    for _start, end in cuts[:-1]:
        assert text[end - 1] == " "
    giant = [c for c in cuts if "x" * SPLITTER_WINDOW in text[c[0]:c[1]]]
    assert len(giant) == 1  # the run without whitespace is never cut


def test_a_giant_word_is_one_sentence_without_the_splitter(
        fast_splitter: _RegexSplitter) -> None:
    text = "Inizio. " + "a." * (2 * SPLITTER_WINDOW) + " Fine."
    spans = sentence_spans(text)
    assert max(fast_splitter.lengths) <= SPLITTER_WINDOW
    assert "".join(text[a:b] for a, b in spans).replace(" ", "") == text.replace(" ", "")


def test_abbreviation_splits_are_undone_in_every_window(
        fast_splitter: _RegexSplitter) -> None:
    # the regex splitter also splits after "n."; windows never cut there, and the
    # merge rule undoes the split inside each window
    text = "Vedi il comma n. 5 della legge. " * 200
    spans = sentence_spans(text)
    assert {text[a:b] for a, b in spans} == {"Vedi il comma n. 5 della legge."}


def test_reassembly_is_byte_exact_at_8_mb_on_one_line(fast_splitter: _RegexSplitter) -> None:
    text = (SENTENCE * (8_000_000 // len(SENTENCE) + 1))[:8_000_000]
    doc = segment(text)
    assert reassemble(doc, doc.segments) == text
    assert max(fast_splitter.lengths) <= SPLITTER_WINDOW


def test_reassembly_is_exact_for_a_sentence_wrapped_over_17_000_lines(
        fast_splitter: _RegexSplitter) -> None:
    # 1 MB: one sentence with 17,000 line breaks, which the old rewrap (every break
    # scanned every space) made quadratic
    line = "la legge di bilancio dopo una lunga discussione in aula  \r\n"
    text = "Il governo " + line * (1_000_000 // len(line))
    doc = segment(text)
    assert reassemble(doc, doc.segments) == text
    assert isinstance(doc.parts[0], Wrapped) and len(doc.parts[0].joints) > 15_000
    shouted = reassemble(doc, [s.upper() for s in doc.segments])
    assert shouted.count("\r\n") == text.count("\r\n")


def _rewrap_reference(text: str, part: Wrapped) -> str:
    """The original quadratic rewrap, as the reference."""
    spaces = [i for i, ch in enumerate(text) if ch == " "]
    pieces: list[str] = []
    leftover: list[str] = []
    position = 0
    for fraction, joint in zip(part.breaks, part.joints, strict=True):
        target = fraction * len(text)
        usable = [i for i in spaces if i >= position]
        if not usable:
            leftover.append(joint)
            continue
        best = min(usable, key=lambda i: abs(i - target))
        pieces += [text[position:best], joint]
        position = best + 1
    return "".join([*pieces, text[position:], *leftover])


def test_rewrap_matches_the_reference() -> None:
    rng = random.Random(1)
    for _ in range(500):
        text = "".join(rng.choice("ab  ") for _ in range(rng.randint(0, 40)))
        breaks = tuple(sorted(rng.random() for _ in range(rng.randint(0, 6))))
        joints = tuple(f"\n{i}" for i in range(len(breaks)))
        part = Wrapped(0, breaks, joints)
        assert rewrap(text, part) == _rewrap_reference(text, part)


def _centrality_reference(bags: list[set[str]], damping: float = 0.85) -> list[float]:
    """The original pure-Python TextRank scores."""
    import math

    def similarity(a: set[str], b: set[str]) -> float:
        if len(a) < 2 or len(b) < 2:
            return 0.0
        return len(a & b) / (math.log(len(a)) + math.log(len(b)))

    n = len(bags)
    weights = [[similarity(bags[i], bags[j]) if i != j else 0.0 for j in range(n)]
               for i in range(n)]
    out_sum = [sum(row) or 1.0 for row in weights]
    scores = [1.0 / n] * n
    for _ in range(50):
        scores = [(1 - damping) / n + damping * sum(weights[j][i] / out_sum[j] * scores[j]
                                                    for j in range(n)) for i in range(n)]
    return scores


def test_centrality_equals_the_pure_python_reference() -> None:
    rng = random.Random(2)
    vocabulary = [f"w{i}" for i in range(30)]
    for n in (1, 2, 7, 40, 120):
        bags = [set(rng.sample(vocabulary, rng.randint(1, 12))) for _ in range(n)]
        got = _centrality(bags, 0.85, 50)
        assert got == pytest.approx(_centrality_reference(bags), rel=1e-9, abs=1e-12)


LONG_DOC = "\n\n".join(
    f"Paragraph {i} tells that the minister met the students in Rome on day {i}. "
    f"The government approved law number {i} after a debate."
    for i in range(40))


def test_map_reduce_that_never_shrinks_falls_back_to_extractive() -> None:
    def count(texts: Any) -> list[int]:
        return [len(t.split()) + 2 for t in texts]

    calls: list[list[str]] = []

    def echo_back(chunks: list[str]) -> list[str]:  # a "summary" as long as its input
        calls.append(chunks)
        return chunks

    summary = map_reduce(LONG_DOC, echo_back, count, 60, max_words=40)
    assert summary.fallback == "extractive"
    assert len(calls) == 1 and summary.reduce_levels == 0 and summary.chunks == len(calls[0])
    assert 0 < len(summary.text.split()) <= 40
    assert set(sentences(summary.text)) <= set(sentences(LONG_DOC))


def test_map_reduce_stops_at_max_levels_without_an_error() -> None:
    def count(texts: Any) -> list[int]:
        return [len(t.split()) + 2 for t in texts]

    def drop_one_word(chunks: list[str]) -> list[str]:  # shrinks, but too slowly
        return [" ".join(c.split()[:-1]) for c in chunks]

    summary = map_reduce(LONG_DOC, drop_one_word, count, 60, max_levels=2, max_words=30)
    assert summary.fallback == "extractive" and summary.reduce_levels == 2


def _run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def test_summarizer_that_never_shrinks_reports_the_fallback(tmp_path: Path,
                                                            registry_file: Path) -> None:
    (tmp_path / "long.txt").write_text(LONG_DOC + "\n")
    report = tmp_path / "r.json"
    result = _run("summarize", str(tmp_path / "long.txt"), "--models", str(registry_file),
                  "--engine", "identity", "--from", "en", "--max-words", "20",
                  "--min-words", "2", "--report", str(report))
    assert result.exit_code == 0, result.output
    details = json.loads(report.read_text())["summary"]["files"][0]["details"]
    assert details["fallback"] == "extractive" and details["chunks"] > 1
    assert "1 of the written summaries are extractive" in result.output
    summary = (tmp_path / "long.en.summary.txt").read_text()
    assert summary.strip() and all(s in LONG_DOC for s in sentences(summary))


@pytest.fixture(scope="module")
def short_bart(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny BART with 256 positions whose tokenizer claims a longer input (512)."""
    return build_bart(tmp_path_factory.mktemp("models") / "bart-256", max_positions=256,
                      model_max_length=512)


def test_model_with_a_shorter_input_gets_smaller_chunks(tmp_path: Path, tiny_bart: Path,
                                                        short_bart: Path) -> None:
    registry = tmp_path / "models.toml"
    registry.write_text(f"""
[summarizer]
model = "{tiny_bart}"
num_beams = 1
max_input_tokens = 1024
batch_size = 8
""")
    (tmp_path / "doc.txt").write_text(LONG_DOC + "\n")
    report = tmp_path / "r.json"
    result = _run("summarize", str(tmp_path / "doc.txt"), "--models", str(registry),
                  "--model", str(short_bart), "--engine", "transformers", "--from", "en",
                  "--max-words", "8", "--min-words", "2", "--report", str(report))
    assert result.exit_code == 0, result.output
    data = json.loads(report.read_text())["summary"]
    details, totals = data["files"][0]["details"], data["totals"]
    assert details["chunks"] >= 4  # over 800 tokens in chunks of at most 256
    # every chunk fitted the model: nothing re-split, nothing truncated, and the
    # summariser's counters are the report's
    assert totals["generate_calls"] > 0
    assert totals["resplit_segments"] == 0 and totals["truncated_tokens"] == 0
    assert totals["length_limited_outputs"] == details["length_limited_outputs"]
    assert f"{details['chunks']} chunks," in result.output
    if totals["length_limited_outputs"]:
        assert (f"warning: {totals['length_limited_outputs']} summariser outputs stopped"
                in result.output)


def test_summary_report_renders_real_counters(capsys: pytest.CaptureFixture[str]) -> None:
    report = RunReport(batch=BatchStats(truncated_tokens=3, length_limited=2))
    report.files.append(FileResult("a.txt", Status.TRANSLATED,
                                   details={"chunks": 1, "reduce_levels": 1,
                                            "fallback": "extractive"}))
    render_report(report, kind="summaries")
    err = capsys.readouterr().err
    assert "1 summary: 1 written" in err
    assert "1 chunk, at most 1 reduce level, 3 input tokens truncated" in err
    assert "warning: 2 summariser outputs stopped" in err
    assert "1 of the written summaries are extractive" in err


def test_a_giant_word_is_cut_counting_only_short_prefixes() -> None:
    counted: list[int] = []

    def count(texts: Any) -> list[int]:
        counted.extend(len(t) for t in texts)
        return [len(t) // 3 + 2 for t in texts]

    word = "".join(random.Random(4).choice("abcdefghij") for _ in range(50_000))
    pieces = split_long(word, count, 100)
    assert "".join(pieces) == word
    assert all(len(p) // 3 + 2 <= 100 for p in pieces) and len(pieces) > 150
    # apart from the whole word, counted once, only prefixes near a piece's length
    assert sorted(counted)[-2] <= 4 * max(len(p) for p in pieces)
