"""Apertium's modes as installed here: where, what they are called, what identifies them.

Apertium (a rule-based engine, packaged by Debian) installs one ``.mode`` file per
translation direction in ``$APERTIUM_DATADIR/modes`` (default ``/usr/share/apertium``),
named with ISO 639-3 codes (``ita-cat``) or, in older pairs, ISO 639-1 (``en-es``).

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
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from translate.errors import ModelUnavailableError

__all__ = ["DEFAULT_DATADIR", "ISO3_TO_1", "MODE_NAME", "Mode", "apertium_version",
           "data_dir", "installed_modes", "iso", "mode_identity"]

DEFAULT_DATADIR = "/usr/share/apertium"
MODE_NAME = re.compile(r"^([a-z]{2,3})-([a-z]{2,3})$")  # variants (ita-cat_x) are skipped
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
        match = MODE_NAME.match(path.stem)
        if not match:
            continue
        source, target = iso(match.group(1)), iso(match.group(2))
        mode = Mode(path.stem, source, target, path, "")
        files = mode.data_files()
        package = files[0].parent.name if files else path.stem
        modes[(source, target)] = Mode(path.stem, source, target, path, package)
    return modes


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
