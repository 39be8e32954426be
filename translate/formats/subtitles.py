r"""Subtitles (SRT and WebVTT): cue numbers, timings and settings kept byte for byte.

Consecutive cues whose text does not end a sentence form one block, so a sentence that
runs over several cues reaches the model whole. The text between two cues' texts (the
blank line, the next number and timing) is a break tag: the model sees one space, and
the translation is cut again at the spaces nearest the same relative places, so each
cue keeps its timing and gets its share of the sentence. Inline tags (``<i>``,
``<font color=...>``, ``<v Name>``, ``{\an8}``) are placeholders.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from translate.errors import InputError
from translate.formats.base import Parsed, Written, check_lengths
from translate.formats.inline import Layout, Piece, Splitter, Tag, Unit, protect
from translate.formats.restore import fill
from translate.formats.zipped import check_elements
from translate.text.documents import Document, decode_bytes, encode_text

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\n|\r|$)")
_TIME = r"(?:\d{1,3}:)?\d{1,2}:\d{2}[,.]\d{1,3}"
_TIMING = re.compile(rf"[ \t]*{_TIME}[ \t]*-->[ \t]*{_TIME}(?:[ \t].*)?")
_MARKUP = re.compile(r"<[^<>\r\n]+>|\{\\[^{}\r\n]*\}")
_OPEN = re.compile(r"<([A-Za-z]+)[\s.>]")
_CLOSE = re.compile(r"</([A-Za-z]+)")
_ENDS = re.compile(r"[.!?…♪»\"”)\]]\W*$")
_NEWLINES = re.compile(r"[\r\n]+")
MAX_CUES = 8  # a block never joins more cues than this (songs, lists without stops)


@dataclass(frozen=True)
class _Skeleton:
    document: Document
    regions: tuple[tuple[int, int, Layout], ...]
    units: tuple[Unit, ...]


@dataclass
class _Cue:
    start: int  # where its text starts in the document
    end: int  # where its text ends (before the last line's newline)
    lines: list[tuple[int, int]]  # each text line (start, end without newline)


def _lines(text: str) -> list[tuple[int, int, int]]:
    """(start, end without newline, end with newline) of each line."""
    out = []
    for match in _LINE.finditer(text):
        if match.start() == len(text):
            break
        line = match.group(0)
        out.append((match.start(), match.start() + len(line.rstrip("\r\n")), match.end()))
    return out


def _cues(text: str, where: str) -> list[_Cue | None]:
    """The cues with text, in order; ``None`` for anything between them (a VTT note)."""
    lines = _lines(text)
    vtt = text.startswith("WEBVTT")
    blocks: list[list[int]] = [[]]
    for number, (start, end, _) in enumerate(lines):
        if text[start:end].strip():
            blocks[-1].append(number)
        elif blocks[-1]:
            blocks.append([])
    cues: list[_Cue | None] = []
    for index, block in enumerate(b for b in blocks if b):
        first = text[lines[block[0]][0]:lines[block[0]][1]]
        if vtt and (index == 0 or first.split(maxsplit=1)[0] in ("NOTE", "STYLE", "REGION")):
            cues.append(None)
            continue
        timing = _timing_line(text, lines, block, vtt, where)
        body = [(lines[n][0], lines[n][1]) for n in block[timing + 1:]]
        _no_timing_in(text, body, block[timing + 1:], where)
        cues.append(_Cue(body[0][0], body[-1][1], body) if body else None)
    return cues


def _timing_line(text: str, lines: list[tuple[int, int, int]], block: list[int], vtt: bool,
                 where: str) -> int:
    """Which line of a cue block is its timing; raises ``InputError`` on a broken one."""
    def line(k: int) -> str:
        return text[lines[block[k]][0]:lines[block[k]][1]] if k < len(block) else ""

    candidates = (0, 1) if vtt else (1,)
    if not vtt and not line(0).strip().isdigit():
        if _TIMING.fullmatch(line(0)):
            return 0  # a missing cue number is common and harmless
        raise InputError(f"{where}: line {block[0] + 1}: expected a cue number, found "
                         f"{line(0)[:40]!r}", "each cue is: number, timing line, text")
    for k in candidates:
        if _TIMING.fullmatch(line(k)):
            return k
        if "-->" in line(k) or (not vtt and k == 1):
            break
    bad = next((k for k in candidates if "-->" in line(k)), candidates[-1])
    raise InputError(f"{where}: line {block[min(bad, len(block) - 1)] + 1}: broken timing "
                     f"line {line(bad)[:60]!r}",
                     "a timing line reads 00:00:01,000 --> 00:00:02,500")


def _no_timing_in(text: str, body: list[tuple[int, int]], numbers: list[int],
                  where: str) -> None:
    """Refuse a cue whose text holds a timing line: a blank line is missing before it.

    Its number and timing would otherwise go to the model as text, and the next cue
    would be merged into this one.
    """
    for (start, end), number in zip(body, numbers, strict=True):
        if _TIMING.fullmatch(text[start:end]):
            raise InputError(f"{where}: line {number + 1}: a timing line inside a cue's text "
                             f"{text[start:end][:60]!r}",
                             "cues are separated by a blank line: add one before this cue")


def _markup(text: str) -> list[Piece]:
    """A cue line's text with its tags as atoms, matching open/close tags paired."""
    pieces: list[Piece] = []
    stack: list[tuple[str, int]] = []
    last = 0
    for match in _MARKUP.finditer(text):
        pieces += protect(text[last:match.start()])
        last = match.end()
        literal = match.group(0)
        opened, closed = _OPEN.match(literal), _CLOSE.match(literal)
        if closed and stack and stack[-1][0] == closed.group(1).lower():
            _, at = stack.pop()
            opener = Tag("open", pieces[at].value)  # type: ignore[union-attr]
            pieces[at] = opener
            pieces.append(Tag("close", literal, pair=opener))
            continue
        if opened:
            stack.append((opened.group(1).lower(), len(pieces)))
        pieces.append(Tag("atom", literal))
    return pieces + protect(text[last:])


def _regions(text: str, cues: list[_Cue | None], splitter: Splitter,
             ) -> list[tuple[int, int, Layout]]:
    regions: list[tuple[int, int, Layout]] = []
    group: list[_Cue] = []

    def close() -> None:
        pieces: list[Piece] = []
        for number, cue in enumerate(group):
            if number:
                pieces.append(Tag("break", text[group[number - 1].end:cue.start]))
            for k, (start, end) in enumerate(cue.lines):
                if k:
                    pieces.append(Tag("break", text[cue.lines[k - 1][1]:start]))
                pieces += _markup(text[start:end])
        regions.append((group[0].start, group[-1].end, splitter.block(pieces, len(regions))))
        group.clear()

    for cue in cues:
        if cue is None:
            if group:
                close()
            continue
        group.append(cue)
        plain = _MARKUP.sub("", text[cue.start:cue.end]).rstrip()
        if _ENDS.search(plain) or len(group) >= MAX_CUES:
            close()
    if group:
        close()
    return regions


def _render(pieces: Sequence[Piece]) -> str:
    # Source text never holds a line break (those are break tags), so one from the model
    # goes: a blank line would end the cue.
    return "".join(_NEWLINES.sub(" ", p) if isinstance(p, str) else str(p.value) for p in pieces)


class SubtitleFormat:
    """SubRip (``.srt``) and WebVTT (``.vtt``, recognised by its ``WEBVTT`` header)."""

    name = "subtitles"
    suffixes = (".srt", ".vtt")

    def read(self, data: bytes, where: str, lang: str = "it",
             encoding: str | None = None) -> Parsed:
        """Decode and parse the cues.

        Raises:
            InputError: undecodable bytes, a missing cue number or a broken timing line.
        """
        document = decode_bytes(data, where, encoding)
        if where.lower().endswith(".vtt") and not document.text.startswith("WEBVTT"):
            raise InputError(f"{where}: not a WebVTT file: it does not start with WEBVTT")
        check_elements(document.text.count("-->"), where, "subtitle cues")  # size guard
        splitter = Splitter(lang)
        regions = _regions(document.text, _cues(document.text, where), splitter)
        skeleton = _Skeleton(document, tuple(regions), tuple(splitter.units))
        return Parsed(tuple(splitter.segments), tuple(splitter.paragraphs), skeleton)

    def write(self, parsed: Parsed, outputs: Sequence[str], target: str) -> Written:
        """Every cue number and timing as it was; the cue texts translated."""
        check_lengths(parsed, outputs)
        skeleton: _Skeleton = parsed.skeleton
        text = skeleton.document.text
        out: list[str] = []
        damaged: set[int] = set()
        last = 0
        for start, end, layout in skeleton.regions:
            out += [text[last:start], _render(fill(layout, skeleton.units, outputs, damaged))]
            last = end
        out.append(text[last:])
        return Written(encode_text("".join(out), skeleton.document), tuple(sorted(damaged)))


FORMAT = SubtitleFormat()
