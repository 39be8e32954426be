"""CTranslate2's thread layout, and batches kept in flight by ``generate_ahead``."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from tests.conftest import SAMPLES
from translate.cache.store import Cache, signature_id
from translate.models.engines.base import Generated, generate_ahead, iter_translations, spread
from translate.models.registry import GenerationOptions, ModelSpec
from translate.models.translator import RunSettings, Translator
from translate.text.segment import segment
from translate.translation.cached import generate_cached


@pytest.mark.parametrize(("cpus", "layout"), [(1, (1, 1)), (2, (2, 1)), (4, (4, 1)),
                                              (16, (4, 4))])
def test_layout_follows_the_affinity_mask(monkeypatch, cpus, layout) -> None:
    from translate.models.engines.ct2 import thread_layout

    monkeypatch.delenv("TRANSLATE_THREADS", raising=False)
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: set(range(100, 100 + cpus)))
    inter, intra = thread_layout()
    assert (inter, intra) == layout
    assert 1 <= inter * intra <= cpus


def test_layout_honours_translate_threads(monkeypatch) -> None:
    from translate.models.engines.ct2 import thread_layout

    monkeypatch.setattr("os.sched_getaffinity", lambda pid: set(range(16)))
    monkeypatch.setenv("TRANSLATE_THREADS", "1")
    assert thread_layout() == (1, 1)
    monkeypatch.setenv("TRANSLATE_THREADS", "8")
    assert thread_layout() == (4, 2)


def test_spread_gives_every_worker_a_batch() -> None:
    assert spread([[0, 1, 2, 3, 4]], 2) == [[0, 1, 2], [3, 4]]
    assert spread([[0, 1, 2, 3], [4]], 4) == [[0], [1], [2, 3], [4]]
    assert spread([[0]], 4) == [[0]]  # nothing left to split
    assert spread([[0, 1], [2]], 1) == [[0, 1], [2]]


class SlowFirst:
    """An engine whose earlier batches finish later: order must not follow finishing."""

    name = "slow-first"
    max_input_tokens = 100
    workers = 3

    def __init__(self) -> None:
        self.calls = 0
        self.running = 0
        self.most = 0
        self.lock = threading.Lock()

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return [len(t.split()) + 1 for t in texts]

    def generate(self, texts: Sequence[str]) -> list[Generated]:
        with self.lock:
            delay = 0.03 * max(0, 3 - self.calls)
            self.calls += 1
            self.running += 1
            self.most = max(self.most, self.running)
        time.sleep(delay)
        with self.lock:
            self.running -= 1
        return [Generated(t.upper()) for t in texts]


def test_batches_come_back_in_order_with_several_in_flight() -> None:
    engine = SlowFirst()
    batches = [[f"b{b} s{s}" for s in range(3)] for b in range(6)]
    outputs = list(generate_ahead(engine.generate, iter(batches), engine.workers))
    assert [[g.text for g in out] for out in outputs] == [[t.upper() for t in b]
                                                          for b in batches]
    assert engine.most > 1  # they really ran at once


def test_an_early_exit_does_not_run_the_rest() -> None:
    engine = SlowFirst()
    batches = iter([[f"b{b}"] for b in range(50)])
    ahead = generate_ahead(engine.generate, batches, 2)
    next(ahead)
    ahead.close()
    time.sleep(0.1)
    assert engine.calls <= 4  # the batches in flight, not all 50


@pytest.fixture(scope="module")
def ct2_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One conversion cache for the module: the tiny model is converted once."""
    return tmp_path_factory.mktemp("ct2")


def _texts(seed_text: str) -> list[str]:
    return list(dict.fromkeys([*segment(seed_text).segments, *SAMPLES]))


def _translator(model: Path, beams: int) -> Translator:
    spec = ModelSpec("it-en", str(model), batch_size=4, max_batch_tokens=400,
                     generation=GenerationOptions(num_beams=beams, max_new_tokens=10))
    return Translator(spec, RunSettings(engine="ctranslate2", compute_type="int8"))


@pytest.mark.parametrize("beams", [1, 4])
def test_workers_give_the_serial_outputs_in_order_and_store_every_batch(
        tiny_marian, seed_text, tmp_path, ct2_dir, monkeypatch, beams) -> None:
    pytest.importorskip("ctranslate2")
    monkeypatch.setenv("TRANSLATE_CT2_CACHE", str(ct2_dir))
    texts = _texts(seed_text)
    monkeypatch.setenv("TRANSLATE_THREADS", "1")
    serial = _translator(tiny_marian, beams)
    assert getattr(serial.engine, "workers", 1) == 1
    expected = list(serial.translate(texts))

    monkeypatch.setenv("TRANSLATE_THREADS", "2")
    threaded = _translator(tiny_marian, beams)
    assert threaded.engine.workers == 2  # type: ignore[attr-defined]
    assert threaded.engine.translator.num_translators == 2  # type: ignore[attr-defined]
    assert list(threaded.translate(texts)) == expected  # same batches, same order

    cache = Cache.open(tmp_path / "cache")
    stored: list[dict[str, object]] = []
    put = cache.put_many
    monkeypatch.setattr(cache, "put_many", lambda sig, out: (stored.append(dict(out)),
                                                              put(sig, out)))
    before = threaded.stats.batches
    got = generate_cached(threaded, {cache: set(texts)}, lambda t, xs, overrides=None: t.translate_scored(xs, overrides))
    merged = {k: v for batch in expected for k, v in batch.items()}
    assert got.outputs == merged
    assert len(stored) == threaded.stats.batches - before > 2  # one put per batch
    assert {k for s in stored for k in s} == set(texts)
    assert cache.get_many(signature_id(threaded.signature()), texts) == merged
    cache.close()


def test_one_cpu_translates_serially(tiny_marian, seed_text, ct2_dir, monkeypatch) -> None:
    pytest.importorskip("ctranslate2")
    monkeypatch.setenv("TRANSLATE_CT2_CACHE", str(ct2_dir))
    monkeypatch.delenv("TRANSLATE_THREADS", raising=False)
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: {3})
    translator = _translator(tiny_marian, 1)
    assert translator.engine.workers == 1  # type: ignore[attr-defined]
    texts = _texts(seed_text)
    out: dict[str, str] = {}
    for batch in iter_translations(translator.engine, texts, 4, 400):
        out.update(batch)
    assert set(out) == set(texts) and all(out.values())


def test_the_summariser_keeps_one_worker_of_all_threads(tiny_bart, ct2_dir,
                                                        monkeypatch) -> None:
    pytest.importorskip("ctranslate2")
    from translate.models.engines.ct2 import CTranslate2Engine
    from translate.models.hub import resolve_model

    monkeypatch.setenv("TRANSLATE_CT2_CACHE", str(ct2_dir))
    monkeypatch.setenv("TRANSLATE_THREADS", "2")
    spec = ModelSpec("summarizer", str(tiny_bart))
    engine = CTranslate2Engine(resolve_model(spec), spec, "cpu", "int8")
    assert engine.workers == 1
    assert engine.translator.num_translators == 1  # CTranslate2's inter_threads
