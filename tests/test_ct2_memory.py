"""CTranslate2 workers share one bound on the hypotheses in flight (memory, issue 27)."""

from __future__ import annotations

import pytest

from translate.models.engines.ct2 import CTranslate2Engine


def _engine(batch_size: int, workers: int) -> CTranslate2Engine:
    engine = object.__new__(CTranslate2Engine)  # the bound needs no model
    engine.batch_size, engine.workers = batch_size, workers
    return engine


@pytest.mark.parametrize(("workers", "greedy", "beam4"), [(1, 32, 16), (2, 16, 8), (4, 8, 4)])
def test_workers_together_hold_what_one_held(workers: int, greedy: int, beam4: int) -> None:
    engine = _engine(32, workers)
    assert engine.rows(1) == greedy and engine.rows(4) == beam4
    # sentences x beams over all workers: within one worker's old bound
    assert workers * engine.rows(4) * 4 <= 2 * 32
    assert workers * engine.rows(1) <= 32


def test_a_wide_beam_still_decodes_one_sentence() -> None:
    assert _engine(8, 4).rows(64) == 1
    assert _engine(1, 1).rows(1) == 1
