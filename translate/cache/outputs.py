"""Which files translate wrote, and whether it may write them again.

Every output (``X.en.txt``, ``X.en.summary.txt``, ...) gets a record beside it, in the
hidden folder ``.translate-outputs/`` of the output's own folder: the input and output
hashes, the signatures and counts. The record lives outside the cache database on
purpose: ``cache clear``, a rebuilt corrupt cache and ``--no-cache`` runs all keep it,
so the tool always knows which files are its own.

The rules (``plan_output``): a file the tool did not write is never overwritten
without ``--force``; an output edited by hand since it was written is kept while its
input is unchanged, and is a conflict once the input changes.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
import stat
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from translate.errors import InputError
from translate.text.documents import sha256, write_atomic

RECORD_DIR = ".translate-outputs"
# Temporary files are ours when they match write_atomic's pattern; older than this, no
# run can still be writing them (a write takes milliseconds).
STALE_TMP_AGE_S = 3600.0
_TMP = re.compile(r"^\..+\.translate-[a-z0-9_]{8}\.tmp$")
# What a record written before a field existed means by its absence.
# "reading": a format's reading settings (``formats.base.reading_settings``), none before.
RECORD_DEFAULTS: dict[str, Any] = {"encoding": "utf-8", "reading": {}}


class Decision(StrEnum):
    """What to do about one output path."""

    WRITE = "write"  # absent, or ours and untouched: (re)write it
    UP_TO_DATE = "up-to-date"  # ours, and made from these input bytes
    KEEP_EDITED = "keep-edited"  # ours, edited by hand, input unchanged: keep the edit
    CONFLICT = "conflict"  # not ours, or edited and its input changed


@dataclass(frozen=True)
class OutputPlan:
    """The decision for one output and the facts it rests on.

    Attributes:
        decision: What to do.
        record: The output's record, when the tool wrote it.
        reason: Why (for conflicts and kept edits), in words for the user.
        seen_sha256: The output file's hash when it was checked (``None``: absent).
    """

    decision: Decision
    record: dict[str, Any] | None = None
    reason: str | None = None
    seen_sha256: str | None = None


def record_path(output: Path) -> Path:
    """Where the record of ``output`` is kept.

    Named by a hash of the output's name, so that no pattern matching outputs
    (``*.en.*``) matches records too; the record names its output inside.
    """
    return output.parent / RECORD_DIR / (sha256(output.name.encode("utf-8"))[:24] + ".json")


def _safe_record_dir(folder: Path) -> Path:
    path = folder / RECORD_DIR
    if path.is_symlink():
        raise InputError(f"{path} is a symbolic link; translate never follows it",
                         f"remove the link {path} (translate recreates the folder)")
    return path


def read_record(output: Path) -> dict[str, Any] | None:
    """The record of ``output``, or ``None`` when the tool did not write it.

    Raises:
        InputError: the record folder is a symbolic link.
    """
    _safe_record_dir(output.parent)
    path = record_path(output)
    if path.is_symlink() or not path.is_file():
        return None
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # an unreadable record proves nothing: the file is not known as ours
    return body if isinstance(body, dict) and body.get("output") == output.name else None


def write_record(output: Path, body: Mapping[str, Any]) -> None:
    """Record that the tool wrote ``output`` (atomically).

    Raises:
        OSError: the record cannot be written.
        InputError: the record folder is a symbolic link.
    """
    folder = _safe_record_dir(output.parent)
    folder.mkdir(exist_ok=True)
    data = {**body, "output": output.name, "recorded": time.time()}
    write_atomic(record_path(output), (json.dumps(data, indent=1, sort_keys=True) + "\n"
                                       ).encode("utf-8"))


def is_recorded(path: Path) -> bool:
    """Whether ``path`` is a file the tool wrote (it has a record)."""
    try:
        return read_record(path) is not None
    except InputError:
        return False


def file_sha256(path: Path) -> str | None:
    """The hash of a regular file's bytes, ``None`` when absent or not a regular file."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    return sha256(path.read_bytes())


def plan_output(output: Path, input_sha: str, force: bool = False,
                legacy: dict[str, Any] | None = None) -> OutputPlan:
    """Decide whether ``output`` may be written for an input with hash ``input_sha``.

    Args:
        output: The output path.
        input_sha: The hash of what the output is made from.
        force: ``--force``: overwrite whatever is there (a link is replaced, never
            followed).
        legacy: A record from an older version's cache manifest, used when there is
            no record file.
    """
    if not os.path.lexists(output):
        return OutputPlan(Decision.WRITE)
    seen = file_sha256(output)
    if force:
        return OutputPlan(Decision.WRITE, seen_sha256=seen)
    if seen is None:
        return OutputPlan(Decision.CONFLICT, reason=f"{output.name} exists and is not a "
                          "regular file; move it away or pass --force", seen_sha256=seen)
    record = read_record(output) or legacy
    if record is None:
        return OutputPlan(Decision.CONFLICT, reason=f"{output.name} exists and was not "
                          "written by translate; move it away or pass --force to replace it",
                          seen_sha256=seen)
    same_input = record.get("input_sha256") == input_sha
    if record.get("output_sha256") != seen:
        if same_input:
            return OutputPlan(Decision.KEEP_EDITED, record,
                              "edited since written; kept (--force retranslates)", seen)
        return OutputPlan(Decision.CONFLICT, record,
                          f"{output.name} was edited since translate wrote it and its input "
                          "changed too; move the edit away or pass --force to replace it",
                          seen)
    return OutputPlan(Decision.UP_TO_DATE if same_input else Decision.WRITE, record,
                      seen_sha256=seen)


def settle(plan: OutputPlan, expected: Callable[[Mapping[str, Any]], Mapping[str, Any]],
           ) -> Decision:
    """Whether ``plan``'s output needs making again, once its record is checked.

    The one up-to-date decision for every kind of output (translations, summaries):
    an output whose record matches what this run would write is up to date, decided
    from the record alone (no detection, segmentation or model).

    Args:
        plan: The output's plan (``plan_output``).
        expected: Given the record, the fields this run would write in it (signatures,
            encoding, ...); called only for an output that is otherwise up to date.
            A field the record lacks counts as its ``RECORD_DEFAULTS`` value.

    Returns:
        ``CONFLICT``, ``KEEP_EDITED``, ``UP_TO_DATE``, or ``WRITE`` (make it again).
    """
    if plan.decision in (Decision.CONFLICT, Decision.KEEP_EDITED):
        return plan.decision
    record = plan.record
    if plan.decision == Decision.UP_TO_DATE and record is not None and all(
            record.get(key, RECORD_DEFAULTS.get(key)) == value
            for key, value in expected(record).items()):
        return Decision.UP_TO_DATE
    return Decision.WRITE


def may_still_write(output: Path, plan: OutputPlan, data: bytes, input_sha: str) -> bool:
    """Whether ``output`` may be written now, after the work that ``plan`` allowed.

    Someone may have written the file meanwhile: a concurrent run of the tool (then
    it is ours again, or already holds these very bytes) or a person (then it is not
    overwritten).
    """
    now = file_sha256(output)
    if now == plan.seen_sha256 and (now is not None or not os.path.lexists(output)):
        return True
    if now == sha256(data):
        return True
    again = plan_output(output, input_sha)
    return again.decision in (Decision.WRITE, Decision.UP_TO_DATE)


def remove_stale_temporaries(folder: Path, now: float | None = None,
                             min_age_s: float = STALE_TMP_AGE_S) -> list[str]:
    """Remove the tool's own temporary files in ``folder`` older than ``min_age_s``.

    Only regular files whose names match ``write_atomic``'s pattern are touched, never
    links or anything else, so a concurrent run's file in flight is safe.

    Returns:
        The names removed.
    """
    now = time.time() if now is None else now
    removed: list[str] = []
    for folder_path in (folder, folder / RECORD_DIR):
        try:
            entries = list(os.scandir(folder_path))
        except OSError:
            continue
        for entry in entries:
            if not _TMP.match(entry.name) or not entry.is_file(follow_symlinks=False):
                continue
            try:
                if now - entry.stat(follow_symlinks=False).st_mtime >= min_age_s:
                    os.unlink(entry.path)
                    removed.append(entry.name)
            except OSError:
                continue
    return removed



class LegacyManifests:
    """Manifests that version 0.1 kept in the cache database, read-only.

    Outputs written before records existed are still known as the tool's own, so an
    upgrade never takes ``X.en.txt`` for an input (and writes ``X.en.en.txt``).
    """

    def __init__(self) -> None:
        self._dbs: dict[Path, sqlite3.Connection | None] = {}

    def get(self, output: Path) -> dict[str, Any] | None:
        """The 0.1 manifest of ``output``, or ``None``."""
        from translate.cache.store import CACHE_DIR, DB_NAME, find_cache_root

        root = find_cache_root(output)
        if root not in self._dbs:
            db = root / CACHE_DIR / DB_NAME
            self._dbs[root] = None
            if db.is_file() and not db.is_symlink() and not db.parent.is_symlink():
                with contextlib.suppress(sqlite3.Error):
                    self._dbs[root] = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
        conn = self._dbs[root]
        if conn is None:
            return None
        try:
            key = str(output.resolve().relative_to(root))
        except (ValueError, OSError, RuntimeError):
            return None
        try:
            row = conn.execute("SELECT body FROM manifests WHERE output = ?", (key,)).fetchone()
            body = json.loads(row[0]) if row else None
        except (sqlite3.Error, ValueError):
            return None
        return body if isinstance(body, dict) else None

    def close(self) -> None:
        """Close the connections."""
        for conn in filter(None, self._dbs.values()):
            conn.close()
        self._dbs.clear()
