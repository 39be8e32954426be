"""A DOCX paragraph's runs: the groups they are read into, and rebuilt around a translation.

Reading (``formats.docx``) puts a paragraph's adjacent runs of the same formatting and
hyperlink in one ``Group``. Writing empties the paragraph and rebuilds its runs in the
translation's order: a group's text is cut over its original runs at the same relative
places (exactly the same with an unchanged text), each run keeping its formatting.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from translate.formats.inline import Piece, xml_text

__all__ = ["Group", "Paragraph", "W", "Writer"]

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


@dataclass(eq=False)
class Group:
    """Adjacent runs of one formatting and hyperlink: one piece of markup around its text.

    Attributes:
        runs: The original ``w:r`` elements.
        sizes: Each run's length: characters, and 1 per tab, break or drawing.
        hyperlink: The element around the runs (``w:hyperlink``, ``w:ins``, an inline
            ``w:sdt``...), or ``None``.
    """

    runs: list[Any]
    sizes: list[int]
    hyperlink: Any = None


@dataclass
class Paragraph:
    """One ``w:p`` as read: its element, the groups of its own formatting, its layout.

    Attributes:
        element: The ``w:p`` element.
        base: The groups with the paragraph's most common formatting (no placeholders).
        layout: The paragraph's pieces and segment numbers (``Splitter.block``).
    """

    element: Any
    base: list[Group] = field(default_factory=list)
    layout: tuple[Piece | int, ...] = ()


def _cut(units: list[str | Any], sizes: list[int]) -> list[list[str | Any]]:
    """``units`` cut into ``len(sizes)`` slices at the places ``sizes`` had in the source."""
    total, done, cuts = max(sum(sizes), 1), 0, [0]
    for size in sizes:
        done += size
        cuts.append(round(len(units) * done / total))
    cuts[-1] = len(units)
    return [units[a:b] for a, b in itertools.pairwise(cuts)]


class Writer:
    """Rebuilds one paragraph's runs around the pieces of its translation."""

    def __init__(self, paragraph: Paragraph) -> None:
        self.p = paragraph.element
        self.base = list(paragraph.base)
        self.buffer: list[str | Any] = []  # characters and atoms inside runs
        self.group: Group | None = None
        # (source wrapper: a hyperlink, an insertion..., its copy in the output, where its
        # runs go in the copy)
        self.link: tuple[Any, Any, Any] | None = None
        self.deferred: list[Any] = []  # bookmarks and the like met inside a group

    def emit(self, pieces: Sequence[Piece]) -> None:
        """Replace the paragraph's content (not its properties) with ``pieces``."""
        for child in [c for c in self.p if c.tag != f"{W}pPr"]:
            self.p.remove(child)
        for piece in pieces:
            if isinstance(piece, str):
                self.buffer += list(piece)
            elif piece.kind == "open":
                self.flush()
                self.group = piece.value
            elif piece.kind == "close":
                self.flush()
                self.group = None
                self.p.extend(self.deferred)
                self.deferred = []
            elif piece.value.getparent() is not None and piece.value.getparent().tag == f"{W}r":
                self.buffer.append(piece.value)
            elif self.group is not None:  # between runs, not inside one: after the group
                self.deferred.append(copy.deepcopy(piece.value))
            else:
                self.flush()
                self.p.append(copy.deepcopy(piece.value))
        self.flush()
        self.p.extend(self.deferred)

    def flush(self) -> None:
        """Write the characters and atoms met so far as runs of their group."""
        group = self.group
        if group is None:
            if not self.buffer:
                return
            group = self.base.pop(0) if len(self.base) > 1 else self.base[0] if self.base \
                else None
        if group is None:  # text outside every group: a paragraph with no runs at all
            group = Group([_oxml("w:r")], [1])
        target = self.p
        if group.hyperlink is not None:
            last = self.p[-1] if len(self.p) else None
            if self.link is None or self.link[0] is not group.hyperlink or last is not self.link[1]:
                shell = copy.deepcopy(group.hyperlink)
                inner = shell.find(f"{W}sdtContent") if shell.tag == f"{W}sdt" else shell
                inner[:] = []  # a content control keeps its properties, loses its runs
                self.p.append(shell)
                self.link = (group.hyperlink, shell, inner)
            target = self.link[2]
        for run, units in zip(group.runs, _cut(self.buffer, group.sizes), strict=True):
            target.append(_build_run(run, units))
        self.buffer = []


def _oxml(tag: str, attributes: dict[str, str] | None = None) -> Any:
    from docx.oxml.parser import OxmlElement

    return OxmlElement(tag, attrs=attributes)


def _build_run(template: Any, units: list[str | Any]) -> Any:
    run = copy.deepcopy(template)  # python-docx's element classes come with the copy
    model = run.find(f"{W}t")
    attributes = dict(model.attrib) if model is not None else {}
    run[:] = [c for c in run if c.tag == f"{W}rPr"]
    text: list[str] = []

    def flush_text() -> None:
        if text:
            t = _oxml("w:t", attributes)
            run.append(t)
            t.text = xml_text("".join(text))
            if t.text != t.text.strip():
                t.set(_XML_SPACE, "preserve")
            text.clear()

    for unit in units:
        if isinstance(unit, str):
            text.append(unit)
        else:
            flush_text()
            run.append(copy.deepcopy(unit))
    flush_text()
    return run
