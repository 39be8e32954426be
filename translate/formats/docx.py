"""DOCX: paragraphs of the body, tables, headers and footers, run formatting kept.

Each paragraph is one block. Its runs are grouped (adjacent runs with the same
formatting and hyperlink); the most common formatting is the paragraph's own, every
other group a placeholder pair, so bold words or a link move with their translation.
Tabs, line breaks, drawings and fields inside runs, and bookmarks or tracked changes
between them, are atoms. Writing rebuilds each paragraph's runs in the translation's
order; a group's text is cut over its original runs at the same relative places
(exactly the same with an unchanged text). Footnotes, endnotes and comments (their
own parts) and text boxes (paragraphs inside a drawing, written before the paragraph
that holds them, so its copy of the drawing carries their translation) are read too.
Runs inside a hyperlink, a tracked insertion, a smart tag, custom XML or an inline
content control are a placeholder pair around their text, the wrapper kept. Text
still out of reach (deleted text, a simple field's result, a wrapper holding more
than runs) is counted in the notes, never silently left.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from translate.errors import InputError
from translate.formats.base import Parsed, Written, check_lengths, need
from translate.formats.docx_runs import Group, Paragraph, W, Writer
from translate.formats.inline import Piece, Splitter, Tag, protect
from translate.formats.ooxml import serialize
from translate.formats.restore import fill
from translate.formats.zipped import check_package, restamp

_PARTS = re.compile(r"/word/(header\d*|footer\d*|footnotes|endnotes|comments)\.xml")
# Elements of a paragraph that wrap runs: their runs are read, the wrapper kept.
_WRAPPERS = frozenset(f"{W}{name}" for name in ("hyperlink", "ins", "smartTag", "customXml",
                                                 "sdt"))
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


def _open(data: bytes, where: str) -> Any:
    docx = need("docx", "formats")
    if data.startswith(_OLE):
        raise InputError(f"{where}: password-protected or an old .doc file, not a .docx",
                         "save it in Word as a .docx without a password")
    check_package(data, where)  # before parsing: bounded time and memory
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

    props = run.find(f"{W}rPr")
    return (b"" if props is None else etree.tostring(props)), id(hyperlink)


def _run_pieces(run: Any) -> tuple[list[Piece], int]:
    pieces: list[Piece] = []
    size = 0
    for child in run:
        if child.tag == f"{W}rPr":
            continue
        if child.tag == f"{W}t":
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
        self.paragraphs: list[Paragraph] = []
        self.untouched = 0  # elements between runs that hold text we do not translate

    def part(self, root: Any) -> None:
        for p in root.iter(f"{W}p"):  # text boxes' paragraphs after the one holding them
            self.paragraph(p)

    def paragraph(self, p: Any) -> None:
        items: list[tuple[Any, Any]] = []  # (run or other element, its wrapper)
        for child in p:
            if child.tag == f"{W}pPr":
                continue
            holder = content_of(child)
            runs = [c for c in holder if c.tag == f"{W}r"] if holder is not None else []
            marks = [c for c in holder if _atom(c).kind == "mark"] if runs else []
            if child.tag in _WRAPPERS and runs and len(runs) + len(marks) == len(holder):
                # Marks inside a link (spelling, bookmarks) move just before it, so the
                # link stays one piece of markup around its text.
                items += [(mark, None) for mark in marks] + [(run, child) for run in runs]
            else:
                items.append((child, None))
        groups: list[tuple[Group, tuple[bytes, int]] | Any] = []
        for element, hyperlink in items:
            if element.tag != f"{W}r":
                self.untouched += any(True for _ in element.iter(f"{W}t"))
                groups.append(element)
                continue
            key = _key(element, hyperlink)
            last = groups[-1] if groups else None
            if isinstance(last, tuple) and last[1] == key:
                last[0].runs.append(element)
            else:
                groups.append((Group([element], [], hyperlink), key))
        self._block(p, groups)

    def _block(self, p: Any, groups: list[Any]) -> None:
        weight: dict[tuple[bytes, int], int] = {}
        for item in groups:
            if isinstance(item, tuple) and item[0].hyperlink is None:
                text = "".join(t.text or "" for r in item[0].runs for t in r.iter(f"{W}t"))
                weight[item[1]] = weight.get(item[1], 0) + len(text)
        base = max(weight, key=lambda k: weight[k]) if weight else None
        paragraph = Paragraph(p)
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


def content_of(element: Any) -> Any:
    """Where a wrapper's runs are: an inline content control's ``w:sdtContent``, else itself."""
    return element.find(f"{W}sdtContent") if element.tag == f"{W}sdt" else element


def _unreached(walker: _Walker) -> tuple[str, ...]:
    if not walker.untouched:
        return ()
    return ("deleted text, fields or content controls in paragraphs not translated: "
            f"{walker.untouched}",)


def _root(part: Any) -> Any:
    """A part's live XML: python-docx's element, or a tree parsed from a plain part's bytes."""
    element = getattr(part, "element", None)
    return element if element is not None else _root_of(part.blob)


def _changed(blob: bytes, root: Any) -> bool:
    from lxml import etree

    before = etree.tostring(_root_of(blob), method="c14n")
    return bool(before != etree.tostring(root, method="c14n"))


def _root_of(blob: bytes) -> Any:
    from translate.formats.ooxml import parse_xml

    return parse_xml(blob, "<docx>", "part")


def _walk(document: Any, splitter: Splitter) -> tuple[_Walker, list[tuple[Any, Any]]]:
    walker = _Walker(splitter)
    walker.part(document.element.body)
    parts = [p for p in document.part.package.iter_parts() if _PARTS.fullmatch(str(p.partname))]
    roots = [(part, _root(part)) for part in sorted(parts, key=lambda p: str(p.partname))]
    for _, root in roots:
        walker.part(root)
    return walker, roots


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
        walker, _ = _walk(document, splitter)
        return Parsed(tuple(splitter.segments), tuple(splitter.paragraphs),
                      _Skeleton(data, tuple(splitter.spans)), _unreached(walker))

    def write(self, parsed: Parsed, outputs: Sequence[str], target: str) -> Written:
        """The document with each paragraph's runs rebuilt around its translation."""
        check_lengths(parsed, outputs)
        skeleton: _Skeleton = parsed.skeleton
        document = _open(skeleton.data, "<source>")
        walker, roots = _walk(document, Splitter("", skeleton.spans))
        units = walker.splitter.units
        damaged: set[int] = set()
        filled = [(p, fill(p.layout, units, outputs, damaged)) for p in walker.paragraphs
                  if any(isinstance(item, int) for item in p.layout)]
        for paragraph, pieces in reversed(filled):  # a text box before its paragraph
            Writer(paragraph).emit(pieces)
        for part, root in roots:
            if getattr(part, "element", None) is None and _changed(part.blob, root):
                part._blob = serialize(root)  # a plain part (footnotes): its bytes replaced
        out = io.BytesIO()
        document.save(out)
        return Written(restamp(out.getvalue(), skeleton.data), tuple(sorted(damaged)))


FORMAT = DocxFormat()
