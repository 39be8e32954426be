"""PPTX: text of every slide, its tables, groups, charts, SmartArt, comments and notes.

Parts are walked in the presentation's order: each slide, then the charts and
diagrams it points to, its comments and its speaker notes. Every DrawingML paragraph
(``a:p``, in shapes, groups, tables, placeholders) is one block, its runs kept as
``formats.ooxml`` keeps them; a legacy comment's text and a chart's cached labels
are blocks without markup. Slide masters and layouts are never touched, nor is any
part no slide points to. Parts are edited as XML inside the zip, every other entry
copied as it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from translate.formats.base import Parsed, Written, check_lengths, need
from translate.formats.inline import Splitter
from translate.formats.ooxml import parse_xml, serialize, walk_parts, write_parts
from translate.formats.opc import open_office, ordered_targets, related, relationships
from translate.formats.package import Package, read_part, replace_parts

A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
_C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
_FIX = "open and save it again in PowerPoint or LibreOffice Impress"
_MAIN = ("presentationml.presentation.main+xml", "presentationml.slideshow.main+xml",
         "presentationml.template.main+xml")
# What a slide points to that holds text a reader sees.
_RELATED = ("chart", "diagramData", "diagramDrawing", "comments", "modernComment",
            "notesSlide")


@dataclass(frozen=True)
class _Skeleton:
    package: Package
    parts: tuple[str, ...]
    spans: tuple[tuple[tuple[int, int], ...], ...]


def collect(root: Any) -> Iterable[tuple[str, Any]]:
    """A DrawingML part's paragraphs, comments' texts and charts' cached labels."""
    for element in root.iter(f"{A}p", f"{_P}text", f"{_C}v"):
        if element.tag == f"{A}p":
            yield "runs", element
        elif element.tag == f"{_P}text" or element.getparent().getparent().tag == f"{_C}strCache":
            yield "text", element


def _open(data: bytes, where: str) -> tuple[Package, tuple[str, ...]]:
    need("lxml.etree", "office")
    package, main = open_office(data, where, ".pptx", "PowerPoint", _MAIN)
    rels = relationships(package, main, where, _FIX)
    root = parse_xml(read_part(package, main, where, _FIX), where, main)
    parts: list[str] = []
    for slide in ordered_targets(root, f"{_P}sldId", rels):
        if slide in package.names and slide not in parts:
            parts.append(slide)
            parts += [p for p in related(package, slide, where, _FIX, *_RELATED)
                      if p not in parts]
    return package, tuple(parts)


def _unreached(package: Package, parts: tuple[str, ...], roots: dict[str, Any],
               where: str) -> tuple[str, ...]:
    """Notes for the charts' data workbooks (they keep the source's labels) and alt texts."""
    notes: list[str] = []
    count = sum(len(related(package, p, where, _FIX, "package")) for p in parts
                if p.startswith("ppt/charts/"))
    if count:
        notes.append("charts' embedded data workbooks not translated (the charts show the "
                     f"translation; editing their data shows the source's labels): {count}")
    described = sum(1 for root in roots.values() for e in root.iter(f"{_P}cNvPr")
                    if any(ch.isalpha() for ch in e.get("descr", "")))
    if described:
        notes.append(f"alternative texts of pictures and shapes not translated: {described}")
    return tuple(notes)


class PptxFormat:
    """PowerPoint presentations (``.pptx``)."""

    name = "pptx"
    suffixes = (".pptx",)
    binary = True  # a zip package: never decoded as text

    def read(self, data: bytes, where: str, lang: str = "it",
             encoding: str | None = None) -> Parsed:
        """Open the package and collect its slides' text.

        Raises:
            InputError: not a zip, damaged, a zip bomb, encrypted, macro-enabled, or not
                a presentation.
            UsageError: lxml is not installed (the ``office`` extra).
        """
        package, parts = _open(data, where)
        splitter = Splitter(lang)
        _, roots, _ = walk_parts(package, parts, collect, splitter, where, _FIX)
        return Parsed(tuple(splitter.segments), tuple(splitter.paragraphs),
                      _Skeleton(package, parts, tuple(splitter.spans)),
                      _unreached(package, parts, roots, where))

    def write(self, parsed: Parsed, outputs: Sequence[str], target: str) -> Written:
        """The presentation with each paragraph's runs rebuilt around its translation."""
        check_lengths(parsed, outputs)
        skeleton: _Skeleton = parsed.skeleton
        roots, changed, damaged = write_parts(skeleton.package, skeleton.parts, collect,
                                              skeleton.spans, parsed.segments, outputs)
        data = replace_parts(skeleton.package, {n: serialize(roots[n]) for n in changed})
        return Written(data, tuple(sorted(damaged)))


FORMAT = PptxFormat()
