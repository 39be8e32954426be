"""Summaries: token-aware chunking, map-reduce with a seq2seq model, extractive methods.

Abstractive: the document is cut into chunks on paragraph, then sentence boundaries,
each within the model's input limit; each chunk is summarised; the summaries are
joined and summarised again (a reduce level) until one summary remains. Nothing is
truncated: a sentence longer than the limit is split like a translation segment.

Extractive (no weights): ``lead`` takes the first sentences; ``textrank`` ranks
sentences by centrality in a word-overlap similarity graph. Both return real
sentences of the document, in document order, within the word limit.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from translate.errors import UsageError
from translate.segment import segment
from translate.sentences import TokenCounter, split_long

METHODS = ("abstractive", "extractive", "textrank", "lead")
# Roughly how many BART tokens an English word takes; used to turn words into tokens.
TOKENS_PER_WORD = 1.4
_WORD = re.compile(r"\w+", re.UNICODE)
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n|\n")


@dataclass(frozen=True)
class SummaryOptions:
    """Every setting that changes a summary (part of its signature).

    Attributes:
        method: ``abstractive`` (default), ``extractive`` (= ``textrank``) or ``lead``.
        max_words: Longest summary, in words.
        min_words: Shortest summary the model is asked for, in words (abstractive);
            ``None``: 30, or ``max_words`` if that is smaller.
    """

    method: str = "abstractive"
    max_words: int = 120
    min_words: int | None = None

    def __post_init__(self) -> None:
        if self.min_words is None:
            object.__setattr__(self, "min_words", min(30, self.max_words))
        if self.method not in METHODS:
            raise UsageError(f"unknown summary method '{self.method}'",
                             f"valid choices: {', '.join(METHODS)}")
        if not 1 <= self.least_words <= self.max_words:
            raise UsageError(f"--min-words ({self.min_words}) must be between 1 and "
                             f"--max-words ({self.max_words})")

    @property
    def least_words(self) -> int:
        """``min_words`` with its default resolved."""
        assert self.min_words is not None  # resolved in __post_init__
        return self.min_words

    @property
    def extractive(self) -> bool:
        """Whether the method needs no model."""
        return self.method != "abstractive"

    def token_limits(self) -> tuple[int, int]:
        """``(min_new_tokens, max_new_tokens)`` for the model, from the word limits."""
        return (math.ceil(self.least_words * TOKENS_PER_WORD),
                math.ceil(self.max_words * TOKENS_PER_WORD))


@dataclass(frozen=True)
class Summary:
    """A summary and how it was made."""

    text: str
    chunks: int = 1
    reduce_levels: int = 0
    trimmed: bool = False


def count_words(text: str) -> int:
    """Words as the length options count them."""
    return len(_WORD.findall(text))


def sentences(text: str) -> list[str]:
    """The document's sentences, in order (the same splitter as translation uses)."""
    return list(segment(text, "en").segments)


def paragraphs(text: str) -> list[str]:
    """Non-empty paragraphs (lines), stripped."""
    return [p.strip() for p in _PARAGRAPH_BREAK.split(text) if p.strip()]


def chunk_units(units: Sequence[str], count_tokens: TokenCounter, limit: int) -> list[str]:
    """Pack paragraphs into chunks of at most ``limit`` tokens, in order.

    A paragraph that alone exceeds ``limit`` is cut into sentences, and a sentence that
    still exceeds it by ``split_long``. Every unit is in exactly one chunk.
    """
    pieces: list[str] = []
    for unit in units:
        if count_tokens([unit])[0] <= limit:
            pieces.append(unit)
            continue
        for sentence in sentences(unit) or [unit]:
            pieces.extend(split_long(sentence, count_tokens, limit))
    chunks: list[str] = []
    for piece in pieces:
        candidate = f"{chunks[-1]}\n{piece}" if chunks else piece
        if chunks and count_tokens([candidate])[0] <= limit:
            chunks[-1] = candidate
        else:
            chunks.append(piece)
    return chunks


def map_reduce(text: str, summarize_all: Callable[[list[str]], list[str]],
               count_tokens: TokenCounter, limit: int, max_levels: int = 8) -> Summary:
    """Summarise chunks, then summaries of summaries, until one remains.

    Args:
        text: The document.
        summarize_all: Summarises a list of chunks (one batched model pass).
        count_tokens: The model's input token counter.
        limit: The model's input limit in tokens.
        max_levels: Safety bound on reduce levels.
    """
    chunks = chunk_units(paragraphs(text), count_tokens, limit)
    summaries = summarize_all(chunks)
    levels = 0
    while len(summaries) > 1:
        if levels >= max_levels:
            raise RuntimeError(f"summaries did not converge after {max_levels} reduce levels")
        levels += 1
        summaries = summarize_all(chunk_units(summaries, count_tokens, limit))
    return Summary(summaries[0].strip(), len(chunks), levels)


def fit_words(text: str, max_words: int) -> tuple[str, bool]:
    """Keep whole sentences of a generated summary within ``max_words``.

    Returns the text and whether anything was cut. Only model output is ever cut,
    never the document; a first sentence longer than the limit is cut at a word.
    """
    if count_words(text) <= max_words:
        return text, False
    kept: list[str] = []
    for sentence in sentences(text):
        if count_words(" ".join([*kept, sentence])) > max_words:
            break
        kept.append(sentence)
    if not kept:
        words = text.split()
        while count_words(" ".join(words)) > max_words:
            words.pop()
        return " ".join(words), True
    return " ".join(kept), True


def lead(text: str, max_words: int) -> str:
    """The first sentences that fit within ``max_words`` (in document order)."""
    chosen: list[str] = []
    total = 0
    for sentence in dict.fromkeys(sentences(text)):  # a repeated title counts once
        words = count_words(sentence)
        if total + words > max_words:
            if chosen:
                break
            continue
        chosen.append(sentence)
        total += words
    return " ".join(chosen)


def _similarity(a: set[str], b: set[str]) -> float:
    if len(a) < 2 or len(b) < 2:
        return 0.0
    return len(a & b) / (math.log(len(a)) + math.log(len(b)))


def textrank(text: str, max_words: int, damping: float = 0.85, iterations: int = 50) -> str:
    """The most central sentences (TextRank) within ``max_words``, in document order."""
    sents = list(dict.fromkeys(sentences(text)))
    if not sents:
        return ""
    bags = [{w.lower() for w in _WORD.findall(s)} for s in sents]
    n = len(sents)
    weights = [[_similarity(bags[i], bags[j]) if i != j else 0.0 for j in range(n)]
               for i in range(n)]
    out_sum = [sum(row) or 1.0 for row in weights]
    scores = [1.0 / n] * n
    for _ in range(iterations):
        scores = [(1 - damping) / n + damping * sum(weights[j][i] / out_sum[j] * scores[j]
                                                    for j in range(n)) for i in range(n)]
    ranked = sorted(range(n), key=lambda i: (-scores[i], i))
    chosen: list[int] = []
    total = 0
    for index in ranked:
        words = count_words(sents[index])
        if total + words <= max_words:
            chosen.append(index)
            total += words
    return " ".join(sents[i] for i in sorted(chosen))


def summarize_extractive(text: str, options: SummaryOptions) -> Summary:
    """An extractive summary by ``options.method``."""
    pick = lead if options.method == "lead" else textrank
    return Summary(pick(text, options.max_words))
