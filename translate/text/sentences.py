"""Sentences: where they start and end, and how to cut one that is too long.

``sentence_spans`` uses pysbd's rule-based splitter, with URLs and e-mail addresses
masked and wrong splits after abbreviations ("n. 5", "pag. 3") undone; text longer than
``SPLITTER_WINDOW`` characters is cut into windows first (``windows``), so the time is
linear in the text's length.
``split_long`` cuts a sentence longer than the model's input limit at clause boundaries,
then words, then characters; nothing is ever dropped.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Sequence
from typing import Any

_URL_OR_EMAIL = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_TRAILING_PUNCT = ".,;:!?)]}»\"'"
_PYSBD_LANGS = {"en", "hi", "mr", "zh", "es", "am", "ar", "hy", "bg", "ur", "ru", "pl", "fa",
                "nl", "da", "fr", "my", "el", "it", "ja", "de", "kk", "sk"}
# Abbreviations after which a following number or lower-case word continues the sentence.
_ABBREVIATIONS = frozenset("""
n nn no nr num art artt par pag pagg p pp cap capp cfr ca sig sigg dott dr prof avv ing
arch geom on sen rag ecc etc vol voll fig figg tab es tel sec ss v vs gen feb mar apr mag
giu lug ago set ott nov dic jan jun jul aug sep oct dec mr mrs st
""".split())


@functools.lru_cache(maxsize=16)
def _sentence_splitter(lang: str) -> Any:
    import pysbd

    return pysbd.Segmenter(language=lang if lang in _PYSBD_LANGS else "en", clean=False)


def _mask(text: str) -> str:
    """Hide URLs and e-mail addresses (same length) so their dots split nothing."""

    def hide(match: re.Match[str]) -> str:
        token = match.group(0)
        kept = token.rstrip(_TRAILING_PUNCT)
        return "x" * len(kept) + token[len(kept):]

    return _URL_OR_EMAIL.sub(hide, text)


def _continues(previous: str, following: str) -> bool:
    """Whether a split between two pieces was wrong (an abbreviation, a lower-case start)."""
    first = following.lstrip("\"'«“‘([")[:1]
    if first.islower():
        return True
    if first.isdigit():
        last_word = previous.rstrip().rsplit(None, 1)[-1].lower().rstrip(".")
        return last_word in _ABBREVIATIONS or len(last_word) == 1
    return False


def sentence_spans(text: str, lang: str = "it") -> list[tuple[int, int]]:
    """Spans of the sentences in ``text``, without surrounding whitespace.

    Uses pysbd's rule-based splitter for ``lang``, with URLs and e-mail addresses
    masked and splits after abbreviations such as "n." or "pag." undone. pysbd takes
    time quadratic in its input, so a text longer than ``SPLITTER_WINDOW`` characters
    is first cut into windows (see ``windows``) and each window is split on its own:
    the time is linear in the text's length.
    """
    masked = _mask(text)
    spans: list[tuple[int, int]] = []
    for window in windows(masked):
        for start, end in _window_spans(masked, *window, lang):
            if spans and _continues(text[max(spans[-1][0], spans[-1][1] - 64):spans[-1][1]],
                                    masked[start:end]):
                spans[-1] = (spans[-1][0], end)
            else:
                spans.append((start, end))
    return spans


def _window_spans(masked: str, start: int, end: int, lang: str) -> list[tuple[int, int]]:
    """Pysbd's sentences of ``masked[start:end]``, as spans of ``masked``."""
    window = masked[start:end]
    whole = [(start + len(window) - len(window.lstrip()), start + len(window.rstrip()))]
    if not window.strip():
        return []
    if end - start > SPLITTER_WINDOW:  # one run without whitespace: a single "word"
        return whole
    spans: list[tuple[int, int]] = []
    cursor = start
    for sentence in _sentence_splitter(lang).segment(window):
        core = sentence.strip()
        if not core:
            continue
        found = masked.find(core, cursor, end)
        if found < 0:  # the splitter changed the text: keep the window whole
            return whole
        spans.append((found, found + len(core)))
        cursor = found + len(core)
    return spans


# Longest text given to pysbd at once (its time grows with the square of its input).
SPLITTER_WINDOW = 2000
# A window ends, preferably, after sentence punctuation (and closing quotes) followed by
# whitespace and a capital letter or digit; else at the last whitespace.
_WINDOW_END = re.compile(r"[.!?…][\"'»”’)\]]*(\s+)(?=[\"'«“‘(\[]*[A-ZÀ-ÖØ-Þ0-9])")
_WHITESPACE = re.compile(r"\s+")


def windows(text: str, size: int = SPLITTER_WINDOW) -> list[tuple[int, int]]:
    """Cut ``text`` into consecutive windows of at most ``size`` characters.

    A window ends in its second half at the last sentence end (``.`` ``!`` ``?`` ``…``,
    closing quotes or brackets, whitespace, then a capital letter or digit) that does
    not follow an abbreviation or a single letter; failing that, at its last run of
    whitespace; failing that (a run of over ``size`` characters without whitespace),
    at the first whitespace after it. Never inside a word. Windows cover ``text``
    exactly; text of at most ``size`` characters is one window.
    """
    cuts: list[tuple[int, int]] = []
    position = 0
    while len(text) - position > size:
        limit = position + size
        cut = _sentence_cut(text, position + size // 2, limit)
        if cut is None:
            spaces = [m.end() for m in _WHITESPACE.finditer(text, position + 1, limit)]
            cut = spaces[-1] if spaces else None
        if cut is None or cut <= position:
            after = _WHITESPACE.search(text, limit)
            cut = after.end() if after else len(text)
        cuts.append((position, cut))
        position = cut
    if position < len(text) or not cuts:
        cuts.append((position, len(text)))
    return cuts


def _sentence_cut(text: str, start: int, end: int) -> int | None:
    """The end of the last safe sentence boundary's whitespace in ``text[start:end]``."""
    for match in reversed(list(_WINDOW_END.finditer(text, start, end))):
        word = text[max(0, match.start() - 32):match.start()].rsplit(None, 1)[-1:]
        last = word[0].lower().lstrip("\"'«“‘([") if word else ""
        if len(last) > 1 and last not in _ABBREVIATIONS:
            return match.end(1)
    return None


# Clause boundaries, tried in order, for sentences longer than the model accepts.
_CLAUSE_BREAKS = (
    re.compile(r"(?<=[;:])\s+"),
    re.compile(r"(?<=,)\s+"),
    re.compile(r"\s+(?=[-–—]\s)"),
)

TokenCounter = Callable[[Sequence[str]], list[int]]


def split_long(text: str, count_tokens: TokenCounter, limit: int) -> list[str]:
    """Split a segment into pieces of at most ``limit`` tokens each.

    Tries clause boundaries (``;`` ``:``, then commas, then dashes), then word windows,
    then character windows for a single over-long "word". Every non-whitespace
    character of ``text`` ends up in exactly one piece, in order: nothing is dropped.

    Args:
        text: The segment.
        count_tokens: Returns the model's input length (special tokens included) of
            each text.
        limit: The most tokens one piece may have.

    """
    if count_tokens([text])[0] <= limit:
        return [text]
    for pattern in _CLAUSE_BREAKS:
        pieces = [p for p in pattern.split(text) if p]
        if len(pieces) > 1:
            return [out for group in _group(pieces, count_tokens, limit)
                    for out in split_long(group, count_tokens, limit)]
    words = text.split()
    if len(words) > 1:
        return [out for group in _group(words, count_tokens, limit)
                for out in split_long(group, count_tokens, limit)]
    return _split_chars(text, count_tokens, limit)


def _group(pieces: list[str], count_tokens: TokenCounter, limit: int) -> list[str]:
    """Join consecutive pieces with spaces while the result stays within ``limit``.

    Every piece is counted once, in one call (with ``""`` for the special tokens each
    count includes); groups are made from the sums, then checked in one more call. A
    group the sum underestimated (a tokenizer that merges across the join) is cut by
    halves until each part fits. So the tokenizer sees each character a bounded number
    of times: linear, however long the segment.
    """
    counts = count_tokens(["", *pieces])
    overhead, sizes = counts[0], [max(0, c - counts[0]) for c in counts[1:]]
    spans: list[tuple[int, int]] = []
    start, total = 0, sizes[0]
    for index in range(1, len(pieces)):
        if overhead + total + sizes[index] <= limit:
            total += sizes[index]
        else:
            spans.append((start, index))
            start, total = index, sizes[index]
    spans.append((start, len(pieces)))
    return _fitting(pieces, spans, count_tokens, limit)


def _fitting(pieces: list[str], spans: list[tuple[int, int]], count_tokens: TokenCounter,
             limit: int) -> list[str]:
    """The groups of ``spans``, each one over ``limit`` cut in halves until it fits."""
    joined = [" ".join(pieces[a:b]) for a, b in spans]
    fits = count_tokens(joined)
    out: list[str] = []
    for (a, b), text, size in zip(spans, joined, fits, strict=True):
        if size <= limit or b - a == 1:  # one piece: split_long cuts it further
            out.append(text)
        else:
            middle = (a + b) // 2
            out.extend(_fitting(pieces, [(a, middle), (middle, b)], count_tokens, limit))
    return out


def _split_chars(text: str, count_tokens: TokenCounter, limit: int) -> list[str]:
    """Cut a run without spaces into the longest prefixes within ``limit`` tokens.

    The search for each piece first doubles a bound from ``limit`` characters until it
    is over the limit, then bisects below it: each piece costs time in its own length,
    not the text's, so a megabyte-long "word" is cut in linear time.
    """
    pieces: list[str] = []
    start = 0
    while start < len(text):
        rest = len(text) - start
        high = min(rest, max(1, limit))
        while high < rest and count_tokens([text[start:start + high]])[0] <= limit:
            high = min(rest, 2 * high)
        lengths = range(1, high + 1)
        fits = bisect.bisect_right(
            lengths, False, key=lambda n: count_tokens([text[start:start + n]])[0] > limit)
        take = max(1, fits)
        pieces.append(text[start:start + take])
        start += take
    return pieces
