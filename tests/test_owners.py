"""One owner per resource: the caches of a run, the up-to-date decision, the model pool."""

from __future__ import annotations

from pathlib import Path

import pytest

from translate.cache.caches import CacheSet
from translate.cache.outputs import Decision, OutputPlan, settle
from translate.cache.store import CACHE_DIR
from translate.errors import CacheError


def test_cache_set_opens_each_root_once(tmp_path: Path) -> None:
    caches = CacheSet()
    first = caches.for_path(tmp_path / "a.txt")
    second = caches.for_path(tmp_path / "b.txt")
    assert first is not None and first is second
    assert caches.opened() == [first]
    caches.close(hits=3, misses=4)
    assert caches.opened() == []
    assert CacheSet().for_path(tmp_path / "b.txt") is not first  # closed: a new one
    assert CacheSet(use_cache=False).for_path(tmp_path / "b.txt") is None


def test_cache_set_remembers_an_unusable_cache(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / CACHE_DIR).symlink_to(tmp_path / "elsewhere")
    caches = CacheSet()
    with pytest.raises(CacheError) as first:
        caches.for_path(tmp_path / "a.txt")
    with pytest.raises(CacheError) as second:
        caches.for_path(tmp_path / "b.txt")
    assert first.value is second.value  # opened once, the same error for each file
    assert caches.close() == []


def test_dry_run_cache_set_creates_nothing(tmp_path: Path) -> None:
    assert CacheSet(dry_run=True).for_path(tmp_path / "a.txt") is None
    assert not (tmp_path / CACHE_DIR).exists()


def test_settle_decides_from_the_record() -> None:
    record = {"signature": "abc", "input_sha256": "i", "output_sha256": "o"}
    asked: list[object] = []

    def expected(found: object) -> dict[str, str]:
        asked.append(found)
        return {"signature": "abc", "encoding": "utf-8"}  # no encoding recorded: utf-8

    assert settle(OutputPlan(Decision.UP_TO_DATE, record), expected) == Decision.UP_TO_DATE
    assert asked == [record]
    assert settle(OutputPlan(Decision.UP_TO_DATE, record),
                  lambda found: {"signature": "other"}) == Decision.WRITE
    assert settle(OutputPlan(Decision.UP_TO_DATE, record),
                  lambda found: {"encoding": "cp1252"}) == Decision.WRITE
    for decision in (Decision.CONFLICT, Decision.KEEP_EDITED, Decision.WRITE):
        assert settle(OutputPlan(decision, record), expected) == decision
    assert len(asked) == 1  # the expected fields are worked out only when they matter


def test_translations_and_summaries_share_the_up_to_date_decision() -> None:
    from translate.run import extractive, pipeline, summary

    assert pipeline.settle is summary.settle is extractive.settle is settle
