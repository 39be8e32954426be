"""EPUB: every chapter, the table of contents (nav and NCX) and the title.

The package document (the OPF that ``META-INF/container.xml`` names) gives the
chapters in reading order (its spine) and the navigation document. Each XHTML
document is read as XML with ``formats.xmltree``, by HTML's rules
(``formats.html``): inline elements are placeholders, ``<script>``, ``<style>``,
``<code>``, ``<pre>``, ``translate="no"`` are left alone, ``alt`` and ``title``
attributes are translated; its ``xml:lang`` (and ``lang``) become the target. The
NCX's labels and title, and the OPF's ``dc:title`` and ``dc:description``, are
translated; ``dc:language`` is set to the target. Every other entry (images, fonts,
CSS) is copied as it is, ``mimetype`` first and stored, so the package stays valid.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from translate.errors import InputError
from translate.formats.base import Parsed, Written, check_lengths, need
from translate.formats.html import _INLINE, _SKIP, _VOID, ATTRIBUTES
from translate.formats.inline import Splitter
from translate.formats.ooxml import parse_xml, serialize
from translate.formats.package import Package, open_package, read_part, replace_parts
from translate.formats.xmltree import Walker, write_tree

XHTML = "{http://www.w3.org/1999/xhtml}"
_OPF = "{http://www.idpf.org/2007/opf}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_NCX = "{http://www.daisy.org/z3986/2005/ncx/}"
_CONTAINER = "{urn:oasis:names:tc:opendocument:xmlns:container}"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_FIX = "open and save it again in an EPUB editor (Sigil, Calibre)"
_XHTML_TYPES = ("application/xhtml+xml", "text/html")
_ENTITY = re.compile(rb"&([A-Za-z][A-Za-z0-9]{1,31});")


class XhtmlRules:
    """HTML's rules (``formats.html``) over an XHTML tree."""

    attributes: tuple[str, ...] = ATTRIBUTES

    def kind(self, element: Any) -> str:
        """What ``element`` is (``xmltree.Rules``)."""
        tag = element.tag
        if not tag.startswith(XHTML):
            return "skip"  # SVG, MathML
        name = tag[len(XHTML):].lower()
        classes = (element.get("class") or "").split()
        if name in _SKIP or element.get("translate", "").lower() == "no" \
                or "notranslate" in classes:
            return "skip"
        if name in _VOID:
            return "atom"
        return "pair" if name in _INLINE else "block"

    def holds_text(self, element: Any) -> bool:
        """Any XHTML block holds text."""
        return True


class _LabelRules:
    """The NCX's labels and the OPF's title and description: their text only."""

    attributes: tuple[str, ...] = ()

    def kind(self, element: Any) -> str:
        """Everything is a block (``xmltree.Rules``)."""
        return "block"

    def holds_text(self, element: Any) -> bool:
        """Only label texts, titles and descriptions."""
        return element.tag in (f"{_NCX}text", f"{_DC}title", f"{_DC}description")


@dataclass(frozen=True)
class _Book:
    opf: str
    parts: tuple[str, ...]  # the OPF, the NCX if any, then the XHTML documents


@dataclass(frozen=True)
class _Skeleton:
    package: Package
    book: _Book
    spans: tuple[tuple[tuple[int, int], ...], ...]


def _find_book(package: Package, where: str) -> _Book:
    if "META-INF/container.xml" not in package.names:
        raise InputError(f"{where}: not an EPUB (no META-INF/container.xml)", _FIX)
    container = parse_xml(read_part(package, "META-INF/container.xml", where, _FIX), where,
                          "META-INF/container.xml")
    rootfile = container.find(f".//{_CONTAINER}rootfile")
    opf = rootfile.get("full-path", "") if rootfile is not None else ""
    if opf not in package.names:
        raise InputError(f"{where}: not an EPUB (its package document {opf!r} is missing)", _FIX)
    root = parse_xml(read_part(package, opf, where, _FIX), where, opf)
    folder = posixpath.dirname(opf)
    items = {i.get("id"): i for i in root.iter(f"{_OPF}item")}

    def path(item: Any) -> str:
        return posixpath.normpath(posixpath.join(folder, item.get("href", "")))

    documents = [path(items[ref.get("idref")]) for ref in root.iter(f"{_OPF}itemref")
                 if ref.get("idref") in items]
    documents += [path(i) for i in items.values()
                  if "nav" in (i.get("properties") or "").split() and path(i) not in documents]
    ncx = [path(i) for i in items.values() if i.get("media-type") == "application/x-dtbncx+xml"]
    kept = [p for p in dict.fromkeys(ncx + documents) if p in package.names]
    xhtml = {path(i) for i in items.values() if i.get("media-type") in _XHTML_TYPES}
    if "META-INF/encryption.xml" in package.names:
        encrypted = read_part(package, "META-INF/encryption.xml", where, _FIX).decode("utf-8",
                                                                                    "replace")
        if any(posixpath.relpath(p, folder) in encrypted or p in encrypted for p in xhtml):
            raise InputError(f"{where}: its chapters are encrypted (DRM); not translated",
                             "translate a copy without DRM that you are allowed to make")
    return _Book(opf, (opf, *[p for p in kept if p in xhtml or p in ncx]))


def _walk(package: Package, book: _Book, splitter: Splitter, where: str,
          ) -> tuple[dict[str, Any], list[Walker]]:
    roots: dict[str, Any] = {}
    walkers: list[Walker] = []
    for name in book.parts:
        root = _parse(read_part(package, name, where, _FIX), where, name)
        roots[name] = root
        walker = Walker(splitter, XhtmlRules() if root.tag == f"{XHTML}html" else _LabelRules())
        if root.tag == f"{_OPF}package":
            for metadata in root.iter(f"{_OPF}metadata"):
                walker.walk(metadata)
        else:
            walker.walk(root)
        walkers.append(walker)
    return roots, walkers


def _parse(data: bytes, where: str, name: str) -> Any:
    """A part, parsed.

    HTML's named entities (``&nbsp;``), which XML does not define without a DTD, are
    read as the characters they name.
    """
    try:
        return parse_xml(data, where, name)
    except InputError as exc:
        if "Entity '" not in exc.message:
            raise
    import html.entities

    def character(match: re.Match[bytes]) -> bytes:
        code = html.entities.name2codepoint.get(match.group(1).decode("ascii"))
        return match.group(0) if code is None else f"&#{code};".encode("ascii")

    return parse_xml(_ENTITY.sub(character, data), where, name)


def _set_language(root: Any, target: str) -> None:
    if root.tag == f"{_OPF}package":
        for language in root.iter(f"{_DC}language"):
            language.text = target
    elif root.tag == f"{XHTML}html":
        root.set(_XML_LANG, target)
        if root.get("lang") is not None:
            root.set("lang", target)
    elif root.tag == f"{_NCX}ncx" and root.get(_XML_LANG) is not None:
        root.set(_XML_LANG, target)


class EpubFormat:
    """E-books (``.epub``)."""

    name = "epub"
    suffixes = (".epub",)
    binary = True  # a zip package: never decoded as text

    def read(self, data: bytes, where: str, lang: str = "it",
             encoding: str | None = None) -> Parsed:
        """Open the book and collect its title, table of contents and chapters.

        Raises:
            InputError: not a zip, damaged, a zip bomb, DRM, or not an EPUB.
            UsageError: lxml is not installed (the ``office`` extra).
        """
        need("lxml.etree", "office")
        package = open_package(data, where, "an EPUB", _FIX)
        book = _find_book(package, where)
        splitter = Splitter(lang)
        _walk(package, book, splitter, where)
        return Parsed(tuple(splitter.segments), tuple(splitter.paragraphs),
                      _Skeleton(package, book, tuple(splitter.spans)))

    def write(self, parsed: Parsed, outputs: Sequence[str], target: str) -> Written:
        """The book translated, its language the target; images, styles, fonts as they were."""
        check_lengths(parsed, outputs)
        skeleton: _Skeleton = parsed.skeleton
        roots, walkers = _walk(skeleton.package, skeleton.book,
                                  Splitter("", skeleton.spans), "<source>")
        damaged: set[int] = set()
        for walker in walkers:
            write_tree(walker, outputs, damaged)
        parts: dict[str, bytes] = {}
        for name, root in roots.items():
            _set_language(root, target)
            parts[name] = serialize(root)
        return Written(replace_parts(skeleton.package, parts), tuple(sorted(damaged)))


FORMAT = EpubFormat()
