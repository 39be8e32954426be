"""Fixes from the second review of the day's changes (each test fails on the old code)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import translate
from tests.fakes import FakeEngine
from translate import Options
from translate.formats.base import format_for
from translate.summaries import files as summary_module
from translate.translation import flags
from translate.translation.report import Status

ENGLISH = ("The leader of North Korea met the Russian minister of natural resources. "
           "The government approved the budget law after a long debate in Parliament.")


@pytest.fixture(autouse=True)
def _fresh_default_session() -> object:
    yield
    translate.close()


def test_an_interrupted_summary_run_reports_every_file_as_interrupted(
        registry_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("a", "b", "c"):  # distinct texts: no chunk summary comes from the cache
        (tmp_path / f"{name}.txt").write_text(f"{name.upper()} here. {ENGLISH}\n",
                                              encoding="utf-8")
    monkeypatch.setattr(summary_module, "GROUP_BYTES", 1)  # one file per group
    real = FakeEngine.generate
    calls: list[list[str]] = []

    def generate(self: FakeEngine, texts, overrides=None):  # type: ignore[no-untyped-def]
        if self.spec.key == "summarizer":
            calls.append(list(texts))
            if len(calls) == 2:  # Ctrl-C while the second file is summarised
                raise KeyboardInterrupt
        return real(self, texts, overrides)

    monkeypatch.setattr(FakeEngine, "generate", generate)
    report = translate.summarize_files(
        [tmp_path], options=Options(models=registry_file, engine="fake", max_words=20,
                                    min_words=5))
    assert report.interrupted
    statuses = {Path(f.path).name: f.status for f in report.files}
    # every input stays in the report, as in a translation run
    assert statuses == {"a.txt": Status.TRANSLATED, "b.txt": Status.INTERRUPTED,
                        "c.txt": Status.INTERRUPTED}
    assert (tmp_path / "a.en.summary.txt").exists()
    assert not (tmp_path / "b.en.summary.txt").exists()
    assert not (tmp_path / "c.en.summary.txt").exists()


class _CountingRe:
    """``re`` for ``translate.translation.flags``, counting the characters its searches read."""

    def __init__(self) -> None:
        self.scanned = 0

    def escape(self, text: str) -> str:
        return re.escape(text)

    def compile(self, pattern: str) -> object:
        real = re.compile(pattern)
        counter = self

        class Pattern:
            def search(self, text: str, pos: int = 0,
                       endpos: int | None = None) -> re.Match[str] | None:
                end = len(text) if endpos is None else min(endpos, len(text))
                match = real.search(text, pos, end)
                counter.scanned += (match.end() if match else end) - pos
                return match

        return Pattern()


def test_segment_lines_stay_linear_when_first_words_are_spelled_as_entities(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Italian HTML writing È as &Egrave;: the segment's first word is not in the text
    # as written, and each such segment used to scan the rest of the file (quadratic).
    paragraphs = [f"<p>&Egrave; la frase numero {i} del test.</p>\n" if i % 2 else
                  f"<p>Questa frase numero {i} si trova.</p>\n" for i in range(300)]
    html = "<html><body>\n" + "".join(paragraphs) + "</body></html>\n"
    parsed = format_for(Path("a.html")).read(html.encode(), "a.html", "it", None)
    counting = _CountingRe()
    monkeypatch.setattr(flags, "re", counting)
    lines = flags.segment_lines(parsed, html)
    assert counting.scanned <= 4 * len(html)
    for index, segment in enumerate(parsed.segments):  # found ones keep their line
        number = int(segment.split("numero ")[1].split()[0])
        assert lines[index] == (None if number % 2 else number + 2), (segment, lines[index])


def test_segment_lines_stay_linear_when_a_later_first_word_is_an_entity(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # the first word is found, the first three are not (caff&egrave;): each segment's
    # three-word probe used to scan the rest of the file
    html = "<html><body>\n" + "".join(f"<p>Il caff&egrave; {i} &egrave; buono.</p>\n"
                                      for i in range(1000)) + "</body></html>\n"
    parsed = format_for(Path("a.html")).read(html.encode(), "a.html", "it", None)
    counting = _CountingRe()
    monkeypatch.setattr(flags, "re", counting)
    lines = flags.segment_lines(parsed, html)
    assert counting.scanned <= 4 * len(html) + len(parsed.segments) * flags._WINDOW
    assert lines == [i + 2 for i in range(1000)]
