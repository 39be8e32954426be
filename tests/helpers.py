"""Small helpers shared by tests that watch a real subprocess."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path


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
