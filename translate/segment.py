"""Document -> segments + layout, and back: ``reassemble()`` is exact.

A document is cut into lines; each line into a layout prefix (indentation, list,
heading and quote markers), sentences, and the whitespace around them. Only sentences
go to the model; everything else is kept byte for byte. Lines inside fenced code
blocks, and lines without a single letter, are kept as they are.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

# Bump whenever segmentation changes what reaches the model: it is part of the cache key.
SEGMENTER_VERSION = "1"

_NEWLINE = re.compile(r"\r\n|\n|\r")
_PREFIX = re.compile(
    r"[ \t]*(?:(?:>[ \t]?)+|#{1,6}[ \t]+|(?:[-*+•·–—]|\d{1,3}[.)]|[a-z]\))[ \t]+)*"
)
_FENCE = re.compile(r"^[ \t]*(```|~~~)")
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


@dataclass(frozen=True)
class Segmented:
    """A document cut into segments and the literal layout around them.

    Attributes:
        parts: Literal strings and, for each segment, its index into ``segments``.
        segments: The sentences to translate, in document order.
        paragraphs: For each segment, the index of the line (paragraph) it came from.

    """

    parts: tuple[str | int, ...]
    segments: tuple[str, ...]
    paragraphs: tuple[int, ...]


def reassemble(doc: Segmented, outputs: Sequence[str]) -> str:
    """Put translated segments back into the layout.

    With ``outputs == doc.segments`` the result is the original text, byte for byte.
    """
    if len(outputs) != len(doc.segments):
        raise ValueError(f"expected {len(doc.segments)} outputs, got {len(outputs)}")
    return "".join(outputs[p] if isinstance(p, int) else p for p in doc.parts)


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


def _has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


def segment(text: str, lang: str = "it") -> Segmented:
    """Cut ``text`` into sentences and layout; see ``reassemble``."""
    parts: list[str | int] = []
    segments: list[str] = []
    paragraphs: list[int] = []
    in_fence = False
    pos = 0
    for line_no, match in enumerate(_iter_lines(text)):
        line, newline = match
        is_fence = bool(_FENCE.match(line))
        if in_fence or is_fence or not _has_letters(line):
            parts.append(line)
        else:
            prefix_end = _PREFIX.match(line).end()  # type: ignore[union-attr]
            parts.append(line[:prefix_end])
            body = line[prefix_end:]
            last = 0
            for start, end in sentence_spans(body, lang):
                parts.append(body[last:start])
                parts.append(len(segments))
                segments.append(body[start:end])
                paragraphs.append(line_no)
                last = end
            parts.append(body[last:])
        if is_fence:
            in_fence = not in_fence
        parts.append(newline)
        pos += len(line) + len(newline)
    merged = _merge_literals(parts)
    return Segmented(tuple(merged), tuple(segments), tuple(paragraphs))


def _iter_lines(text: str) -> list[tuple[str, str]]:
    lines: list[tuple[str, str]] = []
    last = 0
    for match in _NEWLINE.finditer(text):
        lines.append((text[last:match.start()], match.group(0)))
        last = match.end()
    if last < len(text) or not lines:
        lines.append((text[last:], ""))
    return lines


def _merge_literals(parts: list[str | int]) -> list[str | int]:
    merged: list[str | int] = []
    for part in parts:
        if isinstance(part, str):
            if not part:
                continue
            if merged and isinstance(merged[-1], str):
                merged[-1] += part
                continue
        merged.append(part)
    return merged


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
