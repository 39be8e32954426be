"""Check, retry once with stronger settings, keep the better candidate, flag the rest."""

from __future__ import annotations

import pytest

from translate.quality.retry import Generated, check_and_retry

SOURCES = ["Il governo ha approvato la legge di bilancio con 300 voti.",
           "Gli studenti hanno manifestato a Roma davanti al ministero.",
           "Il treno per Milano è in ritardo di venti minuti oggi."]
GOOD = ["The government approved the budget law with 300 votes.",
        "The students demonstrated in Rome in front of the ministry.",
        "The train to Milan is twenty minutes late today."]


def run(first: list[Generated], retry: dict[str, Generated] | None, calls: list[list[str]]):
    def regenerate(batch: list[str]) -> list[Generated]:
        calls.append(batch)
        assert retry is not None
        return [retry[s] for s in batch]

    return check_and_retry(SOURCES, first, regenerate if retry is not None else None,
                           source_lang="it", target_lang="en")


def test_only_failing_segments_are_retried_and_fixed() -> None:
    calls: list[list[str]] = []
    first: list[Generated] = [(GOOD[0].replace("300", "30"), -0.1, False), (GOOD[1], -0.3, False),
                              ("The the the the the train", -0.05, True)]
    retry = {SOURCES[0]: (GOOD[0], -0.4, False), SOURCES[2]: (GOOD[2], -0.6, False)}
    kept = run(first, retry, calls)
    assert calls == [[SOURCES[0], SOURCES[2]]]
    assert [k.output for k in kept] == GOOD
    assert [k.retried for k in kept] == [True, False, True]
    assert all(k.flags == () for k in kept)


def test_still_failing_stays_flagged_and_better_candidate_kept() -> None:
    calls: list[list[str]] = []
    first: list[Generated] = [(GOOD[0].replace("300", "30"), -0.1, False),
                              (GOOD[1], -0.3, False), (GOOD[2], -0.2, False)]
    worse = (SOURCES[0], -0.01, False)  # a copy: more codes, although a higher score
    kept = run(first, {SOURCES[0]: worse}, calls)
    assert kept[0].output == first[0][0] and kept[0].flags == ("numbers",) and kept[0].retried


def test_no_retry_without_regenerate_and_clean_batches_untouched() -> None:
    calls: list[list[str]] = []
    kept = run([(g, -0.2, False) for g in GOOD], {}, calls)
    assert calls == [] and not any(k.retried for k in kept)
    bad = run([(GOOD[0], -0.2, True), (GOOD[1], -0.2, False), (GOOD[2], -0.2, False)], None, calls)
    assert bad[0].flags == ("truncated",) and not bad[0].retried


def test_counts_must_match() -> None:
    with pytest.raises(ValueError, match="3 sources but 1 outputs"):
        check_and_retry(SOURCES, [(GOOD[0], None, False)], None, source_lang="it",
                        target_lang="en")


def test_rescored_scores_decide_a_tie_not_the_generation_scores() -> None:
    src = SOURCES[:1]
    first: list[Generated] = [(GOOD[0].replace("300", "30"), -0.9, False)]
    other = GOOD[0].replace("300", "3")  # fails "numbers" too: a tie on checks
    rescored = {first[0][0]: -0.2, other: -0.7}  # under base settings the first is better
    calls: list[tuple[list[str], list[str]]] = []

    def rescore(sources: list[str], outputs: list[str]) -> list[float | None]:
        calls.append((sources, outputs))
        return [rescored[o] for o in outputs]

    def regenerate(batch: list[str]) -> list[Generated]:
        return [(other, -0.1, False)]  # a higher score on the retry's own scale

    plain = check_and_retry(src, first, regenerate, source_lang="it", target_lang="en")
    assert plain[0].output == other  # by generation scores the retry would win
    kept = check_and_retry(src, first, regenerate, source_lang="it", target_lang="en",
                           rescore=rescore)
    assert kept[0].output == first[0][0] and kept[0].score == -0.2 and kept[0].retried
    assert calls == [(src + src, [first[0][0], other])]
