"""Document -> segments + layout, and back: ``reassemble()`` is exact.

A document is cut into lines; each line into a layout prefix (indentation, list,
heading and quote markers), sentences, and the whitespace around them. Only sentences
go to the model; everything else is kept byte for byte. Lines inside fenced code
blocks, and lines without a single letter, are kept as they are.

Hard-wrapped text is joined before sentences are found: a line that does not end a
sentence, followed by an unmarked line that starts in lower case, continues it. A
sentence that spans such a break reaches the model as one sentence, and its output is
wrapped again at the same relative places (exactly the same places when the output
is the input).

Every step is linear in the document's length (the sentence splitter included: see
``sentences.windows``), so an 8 MB file on a single line is segmented like any other.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from translate.text.sentences import sentence_spans

# Bump whenever segmentation changes what reaches the model: it is part of the cache key.
SEGMENTER_VERSION = "2"

_NEWLINE = re.compile(r"\r\n|\n|\r")
_PREFIX = re.compile(
    r"[ \t]*(?:(?:>[ \t]?)+|#{1,6}[ \t]+|(?:[-*+•·–—]|\d{1,3}[.)]|[a-z]\))[ \t]+)*"
)
_FENCE = re.compile(r"^[ \t]*(```|~~~)")
_SENTENCE_END = tuple(".!?:;…»\"”’')]")
MIN_WRAPPED_LINE = 30  # shorter lines are headings or verse, not wrapped prose


@dataclass(frozen=True)
class Wrapped:
    """A segment whose source spans line breaks.

    Attributes:
        index: The segment's index.
        breaks: Where each break was, as a fraction of the segment's length.
        joints: The literal text of each break (trailing spaces, newline, indentation).
    """

    index: int
    breaks: tuple[float, ...]
    joints: tuple[str, ...]


Part = str | int | Wrapped


@dataclass(frozen=True)
class Segmented:
    """A document cut into segments and the literal layout around them.

    Attributes:
        parts: Literal strings and, for each segment, its index into ``segments`` (or a
            ``Wrapped`` for a segment that spans line breaks).
        segments: The sentences to translate, in document order.
        paragraphs: For each segment, the index of the paragraph (first line) it is in.
    """

    parts: tuple[Part, ...]
    segments: tuple[str, ...]
    paragraphs: tuple[int, ...]


def reassemble(doc: Segmented, outputs: Sequence[str]) -> str:
    """Put translated segments back into the layout.

    With ``outputs == doc.segments`` the result is the original text, byte for byte.
    """
    if len(outputs) != len(doc.segments):
        raise ValueError(f"expected {len(doc.segments)} outputs, got {len(outputs)}")
    out: list[str] = []
    for part in doc.parts:
        if isinstance(part, str):
            out.append(part)
        elif isinstance(part, int):
            out.append(outputs[part])
        else:
            out.append(rewrap(outputs[part.index], part))
    return "".join(out)


def rewrap(text: str, part: Wrapped) -> str:
    """Put ``part``'s line breaks into ``text`` at the spaces nearest their places.

    Each break takes the space nearest its place among those after the previous
    break (the earlier one on a tie); with fewer spaces than breaks, the rest go at
    the end. Linear in the text's length (plus a binary search per break).
    """
    spaces = [i for i, ch in enumerate(text) if ch == " "]
    pieces: list[str] = []
    leftover: list[str] = []
    position = 0
    first = 0  # index in `spaces` of the first space after `position`
    for fraction, joint in zip(part.breaks, part.joints, strict=True):
        if first >= len(spaces):  # fewer spaces than breaks: keep the line count, at the end
            leftover.append(joint)
            continue
        target = fraction * len(text)
        nearest = bisect.bisect_left(spaces, target, lo=first)
        if nearest == len(spaces) or (nearest > first and
                                      target - spaces[nearest - 1] <= spaces[nearest] - target):
            nearest -= 1
        best = spaces[nearest]
        pieces += [text[position:best], joint]
        position = best + 1
        first = nearest + 1
    return "".join([*pieces, text[position:], *leftover])


@dataclass
class _Line:
    number: int
    text: str
    newline: str
    prefix: str = ""
    core: str = ""
    trailing: str = ""
    translatable: bool = False

    def continues(self, previous: _Line) -> bool:
        """Whether this line carries on ``previous``'s sentence (hard wrap)."""
        return (self.translatable and previous.translatable and not self.prefix.strip()
                and len(previous.core) >= MIN_WRAPPED_LINE
                and not previous.core.endswith(_SENTENCE_END)
                and self.core[:1].islower())


def _lines(text: str) -> list[_Line]:
    lines: list[_Line] = []
    last = 0
    raw = []
    for match in _NEWLINE.finditer(text):
        raw.append((text[last:match.start()], match.group(0)))
        last = match.end()
    if last < len(text) or not raw:
        raw.append((text[last:], ""))
    in_fence = False
    for number, (line, newline) in enumerate(raw):
        item = _Line(number, line, newline)
        is_fence = bool(_FENCE.match(line))
        if not (in_fence or is_fence) and any(ch.isalpha() for ch in line):
            prefix_end = _PREFIX.match(line).end()  # type: ignore[union-attr]
            body = line[prefix_end:]
            item.prefix = line[:prefix_end]
            item.core = body.rstrip()
            item.trailing = body[len(item.core):]
            item.translatable = True
        in_fence ^= is_fence
        lines.append(item)
    return lines


def _blocks(lines: list[_Line]) -> list[list[_Line]]:
    blocks: list[list[_Line]] = []
    for line in lines:
        if blocks and line.continues(blocks[-1][-1]):
            blocks[-1].append(line)
        else:
            blocks.append([line])
    return blocks


class _Builder:
    def __init__(self) -> None:
        self.parts: list[Part] = []
        self.segments: list[str] = []
        self.paragraphs: list[int] = []
        self.pending: list[str] = []  # consecutive literals, joined once (no quadratic +=)

    def literal(self, text: str) -> None:
        if text:
            self.pending.append(text)

    def segment_part(self, part: int | Wrapped) -> None:
        self.flush()
        self.parts.append(part)

    def flush(self) -> None:
        if self.pending:
            self.parts.append("".join(self.pending))
            self.pending.clear()

    def block(self, block: list[_Line], lang: str) -> None:
        first = block[0]
        if not first.translatable:
            self.literal(first.text + first.newline)
            return
        self.literal(first.prefix)
        # The block's text with each line break as one space; `joints` maps those
        # spaces (at the sorted offsets `where`) back to what really stood there.
        cores = [line.core for line in block]
        joined = " ".join(cores)
        where: list[int] = list(itertools.accumulate(len(core) + 1 for core in cores[:-1]))
        where = [offset - 1 for offset in where]
        joints = [previous.trailing + previous.newline + line.prefix
                  for previous, line in itertools.pairwise(block)]
        last = 0
        for start, end in sentence_spans(joined, lang):
            self.literal(_unjoin(joined, last, start, where, joints))
            low, high = bisect.bisect_left(where, start), bisect.bisect_left(where, end)
            index = len(self.segments)
            self.segments.append(joined[start:end])
            self.paragraphs.append(first.number)
            if high > low:
                size = end - start
                self.segment_part(Wrapped(index, tuple((p - start) / size for p in where[low:high]),
                                          tuple(joints[low:high])))
            else:
                self.segment_part(index)
            last = end
        self.literal(_unjoin(joined, last, len(joined), where, joints))
        self.literal(block[-1].trailing + block[-1].newline)


def _unjoin(joined: str, start: int, end: int, where: list[int], joints: list[str]) -> str:
    """``joined[start:end]`` with the joining spaces at ``where`` put back as ``joints``."""
    pieces: list[str] = []
    position = start
    for k in range(bisect.bisect_left(where, start), bisect.bisect_left(where, end)):
        pieces += [joined[position:where[k]], joints[k]]
        position = where[k] + 1
    pieces.append(joined[position:end])
    return "".join(pieces)


def segment(text: str, lang: str = "it") -> Segmented:
    """Cut ``text`` into sentences and layout; see ``reassemble``."""
    builder = _Builder()
    for block in _blocks(_lines(text)):
        builder.block(block, lang)
    builder.flush()
    return Segmented(tuple(builder.parts), tuple(builder.segments), tuple(builder.paragraphs))


def paragraph_texts(text: str) -> dict[int, str]:
    """Each translatable paragraph's text, keyed as ``segment`` keys paragraphs.

    The keys are the paragraphs' first line numbers and each text is its lines joined
    by single spaces, without sentence splitting: cheap enough to plan a whole run
    with (languages, routes, models) before ``segment`` runs.
    """
    return {block[0].number: " ".join(line.core for line in block)
            for block in _blocks(_lines(text)) if block[0].translatable}
