"""A Markdown inline scanner that keeps every source character.

markdown-it's inline tokens decode entities and escapes and carry no positions, so
inline markup is found here, on the raw text of one block: code spans, autolinks and
inline HTML become atoms (their pairs of HTML tags become pairs), links and images a
pair around their text, emphasis delimiters a pair when they match (a simplified form
of CommonMark's rules: a wrong guess changes only what the model sees, never a byte
of an untranslated document). Line breaks become break tags that carry the literal
joint (trailing spaces, backslash, newline and the next line's container prefix).
"""

from __future__ import annotations

import bisect
import re
import string
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from translate.formats.inline import Piece, Tag, protect

_PUNCT = frozenset(string.punctuation)
_ATTR = r"""(?:\s+[A-Za-z_:][\w.:-]*(?:\s*=\s*(?:[^\s"'=<>`]+|'[^']*'|"[^"]*"))?)"""
HTML_INLINE = re.compile(
    rf"<[A-Za-z][A-Za-z0-9-]*{_ATTR}*\s*/?>|</[A-Za-z][A-Za-z0-9-]*\s*>|<!--.*?-->"
    r"|<\?.*?\?>|<![A-Za-z]+[^>]*>|<!\[CDATA\[.*?\]\]>"
    r"|<[A-Za-z][A-Za-z0-9.+-]{1,31}:[^\s<>]*>"
    r"|<[\w.!#$%&'*+/=?^`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*>", re.S)
_OPEN_TAG = re.compile(r"<([A-Za-z][A-Za-z0-9-]*)[\s>]")
_CLOSE_TAG = re.compile(r"</([A-Za-z][A-Za-z0-9-]*)")
_RUNS = re.compile(r"`+|\*+|_+|~+")
# An entity or character reference: the model would decode, drop or mangle it.
# A footnote reference or definition label (GFM) and a task list box: markup, not words.
_FOOTNOTE = re.compile(r"\[\^[^\]\s]{1,100}\]:?")
_TASK_BOX = re.compile(r"\[[ xX]\](?=[ \t])")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# How far a link's text or target is looked for: longer ones are left as text, so that
# a block full of unmatched brackets stays linear.
MAX_LINK = 2000
MAX_OPENERS = 64  # delimiter runs looked back over for an opener
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())


@dataclass
class _Delim:
    char: str
    length: int
    can_open: bool
    can_close: bool
    left: int = 0  # characters not yet used by a match
    opens: list[Tag] = field(default_factory=list)  # outermost first
    closes: list[Tag] = field(default_factory=list)  # innermost first

    def __post_init__(self) -> None:
        self.left = self.length

    def pieces(self) -> list[Piece]:
        """Closing tags, the unused characters as text, then opening tags."""
        unused = [self.char * self.left] if self.left else []
        return [*self.closes, *unused, *self.opens]


def _normalize(label: str) -> str:
    return " ".join(label.split()).casefold()


class Scanner:
    r"""Scan one block's raw inline text (lines joined by ``\n``) into pieces.

    Args:
        raw: The block's text; each ``\n`` stands for ``joints[k]``.
        joints: The literal text of each line break.
        refs: Normalised labels of the document's link reference definitions.
    """

    def __init__(self, raw: str, joints: Sequence[str], refs: Collection[str]) -> None:
        self.raw = raw
        self.joints = joints
        self.refs = refs
        self.newlines = [i for i, ch in enumerate(raw) if ch == "\n"]
        self.ticks: dict[int, list[int]] = {}  # backtick run length -> where runs start
        for match in re.finditer(r"`+", raw):
            self.ticks.setdefault(len(match.group(0)), []).append(match.start())

    def _run_length(self, i: int, end: int) -> int:
        match = _RUNS.match(self.raw, i, end)
        return match.end() - i if match else 1

    def real(self, start: int, end: int) -> str:
        """The source text of ``raw[start:end]``, joints restored."""
        first = bisect.bisect_left(self.newlines, start)
        out, at = [], start
        for k in range(first, len(self.newlines)):
            position = self.newlines[k]
            if position >= end:
                break
            out += [self.raw[at:position], self.joints[k]]
            at = position + 1
        out.append(self.raw[at:end])
        return "".join(out)

    def scan(self) -> list[Piece]:
        """The whole block as pieces."""
        return self._run(0, len(self.raw))

    def _run(self, start: int, end: int) -> list[Piece]:
        raw = self.raw
        items: list[Piece | _Delim] = []
        text_start = i = start

        def flush(upto: int) -> None:
            if upto > text_start:
                items.extend(protect(raw[text_start:upto]))

        while i < end:
            step, item = self._item(i, end)
            if item is None:
                i += step if step else 1
                continue
            flush(i)
            if isinstance(item, list):
                items.extend(item)
            else:
                items.append(item)
            i += step
            text_start = i
        flush(end)
        return self._emphasis(pair_html(items))

    def _item(self, i: int, end: int) -> tuple[int, Piece | _Delim | list[Piece] | None]:
        """What starts at ``i``: (its length, the item) or (chars to skip, ``None``)."""
        raw, ch = self.raw, self.raw[i]
        if ch == "\\":
            if i + 1 < end and raw[i + 1] in _PUNCT:
                # an escape is an atom: a model that drops its backslash would turn
                # ``\*`` into emphasis; ``\|`` stays text (table cells re-escape pipes)
                return 2, (Tag("atom", raw[i:i + 2]) if raw[i + 1] != "|" else None)
            return 1, None
        if ch == "&":
            match = _ENTITY.match(raw, i, end)
            return (match.end() - i, Tag("atom", match.group(0))) if match else (1, None)
        if ch == "\n":
            return 1, Tag("break", self.joints[bisect.bisect_left(self.newlines, i)])
        if ch == "`":
            n = self._run_length(i, end)
            close = self._code_end(i + n, end, n)
            return (close - i, Tag("atom", self.real(i, close))) if close else (n, None)
        if ch == "<":
            match = HTML_INLINE.match(raw, i, end)
            return (match.end() - i, Tag("atom", self.real(i, match.end()))) if match else (1, None)
        if ch == "[":
            match = _FOOTNOTE.match(raw, i, end) or (_TASK_BOX.match(raw, i, end)
                                                      if i == 0 else None)
            if match:
                return match.end() - i, Tag("atom", match.group(0))
        if ch == "[" or (ch == "!" and raw[i + 1:i + 2] == "["):
            return self._link(i, end)
        if ch in "*_~":
            n = self._run_length(i, end)
            return n, self._delim(i, n)
        return 1, None

    def _code_end(self, start: int, end: int, n: int) -> int:
        """Where the code span closing a run of ``n`` backticks ends, or 0."""
        runs = self.ticks.get(n, [])
        k = bisect.bisect_left(runs, start)
        return runs[k] + n if k < len(runs) and runs[k] + n <= end else 0

    def _close_bracket(self, start: int, end: int) -> int:
        depth, i, end = 0, start, min(end, start + MAX_LINK)
        if self.raw.find("]", start, end) < 0:  # no closer at all: skip the scan (a run
            return -1                            # of "[" would cost MAX_LINK each)
        while i < end:
            ch = self.raw[i]
            if ch == "\\":
                i += 2
                continue
            if ch == "`":
                n = self._run_length(i, end)
                i = self._code_end(i + n, end, n) or i + n
                continue
            depth += ch == "["
            if ch == "]":
                if depth == 0:
                    return i
                depth -= 1
            i += 1
        return -1

    def _target_end(self, start: int, end: int) -> int:
        """The end of ``(destination "title")`` starting at ``start``, or -1."""
        depth, i, end = 0, start, min(end, start + MAX_LINK)
        while i < end:
            ch = self.raw[i]
            if ch == "\\":
                i += 2
                continue
            depth += ch == "("
            depth -= ch == ")"
            if depth == 0:
                return i + 1
            i += 1
        return -1

    def _link(self, i: int, end: int) -> tuple[int, list[Piece] | None]:
        opener = 2 if self.raw[i] == "!" else 1
        bracket = self._close_bracket(i + opener, end)
        if bracket < 0:
            return opener, None
        after = bracket + 1
        label = self.raw[i + opener:bracket]
        if self.raw[after:after + 1] == "(":
            stop = self._target_end(after, end)
        elif self.raw[after:after + 1] == "[":
            close = self.raw.find("]", after, end)
            named = self.raw[after + 1:close] or label if close > 0 else ""
            stop = close + 1 if close > 0 and _normalize(named) in self.refs else -1
        else:
            stop = after if _normalize(label) in self.refs else -1
        if stop < 0:
            return opener, None
        open_tag = Tag("open", self.real(i, i + opener))
        close_tag = Tag("close", self.real(bracket, stop), pair=open_tag)
        return stop - i, [open_tag, *self._run(i + opener, bracket), close_tag]

    def _delim(self, i: int, n: int) -> _Delim:
        raw = self.raw
        before = raw[i - 1] if i > 0 else " "
        after = raw[i + n] if i + n < len(raw) else " "
        left = not after.isspace() and (after not in _PUNCT or before.isspace() or before in _PUNCT)
        right = not before.isspace() and (before not in _PUNCT or after.isspace()
                                          or after in _PUNCT)
        if raw[i] == "_":
            left, right = left and not before.isalnum(), right and not after.isalnum()
        return _Delim(raw[i], n, left, right)

    @staticmethod
    def _emphasis(items: list[Piece | _Delim]) -> list[Piece]:
        """Match delimiter runs into pairs as CommonMark does; leftovers are text.

        Inner pairs first; two characters where both runs have them, else one.
        """
        stack: list[_Delim] = []
        for item in items:
            if not isinstance(item, _Delim):
                continue
            while item.can_close and item.left:
                at = next((k for k in range(len(stack) - 1, max(-1, len(stack) - 1 - MAX_OPENERS),
                                            -1) if _matches(stack[k], item)), None)
                if at is None:
                    break
                opener = stack[at]
                n = 2 if opener.left >= 2 and item.left >= 2 else 1
                opener.left -= n
                item.left -= n
                tag = Tag("open", item.char * n)
                opener.opens.insert(0, tag)
                item.closes.append(Tag("close", item.char * n, pair=tag))
                del stack[at + (1 if opener.left else 0):]
            if item.can_open and item.left:
                stack.append(item)
        out: list[Piece] = []
        for item in items:
            out += item.pieces() if isinstance(item, _Delim) else [item]
        return out


def _matches(opener: _Delim, closer: _Delim) -> bool:
    """Whether ``opener`` can pair with ``closer`` (same character, the rule of three)."""
    if opener.char != closer.char or not opener.left:
        return False
    if (opener.can_close or closer.can_open) and opener.char != "~":
        both = opener.length + closer.length
        return both % 3 != 0 or (opener.length % 3 == 0 and closer.length % 3 == 0)
    return opener.char != "~" or opener.length == closer.length


def pair_html(items: list[Any]) -> list[Any]:
    """Turn matching inline HTML open and close tags into pairs."""
    stack: list[tuple[str, int]] = []
    for index, item in enumerate(items):
        if not isinstance(item, Tag) or item.kind != "atom":
            continue
        opened, closed = _OPEN_TAG.match(item.value), _CLOSE_TAG.match(item.value)
        if opened and opened.group(1).lower() not in _VOID and not item.value.endswith("/>"):
            stack.append((opened.group(1).lower(), index))
        elif closed and stack and stack[-1][0] == closed.group(1).lower():
            _, at = stack.pop()
            open_tag = Tag("open", items[at].value)
            items[at] = open_tag
            items[index] = Tag("close", item.value, pair=open_tag)
    return items
