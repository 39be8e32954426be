"""The cache database's layout, its version (``PRAGMA user_version``) and migrations.

A database made by an older translate is migrated in place; one made by a newer
translate is refused and left alone (its entries are valid for that version). Bump
``SCHEMA_VERSION`` whenever what is stored changes, and add the step from the previous
version to ``MIGRATIONS``.
"""

from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from translate.errors import CacheError

APP_ID = 0x7472_6E73  # "trns": marks the file as ours
SCHEMA_VERSION = 4
# The translation memory (translate.cache.memory): human work, kept by `cache clear`.
# `memory`: one row per (languages, source, origin, target, where from), ids never
# reused (AUTOINCREMENT: `Memory.generation` tells any change); `written`: each
# output's segments as written, so `translate learn` can align a hand edit to them.
MEMORY_SCHEMA = """
CREATE TABLE IF NOT EXISTS memory (
    id INTEGER PRIMARY KEY AUTOINCREMENT, source_lang TEXT NOT NULL,
    target_lang TEXT NOT NULL, source_key TEXT NOT NULL, source TEXT NOT NULL,
    target_key TEXT NOT NULL, target TEXT NOT NULL, origin TEXT NOT NULL, created REAL NOT NULL,
    place TEXT NOT NULL DEFAULT '',
    UNIQUE (source_lang, target_lang, source_key, origin, target_key, place));
CREATE INDEX IF NOT EXISTS memory_lookup ON memory (source_lang, target_lang, source_key);
CREATE TABLE IF NOT EXISTS written (
    output TEXT PRIMARY KEY, output_sha256 TEXT NOT NULL, target TEXT NOT NULL,
    body TEXT NOT NULL);
"""
SCHEMA = """
CREATE TABLE IF NOT EXISTS signatures (
    id TEXT PRIMARY KEY, body TEXT NOT NULL, last_used REAL NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS segments (
    signature TEXT NOT NULL, source TEXT NOT NULL, output TEXT NOT NULL,
    created REAL NOT NULL, score REAL, flags TEXT NOT NULL DEFAULT '',
    retried INTEGER NOT NULL DEFAULT 0, checked TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (signature, source)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS manifests (output TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY, finished REAL NOT NULL, hits INTEGER NOT NULL,
    misses INTEGER NOT NULL);
""" + MEMORY_SCHEMA
# version -> statements that bring a database of that version to the next one
MIGRATIONS: dict[int, tuple[str, ...]] = {
    # 2: when each signature was last used, so `cache stats` can tell old ones apart
    1: ("ALTER TABLE signatures ADD COLUMN last_used REAL NOT NULL DEFAULT 0",),
    # 3: each segment's quality signals: model score, failed checks, whether it was
    # retried, and the id of the checks and retry settings it went through ('' for
    # entries of version 2: checked again when next used, see translate.translation.checking)
    2: ("ALTER TABLE segments ADD COLUMN score REAL",
        "ALTER TABLE segments ADD COLUMN flags TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE segments ADD COLUMN retried INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE segments ADD COLUMN checked TEXT NOT NULL DEFAULT ''"),
    # 4: the translation memory and the segments of each output as written
    3: tuple(filter(str.strip, MEMORY_SCHEMA.split(";"))),
}


@dataclass(frozen=True)
class Entry:
    """One cached translation and its quality signals.

    Attributes:
        output: The translation.
        score: The model's mean token log-probability (``None``: not known).
        flags: Codes of the checks it failed (``quality.checks.CODES``).
        retried: Whether it was generated a second time with the retry settings.
        checked: Id of the checks and retry settings it went through ('': none).
    """

    output: str
    score: float | None = None
    flags: tuple[str, ...] = ()
    retried: bool = False
    checked: str = ""


def prepare(conn: sqlite3.Connection, path: Path) -> None:
    """Create, check or migrate the database in one write transaction.

    One transaction, so that a run starting at the same moment sees either no tables
    or all of them, at the current version, with our application id.

    Raises:
        CacheError: the database belongs to another program or to a newer translate.
        sqlite3.Error: the database cannot be read (a damaged one among others).
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if tables and app_id != APP_ID:
            raise CacheError(
                f"{path} is a SQLite database that does not belong to translate",
                f"move it away, or delete the folder {path.parent} if it is not needed")
        if not tables:
            conn.execute(f"PRAGMA application_id = {APP_ID}")
            for statement in filter(str.strip, SCHEMA.split(";")):
                conn.execute(statement)
        elif version > SCHEMA_VERSION:
            raise CacheError(
                f"the cache at {path} was made by a newer translate (cache schema "
                f"{version}; this one knows up to {SCHEMA_VERSION}); it was left as it is",
                "upgrade translate, run with --no-cache, or run `translate cache clear` "
                "to start a new cache here")
        else:
            migrate(conn, version)
        if version != SCHEMA_VERSION:
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
        raise


class SchemaTooOld(CacheError):
    """The database is ours but older than any version a migration starts from."""


def migrate(conn: sqlite3.Connection, version: int) -> None:
    """Bring a database from ``version`` to ``SCHEMA_VERSION`` (inside a transaction).

    Raises:
        SchemaTooOld: no migration is known from ``version``.
    """
    while version < SCHEMA_VERSION:
        if version not in MIGRATIONS:
            raise SchemaTooOld(f"has cache schema {version}, which cannot be migrated")
        for statement in MIGRATIONS[version]:
            conn.execute(statement)
        version += 1
