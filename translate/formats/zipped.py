"""Zip packages (DOCX, and any office or e-book format): size guards, stable bytes.

``check_package`` fails fast on a package that would take unbounded time or memory to
parse (a zip bomb, two million paragraphs in 237 KB), with its figures and the option
that raises the limit: ``--max-elements`` (``max_elements`` in a job file and in
``translate.Options``). It streams the package, so checking costs little memory.

python-docx dates every entry with the time of writing, so the same translation of the
same input would give other bytes a second later: its output record, and a Ray run
compared with a local one, could not tell them apart from a real change. ``restamp``
dates them as the input's.
"""

from __future__ import annotations

import contextlib
import io
import zipfile
from collections.abc import Iterator
from contextvars import ContextVar

from translate.errors import InputError

# The default limit on XML elements in one document (a 500-page book has ~200,000).
MAX_ELEMENTS = 1_000_000
# Per element allowed, the unpacked bytes and the parts a package may have: the one
# limit (``--max-elements``) scales all three.
BYTES_PER_ELEMENT = 512
ELEMENTS_PER_PART = 100
_LIMIT: ContextVar[int] = ContextVar("max_elements", default=MAX_ELEMENTS)
_CHUNK = 1 << 20
# The compression methods Python's zipfile can unpack.
_READABLE = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2,
                       zipfile.ZIP_LZMA})
_RAISE = ("raise the limit with --max-elements N (max_elements in a job file or in "
          "translate.Options) if the document is genuine")


@contextlib.contextmanager
def element_limit(max_elements: int | None) -> Iterator[None]:
    """Let the formats read documents of up to ``max_elements`` elements (``None``: default)."""
    token = _LIMIT.set(max_elements or MAX_ELEMENTS)
    try:
        yield
    finally:
        _LIMIT.reset(token)


def max_elements() -> int:
    """The element limit in force (``element_limit``)."""
    return _LIMIT.get()


def check_elements(count: int, where: str, what: str = "elements") -> None:
    """Fail when a document has more than the limit of ``what`` (text formats too).

    Raises:
        InputError: naming the count, the limit and the option that raises it.
    """
    limit = max_elements()
    if count > limit:
        raise InputError(f"{where}: more than {limit:,} {what} (at least {count:,}); not "
                         "read, to keep time and memory bounded", _RAISE)


def check_package(data: bytes, where: str, xml_suffixes: tuple[str, ...] = (".xml", ".rels",
                                                                               ".xhtml", ".opf",
                                                                               ".ncx")) -> None:
    """Fail fast on a zip package too large to parse: unpacked size, parts, XML elements.

    The unpacked size is the sum of what the parts really inflate to (their declared
    sizes can lie), read 1 MiB at a time; elements are the start tags of the XML parts.

    Not a zip at all passes: the format's own reader says what the file is.

    Raises:
        InputError: a limit passed (with the figures), or a part cannot be unpacked.
    """
    limit = max_elements()
    max_bytes, max_parts = limit * BYTES_PER_ELEMENT, max(limit // ELEMENTS_PER_PART, 1000)
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError):
        return  # not a zip at all: the format's reader says what it is
    with package:
        parts = package.infolist()
        if len(parts) > max_parts:
            raise InputError(f"{where}: {len(parts):,} parts in the package, more than "
                             f"{max_parts:,}", _RAISE)
        unpacked = elements = 0
        for part in parts:
            xml = part.filename.lower().endswith(xml_suffixes)
            if part.compress_type not in _READABLE:  # Deflate64, PPMd, ...: zipfile has none
                raise InputError(f"{where}: part {part.filename} uses a compression this "
                                 "tool cannot read", "save it again as a standard file")
            try:
                with package.open(part) as stream:
                    while chunk := stream.read(_CHUNK):
                        unpacked += len(chunk)
                        if unpacked > max_bytes:
                            raise InputError(
                                f"{where}: unpacks to more than {max_bytes:,} bytes "
                                f"({len(data):,} packed; {part.filename} and before)", _RAISE)
                        if xml:
                            elements += chunk.count(b"<") - chunk.count(b"</")
                            check_elements(elements, where, "XML elements")
            except (zipfile.BadZipFile, EOFError, OSError, RuntimeError, ValueError) as exc:
                raise InputError(f"{where}: part {part.filename} cannot be unpacked ({exc})",
                                 "open and save it again in the program that made it") from exc

_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can hold


def restamp(data: bytes, like: bytes) -> bytes:
    """``data`` (a zip) with each entry dated as ``like``'s entry of that name, else 1980."""
    with zipfile.ZipFile(io.BytesIO(like)) as source:
        dates = {item.filename: item.date_time for item in source.infolist()}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as written, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in written.infolist():
            info = zipfile.ZipInfo(item.filename, dates.get(item.filename, _EPOCH))
            info.compress_type = item.compress_type
            info.external_attr = item.external_attr
            target.writestr(info, written.read(item.filename))
    return out.getvalue()
