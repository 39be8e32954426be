"""Summaries: token-aware chunking, map-reduce with a seq2seq model, extractive methods.

Abstractive: the document is cut into chunks on paragraph, then sentence boundaries,
each within the model's input limit; each chunk is summarised; the summaries are
joined and summarised again (a reduce level) until one summary remains. Nothing is
truncated: a sentence longer than the limit is split like a translation segment.
``map_reduce_many`` takes several documents level by level, so that their chunks share
the model's batches.

Extractive methods (no weights: ``lead``, TextRank) live in ``text.extractive``;
``summarize_extractive`` runs the one the options name.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from translate.errors import UsageError
from translate.summaries.textrank import count_words, lead, sentences, textrank
from translate.text.sentences import TokenCounter, split_long

METHODS = ("abstractive", "extractive", "textrank", "lead")
# Roughly how many BART tokens an English word takes; used to turn words into tokens.
TOKENS_PER_WORD = 1.4
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
    """A summary and how it was made.

    Attributes:
        text: The summary.
        chunks: Chunks the document was cut into for the model.
        reduce_levels: Times the summaries were summarised again.
        trimmed: Whether the model's output was cut to ``max_words`` (``fit_words``).
        fallback: ``"extractive"`` when a reduce level did not shrink the text and the
            summary was taken from the last level's summaries by TextRank instead.
        length_limited: Model outputs that stopped at ``max_new_tokens`` (this run).
        truncated_tokens: Input tokens the model did not see (this run; should be 0).
    """

    text: str
    chunks: int = 1
    reduce_levels: int = 0
    trimmed: bool = False
    fallback: str | None = None
    length_limited: int = 0
    truncated_tokens: int = 0


def paragraphs(text: str) -> list[str]:
    """Non-empty paragraphs (lines), stripped."""
    return [p.strip() for p in _PARAGRAPH_BREAK.split(text) if p.strip()]


def chunk_units(units: Sequence[str], count_tokens: TokenCounter, limit: int) -> list[str]:
    """Pack paragraphs into chunks of at most ``limit`` tokens, in order, of even size.

    A paragraph that alone exceeds ``limit`` is cut into sentences, and a sentence that
    still exceeds it by ``split_long``. Every unit is in exactly one chunk. The number
    of chunks is the least that greedy packing needs; the cuts are then moved, still
    at paragraph boundaries, so that the chunks are about equally long (a chunk's
    summary gets an equal share of the summary's length, ``chunk_lengths``) instead
    of a full first chunk and a short rest.
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
    if len(chunks) < 2:
        return chunks
    return _balanced(pieces, count_tokens, limit, len(chunks)) or chunks


def _balanced(pieces: Sequence[str], count_tokens: TokenCounter, limit: int,
              count: int) -> list[str] | None:
    """``pieces`` in ``count`` chunks of about equal tokens, or ``None`` if none is found.

    The least cap (binary search) under which greedy packing of the pieces' summed
    token counts needs ``count`` chunks; the chunks found are checked with real counts
    (a join can tokenize differently from its parts), and ``None`` is returned if any
    is over ``limit``. Linear in the pieces for each of the log2(limit) probes.
    """
    sizes = count_tokens(pieces)
    joint = count_tokens([""])[0] - 1  # special tokens each piece counts, less the newline

    def pack(cap: int) -> list[list[int]]:
        groups: list[list[int]] = []
        total = 0
        for index, size in enumerate(sizes):
            if groups and total + size - joint <= cap:
                groups[-1].append(index)
                total += size - joint
            else:
                groups.append([index])
                total = size
        return groups

    low, high = max(sizes), limit
    if len(pack(high)) > count:
        return None
    while low < high:
        middle = (low + high) // 2
        if len(pack(middle)) <= count:
            high = middle
        else:
            low = middle + 1
    chunks = ["\n".join(pieces[i] for i in group) for group in pack(high)]
    if len(chunks) != count or max(count_tokens(chunks)) > limit:
        return None
    return chunks


# Shortest chunk summary asked for when a chunk gets a share of the summary's length:
# below this a share says too little to be worth reading (or reducing).
MIN_SHARE_TOKENS = 24
# (min_new_tokens, max_new_tokens) of a level's outputs; None: the summariser's own.
Lengths = tuple[int, int] | None


def chunk_lengths(count: int, summary_tokens: int | None, least_tokens: int) -> Lengths:
    """The length of each of ``count`` chunk summaries: a share of the summary's.

    One chunk: the summariser's own settings (its summary is the summary). Several: an
    even share of ``summary_tokens`` each (at least ``MIN_SHARE_TOKENS``) and of the
    shortest summary, ``least_tokens``, so that the chunk summaries together are about
    one summary long and often need no reduce pass at all; when they do not fit, the
    reduce reads short inputs. ``summary_tokens`` ``None``: every level at the
    summariser's own settings (the old behaviour).
    """
    if count < 2 or summary_tokens is None:
        return None
    longest = max(MIN_SHARE_TOKENS, summary_tokens // count)
    if longest >= summary_tokens:
        return None
    return min(longest, math.ceil(least_tokens / count)), longest


@dataclass
class _Reduction:
    """One document on its way through the levels: this level's inputs and outputs."""

    chunks: int
    inputs: list[str]
    summaries: list[str] = field(default_factory=list)
    levels: int = 0
    result: Summary | None = None


SummarizeAll = Callable[[dict[int, list[str]], dict[int, Lengths]], dict[int, list[str]]]


def map_reduce_many(texts: Sequence[str], summarize_all: SummarizeAll,
                    count_tokens: TokenCounter, limit: int, max_levels: int = 8,
                    max_words: int = 120, summary_tokens: int | None = None,
                    least_tokens: int = 0) -> list[Summary]:
    """Summarise each document's chunks, then summaries of them, until one remains.

    The documents go level by level, in one model pass per level.

    Terminates always: each reduce level must shrink the text (its total token count),
    and there are at most ``max_levels`` of them. When a level's summaries are not
    shorter than its input, or the levels run out, the summary is taken from the last
    level's summaries by TextRank (``fallback="extractive"``) instead of an error.

    Every document still reducing hands its chunks of the level to one
    ``summarize_all`` call, so chunks of many documents can share batches (and equal
    chunks be summarised once). Each document's summary is the one it gets alone
    when a chunk's summary depends on the chunk only.

    With ``summary_tokens`` (the summary's ``max_new_tokens``), a level of several
    chunks asks each for a share of the summary's length (``chunk_lengths``), and when
    the chunk summaries together fit ``summary_tokens`` they are the summary, joined
    in order, with no reduce pass. A document of one chunk is summarised exactly as
    without it.

    Args:
        texts: The documents.
        summarize_all: Summarises the chunks of each document still reducing (by its
            index in ``texts``) in one batched pass, at the given lengths (``None``:
            the summariser's own); returns their summaries by index.
        count_tokens: The model's input token counter.
        limit: The model's input limit in tokens.
        max_levels: Safety bound on reduce levels.
        max_words: Length of the extractive fallback, in words.
        summary_tokens: The summary's length in tokens; ``None``: levels not sized.
        least_tokens: The summary's shortest length in tokens (``min_new_tokens``).

    Returns:
        One ``Summary`` per text, in order.
    """
    states = []
    for text in texts:
        chunks = chunk_units(paragraphs(text), count_tokens, limit)
        # nothing to summarise: an empty summary, and no model call
        states.append(_Reduction(len(chunks), chunks, result=None if chunks else Summary("", 0)))
    active = {i: s for i, s in enumerate(states) if s.result is None}
    while active:
        lengths = {i: chunk_lengths(len(s.inputs), summary_tokens, least_tokens)
                   for i, s in active.items()}
        got = summarize_all({i: s.inputs for i, s in active.items()}, lengths)
        for index, state in active.items():
            state.summaries = got[index]
            sized = lengths[index] is not None
            _next_level(state, count_tokens, limit, max_levels, max_words,
                        summary_tokens if sized else None)
        active = {i: s for i, s in active.items() if s.result is None}
    return [s.result for s in states if s.result is not None]


def _next_level(state: _Reduction, count_tokens: TokenCounter, limit: int,
                max_levels: int, max_words: int, fits_in: int | None) -> None:
    """Finish ``state`` (one summary left, the shares joined, or the fallback) or go on.

    ``fits_in``: the tokens within which sized shares are joined (in order, one
    paragraph) instead of reduced; otherwise the next level is chunked.
    """
    summaries = state.summaries
    joined = " ".join(s.strip() for s in summaries)
    if len(summaries) == 1:
        state.result = Summary(summaries[0].strip(), state.chunks, state.levels)
    elif fits_in is not None and _fits(joined, len(summaries), count_tokens, fits_in,
                                       max_words):
        state.result = Summary(joined, state.chunks, state.levels)
    elif (state.levels >= max_levels
          or sum(count_tokens(summaries)) >= sum(count_tokens(state.inputs))):
        # Every sentence longer than max_words: keep them all (the caller's
        # fit_words cuts, and says so), never an empty summary.
        parts = "\n\n".join(s.strip() for s in summaries)
        picked = textrank(parts, max_words) or parts
        state.result = Summary(picked, state.chunks, state.levels, fallback="extractive")
    else:
        state.levels += 1
        state.inputs = chunk_units(summaries, count_tokens, limit)


def _fits(joined: str, shares: int, count_tokens: TokenCounter, tokens: int,
          max_words: int) -> bool:
    """Whether joined shares are one summary long.

    Within ``max_words`` words, or within ``tokens`` with a token per share of slack
    (decoded text tokenizes again a little differently at the joins).
    """
    if count_words(joined) <= max_words:
        return True
    return count_tokens([joined])[0] - count_tokens([""])[0] <= tokens + shares


def fit_words(text: str, max_words: int) -> tuple[str, bool]:
    """Keep whole sentences of a generated summary within ``max_words``.

    Returns the text and whether anything was cut. Only model output is ever cut,
    never the document; a first sentence longer than the limit is cut at a word.
    """
    if count_words(text) <= max_words:
        return text, False
    # Words are counted piece by piece: joining with spaces never merges two words, so
    # the sums equal counting the joined text, in linear time.
    kept: list[str] = []
    total = 0
    for sentence in sentences(text):
        total += count_words(sentence)
        if total > max_words:
            break
        kept.append(sentence)
    if not kept:
        words = text.split()
        total = cut = 0
        for index, word in enumerate(words):
            total += count_words(word)
            if total > max_words:
                break
            cut = index + 1
        return " ".join(words[:cut]), True
    return " ".join(kept), True


def summarize_extractive(text: str, options: SummaryOptions) -> Summary:
    """An extractive summary by ``options.method``."""
    pick = lead if options.method == "lead" else textrank
    return Summary(pick(text, options.max_words))
