"""What checking a cache for damage would cost, against what the cache does instead.

The cache finds damage when a query reads a bad page (no cost until then) and rebuilds.
A ``PRAGMA quick_check`` at every open would also find damage in pages no query reads,
but it reads the whole file on every run. This prints both costs for a cache of N
entries (default 50,000):

    python benchmarks/cache_check.py [N]
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from translate.cache.store import CACHE_DIR, DB_NAME, Cache


def _best(action, repeats: int = 5) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        with Cache.open(root) as cache:
            for start in range(0, count, 1000):
                cache.put_many("sig", {f"Frase sorgente numero {i}, di lunghezza media.":
                                       f"Source sentence number {i}, of average length."
                                       for i in range(start, min(start + 1000, count))})
        db = root / CACHE_DIR / DB_NAME
        sqlite3.connect(db).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()

        def check() -> None:
            conn = sqlite3.connect(db)
            assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
            conn.close()

        opened = _best(lambda: Cache.open(root).close())
        checked = _best(check)
        print(f"entries:                  {count}")
        print(f"file size:                {db.stat().st_size / 2**20:.1f} MiB")
        print(f"Cache.open (no check):    {opened * 1000:.2f} ms")
        print(f"PRAGMA quick_check:       {checked * 1000:.1f} ms (warm page cache)")


if __name__ == "__main__":
    main()
