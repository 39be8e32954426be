"""XLSX: the text cells of every sheet, cell comments, and the charts' titles and labels.

Text cells are shared strings (``xl/sharedStrings.xml``) or inline strings; each
string is one block, a rich one with its runs kept (``formats.ooxml``). Nothing else
of a sheet is touched: numbers, dates, booleans, formulas and their cached results
(a formula's text result ``t="str"`` is never replaced), styles, merged cells, column
widths, sheet names, defined names (printed page headers and footers are counted,
not translated). With ``--translate-sheet-names`` the sheet names are translated too
(one segment each, after the cells), made valid for Excel and every reference to
them rewritten (``formats.sheet_names``). Comments are translated, their authors kept;
charts' titles and cached category labels are translated as in PPTX. The workbook is
edited as XML inside the zip (openpyxl would drop charts and images on saving it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from translate.formats import pptx, sheet_names
from translate.formats.base import Parsed, Written, check_lengths, need
from translate.formats.inline import Splitter
from translate.formats.ooxml import parse_xml, serialize, walk_parts, write_parts
from translate.formats.opc import open_office, ordered_targets, related, relationships
from translate.formats.package import Package, read_part, replace_parts

S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_TC = "{http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments}"
_FIX = "open and save it again in Excel or LibreOffice Calc"
_MAIN = ("spreadsheetml.sheet.main+xml", "spreadsheetml.template.main+xml")
_TEXT_PARTS = re.compile(r"(?i)sharedstrings|comment")  # parts holding no reference
_HEADER_CODES = re.compile(r'&(?:"[^"]*"|[LCRPNDTZFAGBIUSEXYKH]|\d+)')  # &P, &"Arial,Bold"


@dataclass(frozen=True)
class _Skeleton:
    package: Package
    parts: tuple[str, ...]
    spans: tuple[tuple[tuple[int, int], ...], ...]
    main: str = ""
    sheets: tuple[str, ...] = ()  # every sheet's name, in order
    named: tuple[int, ...] = ()  # the sheets whose name is a segment (after the cells')
    referring: tuple[str, ...] = ()  # the other parts that may name a sheet


def _string(holder: Any) -> tuple[str, Any]:
    """A shared or inline string: its plain ``t``, or its runs."""
    plain = holder.find(f"{S}t")
    return ("text", plain) if plain is not None else ("runs", holder)


def collect(root: Any) -> Iterable[tuple[str, Any]]:
    """A part's text: shared strings, inline strings, comments, charts."""
    if root.tag == f"{S}sst":
        for si in root.iterchildren(f"{S}si"):
            yield _string(si)
    elif root.tag == f"{S}worksheet":
        for cell in root.iter(f"{S}c"):
            holder = cell.find(f"{S}is")
            if cell.get("t") == "inlineStr" and holder is not None:
                yield _string(holder)
    elif root.tag == f"{S}comments":
        for text in root.iter(f"{S}text"):
            yield _string(text)
    elif root.tag == f"{_TC}ThreadedComments":
        for text in root.iter(f"{_TC}text"):
            yield "text", text
    else:
        yield from pptx.collect(root)


def _unreached(roots: dict[str, Any]) -> tuple[str, ...]:
    """Counts of the text a reader sees that is not translated: print headers, names."""
    headers = sum(1 for root in roots.values() if root.tag == f"{S}worksheet"
                  for element in root.iter(f"{S}oddHeader", f"{S}oddFooter", f"{S}evenHeader",
                                           f"{S}evenFooter", f"{S}firstHeader",
                                           f"{S}firstFooter")
                  if any(ch.isalpha() for ch in _HEADER_CODES.sub("", element.text or "")))
    return (f"printed page headers and footers not translated: {headers}",) if headers else ()


def _parts(package: Package, where: str) -> tuple[str, Any, tuple[str, ...]]:
    package_main = open_office(package.data, where, ".xlsx", "Excel", _MAIN)[1]
    rels = relationships(package, package_main, where, _FIX)
    root = parse_xml(read_part(package, package_main, where, _FIX), where, package_main)
    parts = related(package, package_main, where, _FIX, "sharedStrings")
    for sheet in ordered_targets(root, f"{S}sheet", rels):
        if sheet not in package.names or sheet in parts:
            continue
        parts.append(sheet)
        parts += related(package, sheet, where, _FIX, "comments", "threadedComment")
        for drawing in related(package, sheet, where, _FIX, "drawing"):
            parts += [c for c in related(package, drawing, where, _FIX, "chart") if c not in parts]
    return package_main, root, tuple(parts)


def _referring(package: Package, main: str, parsed: Sequence[str], where: str,
               ) -> tuple[str, ...]:
    """The parts other than ``main`` that may name a sheet (each checked well-formed).

    A reference to a sheet has a ``!`` (or is a pivot cache's source, or the list of
    parts in ``docProps/app.xml``): one pass over each part's bytes, whatever the
    number of sheets. Text parts (shared strings, comments) hold no reference.
    """
    found = []
    for name in package.names:
        if name == main or _TEXT_PARTS.search(name) or not (
                (name.startswith("xl/") and name.endswith(".xml"))
                or name == "docProps/app.xml"):
            continue
        data = read_part(package, name, where, _FIX)
        if b"!" in data or b"worksheetSource" in data or name == "docProps/app.xml":
            if name not in parsed:
                parse_xml(data, where, name)
            found.append(name)
    return tuple(found)


class XlsxFormat:
    """Excel workbooks (``.xlsx``)."""

    name = "xlsx"
    suffixes = (".xlsx",)
    binary = True  # a zip package: never decoded as text

    def __init__(self, translate_sheet_names: bool = False) -> None:
        self.translate_sheet_names = translate_sheet_names

    @property
    def settings(self) -> dict[str, Any]:
        """The reading settings that change this format's output (kept in the record)."""
        return {"translate_sheet_names": True} if self.translate_sheet_names else {}

    def configure(self, translate_sheet_names: bool = False, **_: Any) -> XlsxFormat:
        """The format configured with a run's reading settings (``--translate-sheet-names``)."""
        return XlsxFormat(translate_sheet_names)

    def read(self, data: bytes, where: str, lang: str = "it",
             encoding: str | None = None) -> Parsed:
        """Open the package and collect its text cells, comments and charts' text.

        Raises:
            InputError: not a zip, damaged, a zip bomb, encrypted, macro-enabled, or not
                a workbook.
            UsageError: lxml is not installed (the ``office`` extra).
        """
        need("lxml.etree", "office")
        package, _ = open_office(data, where, ".xlsx", "Excel", _MAIN)
        main, workbook, parts = _parts(package, where)
        splitter = Splitter(lang)
        _, roots, _ = walk_parts(package, parts, collect, splitter, where, _FIX)
        skeleton = _Skeleton(package, parts, tuple(splitter.spans))
        segments, paragraphs = list(splitter.segments), list(splitter.paragraphs)
        if self.translate_sheet_names:
            sheets = tuple(e.get("name", "") for e in workbook.iter(f"{S}sheet"))
            named = tuple(i for i, n in enumerate(sheets) if any(c.isalpha() for c in n))
            first = max(paragraphs, default=-1) + 1
            segments += [sheets[i] for i in named]
            paragraphs += range(first, first + len(named))
            skeleton = _Skeleton(package, parts, skeleton.spans, main, sheets, named,
                                 _referring(package, main, parts, where))
        return Parsed(tuple(segments), tuple(paragraphs), skeleton, _unreached(roots))

    def write(self, parsed: Parsed, outputs: Sequence[str], target: str) -> Written:
        """The workbook with its strings translated; everything else as it was."""
        check_lengths(parsed, outputs)
        skeleton: _Skeleton = parsed.skeleton
        roots, changed, damaged = write_parts(skeleton.package, skeleton.parts, collect,
                                              skeleton.spans, parsed.segments, outputs)
        notes: tuple[str, ...] = ()
        if skeleton.named:
            notes = _rename(skeleton, outputs[len(outputs) - len(skeleton.named):],
                            roots, changed)
        data = replace_parts(skeleton.package, {n: serialize(roots[n]) for n in changed})
        return Written(data, tuple(sorted(damaged)), notes)


def _rename(skeleton: _Skeleton, translations: Sequence[str], roots: dict[str, Any],
            changed: set[str]) -> tuple[str, ...]:
    """Rename the sheets; rewrite each reference to them in ``roots`` (parsed as needed)."""
    by_sheet: list[str | None] = [None] * len(skeleton.sheets)
    for index, text in zip(skeleton.named, translations, strict=True):
        by_sheet[index] = text
    names, notes = sheet_names.valid_names(skeleton.sheets, by_sheet)
    renamed = {old.casefold(): new for old, new in zip(skeleton.sheets, names, strict=True)
               if new != old}
    if not renamed:
        return tuple(notes)
    package = skeleton.package
    for name in (skeleton.main, *skeleton.referring):
        if name not in roots:
            roots[name] = parse_xml(read_part(package, name, "<source>", ""), "<source>", name)
    workbook = roots[skeleton.main]
    for element, new in zip(workbook.iter(f"{S}sheet"), names, strict=False):
        element.set("name", new)
    changed.add(skeleton.main)
    in_text = 0
    for name in (skeleton.main, *skeleton.referring):
        edited, found = sheet_names.rename_in(roots[name], renamed)
        in_text += found
        if edited:
            changed.add(name)
    if in_text:
        notes.append(f"formulas naming a renamed sheet inside a string (INDIRECT) not "
                     f"rewritten: {in_text}")
    return tuple(notes)


FORMAT = XlsxFormat()
