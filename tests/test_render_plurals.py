"""The run's closing lines say "1 segment", "1 token", "1 review page": no "1 segments"."""

from __future__ import annotations

import re

import pytest

from translate.cli.render import render_report
from translate.translation.report import FileResult, RunReport, Status


def _one_of_each() -> RunReport:
    report = RunReport()
    result = FileResult("a.txt", Status.TRANSLATED, segments=1, model_segments=1, flagged=1)
    report.files.append(result)
    report.batch.unknown_words = 1
    report.batch.length_limited = 1
    report.batch.redone_segments = 1
    report.batch.resplit = 1
    report.batch.truncated_tokens = 1
    return report


def test_counts_of_one_are_singular(capsys: pytest.CaptureFixture[str]) -> None:
    report = _one_of_each()
    render_report(report)
    out = capsys.readouterr().err
    assert "1 segment:" in out and "1 segment flagged" in out, out
    assert "1 word the rule-based engine" in out, out
    assert not re.search(r"\b1 (segments|words|outputs|tokens|files|pages)\b", out), out


def test_counts_of_two_are_plural(capsys: pytest.CaptureFixture[str]) -> None:
    report = _one_of_each()
    report.files.append(FileResult("b.txt", Status.TRANSLATED, segments=1, flagged=1))
    report.batch.unknown_words = 2
    render_report(report)
    out = capsys.readouterr().err
    assert "2 segments:" in out and "2 segments flagged" in out and "2 words" in out, out
