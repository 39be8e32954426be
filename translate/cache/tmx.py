"""TMX 1.4b in and out of the translation memory, streamed both ways.

Export writes one ``<tu>`` per memory entry (its origin and where it came from as
``<prop>``), UTF-8, with ``srclang``, ``xml:lang``, ``creationdate`` and
``creationtool``. Inline markup travels in segments as ``<x1>...</x1>`` placeholders
(``formats.inline``); in TMX they are the inline elements ``<bpt>``/``<ept>`` (a pair)
and ``<ph>`` (alone), holding the placeholder as their native code, so an import gives
them back. Inline elements of other tools (codes that are not our placeholders, and
``<hi>``, ``<ut>``, ``<sub>``) are stripped and counted: their text is kept where it is
translatable (``<hi>``), dropped where it is native code.

Import reads with expat, one ``<tu>`` at a time, so memory stays bounded whatever the
file's size, and every error names its line. The whole file goes in one transaction
(``Memory.add_streamed``): a malformed TMX found at its last unit stores nothing.
"""

from __future__ import annotations

import os
import re
import time
import xml.parsers.expat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape

from translate.cache.memory import Memory, MemoryEntry
from translate.errors import InputError

__all__ = ["TmxError", "TmxImport", "export_tmx", "import_tmx", "language_of"]

TOOL = "translate"
BATCH = 2000
_TOKEN = re.compile(r"<(/?)x(\d+)(/?)>")
# ISO 639-1: the languages a TMX may name (with any region or script subtags after).
ISO_639_1 = set(
    "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu "
    "cv cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi "
    "ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks "
    "ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl "
    "nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl "
    "sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve "
    "vi vo wa wo xh yi yo za zh zu".split())
_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
_INLINE = {"bpt", "ept", "ph", "it", "hi", "ut", "sub"}


class TmxError(InputError):
    """A TMX file that cannot be imported (nothing of it was)."""


def language_of(code: str, where: str) -> str:
    """Our language code of a TMX ``xml:lang`` (``it-IT`` -> ``it``).

    Raises:
        TmxError: not a language code, or a language ISO 639-1 does not know.
    """
    primary = code.split("-")[0].lower()
    if not _TAG.match(code) or primary not in ISO_639_1:
        raise TmxError(f"{where}: unknown language {code!r}",
                       "use an ISO 639-1 code with an optional region, such as it or it-IT")
    return primary


def _tmx_date(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y%m%dT%H%M%SZ")


def _parse_date(text: str | None, where: str) -> float | None:
    if not text:
        return None
    try:
        return datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC).timestamp()
    except ValueError as exc:
        raise TmxError(f"{where}: creationdate {text!r} is not YYYYMMDDThhmmssZ",
                       "fix or remove the attribute") from exc


def _seg_xml(text: str) -> str:
    """A segment as TMX ``<seg>`` content: our placeholders as inline elements."""
    out: list[str] = []
    pos = 0
    for match in _TOKEN.finditer(text):
        out.append(escape(text[pos:match.start()]))
        closing, number, alone = match.groups()
        code = escape(match.group(0))
        if alone:
            out.append(f'<ph x="{number}">{code}</ph>')
        elif closing:
            out.append(f'<ept i="{number}">{code}</ept>')
        else:
            out.append(f'<bpt i="{number}" x="{number}">{code}</bpt>')
        pos = match.end()
    out.append(escape(text[pos:]))
    return "".join(out)


def export_tmx(memory: Memory, out: IO[str], origins: Sequence[str] | None = None) -> int:
    """Write the entries of ``memory`` (those of ``origins``; all by default) as TMX 1.4b.

    Returns:
        How many units were written.
    """
    from translate.version import __version__

    def chosen() -> Iterator[MemoryEntry]:
        return (e for e in memory.entries() if origins is None or e.origin in origins)

    sources = {e.source_lang for e in chosen()}
    srclang = sources.pop() if len(sources) == 1 else "*all*"
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n'
              f'  <header creationtool="{TOOL}" creationtoolversion="{__version__}" '
              'datatype="plaintext" segtype="sentence" adminlang="en" '
              f'srclang="{srclang}" o-tmf="translate-memory" '
              f'creationdate="{_tmx_date(time.time())}"/>\n  <body>\n')
    count = 0
    for e in chosen():
        out.write(f'    <tu tuid="{e.id}" srclang="{e.source_lang}" '
                  f'creationdate="{_tmx_date(e.created)}" creationtool="{TOOL}">\n'
                  f'      <prop type="x-origin">{e.origin}</prop>\n'
                  + (f'      <prop type="x-place">{escape(e.place)}</prop>\n' if e.place else "")
                  + f'      <tuv xml:lang="{e.source_lang}"><seg>{_seg_xml(e.source)}</seg>'
                  f'</tuv>\n      <tuv xml:lang="{e.target_lang}"><seg>{_seg_xml(e.target)}'
                  '</seg></tuv>\n    </tu>\n')
        count += 1
    out.write("  </body>\n</tmx>\n")
    return count


def write_tmx_file(memory: Memory, path: Path, origins: Sequence[str] | None = None) -> int:
    """``export_tmx`` into ``path`` atomically (a temporary file, then renamed)."""
    tmp = path.with_name(f".{path.name}.translate-export.tmp")
    try:
        with tmp.open("w", encoding="utf-8", newline="\n") as handle:
            count = export_tmx(memory, handle, origins)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return count


@dataclass
class TmxImport:
    """What an import read.

    Attributes:
        units: ``<tu>`` elements read.
        entries: Entries made (a unit with n target languages makes n).
        stored: Entries new in the memory.
        stripped: Inline codes of other tools removed from segments (not ours).
        languages: The language pairs seen, with their entry counts.
    """

    units: int = 0
    entries: int = 0
    stored: int = 0
    stripped: int = 0
    languages: dict[str, int] = field(default_factory=dict)


class _Reader:
    """A streaming TMX reader (expat): yields batches of entries, one unit at a time."""

    def __init__(self, path: Path, found: TmxImport) -> None:
        self.path = path
        self.found = found
        self.parser = xml.parsers.expat.ParserCreate()
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.CharacterDataHandler = self._text
        self.parser.EntityDeclHandler = self._entity
        self.ready: list[MemoryEntry] = []
        self.stack: list[str] = []
        self.header_srclang: str | None = None
        self.saw_root = False
        self.tu: dict[str, Any] | None = None
        self.tuv: dict[str, Any] | None = None
        self.seg: list[str] | None = None
        self.inline: list[tuple[str, list[str]]] = []  # open inline elements, their text
        self.prop: list[str] | None = None

    def where(self) -> str:
        return f"{self.path}:{self.parser.CurrentLineNumber}"

    def fail(self, what: str, hint: str = "fix the file, or export it again") -> TmxError:
        return TmxError(f"{self.where()}: {what}; nothing was imported", hint)

    def batches(self) -> Iterator[list[MemoryEntry]]:
        try:
            with self.path.open("rb") as handle:
                while chunk := handle.read(1 << 16):
                    self.parser.Parse(chunk, False)
                    if len(self.ready) >= BATCH:
                        yield self.ready
                        self.ready = []
                self.parser.Parse(b"", True)
        except xml.parsers.expat.ExpatError as exc:
            raise TmxError(f"{self.path}:{exc.lineno}: not well-formed XML "
                           f"({xml.parsers.expat.errors.messages[exc.code]}, column "
                           f"{exc.offset + 1}); nothing was imported",
                           "fix the file, or export it again") from None
        if not self.saw_root:
            raise self.fail("no <tmx> element")
        yield self.ready

    def _entity(self, *_: object) -> None:
        raise self.fail("declares an entity (not allowed in a TMX import)")

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        parent = self.stack[-1] if self.stack else None
        self.stack.append(name)
        if parent is None:
            if name != "tmx":
                raise self.fail(f"the root element is <{name}>, not <tmx>")
            if not attrs.get("version", "").startswith("1.4"):
                raise self.fail(f"TMX version {attrs.get('version')!r}; only 1.4 is read")
            self.saw_root = True
        elif name == "header" and parent == "tmx":
            self.header_srclang = attrs.get("srclang")
            if not self.header_srclang:
                raise self.fail("<header> has no srclang")
        elif name == "tu":
            if parent != "body":
                raise self.fail("<tu> outside <body>")
            self.tu = {"attrs": attrs, "tuvs": [], "props": {}, "line": self.where()}
        elif name == "tuv" and self.tu is not None:
            lang = attrs.get("xml:lang") or attrs.get("lang")
            if not lang:
                raise self.fail("<tuv> has no xml:lang")
            self.tuv = {"lang": language_of(lang, self.where()), "seg": None}
        elif name == "seg" and self.tuv is not None:
            self.seg = []
        elif name == "prop" and self.tu is not None and self.tuv is None:
            self.prop = [attrs.get("type", "")]
        elif self.seg is not None and name in _INLINE:
            self.inline.append((name, []))
        elif self.seg is not None:
            raise self.fail(f"<{name}> is not allowed inside <seg>")

    def _text(self, data: str) -> None:
        if self.inline:
            self.inline[-1][1].append(data)
        elif self.seg is not None:
            self.seg.append(data)
        elif self.prop is not None:
            self.prop.append(data)

    def _end(self, name: str) -> None:
        self.stack.pop()
        if self.inline and name == self.inline[-1][0]:
            kind, parts = self.inline.pop()
            text = "".join(parts)
            target = self.inline[-1][1] if self.inline else self.seg
            assert target is not None
            if kind in ("bpt", "ept", "ph") and _TOKEN.fullmatch(text):
                target.append(text)  # our placeholder: the format restores the markup
            else:
                self.found.stripped += 1
                if kind == "hi":  # its content is text to translate: kept
                    target.append(text)
        elif name == "seg" and self.tuv is not None and self.seg is not None:
            self.tuv["seg"] = "".join(self.seg)
            self.seg = None
        elif name == "tuv" and self.tu is not None and self.tuv is not None:
            if self.tuv["seg"] is None:
                raise self.fail("<tuv> has no <seg>")
            self.tu["tuvs"].append(self.tuv)
            self.tuv = None
        elif name == "prop" and self.tu is not None and self.prop is not None:
            self.tu["props"][self.prop[0]] = "".join(self.prop[1:])
            self.prop = None
        elif name == "tu" and self.tu is not None:
            self._unit(self.tu)
            self.tu = None

    def _unit(self, tu: dict[str, Any]) -> None:
        attrs, line = tu["attrs"], tu["line"]
        src = attrs.get("srclang") or self.header_srclang
        if not src or src == "*all*":
            raise self.fail("<tu> has no srclang (and the header's is *all*)",
                            "give each <tu> a srclang attribute")
        src = language_of(src, line)
        sources = [t for t in tu["tuvs"] if t["lang"] == src]
        if len(sources) != 1:
            raise self.fail(f"<tu> has {len(sources)} <tuv> in its srclang {src!r}, "
                            "not one")
        created = _parse_date(attrs.get("creationdate"), line) or time.time()
        origin = "model" if tu["props"].get("x-origin") == "model" else "import"
        place = tu["props"].get("x-place") or self.path.name
        self.found.units += 1
        for tuv in tu["tuvs"]:
            if tuv["lang"] == src or not tuv["seg"].strip() or not sources[0]["seg"].strip():
                continue
            pair = f"{src}-{tuv['lang']}"
            self.found.languages[pair] = self.found.languages.get(pair, 0) + 1
            self.found.entries += 1
            self.ready.append(MemoryEntry(src, tuv["lang"], sources[0]["seg"], tuv["seg"],
                                          origin, created, place))


def import_tmx(memory: Memory, path: Path) -> TmxImport:
    """Import the TMX file ``path`` into ``memory``, all of it or nothing.

    Raises:
        TmxError: the file is malformed or names an unknown language (nothing stored).
        OSError: it cannot be read.
    """
    found = TmxImport()
    reader = _Reader(path, found)
    found.stored = memory.add_streamed(reader.batches)
    return found
