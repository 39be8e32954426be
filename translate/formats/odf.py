"""OpenDocument (``.odt``, ``.ods``, ``.odp``): paragraphs, headings, lists, tables, notes.

The text of ``content.xml``'s body and of the page headers and footers in
``styles.xml`` is read with ``formats.xmltree``: each paragraph or heading
(``text:p``, ``text:h``, in lists, tables, frames, notes, comments, slides and speaker
notes) is one block; spans and links are placeholder pairs; spaces, tabs, line
breaks and fields are atoms; bookmarks are marks. A footnote, an endnote, a frame or
a comment is an atom of its paragraph whose own paragraphs are translated too (a
comment's author and date are not), and so are a frame's or shape's alternative text
(``svg:title``, ``svg:desc``). Spreadsheet cells are translated only when they
hold a string that is not a formula's result; numbers, dates, formulas, styles, sheet
names and master pages (slide masters) are never touched. Text inside tracked
changes (deleted text) is left as it is and counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from translate.errors import InputError
from translate.formats.base import Parsed, Written, check_lengths, need
from translate.formats.inline import Splitter
from translate.formats.ooxml import parse_xml, serialize
from translate.formats.package import Package, open_package, read_part, replace_parts
from translate.formats.xmltree import Walker, write_tree

_NS = {name: f"{{urn:oasis:names:tc:opendocument:xmlns:{long}:1.0}}" for name, long in (
    ("office", "office"), ("text", "text"), ("table", "table"), ("draw", "drawing"),
    ("style", "style"), ("presentation", "presentation"))}
_NS["dc"] = "{http://purl.org/dc/elements/1.1/}"
TEXT, OFFICE, TABLE, DRAW, STYLE = (_NS[n] for n in ("text", "office", "table", "draw", "style"))
_FIX = "open and save it again in LibreOffice"
_TYPES = {".odt": "application/vnd.oasis.opendocument.text",
          ".ods": "application/vnd.oasis.opendocument.spreadsheet",
          ".odp": "application/vnd.oasis.opendocument.presentation"}
_PARAGRAPHS = frozenset({f"{TEXT}p", f"{TEXT}h"})
_PAIRS = frozenset({f"{TEXT}span", f"{TEXT}a", f"{TEXT}ruby-base", f"{TEXT}meta"})
_NESTS = frozenset({f"{TEXT}note", f"{OFFICE}annotation", f"{DRAW}frame", f"{DRAW}a",
                    f"{DRAW}custom-shape", f"{DRAW}rect", f"{DRAW}ellipse", f"{DRAW}g"})
_MARKS = frozenset(f"{TEXT}{name}" for name in (
    "bookmark", "bookmark-start", "bookmark-end", "reference-mark", "reference-mark-start",
    "reference-mark-end", "soft-page-break", "toc-mark", "toc-mark-start", "toc-mark-end",
    "alphabetical-index-mark", "alphabetical-index-mark-start", "alphabetical-index-mark-end",
    "change-start", "change-end", "change")) | {f"{OFFICE}annotation-end"}
_SKIPS = frozenset({f"{TEXT}tracked-changes", f"{TEXT}note-citation", f"{_NS['dc']}creator",
                    f"{_NS['dc']}date", f"{OFFICE}forms", f"{TEXT}sequence-decls",
                    f"{TEXT}variable-decls", f"{TEXT}user-field-decls", f"{OFFICE}scripts"})
_SVG = "{urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0}"
_ALT_TEXTS = frozenset({f"{_SVG}title", f"{_SVG}desc"})
_HEADERS = frozenset(f"{STYLE}{side}{which}" for side in ("header", "footer")
                     for which in ("", "-left", "-first"))


class OdfRules:
    """OpenDocument's text vocabulary for ``xmltree``."""

    attributes: tuple[str, ...] = ()

    def kind(self, element: Any) -> str:
        """What ``element`` is (``xmltree.Rules``)."""
        tag = element.tag
        if tag in _SKIPS or (tag == f"{TABLE}table-cell" and _not_text_cell(element)):
            return "skip"
        if tag in _PAIRS:
            return "pair"
        if tag in _NESTS:
            return "nest"
        if tag in _MARKS:
            return "mark"
        parent = element.getparent()
        if parent is not None and (parent.tag in _PARAGRAPHS or parent.tag in _PAIRS):
            return "atom"  # spaces, tabs, breaks, fields: anything else inside a paragraph
        return "block"

    def holds_text(self, element: Any) -> bool:
        """Paragraphs, headings, and the alternative texts of frames and shapes."""
        return element.tag in _PARAGRAPHS or element.tag in _ALT_TEXTS


def _not_text_cell(cell: Any) -> bool:
    value_type = cell.get(f"{_NS['office']}value-type")
    return cell.get(f"{TABLE}formula") is not None or value_type not in (None, "string")


@dataclass(frozen=True)
class _Skeleton:
    package: Package
    spans: tuple[tuple[tuple[int, int], ...], ...]
    counts: tuple[int, int]  # segments of content.xml, then of styles.xml


def _open(data: bytes, where: str) -> Package:
    need("lxml.etree", "office")
    kind = "an OpenDocument file"
    package = open_package(data, where, kind, _FIX)
    if "content.xml" not in package.names:
        raise InputError(f"{where}: not {kind} (no content.xml in the zip)", _FIX)
    if "META-INF/manifest.xml" in package.names and \
            b"encryption-data" in read_part(package, "META-INF/manifest.xml", where, _FIX):
        raise InputError(f"{where}: password-protected; not translated",
                         "save it again in LibreOffice without a password")
    if "mimetype" in package.names:
        mimetype = read_part(package, "mimetype", where, _FIX).decode("ascii", "replace").strip()
        if mimetype.removesuffix("-template") not in _TYPES.values():
            raise InputError(f"{where}: not {kind} (its mimetype is {mimetype[:80]!r})",
                             "only text documents, spreadsheets and presentations are read")
    return package


def _roots(package: Package, where: str) -> dict[str, Any]:
    roots = {"content.xml": parse_xml(read_part(package, "content.xml", where, _FIX), where,
                                      "content.xml")}
    if "styles.xml" in package.names:
        roots["styles.xml"] = parse_xml(read_part(package, "styles.xml", where, _FIX), where,
                                        "styles.xml")
    return roots


def _walk(roots: dict[str, Any], splitter: Splitter) -> tuple[Walker, int, int]:
    walker = Walker(splitter, OdfRules())
    for body in roots["content.xml"].iter(f"{OFFICE}body"):
        walker.walk(body)
    content = len(splitter.segments)
    styles = roots.get("styles.xml")
    if styles is not None:
        for element in styles.iter(*_HEADERS):
            walker.walk(element)
    return walker, content, len(splitter.segments) - content


def _deleted(root: Any) -> int:
    return sum(1 for change in root.iter(f"{TEXT}deletion")
               if "".join(change.itertext()).strip())


class OdfFormat:
    """OpenDocument text, spreadsheets and presentations (``.odt``, ``.ods``, ``.odp``)."""

    name = "opendocument"
    suffixes = (".odt", ".ods", ".odp")
    binary = True  # a zip package: never decoded as text

    def read(self, data: bytes, where: str, lang: str = "it",
             encoding: str | None = None) -> Parsed:
        """Open the package and collect the paragraphs of its body, headers and footers.

        Raises:
            InputError: not a zip, damaged, a zip bomb, encrypted, or not OpenDocument.
            UsageError: lxml is not installed (the ``office`` extra).
        """
        package = _open(data, where)
        roots = _roots(package, where)
        splitter = Splitter(lang)
        _, content, styles = _walk(roots, splitter)
        deleted = _deleted(roots["content.xml"])
        notes = (f"tracked deletions not translated: {deleted}",) if deleted else ()
        return Parsed(tuple(splitter.segments), tuple(splitter.paragraphs),
                      _Skeleton(package, tuple(splitter.spans), (content, styles)), notes)

    def write(self, parsed: Parsed, outputs: Sequence[str], target: str) -> Written:
        """The document with its paragraphs translated; every other part as it was."""
        check_lengths(parsed, outputs)
        skeleton: _Skeleton = parsed.skeleton
        roots = _roots(skeleton.package, "<source>")
        walker, _, _ = _walk(roots, Splitter("", skeleton.spans))
        damaged: set[int] = set()
        write_tree(walker, outputs, damaged)
        content = skeleton.counts[0]
        changed = {"content.xml": any(o != s for o, s in zip(outputs[:content],
                                                             parsed.segments[:content],
                                                             strict=True)),
                   "styles.xml": any(o != s for o, s in zip(outputs[content:],
                                                            parsed.segments[content:],
                                                            strict=True))}
        parts = {name: serialize(roots[name]) for name, done in changed.items() if done}
        return Written(replace_parts(skeleton.package, parts), tuple(sorted(damaged)))


FORMAT = OdfFormat()
