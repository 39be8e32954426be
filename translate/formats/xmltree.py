"""Text inside an XML tree (OpenDocument, an EPUB's XHTML): inline elements as placeholders.

The rules of one vocabulary (``Rules``) say what each element is: a *pair* (inline
markup around text: a span, a link, ``<b>``), an *atom* (inline, no text of its own
that is translated: a tab, a field, ``<br>``), a *nest* (an inline atom whose inside
holds paragraphs of its own: a footnote, a frame, a comment), a *mark* (of no width:
a bookmark), a *skip* (never touched) or a *block*. As in HTML (``formats.html``), the
text of a block with its inline children, up to the next block child, is one block
of segments; a nest's paragraphs are read after the paragraph it sits in. Writing
parses the source again, replays the recorded sentence spans, and rebuilds each run
of text and inline children, innermost first, so a footnote's translation is inside
the copy of its paragraph.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from translate.formats.inline import Layout, Piece, Splitter, Tag, protect, xml_text
from translate.formats.restore import fill

INLINE = frozenset({"pair", "atom", "nest", "mark", "break"})


class Rules(Protocol):
    """What the elements of one XML vocabulary are."""

    attributes: tuple[str, ...]  # attributes whose values are translated (alt, title)

    def kind(self, element: Any) -> str:
        """``pair``, ``atom``, ``nest``, ``mark``, ``break``, ``skip`` or ``block``."""
        ...

    def holds_text(self, element: Any) -> bool:
        """Whether text directly inside ``element`` (a block) is translated."""
        ...


@dataclass
class _Run:
    container: Any
    after: Any  # the block child whose tail starts the run, or None for container.text
    children: list[Any] = field(default_factory=list)
    layout: Layout = ()


class Walker:
    """Collects a tree's text and attribute slots in document order."""

    def __init__(self, splitter: Splitter, rules: Rules) -> None:
        self.splitter = splitter
        self.rules = rules
        self.slots: list[tuple[Any, str, Layout] | _Run] = []

    def walk(self, element: Any) -> None:
        """Read ``element`` and everything under it."""
        if not isinstance(element.tag, str) or self.rules.kind(element) == "skip":
            return
        self._attributes(element)
        run = _Run(element, None)
        for child in element:
            if self._inline(child):
                run.children.append(child)
                continue
            self._close(run)
            self.walk(child)
            run = _Run(element, child)
        self._close(run)

    def _inline(self, element: Any) -> bool:
        if not isinstance(element.tag, str):
            return True  # comments, processing instructions: atoms
        kind = self.rules.kind(element)
        if kind == "pair":
            return all(self._inline(child) for child in element)
        return kind in INLINE

    def _attributes(self, element: Any) -> None:
        for name in self.rules.attributes:
            value = element.get(name)
            if value and any(ch.isalpha() for ch in value):
                layout = self.splitter.block(protect(value), len(self.slots))
                self.slots.append((element, name, layout))

    def _close(self, run: _Run) -> None:
        nests: list[Any] = []
        lead = run.container.text if run.after is None else run.after.tail
        pieces = protect(lead or "")
        for child in run.children:
            pieces += self._pieces(child, nests)
        if self.rules.holds_text(run.container) and \
                any(ch.isalpha() for p in pieces if isinstance(p, str) for ch in p):
            run.layout = self.splitter.block(pieces, len(self.slots))
            self.slots.append(run)
        for nest in nests:
            for child in nest:
                self.walk(child)

    def _pieces(self, element: Any, nests: list[Any]) -> list[Piece]:
        tail = protect(element.tail or "")
        kind = self.rules.kind(element) if isinstance(element.tag, str) else "atom"
        if kind != "pair":
            if kind == "nest":
                nests.append(element)
            if isinstance(element.tag, str):
                self._attributes(element)
            return [Tag(kind if kind in ("mark", "break") else "atom", element), *tail]
        self._attributes(element)
        opener = Tag("open", element, keep=any(element.get(a) for a in self.rules.attributes))
        pieces: list[Piece] = [opener, *protect(element.text or "")]
        for child in element:
            pieces += self._pieces(child, nests)
        return [*pieces, Tag("close", element, pair=opener), *tail]


def _build(container: Any, pieces: Sequence[Piece]) -> Any:
    """A holder element whose text and children are the pieces, nested by their pairs."""
    holder = current = container.makeelement(container.tag, {})
    for piece in pieces:
        if isinstance(piece, str):
            piece = xml_text(piece)
            if len(current):
                current[-1].tail = (current[-1].tail or "") + piece
            else:
                current.text = (current.text or "") + piece
        elif piece.kind == "open":
            element = current.makeelement(piece.value.tag, dict(piece.value.attrib))
            current.append(element)
            current = element
        elif piece.kind == "close":
            current = current.getparent()
        else:
            atom = copy.deepcopy(piece.value)
            atom.tail = None
            current.append(atom)
    return holder


def _apply(run: _Run, pieces: Sequence[Piece]) -> None:
    container = run.container
    if run.children:
        index = container.index(run.children[0])
    else:
        index = 0 if run.after is None else container.index(run.after) + 1
    for child in run.children:
        container.remove(child)  # its tail goes with it: it is part of the run
    holder = _build(container, pieces)
    if run.after is None:
        container.text = holder.text
    else:
        run.after.tail = holder.text
    for offset, child in enumerate(list(holder)):
        container.insert(index + offset, child)


def write_tree(walker: Walker, outputs: Sequence[str], damaged: set[int]) -> None:
    """Put ``outputs`` into the tree ``walker`` read (with replayed spans), innermost first."""
    units = walker.splitter.units
    filled = [fill(slot.layout if isinstance(slot, _Run) else slot[2], units, outputs, damaged)
              for slot in walker.slots]
    slots = list(zip(walker.slots, filled, strict=True))
    for slot, pieces in slots:  # attributes first: the runs' rebuilding copies elements
        if not isinstance(slot, _Run):
            element, name, _ = slot
            element.set(name, xml_text("".join(p for p in pieces if isinstance(p, str))))
    for slot, pieces in reversed(slots):
        if isinstance(slot, _Run):
            _apply(slot, pieces)
