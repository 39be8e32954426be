"""The segment cache next to the inputs: SQLite in WAL mode.

Each entry maps (signature id, hash of the source segment) to its output. The
signature (see ``signature_id``) covers every setting that changes an output, so a
new model, revision or beam width misses instead of serving a stale translation;
old entries stay until ``translate cache clear``. Writes are one transaction per
batch, so a crash loses at most the batch in flight, and SQLite's locking lets
several processes share one cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from translate.errors import CacheError

CACHE_DIR = ".translate-cache"
DB_NAME = "cache.sqlite3"
_APP_ID = 0x7472_6E73  # "trns": marks the file as ours
_SCHEMA_VERSION = 1
_SQLITE_MAGIC = b"SQLite format 3\x00"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS signatures (id TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS segments (
    signature TEXT NOT NULL, source TEXT NOT NULL, output TEXT NOT NULL,
    created REAL NOT NULL, PRIMARY KEY (signature, source)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS manifests (output TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY, finished REAL NOT NULL, hits INTEGER NOT NULL,
    misses INTEGER NOT NULL);
"""


def signature_id(signature: Mapping[str, Any]) -> str:
    """A short, stable id of a signature dict (canonical JSON, SHA-256)."""
    canonical = json.dumps(signature, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:20]


def text_hash(text: str) -> str:
    """The cache key of one source segment."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def find_cache_root(path: Path) -> Path:
    """The folder whose ``.translate-cache`` serves ``path``.

    The nearest ancestor that already has one (stopping at a repository root), else the
    input folder itself (a file's parent folder).
    """
    start = path if path.is_dir() else path.parent
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / CACHE_DIR).is_dir():
            return folder
        if (folder / ".git").exists():
            break
    return start


class Cache:
    """One cache database; open it with ``Cache.open``, use as a context manager."""

    def __init__(self, root: Path, conn: sqlite3.Connection) -> None:
        self.root = root
        self.path = root / CACHE_DIR / DB_NAME
        self._conn = conn
        self.warnings: list[str] = []

    @classmethod
    def open(cls, root: Path) -> Cache:
        """Open (creating if needed) the cache under ``root/.translate-cache``.

        A corrupt cache file is moved aside and rebuilt, with a warning in
        ``cache.warnings``; a SQLite file that belongs to something else is refused.

        Raises:
            CacheError: the file is another program's database, or cannot be opened.

        """
        folder = root / CACHE_DIR
        path = folder / DB_NAME
        warnings: list[str] = []
        try:
            folder.mkdir(parents=True, exist_ok=True)
            if path.exists() and not _looks_like_sqlite(path):
                warnings.append(_move_aside(path, "is not a SQLite database"))
            try:
                conn = _connect_patiently(path)
            except sqlite3.DatabaseError as exc:
                if isinstance(exc, sqlite3.OperationalError):
                    raise
                warnings.append(_move_aside(path, f"is corrupt ({exc})"))
                conn = _connect_patiently(path)
        except (OSError, sqlite3.OperationalError) as exc:
            raise CacheError(f"cannot open the cache at {path}: {exc}",
                             "check permissions, or run with --no-cache") from exc
        cache = cls(root, conn)
        cache.warnings = warnings
        return cache

    def close(self) -> None:
        """Close the database connection."""
        self._conn.close()

    def __enter__(self) -> Cache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _guard(self) -> Iterator[sqlite3.Connection]:
        try:
            yield self._conn
        except sqlite3.DatabaseError as exc:
            raise CacheError(f"the cache at {self.path} failed: {exc}",
                             "run `translate cache clear` on this folder, or use --no-cache"
                             ) from exc

    def register(self, signature: Mapping[str, Any]) -> str:
        """Record a signature (for ``cache stats``) and return its id."""
        sig_id = signature_id(signature)
        body = json.dumps(signature, sort_keys=True)
        with self._guard() as conn, conn:
            conn.execute("INSERT OR IGNORE INTO signatures VALUES (?, ?)", (sig_id, body))
        return sig_id

    def get_many(self, sig_id: str, texts: Iterable[str]) -> dict[str, str]:
        """The cached outputs of those ``texts`` that are cached under ``sig_id``."""
        by_hash = {text_hash(t): t for t in texts}
        found: dict[str, str] = {}
        keys = list(by_hash)
        with self._guard() as conn:
            for start in range(0, len(keys), 500):
                chunk = keys[start:start + 500]
                marks = ",".join("?" * len(chunk))
                rows = conn.execute(
                    f"SELECT source, output FROM segments WHERE signature = ? "
                    f"AND source IN ({marks})", (sig_id, *chunk))
                for source, output in rows:
                    found[by_hash[source]] = output
        return found

    def put_many(self, sig_id: str, outputs: Mapping[str, str]) -> None:
        """Store outputs in one transaction (one batch: all or nothing)."""
        now = time.time()
        rows = [(sig_id, text_hash(src), out, now) for src, out in outputs.items()]
        with self._guard() as conn, conn:
            conn.executemany("INSERT OR REPLACE INTO segments VALUES (?, ?, ?, ?)", rows)

    def manifest(self, output: Path) -> dict[str, Any] | None:
        """The manifest stored for an output file, or ``None``."""
        with self._guard() as conn:
            row = conn.execute("SELECT body FROM manifests WHERE output = ?",
                               (self._key(output),)).fetchone()
        return json.loads(row[0]) if row else None

    def put_manifest(self, output: Path, body: Mapping[str, Any]) -> None:
        """Store the manifest of an output file."""
        with self._guard() as conn, conn:
            conn.execute("INSERT OR REPLACE INTO manifests VALUES (?, ?)",
                         (self._key(output), json.dumps(body, sort_keys=True)))

    def record_run(self, hits: int, misses: int) -> None:
        """Remember one run's hit and miss counts (``cache stats`` shows the last)."""
        with self._guard() as conn, conn:
            conn.execute("INSERT INTO runs (finished, hits, misses) VALUES (?, ?, ?)",
                         (time.time(), hits, misses))

    def stats(self) -> dict[str, Any]:
        """Entries, signatures, size on disk and the last run's hit rate."""
        with self._guard() as conn:
            entries = conn.execute("SELECT count(*) FROM segments").fetchone()[0]
            sigs = conn.execute("SELECT count(*) FROM signatures").fetchone()[0]
            manifests = conn.execute("SELECT count(*) FROM manifests").fetchone()[0]
            last = conn.execute("SELECT hits, misses FROM runs ORDER BY id DESC LIMIT 1"
                                ).fetchone()
        size = sum(p.stat().st_size for p in self.path.parent.glob(DB_NAME + "*"))
        hits, misses = last or (0, 0)
        return {
            "path": str(self.path), "entries": entries, "signatures": sigs,
            "outputs": manifests, "size_bytes": size,
            "last_run": {"hits": hits, "misses": misses,
                         "hit_rate": round(hits / (hits + misses), 4) if hits + misses else None},
        }

    def clear(self) -> int:
        """Delete every entry, manifest and run record; return the number of entries."""
        with self._guard() as conn:
            with conn:
                count = conn.execute("SELECT count(*) FROM segments").fetchone()[0]
                for table in ("segments", "signatures", "manifests", "runs"):
                    conn.execute(f"DELETE FROM {table}")
            conn.execute("VACUUM")
        return int(count)

    def _key(self, output: Path) -> str:
        try:
            return str(output.resolve().relative_to(self.root))
        except ValueError:
            return str(output.resolve())


def _looks_like_sqlite(path: Path) -> bool:
    with path.open("rb") as handle:
        head = handle.read(len(_SQLITE_MAGIC))
    return head == _SQLITE_MAGIC or head == b""


def _move_aside(path: Path, why: str) -> str:
    aside = path.with_name(f"{path.name}.corrupt-{int(time.time())}")
    os.replace(path, aside)
    for suffix in ("-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(str(path) + suffix)
    return f"the cache {path} {why}; moved it to {aside.name} and started a new one"


def _connect_patiently(path: Path, patience: float = 120.0) -> sqlite3.Connection:
    """Connect, retrying while another process holds a lock.

    Creating the database and switching it to WAL mode take locks that SQLite does not
    always wait for (it answers "database is locked" at once), so two runs starting
    together on a new folder retry here instead of failing.
    """
    deadline = time.monotonic() + patience
    delay = 0.01
    while True:
        try:
            return _connect(path)
        except sqlite3.OperationalError as exc:
            busy = "locked" in str(exc) or "busy" in str(exc)
            if not busy or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.5)


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=60, isolation_level=None)
    try:
        conn.execute("PRAGMA busy_timeout = 60000")
        # Check and create in one write transaction, so that a run starting at the same
        # moment sees either no tables or all of them with our application id.
        conn.execute("BEGIN IMMEDIATE")
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if tables and app_id != _APP_ID:
                raise CacheError(
                    f"{path} is a SQLite database that does not belong to translate",
                    f"move it away, or delete the folder {path.parent} if it is not needed")
            if not tables:
                conn.execute(f"PRAGMA application_id = {_APP_ID}")
                conn.execute(f"PRAGMA user_version = {_SCHEMA_VERSION}")
                for statement in filter(str.strip, _SCHEMA.split(";")):
                    conn.execute(statement)
            conn.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            raise
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.isolation_level = "DEFERRED"  # implicit transactions again, for `with conn:`
    except BaseException:
        conn.close()
        raise
    return conn
