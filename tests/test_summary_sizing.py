"""Less summary work: chunk summaries sized as shares, joined without a reduce when they fit.

The level logic is tested with fakes (a chunk's 'summary' is a function of the chunk and
the length asked for); the model path with the tiny BART: documents that fit the window
get exactly the summaries they got before sizing, long ones ask for shares.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

import translate.summaries.summarizer as summarizer_module
from tests.model_factory import ENGLISH
from translate.models.engines.base import Generated
from translate.models.registry import load_registry
from translate.models.routing import Router
from translate.models.translator import RunSettings, Translator
from translate.summaries.summarize import (
    MIN_SHARE_TOKENS,
    Lengths,
    chunk_lengths,
    chunk_units,
    map_reduce_many,
    paragraphs,
)
from translate.summaries.summarizer import Summarizer
from translate.translation.runner import LocalRunner


def _words(texts: Sequence[str]) -> list[int]:
    return [len(text.split()) + 2 for text in texts]  # two special tokens, as BART


def _document(paras: int, words: int, seed: int = 0) -> str:
    rng = random.Random(seed)
    return "\n\n".join(" ".join(f"p{p}w{rng.randrange(10**6)}" for _ in range(
        rng.randint(words // 2, words))) + "." for p in range(paras))


def test_one_chunk_keeps_the_summarisers_own_lengths() -> None:
    assert chunk_lengths(1, 168, 42) is None
    assert chunk_lengths(5, None, 42) is None  # not sized: the old behaviour
    assert chunk_lengths(2, 168, 42) == (21, 84)
    assert chunk_lengths(4, 168, 42) == (11, 42)
    assert chunk_lengths(20, 168, 42) == (3, MIN_SHARE_TOKENS)
    assert chunk_lengths(2, 40, 40) == (20, MIN_SHARE_TOKENS)
    assert chunk_lengths(2, 20, 20) is None  # the floor is the whole length: no sizing


def test_chunks_are_balanced_at_paragraph_boundaries() -> None:
    text = _document(40, 30)
    paras = paragraphs(text)
    chunks = chunk_units(paras, _words, 200)
    greedy: list[list[str]] = [[]]
    for para in paras:  # what greedy packing gives: full chunks, then a short last one
        if greedy[-1] and sum(_words(["\n".join([*greedy[-1], para])])) > 200:
            greedy.append([])
        greedy[-1].append(para)
    assert len(chunks) == len(greedy) > 2
    sizes = _words(chunks)
    assert max(sizes) <= 200
    assert max(sizes) - min(sizes) < max(_words(["\n".join(g) for g in greedy])) - min(
        _words(["\n".join(g) for g in greedy]))
    # every chunk is whole paragraphs, in order, each once
    assert [p for chunk in chunks for p in chunk.split("\n")] == paras


class Fake:
    """A 'model': the first words of each chunk, as many as the length asked for."""

    def __init__(self, grow: bool = False) -> None:
        self.passes: list[dict[int, tuple[list[str], Lengths]]] = []
        self.grow = grow

    def __call__(self, wanted: dict[int, list[str]],
                 lengths: dict[int, Lengths]) -> dict[int, list[str]]:
        self.passes.append({i: (chunks, lengths[i]) for i, chunks in wanted.items()})
        out = {}
        for index, chunks in wanted.items():
            longest = 60 if lengths[index] is None else lengths[index][1]  # type: ignore[index]
            out[index] = [(c + " " + c) if self.grow else " ".join(c.split()[:longest - 2])
                          for c in chunks]
        return out


def test_shares_that_fit_are_joined_without_a_reduce() -> None:
    text = _document(12, 30, seed=1)
    fake = Fake()
    [summary] = map_reduce_many([text], fake, _words, 200, summary_tokens=60, least_tokens=10)
    assert summary.chunks == 2 and summary.reduce_levels == 0 and summary.fallback is None
    assert len(fake.passes) == 1
    (chunks, lengths), = fake.passes[0].values()
    assert lengths == (5, 30)
    assert summary.text == " ".join(" ".join(c.split()[:28]) for c in chunks)
    # unsized (the old path): the same chunks at full length, then a reduce pass
    old = Fake()
    [before] = map_reduce_many([text], old, _words, 200)
    assert before.reduce_levels == 1 and len(old.passes) == 2
    assert all(length is None for p in old.passes for _, length in p.values())


def test_documents_that_fit_are_summarised_as_before() -> None:
    texts = [_document(3, 20, seed=s) for s in range(5)]
    sized, unsized = Fake(), Fake()
    assert (map_reduce_many(texts, sized, _words, 200, summary_tokens=60, least_tokens=10)
            == map_reduce_many(texts, unsized, _words, 200))
    assert sized.passes == unsized.passes  # same chunks, same (own) lengths, one pass


@pytest.mark.parametrize("seed", range(6))
def test_the_reduce_always_terminates(seed: int) -> None:
    """Whatever the 'model' returns (growing, or ignoring the lengths), levels end."""
    rng = random.Random(seed)
    texts = [_document(rng.randint(1, 60), rng.randint(5, 80), seed=seed * 10 + i)
             for i in range(4)]
    for fake in (Fake(grow=True), Fake()):
        results = map_reduce_many(texts, fake, _words, 120, max_levels=4,
                                  summary_tokens=rng.choice([30, 50, 60]), least_tokens=5)
        assert len(results) == len(texts)
        assert len(fake.passes) <= 5  # at most max_levels reduce passes after the map
        assert all(r.reduce_levels <= 4 for r in results)
        if fake.grow:  # never shorter: taken by TextRank from the first level
            assert all(r.fallback == "extractive" for r in results if r.chunks > 1)


# ---- the model path, tiny BART ------------------------------------------------------

LINES = ENGLISH.splitlines()
FITTING = ["\n".join(LINES[i:i + 2]) for i in range(4)]
LONG = "\n\n".join(LINES[i % len(LINES)] for i in range(14))


def _summarizer(tmp_path: Path, model: Path,
                calls: list[tuple[list[str], Any]]) -> Summarizer:
    registry = tmp_path / "models.toml"
    registry.write_text(f'[summarizer]\nmodel = "{model}"\nnum_beams = 2\n'
                        "max_input_tokens = 128\nbatch_size = 8\n")
    router = Router(load_registry(registry),
                    settings=RunSettings(engine="transformers", device="cpu",
                                         compute_type="float32"))
    local = LocalRunner(router.pool)

    class Recording:
        def __call__(self, translator: Translator, texts: Sequence[str],
                     overrides: Mapping[str, Any] | None = None,
                     ) -> Iterator[dict[str, Generated]]:
            calls.append((list(texts), dict(overrides or {})))
            return local(translator, texts, overrides)

        def score(self, translator: Translator, sources: Sequence[str],
                  outputs: Sequence[str]) -> list[float | None]:
            return local.score(translator, sources, outputs)

    # 40 words: 56 tokens, so that two shares of 28 are over the 24-token floor
    from translate.summaries.summarize import SummaryOptions

    return Summarizer(router, SummaryOptions(max_words=40, min_words=10), runner=Recording())


def _unsized(monkeypatch: pytest.MonkeyPatch) -> None:
    sized = summarizer_module.map_reduce_many
    monkeypatch.setattr(summarizer_module, "map_reduce_many",
                        lambda *a, **k: sized(*a, **{**k, "summary_tokens": None}))


def test_tiny_bart_fitting_documents_unchanged(tmp_path: Path, tiny_bart: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[list[str], Any]] = []
    new = _summarizer(tmp_path, tiny_bart, calls).summarize_many(FITTING, [None] * 4)
    assert all(s.chunks == 1 for s in new)
    assert all(overrides == {} for _, overrides in calls)  # the summariser's own lengths
    assert len({s.text for s in new}) == len(FITTING)  # input-dependent outputs
    _unsized(monkeypatch)
    old = _summarizer(tmp_path, tiny_bart, []).summarize_many(FITTING, [None] * 4)
    assert new == old


def test_tiny_bart_long_document_asks_for_shares(tmp_path: Path, tiny_bart: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[list[str], Any]] = []
    summarizer = _summarizer(tmp_path, tiny_bart, calls)
    [new] = summarizer.summarize_many([LONG], [None])
    assert new.chunks >= 2
    first, overrides = calls[0]
    assert 2 <= len(first) <= new.chunks  # equal chunks are generated once
    share = chunk_lengths(new.chunks, 56, 14)
    assert share is not None
    assert overrides == {"min_new_tokens": share[0], "max_new_tokens": share[1]}
    assert new.text
    old_calls: list[tuple[list[str], Any]] = []
    _unsized(monkeypatch)
    [old] = _summarizer(tmp_path, tiny_bart, old_calls).summarize_many([LONG], [None])
    assert old.chunks == new.chunks and old.reduce_levels >= 1
    assert sum(len(texts) for texts, _ in calls) < sum(len(texts) for texts, _ in old_calls) \
        or new.reduce_levels >= 1
