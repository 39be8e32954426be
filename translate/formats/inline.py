"""Inline markup as placeholders: one block's pieces in, sentences out, and back.

A format turns each block (paragraph, heading, cell, cue group) into pieces: plain text
and ``Tag``s. A tag is an opening or closing half of inline markup (``**``, ``<b>``, a
DOCX run change), an atom (inline code, an image, ``<br>``), or a line break that the
model sees as one space. The model sees markup as ``<x1>``...``</x1>`` and atoms as
``<x2/>``: short XML-like tokens, numbered from 1 in each sentence, which MarianMT
models tend to copy through, and which a sentence keeps when it is reused elsewhere.

``Splitter.block`` cuts a block into sentences (a markup pair never straddles two) and
the literal pieces between them; ``translate.formats.restore`` turns outputs back into
pieces.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from translate.text.sentences import sentence_spans

# Tolerant: models sometimes put spaces inside a token ("< x1 >", "</ x1>").
TOKEN = re.compile(r"<\s*(/?)\s*x\s*(\d+)\s*(/?)\s*>")


@dataclass(frozen=True, eq=False)
class Tag:
    """One piece of inline markup; identity, not value, tells tags apart.

    Attributes:
        kind: ``open``, ``close``, ``atom``, ``break`` (a line break the model sees as a
            space), ``mark`` (something of no width the model does not see, put back
            at the same relative place: a DOCX bookmark or spelling mark) or ``text``
            (source text that looks like a token, passed as an atom).
        value: What the format writes for it (a literal string, an element, a run).
        pair: For ``close``, its ``open`` tag.
        keep: For ``open``: the markup holds text of its own (an HTML ``title``), so
            when the segment is damaged it is kept, empty, rather than dropped.
        ordered: For atoms: they must stay in their source order among themselves
            (a DOCX field's start, instruction and end).
    """

    kind: str
    value: Any = None
    pair: Tag | None = None
    keep: bool = False
    ordered: bool = False


Piece = str | Tag
# Characters XML cannot hold. No source text has them (it was parsed from XML or
# decoded text without them), so they come from a model; lxml would refuse them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold."""
    return _NOT_XML.sub("", text)
Layout = tuple[Piece | int, ...]  # a block: literal pieces and segment indices


@dataclass(frozen=True)
class Unit:
    """What one segment's tokens stand for: ``tags[n - 1]`` is token ``n``."""

    tags: tuple[Tag, ...]
    ends: tuple[Tag | None, ...] = ()  # each opening tag's closing tag
    breaks: tuple[tuple[float, Tag], ...] = ()
    # Each mark's place: (fraction of the text, tokens between the text and it, the mark).
    marks: tuple[tuple[float, int, Tag], ...] = ()


def protect(text: str) -> list[Piece]:
    """Text as pieces, with anything that looks like a token made an atom."""
    pieces: list[Piece] = []
    last = 0
    for match in TOKEN.finditer(text):
        pieces += [text[last:match.start()], Tag("text", match.group(0))]
        last = match.end()
    pieces.append(text[last:])
    return [p for p in pieces if p != ""]


def _token_text(kind: str, number: int) -> str:
    return {"open": f"<x{number}>", "close": f"</x{number}>", "atom": f"<x{number}/>"}[kind]


def _width(piece: Piece) -> int:
    """How many characters a piece takes in the text the sentence splitter sees."""
    if isinstance(piece, str):
        return len(piece)
    return {"break": 1, "mark": 0}.get(piece.kind, 4)


def _flat(pieces: Sequence[Piece]) -> tuple[str, list[tuple[int, Piece]]]:
    """The block as the sentence splitter sees it (tokens as spaces) and piece offsets."""
    text: list[str] = []
    offsets: list[tuple[int, Piece]] = []
    at = 0
    for piece in pieces:
        offsets.append((at, piece))
        width = _width(piece)
        text.append(piece if isinstance(piece, str) else " " * width)
        at += width
    return "".join(text), offsets


def _snap(spans: list[tuple[int, int]], offsets: list[tuple[int, Piece]],
          total: int) -> list[tuple[int, int]]:
    """Widen spans over adjacent tokens and merge them until no pair straddles two."""
    marks = [(at, p) for at, p in offsets if isinstance(p, Tag) and _width(p) == 4]
    starts = {at: at + 4 for at, _ in marks}
    ends = {at + 4: at for at, _ in marks}
    widened: list[tuple[int, int]] = []
    for start, end in spans:
        floor = widened[-1][1] if widened else 0  # a token joins one sentence only
        while start in ends and ends[start] >= floor:
            start = ends[start]
        while end in starts:
            end = starts[end]
        widened.append((start, end))
    where = {id(p): at for at, p in marks}
    for opened, closed in sorted((where[id(p.pair)], at + 4) for at, p in marks
                                 if p.kind == "close" and p.pair):
        # Merging only ever joins spans, so a pair already inside one stays inside one.
        starts_at = [start for start, _ in widened]
        first = max(bisect.bisect_right(starts_at, opened) - 1, 0)
        last = bisect.bisect_left(starts_at, closed) - 1
        if last < first or widened[first][0] > closed or widened[last][1] <= opened:
            continue  # in the literal text between sentences
        if first == last and widened[first][0] <= opened and widened[first][1] >= closed:
            continue
        if widened[first][1] <= opened:
            first += 1
        merged = (min(widened[first][0], opened), max(widened[last][1], closed))
        widened[first:last + 1] = [merged]
    return [(max(0, s), min(total, e)) for s, e in widened]


class Splitter:
    """Collects segments from blocks; replays recorded sentence spans when given them."""

    def __init__(self, lang: str, spans: Sequence[tuple[tuple[int, int], ...]] | None = None):
        self.lang = lang
        self.replay = list(spans) if spans is not None else None
        self.spans: list[tuple[tuple[int, int], ...]] = []
        self.segments: list[str] = []
        self.paragraphs: list[int] = []
        self.units: list[Unit] = []

    def block(self, pieces: Sequence[Piece], paragraph: int) -> Layout:
        """Cut one block into sentences; returns its layout (literals and segment indices)."""
        text, offsets = _flat(pieces)
        if self.replay is not None:
            spans = list(self.replay[len(self.spans)])
        elif any(ch.isalpha() for ch in text):
            # no language (a first reading, for detection only): the block unsplit
            found = (sentence_spans(text, self.lang) if self.lang
                     else [(len(text) - len(text.lstrip()), len(text.rstrip()))])
            spans = _snap(found, offsets, len(text))
        else:
            spans = []
        self.spans.append(tuple(spans))
        bounds = [0, *(b for span in spans for b in span), len(text)]
        chunks = _chunks(offsets, bounds)
        layout: list[Piece | int] = list(chunks[0])
        for number in range(len(spans)):
            layout.append(self._segment(chunks[2 * number + 1], paragraph))
            layout += chunks[2 * number + 2]
        return tuple(layout)

    def _segment(self, pieces: list[Piece], paragraph: int) -> int:
        numbers: dict[int, int] = {}
        tags: list[Tag] = []
        ends: dict[int, Tag] = {}
        model: list[str] = []
        breaks: list[tuple[int, Tag]] = []
        marks: list[tuple[int, int, Tag]] = []
        since = 0  # tokens since the last text character
        length = 0
        for piece in pieces:
            if isinstance(piece, str):
                model.append(piece)
                length += len(piece)
                since = 0 if piece else since
            elif piece.kind == "mark":
                marks.append((length, since, piece))
            elif piece.kind == "break":
                breaks.append((length, piece))
                since = 0
                model.append(" ")
                length += 1
            else:
                key = id(piece.pair if piece.kind == "close" and piece.pair else piece)
                if key not in numbers:
                    tags.append(piece)
                    numbers[key] = len(tags)
                if piece.kind == "close":
                    ends[numbers[key]] = piece
                model.append(_token_text("atom" if piece.kind == "text" else piece.kind,
                                         numbers[key]))
                since += 1
        size = max(length, 1)
        self.segments.append("".join(model))
        self.paragraphs.append(paragraph)
        self.units.append(Unit(tuple(tags), tuple(ends.get(n) for n in range(1, len(tags) + 1)),
                               tuple((at / size, tag) for at, tag in breaks),
                               tuple((at / size, lead, tag) for at, lead, tag in marks)))
        return len(self.segments) - 1


def _chunks(offsets: list[tuple[int, Piece]], bounds: list[int]) -> list[list[Piece]]:
    """The pieces cut at ``bounds`` (sorted offsets): one list per interval, in one pass."""
    chunks: list[list[Piece]] = [[] for _ in range(len(bounds) - 1)]
    interval = 0
    for at, piece in offsets:
        width = _width(piece)
        while interval < len(chunks) - 1 and bounds[interval + 1] <= at:
            interval += 1
        if not isinstance(piece, str):
            chunks[interval].append(piece)
            continue
        start = at
        while start < at + width:
            while interval < len(chunks) - 1 and bounds[interval + 1] <= start:
                interval += 1
            stop = min(at + width, bounds[interval + 1])
            if stop > start:
                chunks[interval].append(piece[start - at:stop - at])
            start = stop if stop > start else at + width
    return chunks
