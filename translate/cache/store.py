"""The segment cache next to the inputs: SQLite in WAL mode.

Each entry maps (signature id, hash of the source segment) to its output. The
signature (see ``signature_id``) covers every setting that changes an output, so a
new model, revision, beam width or library version misses instead of serving a stale
translation; old entries stay until ``translate cache clear``. Writes are one
transaction per batch, so a crash loses at most the batch in flight, and SQLite's
locking lets several processes share one cache.

The cache heals itself: a damaged database (found when it is opened or on any later
query) is moved aside and rebuilt with a warning, since every entry can be made again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from translate.cache.connection import connect_patiently
from translate.cache.files import (
    CACHE_DIR,
    DB_NAME,
    file_id,
    find_cache_root,
    is_corrupt,
    looks_like_sqlite,
    move_aside,
    own_files,
    refuse_links,
)
from translate.cache.memory import Memory
from translate.cache.schema import Entry, SchemaTooOld
from translate.errors import CacheError
from translate.files.names import storable

__all__ = ["CACHE_DIR", "DB_NAME", "Cache", "Entry", "find_cache_root", "signature_id",
           "text_hash"]
T = TypeVar("T")
_READONLY = 8  # SQLITE_READONLY, the primary result code


def signature_id(signature: Mapping[str, Any]) -> str:
    """A short, stable id of a signature dict (canonical JSON, SHA-256)."""
    canonical = json.dumps(signature, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:20]


def is_read_only(exc: BaseException | None) -> bool:
    """Whether a SQLite error says the database cannot be written (SQLITE_READONLY)."""
    if not isinstance(exc, sqlite3.Error):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    return (code & 0xFF) == _READONLY if code is not None else "readonly" in str(exc)


def text_hash(text: str) -> str:
    """The cache key of one source segment."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


class Cache:
    """One cache database; open it with ``Cache.open``, use as a context manager.

    Attributes:
        root: The folder holding ``.translate-cache``.
        path: The database file.
        warnings: What went wrong and was repaired (the pipeline puts them in the report).
    """

    def __init__(self, root: Path, conn: sqlite3.Connection) -> None:
        self.root = root
        self.path = root / CACHE_DIR / DB_NAME
        self._conn = conn
        self._inode = file_id(self.path)
        self._signatures: dict[str, str] = {}  # registered here: id -> body
        self.warnings: list[str] = []
        self.read_only = False  # found so on a write: read, never written

    @classmethod
    def open(cls, root: Path) -> Cache:
        """Open (creating if needed) the cache under ``root/.translate-cache``.

        A damaged cache file is moved aside and rebuilt, with a warning in
        ``cache.warnings``; an older layout is migrated.

        Raises:
            CacheError: the folder or file is a symbolic link, the file is another
                program's database or a newer translate's, or it cannot be opened.

        """
        folder = root / CACHE_DIR
        path = folder / DB_NAME
        warnings: list[str] = []
        refuse_links(folder)

        def aside(why: str, seen: tuple[int, int] | None) -> None:
            warning = move_aside(path, why, seen)
            if warning:
                warnings.append(warning)

        try:
            folder.mkdir(parents=True, exist_ok=True)
            seen = file_id(path)
            if seen and not looks_like_sqlite(path):
                aside("is not a SQLite database", seen)
                seen = file_id(path)
            try:
                conn = connect_patiently(path)
            except SchemaTooOld as exc:  # ours, but too old to migrate: start again
                aside(exc.message, seen)
                conn = connect_patiently(path)
            except sqlite3.DatabaseError as exc:
                if not is_corrupt(exc):
                    raise
                aside(f"is corrupt ({exc})", seen)
                conn = connect_patiently(path)
        except (OSError, sqlite3.DatabaseError) as exc:
            raise CacheError(f"cannot open the cache at {path}: {exc}",
                             "check permissions, or run with --no-cache") from exc
        cache = cls(root, conn)
        cache.warnings = warnings
        return cache

    @property
    def memory(self) -> Memory:
        """The translation memory kept in this cache's database (``cache.memory``)."""
        return Memory(self._run)

    def output_key(self, output: Path) -> str:
        """How the memory names an output: its path below the tree's root."""
        return self._key(output)

    def close(self) -> None:
        """Close the database connection."""
        self._conn.close()

    def __enter__(self) -> Cache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _run(self, operation: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``operation``; on a damaged database, rebuild it and run it once more.

        Raises:
            CacheError: any other database failure, or a second one after the rebuild.
        """
        try:
            return operation(self._conn)
        except sqlite3.DatabaseError as exc:
            if not is_corrupt(exc):
                raise self._error(exc) from exc
            self._rebuild(exc)
        try:
            return operation(self._conn)
        except sqlite3.DatabaseError as exc:
            raise self._error(exc) from exc

    def _error(self, exc: sqlite3.Error) -> CacheError:
        # not damaged (that is rebuilt): a lock, a full disk, permissions; never advise
        # clearing a cache whose entries are good
        return CacheError(f"the cache at {self.path} failed: {exc}",
                          "check the cache file's permissions and the free disk space, or "
                          "use --no-cache")

    def _rebuild(self, exc: sqlite3.Error) -> None:
        """Move the damaged database aside (unless another process did) and reconnect."""
        with contextlib.suppress(sqlite3.Error):
            self._conn.close()
        try:
            refuse_links(self.path.parent)
            warning = move_aside(self.path, f"is corrupt ({exc})", self._inode)
            if warning:
                self.warnings.append(warning)
            self._conn = connect_patiently(self.path)
            with self._conn as conn:  # signatures registered before are still in use
                now = time.time()
                conn.executemany("INSERT OR IGNORE INTO signatures VALUES (?, ?, ?)",
                                 [(k, v, now) for k, v in self._signatures.items()])
        except (OSError, sqlite3.Error) as err:
            raise CacheError(f"the cache at {self.path} is corrupt ({exc}) and could not "
                             f"be rebuilt: {err}",
                             "run `translate cache clear` on this folder, or use --no-cache"
                             ) from err
        self._inode = file_id(self.path)

    def register(self, signature: Mapping[str, Any]) -> str:
        """Record a signature (for ``cache stats``) and return its id."""
        sig_id = signature_id(signature)
        self._signatures[sig_id] = json.dumps(signature, sort_keys=True)
        self._write("INSERT INTO signatures (id, body, last_used) VALUES (?, ?, ?) "
                    "ON CONFLICT (id) DO UPDATE SET last_used = excluded.last_used",
                    [(sig_id, self._signatures[sig_id], time.time())])
        return sig_id

    def get_many(self, sig_id: str, texts: Iterable[str]) -> dict[str, str]:
        """The cached outputs of those ``texts`` that are cached under ``sig_id``."""
        return {text: entry.output for text, entry in self.get_entries(sig_id, texts).items()}

    def get_entries(self, sig_id: str, texts: Iterable[str]) -> dict[str, Entry]:
        """The cached entries (outputs and signals) of ``texts`` under ``sig_id``."""
        by_hash = {text_hash(t): t for t in texts}
        keys = list(by_hash)

        def read(conn: sqlite3.Connection) -> dict[str, Entry]:
            found: dict[str, Entry] = {}
            for start in range(0, len(keys), 500):
                chunk = keys[start:start + 500]
                marks = ",".join("?" * len(chunk))
                rows = conn.execute(
                    f"SELECT source, output, score, flags, retried, checked FROM segments "
                    f"WHERE signature = ? AND source IN ({marks})", (sig_id, *chunk))
                for source, output, score, flags, retried, checked in rows:
                    found[by_hash[source]] = Entry(output, score, tuple(flags.split()),
                                                   bool(retried), checked)
            return found

        return self._run(read)

    def put_many(self, sig_id: str, outputs: Mapping[str, str | Entry]) -> None:
        """Store outputs (bare, or with their signals) in one transaction."""
        now = time.time()
        rows = []
        for src, out in outputs.items():
            entry = out if isinstance(out, Entry) else Entry(out)
            rows.append((sig_id, text_hash(src), entry.output, now, entry.score,
                         " ".join(entry.flags), int(entry.retried), entry.checked))
        self._write("INSERT OR REPLACE INTO segments (signature, source, output, created, "
                    "score, flags, retried, checked) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)

    def record_run(self, hits: int, misses: int) -> None:
        """Remember one run's hit and miss counts (``cache stats`` shows the last)."""
        self._write("INSERT INTO runs (finished, hits, misses) VALUES (?, ?, ?)",
                    [(time.time(), hits, misses)])

    def _write(self, statement: str, rows: list[tuple[Any, ...]]) -> None:
        """Write ``rows``; a read-only cache is read, never written (one warning)."""
        def write(conn: sqlite3.Connection) -> None:
            with conn:
                conn.executemany(statement, rows)

        if self.read_only:
            return
        try:
            self._run(write)
        except CacheError as exc:
            if not is_read_only(exc.__cause__):
                raise
            self.read_only = True
            self.warnings.append(
                f"the cache at {self.path} is read-only: this run reads from it but stores "
                "nothing new (make the file writable to keep this run's translations)")

    def stats(self) -> dict[str, Any]:
        """Entries, signatures (with their entry counts), size on disk, last hit rate."""
        def read(conn: sqlite3.Connection) -> tuple[Any, ...]:
            return (
                conn.execute("SELECT count(*) FROM segments").fetchone()[0],
                conn.execute("SELECT count(*) FROM manifests").fetchone()[0],
                conn.execute("SELECT hits, misses FROM runs ORDER BY id DESC LIMIT 1"
                             ).fetchone(),
                conn.execute("SELECT s.id, s.body, s.last_used, (SELECT count(*) FROM "
                             "segments WHERE signature = s.id) FROM signatures AS s "
                             "ORDER BY s.last_used DESC").fetchall())

        entries, manifests, last, sigs = self._run(read)
        size = 0
        for path in own_files(self.path.parent):
            with contextlib.suppress(FileNotFoundError):  # a -wal removed meanwhile
                size += path.stat().st_size
        hits, misses = last or (0, 0)
        return {
            "path": str(self.path), "entries": entries, "signatures": len(sigs),
            "outputs": manifests, "size_bytes": size,
            "last_run": {"hits": hits, "misses": misses,
                         "hit_rate": round(hits / (hits + misses), 4) if hits + misses else None},
            "by_signature": [_describe(*row) for row in sigs],
        }

    def _key(self, output: Path) -> str:
        try:
            return storable(str(output.resolve().relative_to(self.root)))
        except ValueError:
            return storable(str(output.resolve()))


def _describe(sig_id: str, body: str, last_used: float, entries: int) -> dict[str, Any]:
    """One signature for ``cache stats``: what made its entries, and how many there are."""
    try:
        signature = json.loads(body)
    except ValueError:
        signature = {}
    keep = ("task", "pair", "model", "engine", "version", "libraries")
    return {"id": sig_id, "entries": entries, "last_used": last_used or None,
            **{key: signature.get(key) for key in keep}}
