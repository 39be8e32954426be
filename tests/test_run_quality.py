"""Quality checks inside runs: crafted bad outputs flagged, one retry, signals cached,
the report's flagged list, ``--strict``, ``--no-retry``, ``--review``, ``--check-roundtrip``.

The fake engine answers crafted outputs (``LOG.crafted``: source -> first output,
retry output) and crafted scores (``LOG.scores``: output -> score).
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.fakes import LOG
from translate.cache.store import CACHE_DIR, DB_NAME
from translate.cli.app import app
from translate.quality.checks import RetryOptions, check_segment

TITLE = "Titolo del documento di prova."
LOOP = "Il gatto dorme sul divano tutto il giorno."
NUMBERS = "Nel 2024 sono arrivati 350 turisti in città."
COPY = "Questa frase resta in italiano per errore."
GERMAN = "La città è molto bella in primavera e in estate."
# line 1: title; 2: blank; 3: two sentences; 4: blank; 5: one; 6: one
DOC = f"{TITLE}\n\n{LOOP} {NUMBERS}\n\n{COPY}\n{GERMAN}\n"
GOOD = {TITLE: "Title of the test document.",
        LOOP: "The cat sleeps on the sofa all day long.",
        NUMBERS: "In 2024, 350 tourists arrived in the city.",
        COPY: "This sentence stays in Italian by mistake.",
        GERMAN: "The city is very beautiful in spring and summer."}
BAD = {LOOP: "The cat the cat the cat the cat the cat sleeps.",
       NUMBERS: "In 2024 many tourists arrived in the city.",
       COPY: COPY,
       GERMAN: "Die Stadt ist im Frühling und im Sommer wirklich sehr schön."}
EXPECTED = {LOOP: (["repeat"], 3), NUMBERS: (["numbers"], 3), COPY: (["copy", "wrong-lang"], 5),
            GERMAN: (["wrong-lang"], 6)}


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def translate(folder: Path, registry: Path, *flags: str):  # type: ignore[no-untyped-def]
    report = folder.parent / "report.json"
    result = run(str(folder), "--models", str(registry), "--engine", "fake", "--from", "it",
                 "--report", str(report), *flags)
    return result, json.loads(report.read_text("utf-8"))


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text(DOC, "utf-8")
    return folder


def craft(first: dict[str, str], second: dict[str, str] | None = None) -> None:
    LOG.crafted.update({src: (out, (second or first).get(src, out))
                        for src, out in first.items()})


def test_crafted_bad_outputs_are_flagged_with_their_lines(docs, registry_file) -> None:
    craft({**GOOD, **BAD})  # the retry gives the same bad outputs: they stay flagged
    result, report = translate(docs, registry_file)
    assert result.exit_code == 0, result.output
    flagged = {item["line"]: item for item in report["flagged"]}
    assert len(report["flagged"]) == 4
    for source, (codes, line) in EXPECTED.items():
        item = next(i for i in report["flagged"] if i["codes"] == codes)
        assert item["line"] == line and item["file"].endswith("a.txt"), (source, item)
    assert sorted(flagged) == [3, 5, 6]
    assert report["totals"]["flagged_segments"] == 4
    assert report["totals"]["retried_segments"] == 4
    assert report["files"][0]["flagged"] == 4 and report["files"][0]["retried"] == 4
    assert "quality: 4 segments flagged, 4 retried" in result.output
    # flagged, never hidden or replaced by the source: the bad output is what was written
    assert BAD[LOOP] in (docs / "a.en.txt").read_text("utf-8")


def test_clean_outputs_are_not_flagged_and_not_retried(docs, registry_file) -> None:
    craft(GOOD)
    result, report = translate(docs, registry_file, "--strict")
    assert result.exit_code == 0, result.output
    assert report["flagged"] == [] and report["totals"]["retried_segments"] == 0
    assert LOG.retries == []


def test_the_retry_wins_only_when_better(docs, registry_file) -> None:
    craft({**GOOD, LOOP: BAD[LOOP], NUMBERS: BAD[NUMBERS]},
          {LOOP: GOOD[LOOP], NUMBERS: "In 2024 tourists."})  # fixed / worse (length)
    assert check_segment(NUMBERS, "In 2024 tourists.", source_lang="it",
                         target_lang="en") == ("numbers", "length")
    result, report = translate(docs, registry_file)
    assert result.exit_code == 0, result.output
    text = (docs / "a.en.txt").read_text("utf-8")
    assert GOOD[LOOP] in text and BAD[LOOP] not in text  # better: kept
    assert BAD[NUMBERS] in text and "In 2024 tourists.\n" not in text  # worse: the first stays
    assert [i["codes"] for i in report["flagged"]] == [["numbers"]]
    assert [sorted(batch) for batch, _ in LOG.retries] == [sorted([LOOP, NUMBERS])]
    assert LOG.retries[0][1] == RetryOptions().generation_kwargs()


def test_on_equal_checks_the_higher_rescored_candidate_wins(docs, registry_file) -> None:
    other = "In 2024 some tourists arrived in the city."  # fails "numbers" too
    craft({**GOOD, NUMBERS: BAD[NUMBERS]}, {NUMBERS: other})
    LOG.scores.update({BAD[NUMBERS]: -2.0, other: -0.5})
    _, report = translate(docs, registry_file)
    assert other in (docs / "a.en.txt").read_text("utf-8")
    assert report["flagged"][0]["score"] == -0.5
    LOG.scores.update({BAD[NUMBERS]: -0.4})  # the first scores higher now: it stays
    _, report = translate(docs, registry_file, "--force")
    assert BAD[NUMBERS] in (docs / "a.en.txt").read_text("utf-8")
    assert report["flagged"][0]["score"] == -0.4


def test_no_retry_makes_no_second_call(docs, registry_file) -> None:
    craft({**GOOD, **BAD}, GOOD)
    result, report = translate(docs, registry_file, "--no-retry")
    assert LOG.retries == [] and len(report["flagged"]) == 4
    assert report["totals"]["retried_segments"] == 0
    # --no-retry is part of how entries were made: a run with retries retries them now
    LOG.batches.clear()
    result, report = translate(docs, registry_file)
    assert result.exit_code == 0 and report["flagged"] == []
    assert len(LOG.retries) == 1 and sorted(LOG.retries[0][0]) == sorted(BAD)


def test_signals_survive_a_fully_cached_rerun(docs, registry_file) -> None:
    craft({**GOOD, **BAD})
    LOG.scores.update({BAD[LOOP]: -3.25})
    _, first = translate(docs, registry_file)
    (docs / "a.en.txt").unlink()  # the output goes: the run reads every segment from cache
    LOG.reset()
    result, again = translate(docs, registry_file)
    assert LOG.batches == [] and LOG.retries == [] and LOG.loads == 0
    assert again["totals"]["cache_hits"] == 5
    assert again["flagged"] == first["flagged"]
    assert next(i for i in again["flagged"] if i["codes"] == ["repeat"])["score"] == -3.25
    # up to date (the output is not even re-read): the record still knows the flags
    result, kept = translate(docs, registry_file, "--strict")
    assert kept["files"][0]["status"] == "up-to-date" and kept["flagged"] == first["flagged"]
    assert result.exit_code == 1


def test_strict_exits_1_while_a_flagged_segment_remains(docs, registry_file) -> None:
    craft({**GOOD, LOOP: BAD[LOOP]})
    result, _ = translate(docs, registry_file)
    assert result.exit_code == 0
    result, _ = translate(docs, registry_file, "--strict")
    assert result.exit_code == 1 and "strict: 1 flagged segment remains" in result.output


def test_entries_of_an_older_cache_are_checked_again(docs, registry_file) -> None:
    craft({**GOOD, **BAD}, GOOD)
    translate(docs, registry_file, "--no-retry")
    db = docs / CACHE_DIR / DB_NAME
    with sqlite3.connect(db) as conn:  # as a schema-2 cache left them: no signals
        conn.execute("UPDATE segments SET flags = '', checked = '', score = NULL")
    (docs / "a.en.txt").unlink()
    LOG.batches.clear()
    _, report = translate(docs, registry_file)
    # the sound entry stands (no model); the four failing ones are made again and fixed
    assert sorted(LOG.segments) == sorted(BAD) and report["flagged"] == []
    assert report["totals"]["cache_hits"] == 1


def test_review_pages_are_written_in_the_same_run(docs, registry_file) -> None:
    craft({**GOOD, LOOP: BAD[LOOP]})
    LOG.scores.update({BAD[LOOP]: -1.5})
    result, report = translate(docs, registry_file, "--review")
    page = (docs / "a.txt.review.html").read_text("utf-8")
    assert len(re.findall(r'class="seg[ "]', page)) == 5
    assert len(re.findall(r'class="seg flagged', page)) == 1
    assert "score -1.50" in page and "retried with stronger settings" in page  # as stored
    assert "1 review page written" in result.output
    assert any("review page written" in n for n in report["notices"])


def test_roundtrip_flags_a_bad_back_translation(docs, registry_file) -> None:
    craft({**GOOD, **{GOOD[s]: s for s in (TITLE, LOOP, NUMBERS, COPY)},
           GOOD[GERMAN]: "Il mercato apre domani alle nove con nuovi prodotti."})
    _, report = translate(docs, registry_file, "--check-roundtrip")
    assert [(i["line"], i["codes"]) for i in report["flagged"]] == [(6, ["roundtrip"])]
    _, plain = translate(docs, registry_file)  # off by default: checked otherwise, remade
    assert plain["flagged"] == []


def test_roundtrip_without_the_reverse_model_is_a_notice(docs, registry_file, tmp_path) -> None:
    text = registry_file.read_text("utf-8")
    registry = tmp_path / "no-en-it.toml"
    registry.write_text(re.sub(r"\[pairs\.en-it\]\nmodel = [^\n]+\n", "", text), "utf-8")
    craft(GOOD)
    result, report = translate(docs, registry, "--check-roundtrip")
    assert result.exit_code == 0, result.output
    assert any("round trip not checked for 'it'" in n for n in report["notices"])


def test_damaged_inline_markup_is_its_own_code() -> None:
    source = "Il <x1>gatto</x1> dorme sul divano."
    assert check_segment(source, "The <x1>cat</x1> sleeps on the sofa.", source_lang="it",
                         target_lang="en") == ()
    assert check_segment(source, "The cat sleeps on the sofa.", source_lang="it",
                         target_lang="en") == ("markup",)


def test_a_pivot_is_checked_leg_by_leg(tmp_path, registry_file) -> None:
    folder = tmp_path / "pivot"
    folder.mkdir()
    german = "Im Jahr 2024 kamen 350 Touristen in die Stadt am Meer."
    english = "In 2024 many tourists came to the city by the sea."  # lost 350: leg 1 fails
    italian = "Nel 2024 molti turisti sono venuti nella città sul mare."  # sound vs its English
    (folder / "d.txt").write_text(f"{german}\n", "utf-8")
    craft({german: english, english: italian})
    report = tmp_path / "report.json"
    result = run(str(folder), "--models", str(registry_file), "--engine", "fake", "--from",
                 "de", "--to", "it", "--no-retry", "--report", str(report))
    assert result.exit_code == 0, result.output
    assert (folder / "d.it.txt").read_text("utf-8") == f"{italian}\n"  # went through en
    flagged = json.loads(report.read_text("utf-8"))["flagged"]
    assert [(i["line"], i["codes"]) for i in flagged] == [(1, ["numbers"])]


def test_the_model_path_stores_real_scores_and_retries(docs, registry_file) -> None:
    """The tiny model's English fails checks: retried with the real overrides, rescored."""
    report = docs.parent / "report.json"
    result = run(str(docs), "--models", str(registry_file), "--engine", "transformers",
                 "--from", "it", "--report", str(report))
    assert result.exit_code == 0, result.output
    data = json.loads(report.read_text("utf-8"))
    assert data["totals"]["retried_segments"] >= 1
    with sqlite3.connect(docs / CACHE_DIR / DB_NAME) as conn:
        rows = conn.execute("SELECT score, flags, retried, checked FROM segments").fetchall()
    assert len(rows) == 5 and all(checked for *_, checked in rows)
    assert all(isinstance(score, float) and score <= 0 for score, *_ in rows)
    assert {tuple(i["codes"]) for i in data["flagged"]} == {
        tuple(flags.split()) for _, flags, _, _ in rows if flags}


def test_damaged_markup_in_a_document_is_retried_then_flagged_with_its_line(
        tmp_path, registry_file) -> None:
    folder = tmp_path / "md"
    folder.mkdir()
    (folder / "n.md").write_text("# Titolo\n\nIl **gatto** dorme sul divano.\n\n"
                                 "La **casa** è molto grande e luminosa.\n", "utf-8")
    cat, house = "Il <x1>gatto</x1> dorme sul divano.", "La <x1>casa</x1> è molto grande e luminosa."
    craft({"Titolo": "Title", cat: "The cat sleeps on the sofa.",
           house: "The house is very big and bright."},
          {cat: "The <x1>cat</x1> sleeps on the sofa.", house: "The house is big and bright."})
    result, report = translate(folder, registry_file)
    assert result.exit_code == 0, result.output
    assert "The **cat** sleeps on the sofa." in (folder / "n.en.md").read_text("utf-8")
    assert [(i["line"], i["codes"]) for i in report["flagged"]] == [(5, ["markup"])]
    assert report["totals"]["retried_segments"] == 2
