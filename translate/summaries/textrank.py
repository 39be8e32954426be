"""Extractive summaries: real sentences of the document, chosen without any model.

``lead`` takes the first sentences; TextRank ranks sentences by centrality in a
word-overlap similarity graph. Both look only at word counts and shared words, so they
work in any language, and both return sentences in document order, within a word limit.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from translate.text.segment import segment

_WORD = re.compile(r"\w+", re.UNICODE)


def count_words(text: str) -> int:
    """Words as the length options count them."""
    return len(_WORD.findall(text))


def sentences(text: str) -> list[str]:
    """The document's sentences, in order (the same splitter as translation uses)."""
    return list(segment(text, "en").segments)


def lead(text: str, max_words: int) -> str:
    """The first sentences that fit within ``max_words`` (in document order)."""
    return " ".join(pick_sentences(sentences(text), "lead", max_words))


def _lead_indices(sents: Sequence[str], max_words: int) -> list[int]:
    chosen: list[int] = []
    total = 0
    for index, sentence in enumerate(sents):
        words = count_words(sentence)
        if total + words > max_words:
            if chosen:
                break
            continue
        chosen.append(index)
        total += words
    return chosen


def _centrality(bags: list[set[str]], damping: float, iterations: int) -> list[float]:
    """PageRank scores of the word-overlap graph of ``bags`` (numpy, no Python pair loop).

    The weight of an edge is ``|a & b| / (log |a| + log |b|)`` (bags of fewer than two
    words have none). Overlaps are counted from an inverted index: each word adds one to
    every pair of bags that holds it, so the work is the sum over words of the square
    of their sentence counts, done by numpy (a matrix product for the most common
    words). Memory: ``8 * n**2`` bytes for the graph.
    """
    import numpy as np

    n = len(bags)
    postings: dict[str, list[int]] = {}
    for i, bag in enumerate(bags):
        if len(bag) >= 2:
            for word in bag:
                postings.setdefault(word, []).append(i)
    graph = np.zeros((n, n))
    common = [ids for ids in postings.values() if len(ids) * 8 > n]
    for ids in postings.values():
        if len(ids) > 1 and len(ids) * 8 <= n:
            index = np.array(ids)
            graph[np.ix_(index, index)] += 1.0
    if common:  # words in over an eighth of the sentences: a matrix product is faster
        incidence = np.zeros((n, len(common)))
        for column, ids in enumerate(common):
            incidence[ids, column] = 1.0
        for start in range(0, n, 512):
            graph[start:start + 512] += incidence[start:start + 512] @ incidence.T
    np.fill_diagonal(graph, 0.0)
    logs = np.log(np.array([max(len(bag), 1) for bag in bags], dtype=float))
    for row in range(n):  # row by row: no second n x n temporary
        denominator = logs[row] + logs
        np.divide(graph[row], denominator, out=graph[row], where=graph[row] > 0)
    out_sum = graph.sum(axis=1)
    out_sum[out_sum == 0] = 1.0
    graph /= out_sum[:, None]
    scores = np.full(n, 1.0 / n)
    for _ in range(iterations):
        updated = (1 - damping) / n + damping * (graph.T @ scores)
        converged = float(np.abs(updated - scores).max()) < 1e-15
        scores = updated
        if converged:
            break
    return [float(score) for score in scores]


def textrank(text: str, max_words: int, damping: float = 0.85, iterations: int = 50) -> str:
    """The most central sentences (TextRank) within ``max_words``, in document order."""
    return " ".join(pick_sentences(sentences(text), "textrank", max_words, damping,
                                   iterations))


def _textrank_indices(sents: Sequence[str], max_words: int, damping: float,
                      iterations: int) -> list[int]:
    """The chosen indices, most central first.

    Scores are rounded to 12 decimals before ranking, so that sentences the graph
    cannot tell apart tie exactly (whatever the summation order) and the earlier wins.
    """
    bags = [{w.lower() for w in _WORD.findall(s)} for s in sents]
    scores = _centrality(bags, damping, iterations)
    ranked = sorted(range(len(sents)), key=lambda i: (-round(scores[i], 12), i))
    chosen: list[int] = []
    total = 0
    for index in ranked:
        words = count_words(sents[index])
        if total + words <= max_words:
            chosen.append(index)
            total += words
    return chosen


def pick_sentences(sents: Sequence[str], method: str, max_words: int, damping: float = 0.85,
                   iterations: int = 50) -> list[str]:
    """The sentences an extractive method keeps, within ``max_words``, in document order.

    Args:
        sents: The document's sentences in order (a repeated one, such as a title, is
            counted once). They may be in any language: both methods look only at word
            counts and shared words.
        method: ``lead`` (the first sentences) or ``extractive``/``textrank`` (the most
            central ones).
        max_words: The longest summary, in words.
        damping: TextRank's damping factor.
        iterations: TextRank's most iterations.
    """
    unique = list(dict.fromkeys(sents))
    if not unique:
        return []
    indices = (_lead_indices(unique, max_words) if method == "lead"
               else _textrank_indices(unique, max_words, damping, iterations))
    return [unique[i] for i in sorted(indices)]
