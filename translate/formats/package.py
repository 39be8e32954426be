"""Zip packages (PPTX, XLSX, OpenDocument, EPUB): read within limits, written back part by part.

A package is read whole into memory, so its size is bounded before any entry is
inflated: too many entries, too much once inflated, or an entry that inflates more
than a real document ever does (a zip bomb) is an ``InputError`` for that file, found
from the zip's directory without inflating anything. Writing copies every entry in
its order, with its name, date, compression and attributes, and puts the changed
parts' new bytes in place of theirs: a package whose parts are all unchanged is given
back byte for byte, and an OpenDocument or EPUB ``mimetype`` stays first and stored.
"""

from __future__ import annotations

import functools
import io
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass

from translate.errors import InputError
from translate.formats.zipped import check_package

# Limits of a real office document or e-book; the lead may unify them with zipped.py's.
MAX_ENTRIES = 20_000
MAX_INFLATED = 1 << 30  # 1 GiB in all
MAX_PART = 256 << 20  # one XML part to parse
MAX_RATIO = 200  # XML compresses 10-30 times; a bomb, thousands of times
_RATIO_FLOOR = 1 << 20  # small entries may compress better (runs of spaces)


@dataclass(frozen=True)
class Package:
    """A zip package as read: its bytes, and each entry's name in order."""

    data: bytes
    names: tuple[str, ...]

    @functools.cached_property
    def archive(self) -> zipfile.ZipFile:
        """The zip, opened once: its directory is read once, not once a part."""
        return zipfile.ZipFile(io.BytesIO(self.data))


def open_package(data: bytes, where: str, kind: str, fix: str) -> Package:
    """Check ``data`` is a zip within the limits and return it as a ``Package``.

    Args:
        data: The file's bytes.
        where: Its name, for messages.
        kind: What it should be (``"a .pptx"``), for messages.
        fix: What the user can do about a damaged file.

    Raises:
        InputError: not a zip, damaged, encrypted, or past the limits.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise InputError(f"{where}: not {kind} (not a zip, or a damaged or truncated one)",
                         fix) from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise InputError(f"{where}: {len(infos)} entries in the package, more than "
                             f"{MAX_ENTRIES:,} (a zip bomb or not {kind})", fix)
        total = 0
        for info in infos:
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > _RATIO_FLOOR and ratio > MAX_RATIO:
                raise InputError(f"{where}: {info.filename} inflates {ratio:,.0f} times "
                                 "(a zip bomb); not read", fix)
            if info.flag_bits & 0x1:
                raise InputError(f"{where}: {info.filename} is encrypted",
                                 "save the file again without a password")
        if total > MAX_INFLATED:
            raise InputError(f"{where}: {total:,} bytes once unzipped, more than "
                             f"{MAX_INFLATED:,}; not read", fix)
    # what the parts really inflate to and their XML elements, within --max-elements
    check_package(data, where)
    return Package(data, tuple(info.filename for info in infos))


def read_part(package: Package, name: str, where: str, fix: str) -> bytes:
    """One entry, inflated, checked against the zip's directory.

    Raises:
        InputError: the entry is damaged (a bad CRC or a lying directory).
    """
    archive = package.archive
    info = archive.getinfo(name)
    if info.file_size > MAX_PART:
        raise InputError(f"{where}: {name} is {info.file_size:,} bytes, more than "
                         f"{MAX_PART:,}; not read", fix)
    try:
        with archive.open(info) as stream:
            data = stream.read(MAX_PART + 1)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error) as exc:
        raise InputError(f"{where}: {name} is damaged ({exc})", fix) from exc
    if len(data) > MAX_PART:
        raise InputError(f"{where}: {name} inflates past {MAX_PART:,} bytes; not read", fix)
    return data


def replace_parts(package: Package, parts: Mapping[str, bytes]) -> bytes:
    """The package with ``parts`` (name -> bytes) in place of those entries."""
    if not parts:
        return package.data
    out = io.BytesIO()
    source = package.archive
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, item.date_time)
            info.compress_type = item.compress_type
            info.external_attr = item.external_attr
            info.create_system = item.create_system
            data = parts.get(item.filename)
            target.writestr(info, source.read(item) if data is None else data)
    return out.getvalue()
