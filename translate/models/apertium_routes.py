"""Apertium's installed modes as a graph of language pairs, and routes through it.

Apertium (a rule-based engine, packaged by Debian) installs one ``.mode`` file per
translation direction in ``$APERTIUM_DATADIR/modes`` (default ``/usr/share/apertium``),
named with ISO 639-3 codes (``ita-cat``) or, in older pairs, ISO 639-1 (``en-es``).
Routes are the shortest chains of modes between two languages (breadth first), so a
pair without a direct mode pivots through any third language (``it -> ca -> en``).
Finding the installed modes, and their identity for the cache signature:
``apertium_modes``.
"""

from __future__ import annotations

import re
import shutil
from collections import deque
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from translate.errors import ModelUnavailableError, UsageError
from translate.models.apertium_modes import (
    DEFAULT_DATADIR,
    ISO3_TO_1,
    MODE_NAME,
    Mode,
    apertium_version,
    data_dir,
    installed_modes,
    iso,
    mode_identity,
)

# The names of apertium_modes stay importable from here, where they were first.
__all__ = ["DEBIAN_PACKAGES", "DEFAULT_DATADIR", "ISO3_TO_1", "PREFIX", "Mode",
           "apertium_version", "data_dir", "find_route", "install_hint", "installed_modes",
           "iso", "locate", "missing_model_hint", "mode_identity", "mode_of",
           "package_versions", "packages_for", "route_rows", "shortest_route"]

PREFIX = "apertium:"  # ModelSpec.model of an Apertium leg: "apertium:ita-cat"
# Debian's pair packages (``apt-cache search apertium``): used only to suggest what to
# install when no route exists; newer three-letter packages first.
DEBIAN_PACKAGES = (
    "apertium-afr-nld", "apertium-arg-cat", "apertium-bel-rus", "apertium-cat-ita",
    "apertium-cat-srd", "apertium-dan-nor", "apertium-eng-cat", "apertium-eng-spa",
    "apertium-fra-cat", "apertium-fra-frp", "apertium-hbs-eng", "apertium-hbs-mkd",
    "apertium-hbs-slv", "apertium-ind-zlm", "apertium-isl-eng", "apertium-isl-swe",
    "apertium-mkd-bul", "apertium-mkd-eng", "apertium-nno-nob", "apertium-oci-fra",
    "apertium-pol-szl", "apertium-por-cat", "apertium-rus-ukr", "apertium-spa-arg",
    "apertium-spa-ast", "apertium-spa-cat", "apertium-spa-ita", "apertium-srd-ita",
    "apertium-swe-dan", "apertium-swe-nor", "apertium-urd-hin", "apertium-br-fr",
    "apertium-en-gl", "apertium-eo-ca", "apertium-eo-en", "apertium-eo-es",
    "apertium-eo-fr", "apertium-es-gl", "apertium-es-pt", "apertium-es-ro",
    "apertium-eu-en", "apertium-eu-es", "apertium-fr-es", "apertium-is-sv",
    "apertium-oc-ca", "apertium-oc-es", "apertium-pt-gl",
)


def shortest_route(edges: Iterable[tuple[str, str]], source: str, target: str,
                   ) -> list[tuple[str, str]] | None:
    """The fewest hops from ``source`` to ``target`` (breadth first; ties alphabetical)."""
    graph: dict[str, list[str]] = {}
    for a, b in sorted(edges):
        graph.setdefault(a, []).append(b)
    previous: dict[str, str] = {source: source}
    queue = deque([source])
    while queue:
        node = queue.popleft()
        if node == target:
            hops: list[tuple[str, str]] = []
            while node != source:
                hops.append((previous[node], node))
                node = previous[node]
            return hops[::-1]
        for following in graph.get(node, []):
            if following not in previous:
                previous[following] = node
                queue.append(following)
    return None


def find_route(source: str, target: str, modes: dict[tuple[str, str], Mode],
               ) -> list[Mode]:
    """The modes that take ``source`` to ``target``, shortest route first.

    Raises:
        UsageError: when the installed modes have no route (the hint says what to install).
    """
    hops = shortest_route(modes, source, target) if source != target else []
    if hops is None:
        names = ", ".join(sorted(m.name for m in modes.values())) or "none"
        raise UsageError(f"no Apertium route from '{source}' to '{target}' "
                         f"(installed modes: {names}; looked in {data_dir() / 'modes'})",
                         install_hint(source, target))
    return [modes[hop] for hop in hops]


def _package_edges() -> dict[tuple[str, str], str]:
    edges: dict[tuple[str, str], str] = {}
    for name in DEBIAN_PACKAGES:
        a, b = (iso(code) for code in name.removeprefix("apertium-").split("-"))
        edges.setdefault((a, b), name)
        edges.setdefault((b, a), name)
    return edges


def packages_for(source: str, target: str) -> list[str] | None:
    """Debian packages that would give a route from ``source`` to ``target``, if any."""
    edges = _package_edges()
    hops = shortest_route(edges, source, target)
    return None if hops is None else list(dict.fromkeys(edges[hop] for hop in hops))


def install_hint(source: str, target: str) -> str:
    """The ``apt-get install`` line for a route, or what to look for when none is known."""
    packages = packages_for(source, target)
    if packages:
        return f"install it: sudo apt-get install apertium {' '.join(packages)}"
    return (f"no Debian Apertium package is known to link '{source}' and '{target}'; "
            "see `apt-cache search apertium`")


def missing_model_hint(key: str) -> str:
    """What a missing model's error adds for pair ``key``: a flag, or how to install."""
    if key.count("-") != 1:
        return ""
    source, target = key.split("-")
    try:
        if shutil.which("apertium"):
            find_route(source, target, installed_modes())
            return "; or translate offline now with the rule-based engine: --engine apertium"
    except UsageError:
        pass
    packages = packages_for(source, target)
    if not packages:
        return ""
    return (f"; or, for rule-based translation with nothing downloaded: sudo apt-get "
            f"install apertium {' '.join(packages)}, then --engine apertium")


def route_rows(keys: Iterable[str]) -> list[dict[str, Any]]:
    """``models list`` rows: the Apertium routes of ``keys`` and of every installed mode.

    Each row has the route's legs and the packages (and versions) they come from.
    """
    if not shutil.which("apertium"):
        return []
    modes = installed_modes()
    versions = package_versions()
    rows: list[dict[str, Any]] = []
    for key in dict.fromkeys([*keys, *(m.key for m in modes.values())]):
        if key.count("-") != 1:
            continue
        source, target = key.split("-")
        try:
            legs = find_route(source, target, modes)
        except UsageError:
            continue
        rows.append({
            "key": key, "engine": "apertium",
            "model": PREFIX + ">".join(m.name for m in legs), "local": True,
            "route": ">".join([legs[0].source, *(m.target for m in legs)]),
            "path": str(data_dir() / "modes"), "size_bytes": 0,
            "legs": [{"mode": m.name, "package": m.package,
                      "version": versions.get(m.package)} for m in legs]})
    return rows


def mode_of(model: str) -> str:
    """The mode name of an Apertium leg's ``ModelSpec.model`` (``apertium:ita-cat``)."""
    return model.removeprefix(PREFIX)


def locate(mode_name: str) -> Mode:
    """The installed mode called ``mode_name``.

    Raises:
        ModelUnavailableError: when Apertium or that mode is not installed here (on a
            Ray node, too), naming the packages to install.
    """
    apertium_version()
    path = data_dir() / "modes" / f"{mode_name}.mode"
    match = MODE_NAME.match(mode_name)
    if not path.is_file() or not match:
        a, b = (iso(code) for code in (match.groups() if match else ("?", "?")))
        raise ModelUnavailableError(f"Apertium mode '{mode_name}' is not installed "
                                    f"(looked for {path})", install_hint(a, b))
    for mode in installed_modes().values():
        if mode.name == mode_name:
            return mode
    return Mode(mode_name, iso(match.group(1)), iso(match.group(2)), path, mode_name)


@cache
def package_versions(status: str = "/var/lib/dpkg/status") -> dict[str, str]:
    """Installed Debian package versions (empty when there is no dpkg database)."""
    versions: dict[str, str] = {}
    try:
        text = Path(status).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return versions
    for block in text.split("\n\n"):
        name = re.search(r"^Package: (\S+)", block, re.M)
        version = re.search(r"^Version: (\S+)", block, re.M)
        if name and version and name.group(1).startswith("apertium"):
            versions[name.group(1)] = version.group(1)
    return versions
