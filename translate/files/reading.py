"""Reading a file safely: regular files only, never blocking; why an entry is no input."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path

from translate.errors import InputError


def sha256(data: bytes) -> str:
    """The hex SHA-256 of file contents (manifests record inputs and outputs by it)."""
    return hashlib.sha256(data).hexdigest()


# What a run adds to an input's path for the files it writes: the record
# (``.translate-outputs/<24 hex>.json`` and its temporary file) and the outputs'
# temporary files (``.X.en.summary.txt.translate-<16 hex>.tmp``).
_PATH_MARGIN = 96


_NAME_MARGIN = 48


def path_problem(path: Path) -> str | None:
    """Why the files a run writes for ``path`` cannot have names, or ``None``.

    The system limits a path (``PATH_MAX``, 4096 bytes on Linux) and a name
    (``NAME_MAX``, 255): an input near them has outputs and records beyond them.
    """
    try:
        full = os.fsencode(os.path.abspath(path))
        path_max = os.pathconf(path.parent if str(path.parent) else ".", "PC_PATH_MAX")
        name_max = os.pathconf(path.parent if str(path.parent) else ".", "PC_NAME_MAX")
    except (OSError, ValueError):
        path_max, name_max = 4096, 255
        full = os.fsencode(os.path.abspath(path))
    name = len(os.fsencode(path.name))
    if len(full) + _PATH_MARGIN > path_max:
        return (f"path too long: {len(full):,} bytes, and its outputs' paths would pass the "
                f"system's limit of {path_max:,} (hint: move the folder nearer the root or "
                "shorten folder names)")
    if name + _NAME_MARGIN > name_max:
        return (f"file name too long: {name} bytes, and its outputs' names would pass the "
                f"system's limit of {name_max} (hint: shorten the file name)")
    return None


def folder_problem(exc: OSError) -> str:
    """Why a folder could not be listed, in words (never a guess at permissions)."""
    if exc.errno == errno.ENAMETOOLONG:
        return ("cannot list this folder: its path is longer than the system allows "
                "(hint: move the folder nearer the root or shorten folder names)")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "cannot list this folder: permission denied (hint: make it readable)"
    return f"cannot list this folder: {exc.strerror or exc}"


def entry_problem(path: Path) -> str | None:
    """Why ``path`` cannot be an input, or ``None`` for a regular file (or a link to one).

    Only regular files are read: a named pipe would block the run forever, a link to
    ``/dev/zero`` would never end, and a link loop cannot be resolved.
    """
    try:
        info = os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symbolic link loop"
        if exc.errno == errno.ENOENT:
            return "broken symbolic link" if os.path.islink(path) else "no such file or folder"
        return f"cannot read: {exc.strerror or exc}"
    mode = info.st_mode
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "symbolic link to a folder (not followed)"
    kinds = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
             (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))
    kind = next((label for test, label in kinds if test(mode)), "not a regular file")
    return f"{kind}, not a regular file"


def read_regular(path: Path) -> bytes:
    """Read a regular file's bytes, never blocking on a pipe or reading a device.

    Raises:
        InputError: ``path`` is not a regular file (checked on the open file itself,
            so a file swapped for a pipe after the walk is caught too).
        OSError: it cannot be read.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise InputError(f"{path}: not a regular file", "pass regular text files only")
        return handle.read()
