"""Splitting an over-long segment asks the tokenizer a linear amount, however long it is."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from translate.text.sentences import split_long


class Counting:
    """A words + 1 token counter (one special token) that counts its calls and characters."""

    def __init__(self) -> None:
        self.calls = 0
        self.chars = 0

    def __call__(self, texts: Sequence[str]) -> list[int]:
        self.calls += 1
        self.chars += sum(len(t) for t in texts)
        return [len(t.split()) + 1 for t in texts]


def _words(n: int, comma_every: int = 0) -> str:
    return " ".join(f"parola{i}" + ("," if comma_every and i % comma_every == 0 else "")
                    for i in range(n))


@pytest.mark.parametrize(("comma_every", "limit"), [(0, 400), (0, 40), (7, 40), (50, 200)])
def test_calls_and_characters_grow_linearly(comma_every: int, limit: int) -> None:
    seen = []
    for n in (1000, 8000):
        text = _words(n, comma_every)
        counter = Counting()
        pieces = split_long(text, counter, limit)
        assert " ".join(pieces).split() == text.split()  # nothing lost, in order
        assert all(len(p.split()) + 1 <= limit for p in pieces)
        assert counter.calls <= 3 * len(pieces) + 10, (counter.calls, len(pieces))
        assert counter.chars <= 6 * len(text), (counter.chars, len(text))  # not n * limit
        seen.append(counter.chars)
    assert seen[1] <= 10 * seen[0]  # 8 times the text: about 8 times the work


def test_a_tokenizer_that_merges_across_joins_still_gets_pieces_within_the_limit() -> None:
    # every join of two pieces costs one token more than their sum
    def merging(texts: Sequence[str]) -> list[int]:
        return [len(t.split()) * 2 for t in texts]

    text = _words(300)
    pieces = split_long(text, merging, 30)
    assert " ".join(pieces).split() == text.split()
    assert all(merging([p])[0] <= 30 for p in pieces)


def test_the_real_tokenizer_splits_within_its_limit(tiny_marian) -> None:  # type: ignore[no-untyped-def]
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_marian)

    def count(texts: Sequence[str]) -> list[int]:
        return [len(ids) for ids in tokenizer(list(texts))["input_ids"]]

    text = " ".join(["Il governo ha approvato la legge di bilancio, dopo un lungo dibattito"]
                    * 60)
    pieces = split_long(text, count, 32)
    assert len(pieces) > 1 and all(count([p])[0] <= 32 for p in pieces)
    assert "".join(pieces).replace(" ", "") == text.replace(" ", "")
