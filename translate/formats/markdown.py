"""Markdown: CommonMark blocks from markdown-it, inline markup from our own scanner.

markdown-it gives each block its source lines; the text of paragraphs, headings and
table cells is then located in those lines, so everything around it (container and
list markers, heading markers, table pipes and the alignment row, code, HTML blocks,
front matter, link reference definitions) is copied byte for byte. Inside a block,
``md_inline.Scanner`` turns markup into placeholders.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from translate.errors import InputError
from translate.formats.base import Parsed, Written, check_lengths, need
from translate.formats.inline import Layout, Piece, Splitter, Unit
from translate.formats.md_html import html_block_runs
from translate.formats.md_inline import HTML_INLINE, Scanner
from translate.formats.restore import restore
from translate.formats.zipped import check_elements
from translate.text.documents import Document, decode_bytes, encode_text

_NEWLINE = re.compile(r"\r\n|\n|\r")
_FRONT = {"---": ("---", "..."), "+++": ("+++",)}
_CELL_LEAD = re.compile(r"[ \t>]*\|?")
_PIPE = re.compile(r"(?<!\\)\|")
# HTML blocks left whole: script, style, pre and textarea, comments, declarations.
_RAW_BLOCK = re.compile(r"[ \t]*<(?:(?:script|style|pre|textarea)\b|!|\?)", re.I)
_NEWLINES = re.compile(r"[\r\n]+")
# What would start a block at the beginning of a line: list, heading and quote markers,
# and a setext underline.
_BLOCK_START = re.compile(r"[ \t]*(?:(?:[-+*]|#{1,6}|\d{1,9}[.)])(?=[ \t]|$)|>"
                          r"|=+[ \t]*$|-+[ \t]*$)")
_ATX = re.compile(r"[ \t>]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)*#{1,6}")


@dataclass(frozen=True)
class _Skeleton:
    document: Document
    regions: tuple[tuple[int, int, Layout, str], ...]  # kind: "block", "heading" or "cell"
    units: tuple[Unit, ...]
    segments: tuple[str, ...]


# markdown-it stops at this depth of containers (its CommonMark preset: 20, so a list
# ten levels deep was left untranslated without a word); what lies deeper is counted.
MAX_NESTING = 100


@functools.cache
def _parser() -> Any:
    markdown_it = need("markdown_it", "formats")
    return markdown_it.MarkdownIt("commonmark", {"maxNesting": MAX_NESTING}).enable("table")


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end of content) of each line, as markdown-it counts them."""
    lines, last = [], 0
    for match in _NEWLINE.finditer(text):
        lines.append((last, match.start()))
        last = match.end()
    if last < len(text):
        lines.append((last, len(text)))
    return lines


class _Reader:
    def __init__(self, text: str, where: str, lang: str) -> None:
        self.text = text
        self.where = where
        self.lines = _lines(text)
        self.first = self._front_matter()
        self.splitter = Splitter(lang)
        self.regions: list[tuple[int, int, Layout, str]] = []
        self.unmapped = 0
        self.too_deep = 0  # lines of containers past MAX_NESTING, never parsed
        self.refs: set[str] = set()

    def line(self, number: int) -> str:
        start, end = self.lines[number]
        return self.text[start:end]

    def _front_matter(self) -> int:
        closers = _FRONT.get(self.line(0).rstrip()) if self.lines else None
        if closers:
            for number in range(1, len(self.lines)):
                if self.line(number).rstrip() in closers:
                    return number + 1
        return 0

    def run(self) -> None:
        body = self.text[self.lines[self.first][0]:] if self.first < len(self.lines) else ""
        env: dict[str, Any] = {}
        tokens = _parser().parse(body, env)
        self.refs = {" ".join(k.split()).casefold() for k in env.get("references", {})}
        in_table = False
        for index, token in enumerate(tokens):
            kind = token.type
            if token.nesting == 1 and token.level >= MAX_NESTING - 1 \
                    and tokens[index + 1].nesting == -1 and token.map:
                self.too_deep += sum(1 for n in range(*token.map)
                                     if self.line(n + self.first).strip())
            if kind in ("table_open", "table_close"):
                in_table = kind == "table_open"
                if in_table:
                    self._table(token.map[0] + self.first, token.map[1] + self.first)
            elif kind == "html_block":
                self._html_block(token.map[0] + self.first, token.map[1] + self.first,
                                 token.content)
            elif kind == "fence":
                self._check_fence(token.map[0] + self.first, token.map[1] + self.first,
                                  token.markup)
            elif kind == "inline" and not in_table and token.map:
                parent = tokens[index - 1]
                start = token.map[0] + self.first
                if parent.type == "heading_open" and parent.markup.startswith("#"):
                    self._atx(start, token.content)
                else:
                    self._paragraph(start, token.content)

    def _html_block(self, first: int, end: int, content: str) -> None:
        """The text of an HTML block, unless it is code, a comment or in a container."""
        start, stop = self.lines[first][0], self.lines[min(end, len(self.lines)) - 1][1]
        raw = self.text[start:stop]
        if _RAW_BLOCK.match(raw):
            return
        if _NEWLINE.sub("\n", raw).rstrip() != content.rstrip():
            self.unmapped += 1  # inside a list or quote: its lines carry their markers
            return
        layout: list[Piece | int] = []
        for item in html_block_runs(raw):
            if isinstance(item, list):
                layout += self.splitter.block(item, len(self.regions))
            else:
                layout.append(item)
        self.regions.append((start, stop, tuple(layout), "html"))

    def _check_fence(self, first: int, end: int, markup: str) -> None:
        closing = re.compile(rf"[ \t>]*{re.escape(markup[0])}{{{len(markup)},}}[ \t]*")
        closed = end - first >= 2 and closing.fullmatch(self.line(end - 1))
        if not closed and end >= len(self.lines):
            raise InputError(f"{self.where}: line {first + 1}: code fence {markup} is never "
                             "closed, so the rest of the file would be taken as code",
                             f"close the fence with a line of {markup}")

    def _paragraph(self, first: int, content: str) -> None:
        spans: list[tuple[int, int]] = []
        parts = content.split("\n")
        for offset, part in enumerate(parts):
            if first + offset >= len(self.lines):
                self.unmapped += 1
                return
            start, end = self.lines[first + offset]
            body = self.text[start:end]
            trimmed = body.rstrip() if offset == len(parts) - 1 else body
            if not trimmed.endswith(part):
                self.unmapped += 1  # e.g. a tab inside a container, expanded by markdown-it
                return
            spans.append((start + len(trimmed) - len(part), start + len(trimmed)))
        raws, joints = [], []
        for offset, (start, end) in enumerate(spans):
            core = self.text[start:end]
            if offset < len(spans) - 1:
                core = core.rstrip(" \t")
                if core.endswith("\\") and not core.endswith("\\\\"):
                    core = core[:-1]  # a hard break: the backslash belongs to the joint
                joints.append(self.text[start + len(core):spans[offset + 1][0]])
            raws.append(core)
        self._region(spans[0][0], spans[-1][1], "\n".join(raws), joints, "block")

    def _atx(self, number: int, content: str) -> None:
        if not content:
            return
        start, end = self.lines[number]
        body = self.text[start:end]
        marker = _ATX.match(body)
        at = body.find(content, marker.end() if marker else 0)
        if at < 0:
            self.unmapped += 1
            return
        self._region(start + at, start + at + len(content), content, [], "heading")

    def _table(self, first: int, end: int) -> None:
        for number in range(first, min(end, len(self.lines))):
            if number == first + 1:
                continue  # the alignment row
            start, stop = self.lines[number]
            body = self.text[start:stop]
            at = _CELL_LEAD.match(body).end()  # type: ignore[union-attr]
            for cell in _PIPE.split(body[at:]):
                core = cell.strip()
                if core:
                    offset = start + at + cell.index(core)
                    self._region(offset, offset + len(core), core, [], "cell")
                at += len(cell) + 1

    def _region(self, start: int, end: int, raw: str, joints: Sequence[str], kind: str) -> None:
        pieces = Scanner(raw, joints, self.refs).scan()
        self.regions.append((start, end, self.splitter.block(pieces, len(self.regions)), kind))


def _escape(text: str) -> str:
    """Keep new text from turning into inline HTML or an autolink."""
    out, last = [], 0
    for match in HTML_INLINE.finditer(text):
        at = match.start()
        while at > 0 and text[at - 1] == "\\":
            at -= 1
        if (match.start() - at) % 2 == 0:  # not itself escaped
            out += [text[last:match.start()], "&lt;"]
            last = match.start() + 1
    out.append(text[last:])
    return "".join(out)


def _guard(text: str, line_start: bool, cell: bool) -> str:
    """Keep a translation from starting a block or breaking its table row."""
    text = _NEWLINES.sub(" ", text)
    if cell:
        text = _PIPE.sub(r"\\|", text)
    marker = _BLOCK_START.match(text) if line_start else None
    if marker:
        at = next(i for i, ch in enumerate(marker.group(0)) if not ch.isspace() and
                  not ch.isdigit())
        text = text[:at] + "\\" + text[at:]
    return text


def _render(layout: Layout, skeleton: _Skeleton, outputs: Sequence[str], kind: str,
            damaged: set[int]) -> str:
    """One region's text; translated text is guarded, text the model left alone is not."""
    out: list[str] = []
    line_start = kind == "block"
    for item in layout:
        pieces: Sequence[Piece] = [item] if not isinstance(item, int) else ()
        changed = False
        if isinstance(item, int):
            pieces, broken = restore(outputs[item], skeleton.units[item])
            changed = outputs[item] != skeleton.segments[item]
            if broken:
                damaged.add(item)
        for piece in pieces:
            if isinstance(piece, str):
                text = _guard(piece, line_start, kind == "cell") if changed else piece
                out.append(_escape(text))
                line_start = line_start and not text.strip()
            else:
                out.append(str(piece.value))
                line_start = piece.kind == "break"
    return "".join(out)


class MarkdownFormat:
    """CommonMark with GFM tables."""

    name = "markdown"
    suffixes = (".md", ".markdown")

    def read(self, data: bytes, where: str, lang: str = "it",
             encoding: str | None = None) -> Parsed:
        """Decode and parse; blocks whose text cannot be located are counted in notes.

        Raises:
            InputError: undecodable bytes, or a code fence left open to the end.
        """
        document = decode_bytes(data, where, encoding)
        check_elements(document.text.count("\n") + 1, where, "Markdown lines")  # size guard
        reader = _Reader(document.text, where, lang)
        reader.run()
        splitter = reader.splitter
        notes: tuple[str, ...] = (
            f"Markdown blocks not translated (inside containers, their text could not "
            f"be located in the source): {reader.unmapped}",) if reader.unmapped else ()
        if reader.too_deep:
            notes += (f"Markdown lines not translated (nested more than {MAX_NESTING} "
                      f"levels deep): {reader.too_deep}",)
        skeleton = _Skeleton(document, tuple(reader.regions), tuple(splitter.units),
                             tuple(splitter.segments))
        return Parsed(tuple(splitter.segments), tuple(splitter.paragraphs), skeleton, notes)

    def write(self, parsed: Parsed, outputs: Sequence[str], target: str) -> Written:
        """The source text with each block's text replaced by its translation."""
        check_lengths(parsed, outputs)
        skeleton: _Skeleton = parsed.skeleton
        text = skeleton.document.text
        out: list[str] = []
        damaged: set[int] = set()
        last = 0
        for start, end, layout, kind in skeleton.regions:
            out += [text[last:start], _render(layout, skeleton, outputs, kind, damaged)]
            last = end
        out.append(text[last:])
        return Written(encode_text("".join(out), skeleton.document), tuple(sorted(damaged)))


FORMAT = MarkdownFormat()
