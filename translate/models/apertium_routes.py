"""Apertium's installed modes as a graph of language pairs, and routes through it.

Apertium (a rule-based engine, packaged by Debian) installs one ``.mode`` file per
translation direction in ``$APERTIUM_DATADIR/modes`` (default ``/usr/share/apertium``),
named with ISO 639-3 codes (``ita-cat``) or, in older pairs, ISO 639-1 (``en-es``).
Routes are the shortest chains of modes between two languages (breadth first), so a
pair without a direct mode pivots through any third language (``it -> ca -> en``).

A mode's identity (for the cache signature) is the Apertium version plus a content
hash of the mode file and of every data file it names, so an upgraded pair never
serves old cache entries.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from translate.errors import ModelUnavailableError, UsageError

DEFAULT_DATADIR = "/usr/share/apertium"
PREFIX = "apertium:"  # ModelSpec.model of an Apertium leg: "apertium:ita-cat"
_MODE_NAME = re.compile(r"^([a-z]{2,3})-([a-z]{2,3})$")  # variants (ita-cat_x) are skipped
_QUOTED_PATH = re.compile(r"'(/[^']+)'")
# Apertium's ISO 639-3 codes -> the ISO 639-1 codes the rest of the tool uses.
ISO3_TO_1 = {
    "afr": "af", "arg": "an", "bel": "be", "bre": "br", "bul": "bg", "cat": "ca",
    "ces": "cs", "cym": "cy", "dan": "da", "deu": "de", "ell": "el", "eng": "en",
    "epo": "eo", "spa": "es", "est": "et", "eus": "eu", "fin": "fi", "fra": "fr",
    "gle": "ga", "glg": "gl", "heb": "he", "hin": "hi", "hbs": "sh", "hrv": "hr",
    "hun": "hu", "ind": "id", "isl": "is", "ita": "it", "kaz": "kk", "lit": "lt",
    "lav": "lv", "mkd": "mk", "mlt": "mt", "msa": "ms", "nld": "nl", "nno": "nn",
    "nob": "nb", "nor": "no", "oci": "oc", "pol": "pl", "por": "pt", "ron": "ro",
    "rus": "ru", "slk": "sk", "slv": "sl", "sqi": "sq", "srd": "sc", "swe": "sv",
    "tat": "tt", "tur": "tr", "ukr": "uk", "urd": "ur", "zlm": "ms",
}
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


def iso(code: str) -> str:
    """An Apertium language code as the tool writes it (``ita`` -> ``it``)."""
    return ISO3_TO_1.get(code, code)


@dataclass(frozen=True)
class Mode:
    """One installed translation direction.

    Attributes:
        name: The mode's name, what ``apertium`` takes (``ita-cat``).
        source: Source language, ISO 639-1 where one exists (``it``).
        target: Target language (``ca``).
        path: The ``.mode`` file.
        package: The Debian package of its data (the data folder's name).
    """

    name: str
    source: str
    target: str
    path: Path
    package: str

    @property
    def key(self) -> str:
        """The pair key of this leg (``it-ca``)."""
        return f"{self.source}-{self.target}"

    def data_files(self) -> list[Path]:
        """The data files the mode's pipeline reads, in order."""
        text = self.path.read_text(encoding="utf-8", errors="replace")
        return [Path(p) for p in _QUOTED_PATH.findall(text)]


def data_dir() -> Path:
    """Where Apertium's data is: ``$APERTIUM_DATADIR`` (the variable apertium reads)."""
    return Path(os.environ.get("APERTIUM_DATADIR") or DEFAULT_DATADIR)


def installed_modes(datadir: Path | None = None) -> dict[tuple[str, str], Mode]:
    """Every base mode installed, by (source, target); the first name wins a tie."""
    folder = (datadir or data_dir()) / "modes"
    modes: dict[tuple[str, str], Mode] = {}
    paths = sorted(folder.glob("*.mode"), key=lambda p: (len(p.stem), p.stem))
    for path in paths:  # three-letter names last, so they win over old two-letter ones
        match = _MODE_NAME.match(path.stem)
        if not match:
            continue
        source, target = iso(match.group(1)), iso(match.group(2))
        mode = Mode(path.stem, source, target, path, "")
        files = mode.data_files()
        package = files[0].parent.name if files else path.stem
        modes[(source, target)] = Mode(path.stem, source, target, path, package)
    return modes


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


@cache
def apertium_version() -> str:
    """``Apertium 3.8.3`` (from ``apertium -V``).

    Raises:
        ModelUnavailableError: when the ``apertium`` command is not installed.
    """
    command = shutil.which("apertium")
    if command is None:
        raise ModelUnavailableError(
            "the 'apertium' command is not installed on this machine",
            "sudo apt-get install apertium apertium-cat-ita apertium-eng-cat "
            "(apertium and the pair packages of your languages)")
    done = subprocess.run([command, "-V"], capture_output=True, text=True, check=False)
    return (done.stdout.strip() or done.stderr.strip()).splitlines()[0]


@cache
def _file_hash(path: str, size: int, mtime_ns: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def mode_identity(mode: Mode) -> str:
    """A content hash of the mode file and every data file it uses."""
    digest = hashlib.sha256()
    for path in [mode.path, *mode.data_files()]:
        stat = path.stat()
        digest.update(f"{path}\0{_file_hash(str(path), stat.st_size, stat.st_mtime_ns)}\0"
                      .encode())
    return digest.hexdigest()[:16]


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
    match = _MODE_NAME.match(mode_name)
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
