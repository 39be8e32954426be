"""Connecting to a cache database: its schema checked, WAL mode, patience with locks.

Several processes share one cache (SQLite's locking), so a connection waits for locks
instead of failing, and each connection is set up the same way: the schema created or
migrated (``schema.prepare``), WAL journal, implicit transactions for ``with conn:``.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from translate.cache.schema import prepare

__all__ = ["connect", "connect_patiently"]


def connect_patiently(path: Path, patience: float = 120.0) -> sqlite3.Connection:
    """Connect, retrying while another process holds a lock.

    Creating the database and switching it to WAL mode take locks that SQLite does not
    always wait for (it answers "database is locked" at once), so two runs starting
    together on a new folder retry here instead of failing.
    """
    deadline = time.monotonic() + patience
    delay = 0.01
    while True:
        try:
            return connect(path)
        except sqlite3.OperationalError as exc:
            busy = "locked" in str(exc) or "busy" in str(exc)
            if not busy or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.5)


def connect(path: Path) -> sqlite3.Connection:
    """One connection to the database at ``path``, its schema current, in WAL mode.

    Raises:
        SchemaTooOld: the database is ours but too old to migrate.
        CacheError: the database belongs to another program or to a newer translate.
        sqlite3.Error: the database cannot be opened or read.
    """
    conn = sqlite3.connect(path, timeout=60, isolation_level=None)
    try:
        conn.execute("PRAGMA busy_timeout = 60000")
        prepare(conn, path)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.isolation_level = "DEFERRED"  # implicit transactions again, for `with conn:`
    except BaseException:
        conn.close()
        raise
    return conn
