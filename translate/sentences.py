"""Sentences: where they start and end, and how to cut one that is too long.

``sentence_spans`` uses pysbd's rule-based splitter, with URLs and e-mail addresses
masked and wrong splits after abbreviations ("n. 5", "pag. 3") undone.
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
    masked and splits after abbreviations such as "n." or "pag." undone.
    """
    masked = _mask(text)
    spans: list[tuple[int, int]] = []
    cursor = 0
    for sentence in _sentence_splitter(lang).segment(masked):
        core = sentence.strip()
        if not core:
            continue
        start = masked.find(core, cursor)
        if start < 0:  # the splitter changed the text: keep the line whole
            start_all = len(text) - len(text.lstrip())
            return [(start_all, len(text.rstrip()))] if text.strip() else []
        end = start + len(core)
        if spans and _continues(text[spans[-1][0]:spans[-1][1]], core):
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
        cursor = end
    return spans


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
    """Join consecutive pieces with spaces while the result stays within ``limit``."""
    groups: list[str] = []
    current = pieces[0]
    for piece in pieces[1:]:
        candidate = f"{current} {piece}"
        if count_tokens([candidate])[0] <= limit:
            current = candidate
        else:
            groups.append(current)
            current = piece
    groups.append(current)
    return groups


def _split_chars(text: str, count_tokens: TokenCounter, limit: int) -> list[str]:
    pieces: list[str] = []
    while text:
        lengths = range(1, len(text) + 1)
        fits = bisect.bisect_right(lengths, False,
                                   key=lambda n: count_tokens([text[:n]])[0] > limit)
        take = max(1, fits)
        pieces.append(text[:take])
        text = text[take:]
    return pieces
