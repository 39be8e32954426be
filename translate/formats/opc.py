"""Open Packaging Conventions (PPTX, XLSX): content types and relationships.

Parts are found the way Office finds them, through relationships, so slides come in
the presentation's order (not their file names') and only parts that something
points to are read.
"""

from __future__ import annotations

import posixpath
from typing import Any

from translate.errors import InputError
from translate.formats.ooxml import parse_xml
from translate.formats.package import Package, open_package, read_part

_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_OLE = b"\xd0\xcf\x11\xe0"  # an encrypted Office file, or an old binary one
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def main_type(package: Package, where: str, kind: str, fix: str) -> tuple[str, str]:
    """The main part's name and content type (``ppt/presentation.xml``, ...).

    Raises:
        InputError: no ``[Content_Types].xml`` or no main document in it.
    """
    if "[Content_Types].xml" not in package.names:
        raise InputError(f"{where}: not {kind} (no [Content_Types].xml in the zip)", fix)
    root = parse_xml(read_part(package, "[Content_Types].xml", where, fix), where,
                     "[Content_Types].xml")
    rels = relationships(package, "", where, fix)
    main = next((target for rel_type, target in rels.values()
                 if rel_type.endswith("/officeDocument")), None)
    if main is None:
        raise InputError(f"{where}: not {kind} (no main document)", fix)
    for override in root.iter(f"{_CT}Override"):
        if override.get("PartName", "").lstrip("/") == main:
            return main, override.get("ContentType", "")
    return main, ""


def open_office(data: bytes, where: str, suffix: str, app: str,
                main_types: tuple[str, ...]) -> tuple[Package, str]:
    """Open an Office package, refusing what is not one, or holds macros.

    Args:
        data: The file's bytes.
        where: Its name, for messages.
        suffix: What it should be (``.pptx``).
        app: The application that saves it (``PowerPoint``).
        main_types: The ends of the main part's content types that are accepted.

    Returns:
        The package and its main part's name.

    Raises:
        InputError: not a zip, damaged, a zip bomb, encrypted, macro-enabled, or not
            this kind of document.
    """
    kind, fix = f"a {suffix}", f"open and save it again in {app} or LibreOffice"
    if data.startswith(_OLE):
        raise InputError(f"{where}: password-protected or an old Office file, not {kind}",
                         f"save it in {app} as {kind} without a password")
    package = open_package(data, where, kind, fix)
    main, content_type = main_type(package, where, kind, fix)
    macros = suffix[:-1] + "m"
    if "macroEnabled" in content_type or any(n.endswith("vbaProject.bin") for n in package.names):
        raise InputError(f"{where}: a macro-enabled file ({macros}) named {suffix}; not "
                         "translated", f"save it as {kind} without macros, or rename it "
                         f"{macros} if that is what it is")
    if not content_type.endswith(main_types):
        raise InputError(f"{where}: not {kind} (its main part is "
                         f"{content_type or 'of no known type'})", fix)
    return package, main


def relationships(package: Package, part: str, where: str, fix: str,
                  ) -> dict[str, tuple[str, str]]:
    """A part's relationships: id -> (type, target part name); external ones left out."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", f"{name}.rels")
    if rels not in package.names:
        return {}
    root = parse_xml(read_part(package, rels, where, fix), where, rels)
    found: dict[str, tuple[str, str]] = {}
    for rel in root.iter(f"{_RELS}Relationship"):
        if rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else \
            posixpath.normpath(posixpath.join(folder, target))
        found[rel.get("Id", "")] = (rel.get("Type", ""), path)
    return found


def related(package: Package, part: str, where: str, fix: str, *kinds: str) -> list[str]:
    """The parts ``part`` points to whose relationship type ends with one of ``kinds``."""
    rels = relationships(package, part, where, fix)
    return [target for rel_type, target in rels.values()
            if rel_type.rsplit("/", 1)[-1] in kinds and target in package.names]


def ordered_targets(root: Any, tag: str, rels: dict[str, tuple[str, str]]) -> list[str]:
    """The targets of ``tag`` elements' ``r:id`` in document order (slides, sheets)."""
    return [rels[e.get(f"{R}id")][1] for e in root.iter(tag) if e.get(f"{R}id") in rels]
