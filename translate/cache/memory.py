"""The translation memory: segments a person fixed (or imported), kept with the cache.

Entries live in the cache database (table ``memory``, see ``schema.MEMORY_SCHEMA``),
owned by the same ``Cache`` object, so one owner per folder tree holds every stored
state. Unlike cache entries they are not made again from the inputs: ``cache clear``
keeps them (``clear_keeping_memory``) and only ``translate memory remove`` deletes them.

An entry is (source language, target language, source segment, target segment, origin,
when, where from). ``human`` and ``import`` entries answer exact matches before any
model; ``model`` entries are never used as answers (they come only from a TMX that
said so). The latest ``human`` entry of a source wins, then the latest ``import`` one;
two different human targets for one source are a conflict, listed by ``conflicts``.

Each output's segments as written are kept too (table ``written``), so that
``translate learn`` can align a hand edit of the output to its segments.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from translate.cache.connection import connect_patiently
from translate.cache.files import CACHE_DIR, DB_NAME, refuse_links
from translate.errors import CacheError

ORIGINS = ("human", "import", "model")
ANSWERING = ("human", "import")  # origins used as exact matches, best first
# Fuzzy suggestions: rapidfuzz's normalised Indel similarity (fuzz.ratio), 0-100.
FUZZY_THRESHOLD = 75.0
_CHUNK = 400


@dataclass(frozen=True)
class MemoryEntry:
    """One translation memory entry.

    Attributes:
        source_lang: The source segment's language.
        target_lang: The target segment's language.
        source: The source segment (inline markup as ``<x1>`` placeholders).
        target: Its translation.
        origin: ``human``, ``import`` or ``model``.
        created: When it was made (a hand edit: the edited file's time), epoch seconds.
        place: Where it came from (an output's path below the tree, a TMX file).
        id: Its row id (0 before it is stored).
    """

    source_lang: str
    target_lang: str
    source: str
    target: str
    origin: str
    created: float = 0.0
    place: str = ""
    id: int = 0


@dataclass(frozen=True)
class Written:
    """One output's segments as the tool wrote them.

    Attributes:
        output_sha256: The hash of the output's bytes as written.
        target: The target language.
        segments: Each segment's (language, source, output, origin) in order; origin is
            ``model``, ``human`` or ``import`` (from memory) or ``same`` (already in the
            target language).
    """

    output_sha256: str
    target: str
    segments: tuple[tuple[str, str, str, str], ...]


def _hash(text: str) -> str:
    """A segment's key (as ``store.text_hash``)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


_COLUMNS = "source_lang, target_lang, source, target, origin, created, place, id"


_INSERT = ("INSERT OR IGNORE INTO memory (source_lang, target_lang, source_key, source, "
           "target_key, target, origin, created, place) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")


def _row(e: MemoryEntry) -> tuple[Any, ...]:
    if e.origin not in ORIGINS:
        raise ValueError(f"unknown origin {e.origin!r}")
    return (e.source_lang, e.target_lang, _hash(e.source), e.source, _hash(e.target),
            e.target, e.origin, e.created or time.time(), e.place)


def _entry(row: Sequence[Any]) -> MemoryEntry:
    return MemoryEntry(*row)


class Memory:
    """The translation memory of one cache; get it as ``cache.memory``.

    Args:
        run: Runs an operation on the cache's connection (healing a damaged database).
    """

    def __init__(self, run: Callable[[Callable[[sqlite3.Connection], Any]], Any]) -> None:
        self._run = run

    def add(self, entries: Iterable[MemoryEntry]) -> int:
        """Store ``entries`` in one transaction; return how many were new.

        An entry equal to a stored one (same languages, source, origin, target and
        place) is not stored twice; its time stays the first one's.

        Raises:
            ValueError: an entry's origin is not one of ``ORIGINS``.
        """
        rows = list(entries)
        return self.add_streamed(lambda: [rows])

    def add_streamed(self, batches: Callable[[], Iterable[Sequence[MemoryEntry]]]) -> int:
        """Store every batch ``batches()`` yields in ONE transaction; return how many were new.

        Memory stays bounded by a batch; if the iterator raises (a malformed TMX found
        half-way), nothing at all is stored and the error propagates.
        """
        def write(conn: sqlite3.Connection) -> int:
            with conn:  # one transaction: all or nothing
                before = conn.total_changes
                for batch in batches():
                    conn.executemany(_INSERT, [_row(e) for e in batch])
                return conn.total_changes - before

        return int(self._run(write))

    def exact(self, source_lang: str, target_lang: str, texts: Iterable[str],
              ) -> dict[str, MemoryEntry]:
        """The answering entry of each of ``texts`` that has one.

        The latest ``human`` entry wins, then the latest ``import`` one.
        """
        by_key = {_hash(t): t for t in texts}
        keys = list(by_key)

        def read(conn: sqlite3.Connection) -> dict[str, MemoryEntry]:
            best: dict[str, MemoryEntry] = {}
            for start in range(0, len(keys), _CHUNK):
                chunk = keys[start:start + _CHUNK]
                rows = conn.execute(
                    f"SELECT {_COLUMNS} FROM memory WHERE source_lang = ? AND "
                    f"target_lang = ? AND origin IN ('human', 'import') AND source_key IN "
                    f"({','.join('?' * len(chunk))})", (source_lang, target_lang, *chunk))
                for row in rows:
                    entry = _entry(row)
                    if by_key.get(_hash(entry.source)) != entry.source:
                        continue
                    held = best.get(entry.source)
                    if held is None or _rank(entry) > _rank(held):
                        best[entry.source] = entry
            return best

        return dict(self._run(read))

    def fuzzy(self, source_lang: str, target_lang: str, texts: Sequence[str],
              threshold: float = FUZZY_THRESHOLD, limit: int = 2,
              ) -> dict[str, list[tuple[float, MemoryEntry]]]:
        """Entries whose source is similar to each of ``texts`` (score >= ``threshold``).

        An exact match counts too (score 100: an entry stored after the text was
        translated). Scores are rapidfuzz's ``fuzz.ratio`` (0-100), best first.
        """
        from rapidfuzz import fuzz, process

        candidates = [e for e in self.entries(source_lang=source_lang,
                                              target_lang=target_lang)
                      if e.origin in ANSWERING]
        latest: dict[str, MemoryEntry] = {}
        for entry in candidates:
            held = latest.get(entry.source)
            if held is None or _rank(entry) > _rank(held):
                latest[entry.source] = entry
        sources = list(latest)
        found: dict[str, list[tuple[float, MemoryEntry]]] = {}
        for text in dict.fromkeys(texts):
            matches = process.extract(text, sources, scorer=fuzz.ratio,
                                      score_cutoff=threshold, limit=limit)
            near = [(round(float(score), 1), latest[src]) for src, score, _ in matches]
            if near:
                found[text] = near
        return found

    def entries(self, *, source_lang: str | None = None, target_lang: str | None = None,
                origin: str | None = None, contains: str | None = None,
                ) -> Iterator[MemoryEntry]:
        """Every entry (filtered), oldest first; read in pages, so memory stays bounded."""
        where, args = _filters(source_lang, target_lang, origin, contains)
        last = 0

        def page(conn: sqlite3.Connection) -> list[Any]:
            return conn.execute(
                f"SELECT {_COLUMNS} FROM memory WHERE id > ?{where} ORDER BY id LIMIT 1000",
                (last, *args)).fetchall()

        while True:
            rows = self._run(page)
            if not rows:
                return
            for row in rows:
                yield _entry(row)
            last = rows[-1][-1]

    def conflicts(self) -> list[list[MemoryEntry]]:
        """Sources with two or more different human targets: each group, latest first."""
        def read(conn: sqlite3.Connection) -> list[tuple[Any, ...]]:
            return conn.execute(
                f"SELECT {_COLUMNS} FROM memory WHERE origin = 'human' AND "
                "(source_lang, target_lang, source_key) IN (SELECT source_lang, "
                "target_lang, source_key FROM memory WHERE origin = 'human' GROUP BY "
                "source_lang, target_lang, source_key HAVING count(DISTINCT target_key) > 1) "
                "ORDER BY source_lang, target_lang, source_key, created DESC, id DESC"
            ).fetchall()

        groups: dict[tuple[str, str, str], list[MemoryEntry]] = {}
        for row in self._run(read):
            entry = _entry(row)
            groups.setdefault((entry.source_lang, entry.target_lang, entry.source),
                              []).append(entry)
        return list(groups.values())

    def remove(self, ids: Iterable[int] = (), *, origin: str | None = None,
               contains: str | None = None) -> int:
        """Delete entries by id, or all matching ``origin``/``contains``; return how many."""
        chosen = list(ids)

        def write(conn: sqlite3.Connection) -> int:
            with conn:
                before = conn.total_changes
                if chosen:
                    conn.executemany("DELETE FROM memory WHERE id = ?",
                                     [(i,) for i in chosen])
                elif origin is not None or contains is not None:
                    where, args = _filters(None, None, origin, contains)
                    conn.execute(f"DELETE FROM memory WHERE 1{where}", args)
                return conn.total_changes - before

        return int(self._run(write))

    def generation(self) -> str:
        """Changes whenever an answering (human or import) entry is added or removed.

        Ids are never reused, so (count, largest id) differs after any addition (a
        larger id) or removal alone (a smaller count).
        """
        count, top = self._run(lambda conn: conn.execute(
            "SELECT count(*), max(id) FROM memory WHERE origin IN ('human', 'import')"
        ).fetchone())
        return f"{count}:{top}" if count else "none"

    def stats(self) -> dict[str, Any]:
        """Entries by origin and by language pair, and the conflicts' count."""
        def read(conn: sqlite3.Connection) -> tuple[list[Any], list[Any], int]:
            return (conn.execute("SELECT origin, count(*) FROM memory GROUP BY origin"
                                 ).fetchall(),
                    conn.execute("SELECT source_lang, target_lang, count(*) FROM memory "
                                 "GROUP BY source_lang, target_lang ORDER BY 3 DESC"
                                 ).fetchall(),
                    conn.execute("SELECT count(*) FROM written").fetchone()[0])

        origins, pairs, written = self._run(read)
        by_origin = {origin: 0 for origin in ORIGINS} | dict(origins)
        return {"entries": sum(by_origin.values()), "by_origin": by_origin,
                "by_pair": {f"{s}-{t}": n for s, t, n in pairs},
                "conflicts": len(self.conflicts()), "outputs_known": written}

    # -- outputs as written --------------------------------------------------------------

    def put_written(self, key: str, written: Written) -> None:
        """Remember the segments of the output ``key`` (a path below the tree)."""
        body = json.dumps([list(s) for s in written.segments], ensure_ascii=False)

        def write(conn: sqlite3.Connection) -> None:
            with conn:
                conn.execute("INSERT OR REPLACE INTO written VALUES (?, ?, ?, ?)",
                             (key, written.output_sha256, written.target, body))

        self._run(write)

    def written(self, key: str) -> Written | None:
        """The segments of output ``key`` as last written (``None``: not known)."""
        row = self._run(lambda conn: conn.execute(
            "SELECT output_sha256, target, body FROM written WHERE output = ?",
            (key,)).fetchone())
        if row is None:
            return None
        try:
            segments = tuple((str(a), str(b), str(c), str(d))
                             for a, b, c, d in json.loads(row[2]))
        except (ValueError, TypeError):
            return None
        return Written(row[0], row[1], segments)


def _rank(entry: MemoryEntry) -> tuple[int, float, int]:
    """Human before import, then the latest, then the last stored."""
    return (entry.origin == "human", entry.created, entry.id)


def _filters(source_lang: str | None, target_lang: str | None, origin: str | None,
             contains: str | None) -> tuple[str, tuple[Any, ...]]:
    where, args = "", []
    for column, value in (("source_lang", source_lang), ("target_lang", target_lang),
                          ("origin", origin)):
        if value is not None:
            where += f" AND {column} = ?"
            args.append(value)
    if contains is not None:
        where += " AND (instr(lower(source), lower(?)) OR instr(lower(target), lower(?)))"
        args += [contains, contains]
    return where, tuple(args)


def clear_keeping_memory(root: Path) -> tuple[int, int] | None:
    """Delete the cache entries of ``root``'s database and keep its memory.

    Returns:
        (cache entries removed, memory entries kept), or ``None`` when the database
        cannot be read (the caller removes its files; nothing in it can be kept).
    """
    folder = root / CACHE_DIR
    refuse_links(folder)
    path = folder / DB_NAME
    if not path.is_file():
        return None
    try:
        conn = connect_patiently(path, patience=10.0)
    except (sqlite3.Error, OSError, CacheError):  # unreadable: its files are removed
        return None
    try:
        with conn:
            kept = conn.execute("SELECT count(*) FROM memory").fetchone()[0]
            removed = conn.execute("SELECT count(*) FROM segments").fetchone()[0]
            for table in ("segments", "signatures", "manifests", "runs"):
                conn.execute(f"DELETE FROM {table}")
        conn.execute("VACUUM")
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    return int(removed), int(kept)


def memory_size(root: Path) -> int:
    """How many memory entries ``root``'s database holds (0: none, or unreadable).

    Read-only: a database of an older schema (no memory yet) or a damaged one is 0.
    """
    path = root / CACHE_DIR / DB_NAME
    if not path.is_file() or path.is_symlink():
        return 0
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=10)
    except sqlite3.Error:
        return 0
    try:
        return int(conn.execute("SELECT count(*) FROM memory").fetchone()[0])
    except sqlite3.Error:
        return 0
    finally:
        conn.close()
