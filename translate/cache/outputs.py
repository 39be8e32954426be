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
import secrets
import sqlite3
import stat
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from translate.errors import InputError
from translate.files.names import storable
from translate.files.reading import sha256
from translate.files.writing import write_atomic

RECORD_DIR = ".translate-outputs"
# An output's temporary file: ``.<output name>.translate-<token>.tmp`` beside it. A name
# alone proves nothing (a user may have such a file): it is the tool's own only when the
# output's record names it (``pending``), written before the temporary file is made.
_TMP = re.compile(r"^\.(?P<output>.+)\.translate-(?P<token>[0-9a-f]{16})\.tmp$")
# A record's own temporary file (``write_atomic`` in the record folder).
_RECORD_TMP = re.compile(r"^\.(?P<record>[0-9a-f]{24}\.json)\.translate-[a-z0-9_]{8}\.tmp$")
# Test hook: seconds to sleep at each step of an output's write, so that a test can kill
# the process at any point of the write phase (never set in normal use).
_WRITE_DELAY_ENV = "TRANSLATE_TEST_WRITE_DELAY_S"
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
    return output.parent / RECORD_DIR / (sha256(os.fsencode(output.name))[:24] + ".json")


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


def write_record(output: Path, body: Mapping[str, Any], replace: bool = True) -> None:
    """Record that the tool wrote ``output`` (atomically).

    Args:
        output: The output.
        body: What the record says of it.
        replace: Replace a record already there; ``False``: keep it (a record another
            run wrote meanwhile is newer than what this one knows).

    Raises:
        OSError: the record cannot be written.
        InputError: the record folder is a symbolic link.
    """
    folder = _safe_record_dir(output.parent)
    folder.mkdir(exist_ok=True)
    data = {**body, "output": output.name, "recorded": time.time()}
    text = (json.dumps(data, indent=1, sort_keys=True) + "\n").encode("utf-8")
    final = record_path(output)
    if replace:
        write_atomic(final, text)
        return
    staged = final.with_name(final.name + ".new")  # whole before it gets its name
    write_atomic(staged, text)
    try:
        os.link(staged, final)  # never over a record that appeared meanwhile
    except FileExistsError:
        pass
    finally:
        with contextlib.suppress(OSError):
            os.unlink(staged)


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
    if record.get("output_sha256") != seen and record.get("replaces") == seen:
        # a write that stopped between its record and its rename: the file is still the
        # one that write was replacing, the tool's own; make it again
        return OutputPlan(Decision.WRITE, record, seen_sha256=seen)
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


def write_output(output: Path, data: bytes, body: Mapping[str, Any]) -> None:
    """Write ``data`` as the tool's output ``output`` and its record, crash-safely.

    The record comes first, naming the temporary file that the output is then written
    to and renamed from. Whatever instant a crash stops this, the next run finds either
    the new output with its record, or the file this write was replacing (the record's
    ``replaces``: its hash; or no file) with a record that says so: a pending write,
    which it makes again. The temporary file, named by the record, is provably the
    tool's to remove (``remove_own_temporaries``). So an output never stands without
    its record, even when the record folder cannot be written (nothing is written then).

    Args:
        output: The output path.
        data: Its bytes.
        body: The record's fields (``output_sha256`` is set here).

    Raises:
        OSError: the record or the output cannot be written (the output is unchanged).
        InputError: the record folder is a symbolic link.
    """
    tmp = output.with_name(f".{output.name}.translate-{secrets.token_hex(8)}.tmp")
    _pause()
    write_record(output, {**body, "output_sha256": sha256(data), "pending": tmp.name,
                          "replaces": file_sha256(output)})
    _pause()
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0),
                 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            _lock(handle.fileno(), blocking=True)  # held until closed: "in flight"
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            _pause()
            os.replace(tmp, output)
        _pause()
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _pause() -> None:
    delay = os.environ.get(_WRITE_DELAY_ENV)
    if delay:
        time.sleep(float(delay))


def _lock(fd: int, blocking: bool) -> bool:
    """Take an exclusive lock on ``fd``; whether it was taken (no ``fcntl``: ``True``)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no advisory locks
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
    except OSError:
        return False
    return True


def remove_own_temporaries(folder: Path) -> list[str]:
    """Remove the temporary files that stopped writes of the tool left in ``folder``.

    A file is removed only when the tool can prove it its own: an output's temporary
    file when that output's record names it, a record's (in the record folder) when its
    content is that record's or it is empty; and only when no live process is writing
    it (its lock is free). A file that merely looks like one
    (``.notes.translate-backup01.tmp``) is never touched, nor a link, nor anything but a
    regular file.

    Returns:
        The names removed.
    """
    removed: list[str] = []
    for folder_path in (folder, folder / RECORD_DIR):
        try:
            entries = [e for e in os.scandir(folder_path) if e.name.startswith(".")]
        except OSError:
            continue
        for entry in entries:
            if entry.is_file(follow_symlinks=False) and _is_own_temporary(folder, entry):
                with contextlib.suppress(OSError):
                    if _unlock_free(entry.path):
                        os.unlink(entry.path)
                        removed.append(entry.name)
    return removed


def _is_own_temporary(folder: Path, entry: os.DirEntry[str]) -> bool:
    in_records = Path(entry.path).parent.name == RECORD_DIR
    if not in_records:
        match = _TMP.match(entry.name)
        if match is None:
            return False
        try:
            record = read_record(folder / match["output"])
        except InputError:
            return False
        return record is not None and record.get("pending") == entry.name
    match = _RECORD_TMP.match(entry.name)
    if match is None:
        return False
    if entry.stat(follow_symlinks=False).st_size == 0:
        return True  # killed before its first byte, in the tool's own folder: holds nothing
    try:
        body = json.loads(Path(entry.path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False  # a half-written record proves nothing: left alone
    return (isinstance(body, dict) and isinstance(body.get("output"), str)
            and record_path(folder / body["output"]).name == match["record"])


def _unlock_free(path: str) -> bool:
    """Whether no process holds ``path``'s write lock (its writer is gone)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        return _lock(fd, blocking=False)
    finally:
        os.close(fd)


class LegacyManifests:
    """Version 0.1's manifests, kept in the cache database: read once per tree, then moved.

    The first time a run meets a tree, every manifest of its cache is read at once; each
    of an output that is still there and has no record becomes its record, and the rows
    are deleted, so no later run reads a manifest again. A dry run writes nothing: it
    keeps them in memory for its plan. Outputs written before records existed are thus
    still known as the tool's own, and an upgrade never takes ``X.en.txt`` for an input
    (and writes ``X.en.en.txt``).

    Args:
        migrate: Write the records and delete the rows (``False``: a dry run).
    """

    def __init__(self, migrate: bool = True) -> None:
        self.migrate = migrate
        self._trees: dict[Path, dict[str, dict[str, Any]]] = {}

    def get(self, output: Path) -> dict[str, Any] | None:
        """The 0.1 manifest of ``output``, or ``None``."""
        from translate.cache.store import find_cache_root

        root = find_cache_root(output)
        if root not in self._trees:
            self._trees[root] = self._read(root)
        manifests = self._trees[root]
        if not manifests:
            return None
        try:
            key = storable(str(output.resolve().relative_to(root)))
        except (ValueError, OSError, RuntimeError):
            return None
        return manifests.get(key)

    def _read(self, root: Path) -> dict[str, dict[str, Any]]:
        """Every manifest of ``root``'s cache (moved into records unless a dry run)."""
        from translate.cache.schema import SCHEMA_VERSION
        from translate.cache.store import CACHE_DIR, DB_NAME

        db = root / CACHE_DIR / DB_NAME
        if not db.is_file() or db.is_symlink() or db.parent.is_symlink():
            return {}
        found = _read_manifests(db, SCHEMA_VERSION)
        if found is None:  # a folder that cannot be written: read without any lock
            found = _read_manifests(db, SCHEMA_VERSION, immutable=True) or {}
        if self.migrate and found:
            self._move(db, root, found)
        return found

    @staticmethod
    def _move(db: Path, root: Path, found: dict[str, dict[str, Any]]) -> None:
        """Write the records; delete each row once its output has one, or has no output."""
        moved = [(key,) for key, body in found.items() if _record_legacy(root / key, body)]
        if not moved:
            return
        try:
            conn = sqlite3.connect(f"{db.as_uri()}?mode=rw", uri=True, timeout=30)
        except sqlite3.Error:
            return
        try:
            with conn:
                conn.executemany("DELETE FROM manifests WHERE output = ?", moved)
        except sqlite3.Error:
            pass  # read but not moved (a read-only or busy cache): used all the same
        finally:
            conn.close()


def _read_manifests(db: Path, newest: int,
                    immutable: bool = False) -> dict[str, dict[str, Any]] | None:
    """Every manifest in ``db`` by output key (``None``: it cannot be opened so)."""
    mode = "ro&immutable=1" if immutable else "ro"
    try:
        conn = sqlite3.connect(f"{db.as_uri()}?mode={mode}", uri=True, timeout=30)
    except sqlite3.Error:
        return None
    try:
        if conn.execute("PRAGMA user_version").fetchone()[0] > newest:
            return {}  # a newer translate's cache: never touched
        rows = conn.execute("SELECT output, body FROM manifests").fetchall()
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    return {key: body for key, body in ((k, _json(b)) for k, b in rows)
            if isinstance(body, dict)}


def _json(text: object) -> object:
    try:
        return json.loads(text) if isinstance(text, str) else None
    except ValueError:
        return None


def _record_legacy(output: Path, body: dict[str, Any]) -> bool:
    """Give ``output`` the record its 0.1 manifest ``body`` stood for, if it has none.

    Returns:
        Whether the manifest may go: ``output`` is gone, or has a record now.
    """
    if not os.path.lexists(output):
        return True
    if output.is_symlink() or not output.is_file():
        return False
    try:
        if read_record(output) is None:
            write_record(output, body, replace=False)
        return read_record(output) is not None
    except (OSError, InputError):
        return False
