"""Text of OOXML parts (PowerPoint's DrawingML, Excel's shared strings): runs kept.

A paragraph (``a:p``, a shared string ``si``, a comment's ``text``) holds runs
(``r``: properties ``rPr`` and one text ``t``) and things between them (``a:br``, a
field ``a:fld``). As in DOCX (``formats.docx``), adjacent runs with the same
properties are one group; the paragraph's most common properties are its own, every
other group a placeholder pair, so bold words or a link (in DrawingML a link is a run
property) move with their translation. Line breaks reach the model as spaces and are
put back at the nearest spaces; fields are atoms. Writing rebuilds the paragraph in the
translation's order, each group's text cut over its runs at the same relative places.

A *text* slot (a legacy comment's ``p:text``, a chart's cached label ``c:v``, a plain
shared string) is one element's whole text, without markup.

Each part is parsed again for writing and the recorded sentence spans replayed; a part
whose segments all come back unchanged keeps its bytes.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from translate.errors import InputError
from translate.formats.inline import Layout, Piece, Splitter, Tag, protect, xml_text
from translate.formats.package import Package, read_part
from translate.formats.restore import fill

_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
# What a part's walker yields: ("runs" | "text", element) in document order.
Collect = Callable[[Any], Iterable[tuple[str, Any]]]


def parse_xml(data: bytes, where: str, name: str) -> Any:
    """One XML part, parsed safely (no entities resolved, no network).

    Raises:
        InputError: the part is not well-formed XML.
    """
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        if "Excessive depth" in str(exc):
            raise InputError(f"{where}: {name} has elements nested more than 256 deep; "
                             "not read", "simplify the document (nested lists, sections "
                             "or spans) and save it again") from exc
        raise InputError(f"{where}: {name} is not well-formed XML ({exc})",
                         "open and save the file again in its application") from exc


def serialize(root: Any) -> bytes:
    """A part's XML with the declaration it had (encoding, standalone)."""
    from lxml import etree

    tree = root.getroottree()
    info = tree.docinfo
    # lxml reads a missing standalone as False; write it only when it was "yes"
    return bytes(etree.tostring(tree, xml_declaration=True, encoding=info.encoding or "UTF-8",
                                standalone=True if info.standalone else None))


@dataclass(eq=False)
class _Group:
    runs: list[Any]
    sizes: list[int]


@dataclass
class _Slot:
    kind: str  # "runs" or "text"
    element: Any
    ns: str = ""  # "{namespace}" of the paragraph's r, rPr, t
    layout: Layout = ()
    base: list[_Group] = field(default_factory=list)


def _props(run: Any, ns: str) -> bytes:
    from lxml import etree

    props = run.find(f"{ns}rPr")
    return b"" if props is None else bytes(etree.tostring(props))


def _run_text(run: Any, ns: str) -> str:
    return "".join(t.text or "" for t in run.findall(f"{ns}t"))


def _is_run(element: Any, ns: str) -> bool:
    return bool(element.tag == f"{ns}r" and all(c.tag in (f"{ns}rPr", f"{ns}t")
                                                 for c in element))


class Walker:
    """Collects the slots of parts in order, cutting each into sentences."""

    def __init__(self, splitter: Splitter) -> None:
        self.splitter = splitter
        self.slots: list[_Slot] = []

    def add(self, kind: str, element: Any) -> None:
        """Read one paragraph (``runs``) or one element's whole text (``text``)."""
        tag = element.tag
        slot = _Slot(kind, element, tag[:tag.index("}") + 1] if tag.startswith("{") else "")
        if kind == "text":
            pieces: list[Piece] = protect(element.text or "")
        else:
            pieces = self._pieces(slot)
        if not any(ch.isalpha() for p in pieces if isinstance(p, str) for ch in p):
            return
        slot.layout = self.splitter.block(pieces, len(self.slots))
        self.slots.append(slot)

    def _pieces(self, slot: _Slot) -> list[Piece]:
        ns = slot.ns
        items: list[Any] = []  # groups of runs, and the elements between them
        keys: list[bytes | None] = []
        for child in slot.element:
            if child.tag in (f"{ns}pPr", f"{ns}endParaRPr", f"{ns}rPh", f"{ns}phoneticPr"):
                continue
            if _is_run(child, ns):
                key = _props(child, ns)
                if items and keys[-1] == key:
                    items[-1].runs.append(child)
                else:
                    items.append(_Group([child], []))
                    keys.append(key)
            else:
                items.append(child)
                keys.append(None)
        weight: dict[bytes, int] = {}
        for item, props in zip(items, keys, strict=True):
            if props is not None:
                weight[props] = weight.get(props, 0) + sum(len(_run_text(r, ns))
                                                           for r in item.runs)
        base = max(weight, key=lambda k: weight[k]) if weight else None
        pieces: list[Piece] = []
        for item, props in zip(items, keys, strict=True):
            if props is None:
                kind = "break" if item.tag == f"{ns}br" else "atom"
                pieces.append(Tag(kind, item))
                continue
            inner: list[Piece] = []
            for run in item.runs:
                text = _run_text(run, ns)
                inner += protect(text)
                item.sizes.append(len(text))
            if props == base:
                slot.base.append(item)
                pieces += inner
            else:
                opener = Tag("open", item)
                pieces += [opener, *inner, Tag("close", item, pair=opener)]
        return pieces


def _cut(text: str, sizes: list[int]) -> list[str]:
    total, done, cuts = max(sum(sizes), 1), 0, [0]
    for size in sizes:
        done += size
        cuts.append(round(len(text) * done / total))
    cuts[-1] = len(text)
    return [text[a:b] for a, b in itertools.pairwise(cuts)]


def _set_text(t: Any, text: str) -> None:
    t.text = xml_text(text)
    if t.text != t.text.strip():
        t.set(_XML_SPACE, "preserve")


class _Writer:
    def __init__(self, slot: _Slot) -> None:
        self.slot, self.ns = slot, slot.ns
        self.base = list(slot.base)
        self.out: list[Any] = []
        self.buffer: list[str] = []
        self.group: _Group | None = None

    def emit(self, pieces: Sequence[Piece]) -> None:
        p, ns = self.slot.element, self.ns
        head = [c for c in p if c.tag == f"{ns}pPr"]
        tail = [c for c in p if c.tag in (f"{ns}endParaRPr", f"{ns}rPh", f"{ns}phoneticPr")]
        for piece in pieces:
            if isinstance(piece, str):
                self.buffer.append(piece)
            elif piece.kind in ("open", "close"):
                self.flush()
                self.group = piece.value if piece.kind == "open" else None
            else:
                self.flush()
                self.out.append(copy.deepcopy(piece.value))
        self.flush()
        p[:] = head + self.out + tail

    def flush(self) -> None:
        text = "".join(self.buffer)
        self.buffer = []
        group = self.group
        if group is None:
            if not text:
                return
            group = self.base.pop(0) if len(self.base) > 1 else self.base[0] if self.base \
                else None
        if group is None:  # text but no run of the paragraph's own (all were markup)
            group = _Group([self._bare_run()], [1])
        for run, part in zip(group.runs, _cut(text, group.sizes), strict=True):
            if not part and len(group.runs) > 1:
                continue
            built = copy.deepcopy(run)
            texts = built.findall(f"{self.ns}t")
            for extra in texts[1:]:
                built.remove(extra)
            _set_text(texts[0], part)
            self.out.append(built)

    def _bare_run(self) -> Any:
        from lxml import etree

        run = etree.Element(f"{self.ns}r")
        etree.SubElement(run, f"{self.ns}t")
        return run


def apply(slot: _Slot, pieces: Sequence[Piece]) -> None:
    """Write one slot's translated pieces back into its element."""
    if slot.kind == "text":
        slot.element.text = xml_text("".join(p for p in pieces if isinstance(p, str)))
    else:
        _Writer(slot).emit(pieces)


@dataclass(frozen=True)
class PartSpans:
    """Where a part's segments are: its name and the range of their indices."""

    name: str
    first: int
    last: int


def walk_parts(package: Package, names: Sequence[str], collect: Collect, splitter: Splitter,
               where: str, fix: str) -> tuple[list[PartSpans], dict[str, Any],
                                                       Walker]:
    """Read the named parts' slots in order; returns each part's segment range and tree."""
    walker = Walker(splitter)
    ranges: list[PartSpans] = []
    roots: dict[str, Any] = {}
    for name in names:
        root = parse_xml(read_part(package, name, where, fix), where, name)
        roots[name] = root
        first = len(splitter.segments)
        for kind, element in collect(root):
            walker.add(kind, element)
        ranges.append(PartSpans(name, first, len(splitter.segments)))
    return ranges, roots, walker


def write_parts(package: Package, names: Sequence[str], collect: Collect,
                spans: Sequence[tuple[tuple[int, int], ...]], segments: Sequence[str],
                outputs: Sequence[str]) -> tuple[dict[str, Any], set[str], set[int]]:
    """Parse the parts again, replay the spans and fill in ``outputs``.

    Returns:
        The parts' trees by name, the names of the parts whose text changed, and the
        indices of the segments whose placeholders were damaged.
    """
    splitter = Splitter("", spans)
    ranges, roots, walker = walk_parts(package, names, collect, splitter, "<source>", "")
    units = splitter.units
    damaged: set[int] = set()
    for slot in walker.slots:
        apply(slot, fill(slot.layout, units, outputs, damaged))
    changed = {r.name for r in ranges
               if any(outputs[i] != segments[i] for i in range(r.first, r.last))}
    return roots, changed, damaged
