"""translate eval: sacrebleu BLEU and chrF checked against values worked out by hand."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from translate.quality.evaluate import EvaluationError, evaluate, format_report

CAT = "the cat sat on the mat"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_bleu_of_one_sentence_by_hand(tmp_path: Path) -> None:
    # Clipped n-gram precisions 5/6, 3/5, 2/4, 1/3; equal lengths, so no brevity penalty.
    hyp = write(tmp_path / "h.txt", CAT + "\n")
    ref = write(tmp_path / "r.txt", "the cat sat on a mat\n")
    report = evaluate([hyp], [ref])
    expected = 100 * (5 / 6 * 3 / 5 * 2 / 4 * 1 / 3) ** 0.25
    assert report.corpus.bleu == pytest.approx(expected, abs=1e-6)
    assert report.files[0].scores.bleu == pytest.approx(expected, abs=1e-6)


def test_chrf_by_hand(tmp_path: Path) -> None:
    # Character n-grams of "ab" vs "abc": order 1 P=1 R=2/3, order 2 P=1 R=1/2; order 3
    # has no hypothesis n-gram and is left out. Mean P=1, R=7/12; F-beta with beta=2.
    report = evaluate([write(tmp_path / "h.txt", "ab\n")], [write(tmp_path / "r.txt", "abc\n")])
    p, r = 1.0, 7 / 12
    assert report.corpus.chrf == pytest.approx(100 * 5 * p * r / (4 * p + r), abs=1e-6)


def test_folders_matched_by_name_and_corpus_pools_lines(tmp_path: Path) -> None:
    write(tmp_path / "hyp" / "a.en.txt", CAT + "\n\n")
    write(tmp_path / "hyp" / "sub" / "b.txt", "dogs run fast today\n")
    write(tmp_path / "hyp" / "orphan.txt", "nothing\n")
    write(tmp_path / "ref" / "a.txt", CAT + "\n\n")
    write(tmp_path / "ref" / "sub" / "b.txt", "birds fly high above\n")
    report = evaluate([tmp_path / "hyp"], [tmp_path / "ref"])
    by_name = {f.hypothesis.name: f.scores for f in report.files}
    assert by_name["a.en.txt"].bleu == pytest.approx(100.0)
    assert by_name["b.txt"].bleu == 0.0
    # Pooled counts: 1-grams 6/10, 2-grams 5/8, 3-grams 4/6, 4-grams 3/4, no penalty.
    pooled = 100 * math.exp(sum(map(math.log, (6 / 10, 5 / 8, 4 / 6, 3 / 4))) / 4)
    assert report.corpus.bleu == pytest.approx(pooled, abs=1e-6)
    assert report.corpus.lines == 2  # the blank line is a paragraph break, not scored
    assert [p.name for p in report.unmatched] == ["orphan.txt"]


def test_signatures_and_json(tmp_path: Path) -> None:
    report = evaluate([write(tmp_path / "h.txt", CAT)], [write(tmp_path / "r.txt", CAT)])
    assert report.bleu_signature.startswith("nrefs:1|") and "tok:13a" in report.bleu_signature
    assert "nc:6" in report.chrf_signature and "nw:0" in report.chrf_signature
    data = json.loads(json.dumps(report.as_dict()))
    assert data["corpus"] == {"bleu": 100.0, "chrf": 100.0, "lines": 1}
    assert data["files"][0]["hypothesis"].endswith("h.txt")
    text = format_report(report)
    assert "BLEU signature: nrefs:1" in text and "corpus  BLEU 100.0" in text


def test_misaligned_files_are_an_error(tmp_path: Path) -> None:
    with pytest.raises(EvaluationError, match="2 lines but its reference"):
        evaluate([write(tmp_path / "h.txt", "a\nb\n")], [write(tmp_path / "r.txt", "a\n")])


def test_unpairable_paths_are_errors(tmp_path: Path) -> None:
    write(tmp_path / "hyp" / "x.txt", "a\n")
    write(tmp_path / "ref" / "y.txt", "a\n")
    with pytest.raises(EvaluationError, match="no file"):
        evaluate([tmp_path / "hyp"], [tmp_path / "ref"])
    with pytest.raises(EvaluationError, match="cannot pair"):
        evaluate([tmp_path / "hyp" / "x.txt"], [tmp_path / "ref"])
    with pytest.raises(EvaluationError, match="does not exist"):
        evaluate([tmp_path / "missing.txt"], [tmp_path / "ref"])


def test_undecodable_file_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "h.txt"
    bad.write_bytes(b"caf\xe9\n")
    with pytest.raises(EvaluationError, match="not UTF-8"):
        evaluate([bad], [write(tmp_path / "r.txt", "cafe\n")])
