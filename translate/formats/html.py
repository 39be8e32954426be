"""HTML: text nodes and the ``alt``/``title``/``placeholder`` attributes, tree kept.

Parsed tolerantly by lxml (libxml2's HTML parser: broken markup is repaired, never a
crash). The text inside each block element, with its inline elements (``<b>``, ``<a>``,
``<span>``...), is one block; the inline elements are placeholder pairs, and void or
untouchable inline elements (``<br>``, ``<img>``, ``<code>``, comments) atoms. Nothing
under ``<script>``, ``<style>``, ``<code>``, ``<pre>``, ``translate="no"`` or class
``notranslate`` is touched. ``write`` parses the source again and replays the recorded
sentence boundaries, so a ``Parsed`` can be written any number of times.
"""

from __future__ import annotations

import codecs
import copy
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from translate.errors import InputError
from translate.formats.base import Parsed, Written, check_lengths, need
from translate.formats.inline import Layout, Piece, Splitter, Tag, protect, xml_text
from translate.formats.restore import fill
from translate.formats.zipped import check_elements
from translate.text.documents import Document, decode_bytes, encode_text

ATTRIBUTES = ("alt", "title", "placeholder")
_SKIP = frozenset("script style code pre svg math template kbd samp var".split())
_INLINE = frozenset("""a abbr b bdi bdo br cite code data del dfn em font i img input ins kbd
label mark q s samp small span strong sub sup time tt u var wbr big""".split())
_VOID = frozenset("br img input wbr".split())
# an XHTML file's XML declaration: libxml2's HTML parser makes it a comment
_XML_DECLARATION = re.compile(r"\s*(<\?xml\s[^<>]*\?>)")
_DOCTYPE = re.compile(r"\s*(?:<\?xml\s[^<>]*\?>\s*)?(?>(?:<!--.*?-->\s*)*)<!doctype",
                      re.I | re.S)  # atomic: linear
_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)


@dataclass(frozen=True)
class _Skeleton:
    document: Document
    spans: tuple[tuple[tuple[int, int], ...], ...]


def _skipped(element: Any) -> bool:
    if not isinstance(element.tag, str):
        return True  # comments, processing instructions
    classes = (element.get("class") or "").split()
    return (element.tag.lower() in _SKIP or element.get("translate", "").lower() == "no"
            or "notranslate" in classes)


def _inline(element: Any) -> bool:
    """Inline, with nothing block-level inside (else its text is walked as blocks)."""
    if not isinstance(element.tag, str):
        return True
    if element.tag.lower() not in _INLINE:
        return False
    return all(not isinstance(e.tag, str) or e.tag.lower() in _INLINE for e in element.iter())


@dataclass
class _Run:
    container: Any
    after: Any  # the block child whose tail starts the run, or None for container.text
    children: list[Any]
    layout: Layout = ()


class _Walker:
    """Collects attribute and text slots in document order."""

    def __init__(self, splitter: Splitter) -> None:
        self.splitter = splitter
        self.slots: list[tuple[Any, str, Layout] | _Run] = []

    def walk(self, element: Any) -> None:
        if _skipped(element):
            return
        self._attributes(element)
        run = _Run(element, None, [])
        for child in element:
            if _inline(child):
                run.children.append(child)
                continue
            self._close(run)
            self.walk(child)
            run = _Run(element, child, [])
        self._close(run)

    def _attributes(self, element: Any) -> None:
        for name in ATTRIBUTES:
            value = element.get(name)
            if value and any(ch.isalpha() for ch in value):
                layout = self.splitter.block(protect(value), len(self.slots))
                self.slots.append((element, name, layout))

    def _close(self, run: _Run) -> None:
        lead = run.container.text if run.after is None else run.after.tail
        pieces = protect(lead or "")
        for child in run.children:
            pieces += self._pieces(child)
        if any(ch.isalpha() for p in pieces if isinstance(p, str) for ch in p):
            run.layout = self.splitter.block(pieces, len(self.slots))
            self.slots.append(run)

    def _pieces(self, element: Any) -> list[Piece]:
        tail = protect(element.tail or "")
        if _skipped(element) or element.tag.lower() in _VOID:
            if isinstance(element.tag, str) and not _skipped(element):
                self._attributes(element)
            return [Tag("atom", element), *tail]
        self._attributes(element)
        opener = Tag("open", element, keep=any(element.get(a) for a in ATTRIBUTES))
        pieces: list[Piece] = [opener, *protect(element.text or "")]
        for child in element:
            pieces += self._pieces(child)
        return [*pieces, Tag("close", element, pair=opener), *tail]


def _parse(text: str, where: str) -> Any:
    etree = need("lxml.etree", "formats")
    check_elements(text.count("<") - text.count("</"), where, "HTML elements")  # size guard
    parser = etree.HTMLParser(remove_comments=False, remove_pis=False, recover=True,
                              no_network=True, encoding="utf-8")
    try:  # bytes: lxml refuses str with an XML declaration naming an encoding
        root = etree.fromstring(text.encode("utf-8", "surrogatepass"), parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise InputError(f"{where}: cannot be read as HTML: {exc}") from exc
    # past a limit (elements 256 deep, a text of 10 MB) libxml2 drops the rest of the file
    limit = next((e for e in parser.error_log if e.type_name == "ERR_RESOURCE_LIMIT"), None)
    if limit is not None:
        raise InputError(f"{where}: line {limit.line}: too deep or too large to read whole as "
                         f"HTML ({limit.message.split(',')[0].strip()}); the rest would be lost",
                         "split the file, or close its elements (<div>, <font>...)")
    return root  # None for a file of nothing but comments or whitespace


def _declared(data: bytes) -> str | None:
    """The charset a ``<meta>`` declares near the top, when it names a known codec."""
    match = _CHARSET.search(data[:4096])
    if not match:
        return None
    try:
        return codecs.lookup(match.group(1).decode("ascii")).name
    except LookupError:
        return None


def _decode(data: bytes, where: str, encoding: str | None = None) -> Document:
    """``--encoding``; else BOM or UTF-8; else the declared charset; else ``decode_bytes``."""
    if encoding:
        return decode_bytes(data, where, encoding)
    declared = _declared(data)
    try:
        data.decode("utf-8")
        utf8 = True
    except UnicodeDecodeError:
        utf8 = False
    if declared and not utf8 and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return decode_bytes(data, where, declared)
    return decode_bytes(data, where)


def _build(pieces: Sequence[Piece]) -> Any:
    """A holder element whose text and children are the pieces, nested by their pairs."""
    from lxml import etree

    holder = current = etree.Element("holder")
    for piece in pieces:
        if isinstance(piece, str):
            piece = xml_text(piece)
            if len(current):
                current[-1].tail = (current[-1].tail or "") + piece
            else:
                current.text = (current.text or "") + piece
        elif piece.kind == "open":
            current = etree.SubElement(current, piece.value.tag, dict(piece.value.attrib))
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
    holder = _build(pieces)
    if run.after is None:
        container.text = holder.text
    else:
        run.after.tail = holder.text
    for offset, child in enumerate(list(holder)):
        container.insert(index + offset, child)


def _serialize(root: Any, document: Document) -> bytes:
    from lxml import etree
    from lxml.html.defs import empty_tags

    for element in root.iter():  # libxml2 drops "</li>" of an empty <li>, moving its tail in
        if isinstance(element.tag, str) and element.text is None and not len(element) \
                and element.tag.lower() not in empty_tags:
            element.text = ""
    tree = root.getroottree()
    # libxml2 invents a doctype for a file without one, and drops what follows </html>
    declared = _DOCTYPE.match(document.text) is not None
    text: str = etree.tostring(tree, method="html", encoding="unicode",
                               doctype=tree.docinfo.doctype if declared else "")
    text = text if declared else text.removeprefix("\n")
    xml = _XML_DECLARATION.match(document.text)
    if xml:  # put it back as it was, and where it was: before the doctype
        comment = f"<!--{xml.group(1)[1:-1]}-->"
        if comment in text:
            text = xml.group(1) + "\n" + text.replace(comment, "", 1).lstrip("\n")
    if "\r\n" in document.text and document.text.count("\n") == document.text.count("\r\n"):
        text = text.replace("\r\n", "\n").replace("\n", "\r\n")  # libxml2 made them LF
    ending = document.text[len(document.text.rstrip()):]
    if ending and not text.endswith(ending):
        text = text.rstrip() + ending
    if document.encoding.startswith("utf"):
        return encode_text(text, document)
    return text.encode(document.encoding, "xmlcharrefreplace")


class HtmlFormat:
    """HTML documents (``.html``, ``.htm``)."""

    name = "html"
    suffixes = (".html", ".htm")

    def decode(self, data: bytes, where: str, encoding: str | None = None) -> Document:
        """The file's text: ``--encoding``, else a BOM or UTF-8, else its ``<meta>`` charset.

        Raises:
            InputError: undecodable or binary bytes.
        """
        return _decode(data, where, encoding)

    def read(self, data: bytes, where: str, lang: str = "it",
             encoding: str | None = None) -> Parsed:
        """Decode and parse tolerantly.

        Raises:
            InputError: undecodable or binary bytes, or nothing HTML in them.
            UsageError: lxml is not installed (the ``formats`` extra).
        """
        document = self.decode(data, where, encoding)
        splitter = Splitter(lang)
        root = _parse(document.text, where) if document.text.strip() else None
        if root is not None:
            _Walker(splitter).walk(root)
        skeleton = _Skeleton(document, tuple(splitter.spans))
        return Parsed(tuple(splitter.segments), tuple(splitter.paragraphs), skeleton)

    def write(self, parsed: Parsed, outputs: Sequence[str], target: str) -> Written:
        """The document with its texts translated and ``<html lang>`` set to ``target``."""
        check_lengths(parsed, outputs)
        skeleton: _Skeleton = parsed.skeleton
        document = skeleton.document
        root = _parse(document.text, "<source>") if document.text.strip() else None
        if root is None:
            return Written(encode_text(document.text, document))
        walker = _Walker(Splitter("", skeleton.spans))
        walker.walk(root)
        units = walker.splitter.units  # their tags point into this parse of the source
        damaged: set[int] = set()
        for slot in walker.slots:
            if isinstance(slot, _Run):
                _apply(slot, fill(slot.layout, units, outputs, damaged))
            else:
                element, name, layout = slot
                pieces = fill(layout, units, outputs, damaged)
                element.set(name, xml_text("".join(p for p in pieces if isinstance(p, str))))
        if isinstance(root.tag, str) and root.tag.lower() == "html":
            root.set("lang", target)
            if root.get("xml:lang") is not None:  # XHTML: both name the language
                root.set("xml:lang", target)
        return Written(_serialize(root, document), tuple(sorted(damaged)))


FORMAT = HtmlFormat()
