"""Small helpers shared by tests: a cache watched from a real subprocess, format round trips."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any


def wait_for_entries(db: Path, count: int, timeout: float = 120.0) -> int:
    """Poll a cache database until it holds ``count`` segments; return how many it holds."""
    stored = 0
    deadline = time.monotonic() + timeout
    while stored < count and time.monotonic() < deadline:
        time.sleep(0.05)
        if not db.exists():
            continue
        try:
            with sqlite3.connect(db, timeout=5) as conn:
                stored = conn.execute("SELECT count(*) FROM segments").fetchone()[0]
        except sqlite3.OperationalError:
            continue
    return stored


def identity_round_trip(fmt: Any, data: bytes, name: str) -> bytes:
    """``data`` read by ``fmt`` and written back with every segment unchanged.

    Asserts that no segment's placeholders were reported damaged.
    """
    parsed = fmt.read(data, name)
    written = fmt.write(parsed, parsed.segments, "en")
    assert written.damaged == ()
    return bytes(written.data)


def golden_pair_names() -> list[str]:
    """The language pairs (``it-en``) that ship golden sentences."""
    from importlib import resources

    folder = resources.files("translate.quality") / "golden"
    return sorted(p.name.removesuffix(".tsv") for p in folder.iterdir()
                  if p.name.endswith(".tsv"))


def map_reduce(text: str, summarize_all: Any, count_tokens: Any, limit: int,
               max_levels: int = 8, max_words: int = 120) -> Any:
    """``map_reduce_many`` of one document, its chunks summarised by ``summarize_all``."""
    from translate.summaries.summarize import map_reduce_many

    return map_reduce_many([text], lambda wanted, _: {0: summarize_all(wanted[0])},
                           count_tokens, limit, max_levels, max_words)[0]
