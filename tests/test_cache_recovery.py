"""The cache recovers by itself: damaged pages, `cache clear`, links, schema versions."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.fakes import LOG
from translate.cache.store import CACHE_DIR, DB_NAME, Cache
from translate.cli.app import app

EXPECTED = ("<it-en>[Prima frase breve.] <it-en>[Seconda frase.]\n\n"
            "<it-en>[Terzo paragrafo qui.]\n")
# The statements the schema-1 code (before schema versions were checked) ran on a new file.
SCHEMA_1 = """
PRAGMA application_id = 1953656435;
PRAGMA user_version = 1;
CREATE TABLE IF NOT EXISTS signatures (id TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS segments (
    signature TEXT NOT NULL, source TEXT NOT NULL, output TEXT NOT NULL,
    created REAL NOT NULL, PRIMARY KEY (signature, source)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS manifests (output TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY, finished REAL NOT NULL, hits INTEGER NOT NULL,
    misses INTEGER NOT NULL);
"""


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def translate(folder: Path, registry: Path, *extra: str):  # type: ignore[no-untyped-def]
    return run(str(folder), "--models", str(registry), "--engine", "fake", "--from", "it",
               *extra)


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "breve.txt").write_text("Prima frase breve. Seconda frase.\n\nTerzo paragrafo qui.\n")
    return folder


def _fill(root: Path, count: int) -> None:
    """Add ``count`` entries under another signature, so the table spans many pages."""
    with Cache.open(root) as cache:
        for start in range(0, count, 1000):
            cache.put_many("filler", {f"frase numero {i} " + "x" * 60: "sentence " + "y" * 60
                                      for i in range(start, min(start + 1000, count))})


def _wreck_segments_root(db: Path) -> None:
    """Overwrite the segments table's root page, an interior page every lookup reads.

    The file still opens (its schema page is intact); queries on segments then fail
    with "database disk image is malformed".
    """
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'segments'"
                        ).fetchone()[0]
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    assert pages > 50, "the table should span many pages"
    with db.open("r+b") as handle:
        handle.seek((root - 1) * page_size)
        handle.write(b"\xff" * page_size)
    check = sqlite3.connect(db)
    with pytest.raises(sqlite3.DatabaseError, match="malformed"):
        check.execute("SELECT count(*) FROM segments").fetchone()
    check.close()


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


# -- 1. a damaged page found on first use ---------------------------------------------


def test_damaged_interior_page_is_rebuilt_and_the_run_goes_on(docs, registry_file) -> None:
    assert translate(docs, registry_file).exit_code == 0
    _fill(docs, 3000)
    (docs / "breve.en.txt").unlink()
    _wreck_segments_root(docs / CACHE_DIR / DB_NAME)
    result = translate(docs, registry_file)
    assert result.exit_code == 0, result.output
    assert result.output.count("warning:") == 1
    assert "is corrupt (database disk image is malformed)" in result.output
    assert (docs / "breve.en.txt").read_text() == EXPECTED
    assert len(list((docs / CACHE_DIR).glob(DB_NAME + ".corrupt-*"))) == 1
    LOG.reset()
    again = translate(docs, registry_file)
    assert again.exit_code == 0 and "warning" not in again.output
    assert LOG.segments == []  # the rebuilt cache serves the next run


def test_json_report_carries_the_warning(docs, registry_file, tmp_path) -> None:
    assert translate(docs, registry_file).exit_code == 0
    _fill(docs, 3000)
    _wreck_segments_root(docs / CACHE_DIR / DB_NAME)
    report = tmp_path / "report.json"
    result = translate(docs, registry_file, "--force", "--report", str(report))
    assert result.exit_code == 0, result.output
    warnings = json.loads(report.read_text())["warnings"]
    assert len(warnings) == 1 and "moved it to" in warnings[0]
    # the signature registered before the rebuild is in the new database too
    stats = json.loads(run("cache", "stats", str(docs), "--json").output)
    assert [s["entries"] for s in stats["by_signature"]] == [stats["entries"]] != [0]


def test_second_process_does_not_move_aside_the_rebuilt_cache(tmp_path) -> None:
    _fill(tmp_path, 3000)
    first, second = Cache.open(tmp_path), Cache.open(tmp_path)
    _wreck_segments_root(tmp_path / CACHE_DIR / DB_NAME)
    assert first.get_many("filler", ["frase numero 1 " + "x" * 60]) == {}
    first.put_many("sig", {"uno": "one"})
    assert len(first.warnings) == 1
    # the second still reads the damaged file it opened; it reconnects to the new one
    assert second.get_many("sig", ["uno"]) == {"uno": "one"}
    assert second.warnings == []
    first.close()
    second.close()
    assert len(list((tmp_path / CACHE_DIR).glob(DB_NAME + ".corrupt-*"))) == 1


def test_other_database_errors_are_not_treated_as_damage(tmp_path) -> None:
    from translate.errors import CacheError

    with Cache.open(tmp_path) as cache:
        cache._conn.execute("DROP TABLE runs")  # an error that is not corruption
        with pytest.raises(CacheError, match="no such table"):
            cache.record_run(1, 2)
        assert cache.warnings == []
    assert not list((tmp_path / CACHE_DIR).glob(DB_NAME + ".corrupt-*"))


# -- 2. `cache clear` always works, and removes only the tool's files --------------------


@pytest.mark.parametrize("damage", ["interior page", "garbage"])
def test_clear_works_on_a_damaged_cache(docs, registry_file, damage) -> None:
    assert translate(docs, registry_file).exit_code == 0
    folder = docs / CACHE_DIR
    db = folder / DB_NAME
    if damage == "garbage":
        db.write_bytes(b"not a database" * 500)
    else:
        _fill(docs, 3000)
        _wreck_segments_root(db)
    (folder / f"{DB_NAME}.corrupt-1700000000").write_bytes(b"moved aside earlier")
    Path(f"{db}-wal").write_bytes(b"wal")
    mine = {"notes.txt": b"the user's", f"{DB_NAME}.backup": b"a copy", "cache.sqlite": b"x"}
    for name, data in mine.items():
        (folder / name).write_bytes(data)
    result = run("cache", "clear", str(docs))
    assert result.exit_code == 0, result.output
    assert "removed" in result.output
    assert _snapshot(folder) == mine  # the tool's files are gone, nothing else is
    assert translate(docs, registry_file).exit_code == 0


def test_clear_leaves_a_foreign_database_alone(docs) -> None:
    folder = docs / CACHE_DIR
    folder.mkdir()
    conn = sqlite3.connect(folder / DB_NAME)
    conn.execute("CREATE TABLE people (name TEXT)")
    conn.commit()
    conn.close()
    before = _snapshot(folder)
    result = run("cache", "clear", str(docs))
    assert result.exit_code == 1 and "does not belong to translate" in result.output
    assert _snapshot(folder) == before


# -- 3. symbolic links are never followed ----------------------------------------------


def _foreign_folder(tmp_path: Path) -> Path:
    target = tmp_path / "elsewhere"
    target.mkdir()
    (target / DB_NAME).write_bytes(b"someone else's file, not SQLite" * 10)
    (target / f"{DB_NAME}-wal").write_bytes(b"their wal")
    (target / f"{DB_NAME}-shm").write_bytes(b"their shm")
    return target


COMMANDS = {
    "run": lambda docs, reg: translate(docs, reg),
    "stats": lambda docs, reg: run("cache", "stats", str(docs)),
    "clear": lambda docs, reg: run("cache", "clear", str(docs)),
    "path": lambda docs, reg: run("cache", "path", str(docs)),
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_linked_cache_folder_is_refused(docs, registry_file, tmp_path, command) -> None:
    target = _foreign_folder(tmp_path)
    before = _snapshot(target)
    (docs / CACHE_DIR).symlink_to(target, target_is_directory=True)
    result = COMMANDS[command](docs, registry_file)
    assert result.exit_code == 1, result.output
    assert "is a symbolic link" in result.output and "remove the link" in result.output
    assert _snapshot(target) == before
    assert not (docs / "breve.en.txt").exists()


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_linked_cache_file_is_refused(docs, registry_file, tmp_path, command) -> None:
    target = _foreign_folder(tmp_path)
    before = _snapshot(target)
    (docs / CACHE_DIR).mkdir()
    for name in (DB_NAME, f"{DB_NAME}-wal"):
        (docs / CACHE_DIR / name).symlink_to(target / name)
    result = COMMANDS[command](docs, registry_file)
    assert result.exit_code == 1, result.output
    assert "is a symbolic link" in result.output
    assert _snapshot(target) == before
    assert (docs / CACHE_DIR / DB_NAME).is_symlink()


def test_a_dangling_link_is_refused_not_skipped(docs, registry_file, tmp_path) -> None:
    (docs / CACHE_DIR).symlink_to(tmp_path / "nowhere", target_is_directory=True)
    result = translate(docs, registry_file)
    assert result.exit_code == 1 and "is a symbolic link" in result.output
    assert not (tmp_path / "nowhere").exists()


def test_a_database_another_process_already_replaced_is_not_moved(tmp_path) -> None:
    from translate.cache.files import file_id, move_aside

    db = tmp_path / DB_NAME
    db.write_bytes(b"old, damaged")
    seen = file_id(db)
    (tmp_path / "new").write_bytes(b"the other process's new cache")
    (tmp_path / "new").replace(db)  # as if another process moved it aside and rebuilt
    assert move_aside(db, "is corrupt", seen) is None
    assert db.read_bytes() == b"the other process's new cache"
    assert move_aside(db, "is corrupt", file_id(db)) is not None
    assert not db.exists() and len(list(tmp_path.glob(DB_NAME + ".corrupt-*"))) == 1
