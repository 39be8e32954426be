"""Walking folders for inputs: sorted, hidden entries skipped, links to folders not followed."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Collection, Iterator
from pathlib import Path

# Text files: what a folder gives a caller that reads text only (runs take every
# format's suffixes, ``formats.base.default_suffixes``).
TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown", ".rst"})


def _skip_dir(name: str) -> bool:
    return name.startswith(".") or name in {"__pycache__", "node_modules"}


def iter_input_files(root: Path, pattern: str | None,
                     suffixes: Collection[str] = TEXT_SUFFIXES,
                     unlisted: list[tuple[Path, OSError]] | None = None) -> Iterator[Path]:
    """Entries under ``root`` that are candidate inputs, recursively and sorted.

    Hidden files and folders are skipped. Links to folders are not followed but are
    yielded (so the caller can say why they were skipped); named pipes, devices and
    broken or looping links are yielded too, for the same reason: ``entry_problem``
    tells which entries are not regular files.

    Args:
        root: The folder to walk.
        pattern: A glob on file names (``--glob``); without one, files with these
            ``suffixes`` (lower case) are taken.
        suffixes: The suffixes taken without a pattern (runs: every document format's).
        unlisted: Gets each folder that could not be listed, with its error (else such
            folders are skipped silently).

    """
    def note(exc: OSError) -> None:
        if unlisted is not None:
            unlisted.append((Path(exc.filename or root), exc))

    for dirpath, dirnames, filenames in os.walk(root, onerror=note):
        linked = [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]
        dirnames[:] = sorted(d for d in dirnames if not _skip_dir(d) and d not in linked)
        for name in sorted([*filenames, *linked]):
            if name.startswith("."):
                continue
            if pattern and not fnmatch.fnmatch(name, pattern):
                continue
            if not pattern and Path(name).suffix.lower() not in suffixes:
                continue
            yield Path(dirpath) / name
