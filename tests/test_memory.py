"""The translation memory kept in the cache database: entries, ranking, conflicts,
``cache clear``, concurrency, and the schema migration that adds it."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from translate.cache.memory import MemoryEntry, Written, memory_size
from translate.cache.schema import SCHEMA_VERSION
from translate.cache.store import CACHE_DIR, DB_NAME, Cache
from translate.cli.app import app


def _entry(target: str, created: float, origin: str = "human", source: str = "Ciao.",
           place: str = "a.en.txt") -> MemoryEntry:
    return MemoryEntry("it", "en", source, target, origin, created, place)


def test_latest_human_entry_wins_over_older_ones_and_imports(tmp_path: Path) -> None:
    with Cache.open(tmp_path) as cache:
        memory = cache.memory
        assert memory.add([_entry("Hello.", 10), _entry("Hi.", 20),
                           _entry("Greetings.", 30, "import")]) == 3
        assert memory.exact("it", "en", ["Ciao.", "Altro."])["Ciao."].target == "Hi."
        assert memory.add([_entry("Hey.", 40)]) == 1
        assert memory.exact("it", "en", ["Ciao."])["Ciao."].target == "Hey."
        # another language pair, or a model entry, never answers
        assert memory.exact("it", "de", ["Ciao."]) == {}
        memory.add([_entry("Model.", 50, "model", source="Solo modello.")])
        assert memory.exact("it", "en", ["Solo modello."]) == {}


def test_only_imports_answer_when_no_human_entry(tmp_path: Path) -> None:
    with Cache.open(tmp_path) as cache:
        cache.memory.add([_entry("Old import.", 1, "import"), _entry("New import.", 2, "import")])
        assert cache.memory.exact("it", "en", ["Ciao."])["Ciao."].target == "New import."


def test_the_same_entry_is_stored_once_and_keeps_its_first_time(tmp_path: Path) -> None:
    with Cache.open(tmp_path) as cache:
        assert cache.memory.add([_entry("Hello.", 10)]) == 1
        assert cache.memory.add([_entry("Hello.", 99)]) == 0
        assert [e.created for e in cache.memory.entries()] == [10]


def test_conflicts_list_each_source_with_two_human_targets(tmp_path: Path) -> None:
    with Cache.open(tmp_path) as cache:
        cache.memory.add([_entry("Hello.", 1, place="a"), _entry("Hi.", 2, place="b"),
                          _entry("Fine.", 1, source="Bene."),
                          _entry("Good.", 1, "import", source="Bene.")])
        groups = cache.memory.conflicts()
        assert [[e.target for e in g] for g in groups] == [["Hi.", "Hello."]]
        assert cache.memory.stats()["conflicts"] == 1


def test_list_filters_and_remove(tmp_path: Path) -> None:
    with Cache.open(tmp_path) as cache:
        cache.memory.add([_entry("Hello.", 1), _entry("Cat.", 1, source="Gatto."),
                          _entry("Dog.", 1, "import", source="Cane.")])
        assert [e.target for e in cache.memory.entries(origin="import")] == ["Dog."]
        assert [e.target for e in cache.memory.entries(contains="GATTO")] == ["Cat."]
        first = next(cache.memory.entries()).id
        assert cache.memory.remove([first]) == 1
        assert cache.memory.remove(origin="import") == 1
        assert [e.target for e in cache.memory.entries()] == ["Cat."]


def test_fuzzy_matches_have_scores_above_the_threshold(tmp_path: Path) -> None:
    with Cache.open(tmp_path) as cache:
        cache.memory.add([_entry("The cat sleeps.", 1, source="Il gatto dorme."),
                          _entry("Far away.", 1, source="Qualcosa di diverso del tutto.")])
        near = cache.memory.fuzzy("it", "en", ["Il gatto dorme!", "Niente di simile qui."])
        assert list(near) == ["Il gatto dorme!"]
        score, entry = near["Il gatto dorme!"][0]
        assert 75 <= score < 100 and entry.target == "The cat sleeps."


def test_written_segments_round_trip(tmp_path: Path) -> None:
    with Cache.open(tmp_path) as cache:
        written = Written("abc", "en", (("it", "Ciao.", "Hello.", "model"),
                                        ("en", "Yes.", "Yes.", "same")))
        cache.memory.put_written("x.en.txt", written)
        assert cache.memory.written("x.en.txt") == written
        assert cache.memory.written("y.en.txt") is None


def test_cache_clear_keeps_the_memory_and_says_so(tmp_path: Path) -> None:
    with Cache.open(tmp_path) as cache:
        sig = cache.register({"pair": "it-en"})
        cache.put_many(sig, {"Ciao.": "Hello."})
        cache.memory.add([_entry("Hi.", 1)])
    result = CliRunner().invoke(app, ["cache", "clear", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "kept the translation memory (1 entries" in result.output
    with Cache.open(tmp_path) as cache:
        assert cache.stats()["entries"] == 0
        assert [e.target for e in cache.memory.entries()] == ["Hi."]


def test_cache_clear_without_memory_removes_the_files(tmp_path: Path) -> None:
    with Cache.open(tmp_path) as cache:
        cache.put_many(cache.register({"pair": "it-en"}), {"Ciao.": "Hello."})
    assert memory_size(tmp_path) == 0
    result = CliRunner().invoke(app, ["cache", "clear", str(tmp_path)])
    assert result.exit_code == 0 and "removed 1 entries" in result.output
    assert not (tmp_path / CACHE_DIR / DB_NAME).exists()


def test_a_version_3_cache_gains_the_memory_and_keeps_its_entries(tmp_path: Path) -> None:
    with Cache.open(tmp_path) as cache:
        cache.put_many(cache.register({"pair": "it-en"}), {"Ciao.": "Hello."})
    path = tmp_path / CACHE_DIR / DB_NAME
    conn = sqlite3.connect(path)
    conn.executescript("DROP TABLE memory; DROP TABLE written; PRAGMA user_version = 3;")
    conn.close()
    with Cache.open(tmp_path) as cache:
        assert cache.stats()["entries"] == 1
        cache.memory.add([_entry("Hi.", 1)])
        assert len(list(cache.memory.entries())) == 1
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 4
    conn.close()


WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from translate.cache.memory import MemoryEntry
    from translate.cache.store import Cache
    root, tag, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    for i in range(count):
        with Cache.open(root) as cache:  # a new connection each time, as runs do
            cache.memory.add([MemoryEntry("it", "en", f"{tag} {i}", f"T {tag} {i}", "human")])
            if tag == "run":  # a translation run writes cache entries meanwhile
                cache.put_many(cache.register({"pair": "it-en"}), {f"s{i}": f"o{i}"})
""")


def test_two_processes_writing_at_once_lose_no_entry(tmp_path: Path) -> None:
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    count = 150
    procs = [subprocess.Popen([sys.executable, str(script), str(tmp_path), tag, str(count)])
             for tag in ("learn", "run")]
    assert [p.wait(timeout=240) for p in procs] == [0, 0]
    with Cache.open(tmp_path) as cache:
        sources = {e.source for e in cache.memory.entries()}
        assert cache.stats()["entries"] == count
    assert sources == {f"{tag} {i}" for tag in ("learn", "run") for i in range(count)}


def test_an_unknown_origin_is_refused(tmp_path: Path) -> None:
    with Cache.open(tmp_path) as cache, pytest.raises(ValueError, match="origin"):
        cache.memory.add([_entry("x", 1, "guess")])
