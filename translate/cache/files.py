"""The cache's files on disk: where they are, which are ours, moving and removing them.

``translate cache clear`` works on these files alone (it never needs a healthy database).

The cache folder holds only files the tool made: the database, SQLite's ``-wal``,
``-shm`` and ``-journal`` files beside it, and damaged databases moved aside
(``cache.sqlite3.corrupt-<time>``). Nothing here follows a symbolic link: a linked
folder or file could point at anything, and renaming or deleting there would touch
files the tool did not write.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import time
from pathlib import Path

from translate.cache.schema import APP_ID
from translate.errors import CacheError

CACHE_DIR = ".translate-cache"
DB_NAME = "cache.sqlite3"
SIDE_SUFFIXES = ("-wal", "-shm", "-journal")
_ASIDE = re.compile(re.escape(DB_NAME) + r"\.corrupt-\d+(\.\d+)?")
_SQLITE_MAGIC = b"SQLite format 3\x00"
# SQLITE_CORRUPT and SQLITE_NOTADB (primary codes): the file's bytes are damaged.
_CORRUPT_CODES = {11, 26}


def refuse_links(folder: Path) -> None:
    """Raise unless the cache folder and its database files are real, unlinked paths.

    Raises:
        CacheError: ``folder`` or one of the database files is a symbolic link.
    """
    for path in (folder, *(folder / name for name in own_names())):
        if path.is_symlink():
            raise CacheError(
                f"{path} is a symbolic link; translate never follows a link for its cache "
                f"(it points to {os.readlink(path)})",
                "remove the link (what it points to is left alone) so that a new cache is "
                "made there, or run with --no-cache")
        if path == folder and not folder.is_dir():
            return  # no folder yet: nothing inside it can be a link


def own_names() -> list[str]:
    """The names of the database and its SQLite side files."""
    return [DB_NAME, *(DB_NAME + suffix for suffix in SIDE_SUFFIXES)]


def is_ours(path: Path) -> bool:
    """Whether a file in the cache folder is one the tool made (by its name)."""
    return path.name in own_names() or _ASIDE.fullmatch(path.name) is not None


def looks_like_sqlite(path: Path) -> bool:
    """Whether ``path`` starts like a SQLite database (an empty file counts)."""
    with path.open("rb") as handle:
        head = handle.read(len(_SQLITE_MAGIC))
    return head == _SQLITE_MAGIC or head == b""


def is_corrupt(exc: sqlite3.Error) -> bool:
    """Whether a SQLite error means damaged bytes (not a lock, a full disk, permissions)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return (code & 0xFF) in _CORRUPT_CODES
    text = str(exc)
    return "malformed" in text or "not a database" in text


def file_id(path: Path) -> tuple[int, int] | None:
    """(device, inode) of ``path``, or ``None`` when it does not exist."""
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_dev, info.st_ino


def move_aside(path: Path, why: str, seen: tuple[int, int] | None) -> str | None:
    """Rename a damaged database to a fresh ``.corrupt-*`` name; return the warning.

    ``seen`` is the ``file_id`` of the file found damaged: when ``path`` is another file
    by now, another process has already moved the damaged one aside and made a new
    one, which is left alone (``None`` is returned).
    """
    if file_id(path) != seen or seen is None:
        return None
    stamp = int(time.time())
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    number = 1
    while aside.exists():  # never replace an earlier one moved aside in the same second
        number += 1
        aside = path.with_name(f"{path.name}.corrupt-{stamp}.{number}")
    os.replace(path, aside)
    for suffix in SIDE_SUFFIXES:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(str(path) + suffix)
    return f"the cache {path} {why}; moved it to {aside.name} and started a new one"


def remove_files(folder: Path) -> list[Path]:
    """Delete the tool's own files in the cache folder (see ``is_ours``); return them.

    Works whatever state the database is in, since it never opens it. Other files in
    the folder are left alone.

    Raises:
        CacheError: the folder or a database file is a symbolic link.
        OSError: a file could not be deleted.
    """
    refuse_links(folder)
    removed = []
    for path in own_files(folder):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            removed.append(path)
    return removed


def own_files(folder: Path) -> list[Path]:
    """The tool's own regular files in the cache folder (never a link), by name."""
    return [path for path in sorted(folder.iterdir())
            if is_ours(path) and not path.is_symlink() and path.is_file()]


def find_cache_root(path: Path) -> Path:
    """The folder whose ``.translate-cache`` serves ``path``.

    The nearest ancestor that already has one (stopping at a repository root), else the
    input folder itself (a file's parent folder). A symbolic link named
    ``.translate-cache`` counts as one, so that opening it is refused rather than
    silently skipped in favour of a cache further up.
    """
    start = path if path.is_dir() else path.parent
    start = start.resolve()
    for folder in (start, *start.parents):
        entry = folder / CACHE_DIR
        if entry.is_symlink() or entry.is_dir():
            return folder
        if (folder / ".git").exists():
            break
    return start


def count_entries(root: Path) -> int | None:
    """The number of entries in ``root``'s cache, read-only; ``None`` if unreadable.

    Raises:
        CacheError: the database is readable but belongs to another program.
    """
    path = root / CACHE_DIR / DB_NAME
    if not path.is_file() or path.is_symlink():
        return None
    try:
        conn = sqlite3.connect(path.absolute().as_uri() + "?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        if tables and app_id != APP_ID:
            raise CacheError(f"{path} is a SQLite database that does not belong to translate",
                             "move it away yourself; translate leaves it alone")
        if "segments" not in tables:
            return 0
        return int(conn.execute("SELECT count(*) FROM segments").fetchone()[0])
    except sqlite3.Error:
        return None
    finally:
        conn.close()
