"""DOCX: paragraphs of the body, tables, headers and footers, run formatting kept.

Each paragraph is one block. Its runs are grouped (adjacent runs with the same
formatting and hyperlink); the most common formatting is the paragraph's own, every
other group a placeholder pair, so bold words or a link move with their translation.
Tabs, line breaks, drawings and fields inside runs, and bookmarks or tracked changes
between them, are atoms. Writing rebuilds each paragraph's runs in the translation's
order; a group's text is cut over its original runs at the same relative places
(exactly the same with an unchanged text). Text python-docx does not reach
(footnotes, endnotes, comments, text boxes, text inside tracked changes or content
controls) is counted in the notes, never silently left.
"""

from __future__ import annotations

import copy
import io
import itertools
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from translate.errors import InputError
from translate.formats.base import Parsed, Written, check_lengths, need
from translate.formats.inline import Piece, Splitter, Tag, protect, xml_text
from translate.formats.restore import fill
from translate.formats.zipped import restamp

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_PARTS = re.compile(r"/word/(header|footer)\d*\.xml")
_UNREACHED = {"/word/footnotes.xml": ("footnotes", "footnote"),
              "/word/endnotes.xml": ("endnotes", "endnote"),
              "/word/comments.xml": ("comments", "comment")}
_OLE = b"\xd0\xcf\x11\xe0"
# Atoms that must keep their order: the parts of a field.
_ORDERED = frozenset({"fldChar", "instrText", "fldSimple"})
# Things of no width the model need not see: put back at the same relative places.
_MARKS = frozenset({"proofErr", "bookmarkStart", "bookmarkEnd", "commentRangeStart",
                    "commentRangeEnd", "permStart", "permEnd", "lastRenderedPageBreak"})


@dataclass(frozen=True)
class _Skeleton:
    data: bytes
    spans: tuple[tuple[tuple[int, int], ...], ...]


@dataclass(eq=False)
class _Group:
    runs: list[Any]  # the original w:r elements
    sizes: list[int]  # each run's length: characters, and 1 per tab, break or drawing
    hyperlink: Any = None


@dataclass
class _Paragraph:
    element: Any
    base: list[_Group] = field(default_factory=list)
    layout: tuple[Piece | int, ...] = ()


def _open(data: bytes, where: str) -> Any:
    docx = need("docx", "formats")
    if data.startswith(_OLE):
        raise InputError(f"{where}: password-protected or an old .doc file, not a .docx",
                         "save it in Word as a .docx without a password")
    try:
        return docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
        raise InputError(f"{where}: not a valid .docx (a damaged or truncated zip)",
                         "open and save it again in Word or LibreOffice") from exc
    except Exception as exc:  # python-docx and lxml raise many types on bad packages
        raise InputError(f"{where}: not a valid .docx: {type(exc).__name__}",
                         "open and save it again in Word or LibreOffice") from exc


def _key(run: Any, hyperlink: Any) -> tuple[bytes, int]:
    from lxml import etree

    props = run.find(f"{_W}rPr")
    return (b"" if props is None else etree.tostring(props)), id(hyperlink)


def _run_pieces(run: Any) -> tuple[list[Piece], int]:
    pieces: list[Piece] = []
    size = 0
    for child in run:
        if child.tag == f"{_W}rPr":
            continue
        if child.tag == f"{_W}t":
            pieces += protect(child.text or "")
            size += len(child.text or "")
        else:
            pieces.append(_atom(child))
            size += 1
    return pieces, size


def _atom(element: Any) -> Tag:
    tag = element.tag
    name = tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
    return Tag("mark" if name in _MARKS else "atom", element, ordered=name in _ORDERED)


class _Walker:
    def __init__(self, splitter: Splitter) -> None:
        self.splitter = splitter
        self.paragraphs: list[_Paragraph] = []
        self.untouched = 0  # elements between runs that hold text we do not translate

    def part(self, root: Any) -> None:
        for p in root.iter(f"{_W}p"):
            if not any(a.tag == f"{_W}txbxContent" for a in p.iterancestors()):
                self.paragraph(p)

    def paragraph(self, p: Any) -> None:
        items: list[tuple[Any, Any]] = []  # (run or other element, its hyperlink)
        for child in p:
            if child.tag == f"{_W}pPr":
                continue
            runs = [c for c in child if c.tag == f"{_W}r"]
            marks = [c for c in child if _atom(c).kind == "mark"]
            if child.tag == f"{_W}hyperlink" and len(runs) + len(marks) == len(child):
                # Marks inside a link (spelling, bookmarks) move just before it, so the
                # link stays one piece of markup around its text.
                items += [(mark, None) for mark in marks] + [(run, child) for run in runs]
            else:
                items.append((child, None))
        groups: list[tuple[_Group, tuple[bytes, int]] | Any] = []
        for element, hyperlink in items:
            if element.tag != f"{_W}r":
                self.untouched += any(True for _ in element.iter(f"{_W}t"))
                groups.append(element)
                continue
            key = _key(element, hyperlink)
            last = groups[-1] if groups else None
            if isinstance(last, tuple) and last[1] == key:
                last[0].runs.append(element)
            else:
                groups.append((_Group([element], [], hyperlink), key))
        self._block(p, groups)

    def _block(self, p: Any, groups: list[Any]) -> None:
        weight: dict[tuple[bytes, int], int] = {}
        for item in groups:
            if isinstance(item, tuple) and item[0].hyperlink is None:
                text = "".join(t.text or "" for r in item[0].runs for t in r.iter(f"{_W}t"))
                weight[item[1]] = weight.get(item[1], 0) + len(text)
        base = max(weight, key=lambda k: weight[k]) if weight else None
        paragraph = _Paragraph(p)
        pieces: list[Piece] = []
        for item in groups:
            if not isinstance(item, tuple):
                pieces.append(_atom(item))
                continue
            group, key = item
            inner: list[Piece] = []
            for run in group.runs:
                run_pieces, size = _run_pieces(run)
                inner += run_pieces
                group.sizes.append(size)
            if key == base:
                paragraph.base.append(group)
                pieces += inner
            else:
                opener = Tag("open", group)
                pieces += [opener, *inner, Tag("close", group, pair=opener)]
        paragraph.layout = self.splitter.block(pieces, len(self.paragraphs))
        self.paragraphs.append(paragraph)


def _cut(units: list[str | Any], sizes: list[int]) -> list[list[str | Any]]:
    """``units`` cut into ``len(sizes)`` slices at the places ``sizes`` had in the source."""
    total, done, cuts = max(sum(sizes), 1), 0, [0]
    for size in sizes:
        done += size
        cuts.append(round(len(units) * done / total))
    cuts[-1] = len(units)
    return [units[a:b] for a, b in itertools.pairwise(cuts)]


class _Writer:
    def __init__(self, paragraph: _Paragraph) -> None:
        self.p = paragraph.element
        self.base = list(paragraph.base)
        self.buffer: list[str | Any] = []  # characters and atoms inside runs
        self.group: _Group | None = None
        self.link: tuple[Any, Any] | None = None  # (source hyperlink, its copy in the output)
        self.deferred: list[Any] = []  # bookmarks and the like met inside a group

    def emit(self, pieces: Sequence[Piece]) -> None:
        for child in [c for c in self.p if c.tag != f"{_W}pPr"]:
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
            elif piece.value.getparent() is not None and piece.value.getparent().tag == f"{_W}r":
                self.buffer.append(piece.value)
            elif self.group is not None:  # between runs, not inside one: after the group
                self.deferred.append(copy.deepcopy(piece.value))
            else:
                self.flush()
                self.p.append(copy.deepcopy(piece.value))
        self.flush()
        self.p.extend(self.deferred)

    def flush(self) -> None:
        group = self.group
        if group is None:
            if not self.buffer:
                return
            group = self.base.pop(0) if len(self.base) > 1 else self.base[0] if self.base \
                else None
        if group is None:  # text outside every group: a paragraph with no runs at all
            group = _Group([_oxml("w:r")], [1])
        target = self.p
        if group.hyperlink is not None:
            last = self.p[-1] if len(self.p) else None
            if self.link is None or self.link[0] is not group.hyperlink or last is not self.link[1]:
                shell = copy.deepcopy(group.hyperlink)
                shell[:] = []
                self.p.append(shell)
                self.link = (group.hyperlink, shell)
            target = self.link[1]
        for run, units in zip(group.runs, _cut(self.buffer, group.sizes), strict=True):
            target.append(_build_run(run, units))
        self.buffer = []

def _oxml(tag: str, attributes: dict[str, str] | None = None) -> Any:
    from docx.oxml.parser import OxmlElement

    return OxmlElement(tag, attrs=attributes)


def _build_run(template: Any, units: list[str | Any]) -> Any:
    run = copy.deepcopy(template)  # python-docx's element classes come with the copy
    model = run.find(f"{_W}t")
    attributes = dict(model.attrib) if model is not None else {}
    run[:] = [c for c in run if c.tag == f"{_W}rPr"]
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


def _unreached(document: Any, walker: _Walker) -> tuple[str, ...]:
    from lxml import etree

    counts: dict[str, int] = {}
    for part in document.part.package.iter_parts():
        name = str(part.partname)
        if name in _UNREACHED:
            kind, tag = _UNREACHED[name]
            root = etree.fromstring(part.blob)
            found = sum(1 for e in root.iter(f"{_W}{tag}")
                        if "".join(t.text or "" for t in e.iter(f"{_W}t")).strip())
            counts[kind] = counts.get(kind, 0) + found
        elif _PARTS.fullmatch(name) or name == "/word/document.xml":
            root = part.element
            counts["text boxes"] = counts.get("text boxes", 0) + sum(
                1 for box in root.iter(f"{_W}txbxContent")
                if not any(a.tag == _MC_FALLBACK for a in box.iterancestors())
                and "".join(t.text or "" for t in box.iter(f"{_W}t")).strip())
    counts["tracked changes, fields or content controls in paragraphs"] = walker.untouched
    return tuple(f"{kind} not translated: {n}" for kind, n in counts.items() if n)


def _walk(document: Any, splitter: Splitter) -> _Walker:
    walker = _Walker(splitter)
    walker.part(document.element.body)
    parts = [p for p in document.part.package.iter_parts() if _PARTS.fullmatch(str(p.partname))]
    for part in sorted(parts, key=lambda p: str(p.partname)):
        walker.part(part.element)
    return walker


class DocxFormat:
    """Word documents (``.docx``)."""

    name = "docx"
    suffixes = (".docx",)
    binary = True  # a zip package: never decoded as text

    def read(self, data: bytes, where: str, lang: str = "it",
             encoding: str | None = None) -> Parsed:
        """Open the package and collect its paragraphs.

        Raises:
            InputError: not a zip, truncated, password-protected, or not a Word document.
            UsageError: python-docx is not installed (the ``formats`` extra).
        """
        document = _open(data, where)
        splitter = Splitter(lang)
        walker = _walk(document, splitter)
        return Parsed(tuple(splitter.segments), tuple(splitter.paragraphs),
                      _Skeleton(data, tuple(splitter.spans)), _unreached(document, walker))

    def write(self, parsed: Parsed, outputs: Sequence[str], target: str) -> Written:
        """The document with each paragraph's runs rebuilt around its translation."""
        check_lengths(parsed, outputs)
        skeleton: _Skeleton = parsed.skeleton
        document = _open(skeleton.data, "<source>")
        walker = _walk(document, Splitter("", skeleton.spans))
        units = walker.splitter.units
        damaged: set[int] = set()
        for paragraph in walker.paragraphs:
            if any(isinstance(item, int) for item in paragraph.layout):
                _Writer(paragraph).emit(fill(paragraph.layout, units, outputs, damaged))
        out = io.BytesIO()
        document.save(out)
        return Written(restamp(out.getvalue(), skeleton.data), tuple(sorted(damaged)))


FORMAT = DocxFormat()
