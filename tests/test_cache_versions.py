"""What the cache is tied to: library versions in the signature, and its own schema."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.fakes import LOG
from tests.test_cache_recovery import SCHEMA_1, run, translate
from translate.cache.schema import SCHEMA_VERSION
from translate.cache.store import CACHE_DIR, DB_NAME, Cache
from translate.models import translator as translator_module


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "breve.txt").write_text("Prima frase breve. Seconda frase.\n\nTerzo paragrafo qui.\n")
    return folder


def _pretend(monkeypatch: pytest.MonkeyPatch, name: str, version: str) -> None:
    real = translator_module.library_version
    monkeypatch.setattr(translator_module, "library_version",
                        lambda lib: version if lib == name else real(lib), raising=False)


# -- library versions -------------------------------------------------------------------


def test_a_new_tokenizer_library_misses_the_cache(docs, registry_file, monkeypatch) -> None:
    assert translate(docs, registry_file).exit_code == 0
    total = len(set(LOG.segments))
    LOG.reset()
    assert translate(docs, registry_file).exit_code == 0 and LOG.segments == []
    _pretend(monkeypatch, "sentencepiece", "99.0")
    assert translate(docs, registry_file).exit_code == 0
    assert len(set(LOG.segments)) == total  # every entry missed
    stats = json.loads(run("cache", "stats", str(docs), "--json").output)
    assert stats["outdated_entries"] == total  # the old entries stay, marked outdated
    current = [s for s in stats["by_signature"] if s["current"]]
    assert len(current) == 1 and current[0]["libraries"]["sentencepiece"] == "99.0"
    text = run("cache", "stats", str(docs)).output
    assert f"outdated:    {total} entries under 1 signatures" in text
    assert "sentencepiece 99.0" in text


def test_the_engine_library_is_in_the_signature(tiny_marian, monkeypatch) -> None:
    from translate.models.registry import ModelSpec
    from translate.models.translator import RunSettings, Translator

    spec = ModelSpec("it-en", str(tiny_marian))
    signature = Translator(spec, RunSettings(engine="transformers")).signature()
    assert set(signature["libraries"]) == {"transformers", "torch", "sentencepiece", "tokenizers"}
    _pretend(monkeypatch, "transformers", "5.999")
    assert Translator(spec, RunSettings(engine="transformers")).signature() != signature
    ct2 = Translator(spec, RunSettings(engine="ctranslate2"))
    if ct2.info.available():
        assert "ctranslate2" in ct2.signature()["libraries"]


# -- schema version ---------------------------------------------------------------------


def _schema_1_cache(root: Path) -> Path:
    """A cache as the schema-1 code made it, with one entry, signature and manifest."""
    (root / CACHE_DIR).mkdir()
    db = root / CACHE_DIR / DB_NAME
    conn = sqlite3.connect(db)
    conn.executescript(SCHEMA_1)
    conn.execute("INSERT INTO signatures VALUES ('sig', '{\"pair\": \"it-en\"}')")
    conn.execute("INSERT INTO segments VALUES ('sig', 'hash', 'output', 1.0)")
    conn.execute("INSERT INTO manifests VALUES ('a.en.txt', '{}')")
    conn.commit()
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()
    return db


def test_schema_1_is_migrated_in_place(tmp_path) -> None:
    db = _schema_1_cache(tmp_path)
    with Cache.open(tmp_path) as cache:
        assert cache.warnings == []
        stats = cache.stats()
        cache.register({"pair": "it-en"})
    assert stats["entries"] == 1 and stats["outputs"] == 1
    assert stats["by_signature"][0]["id"] == "sig"
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 4
    assert conn.execute("SELECT output FROM segments").fetchall() == [("output",)]
    columns = [row[1] for row in conn.execute("PRAGMA table_info(signatures)")]
    assert columns == ["id", "body", "last_used"]
    columns = [row[1] for row in conn.execute("PRAGMA table_info(segments)")]
    assert columns[-4:] == ["score", "flags", "retried", "checked"]  # schema 3: signals
    assert conn.execute("SELECT score, flags, retried, checked FROM segments").fetchall() == [
        (None, "", 0, "")]  # an old entry: no signals, checked again when next used
    assert conn.execute("SELECT count(*) FROM signatures WHERE last_used > 0").fetchone()[0] == 1
    conn.close()
    assert not list((tmp_path / CACHE_DIR).glob(DB_NAME + ".corrupt-*"))


def test_a_run_on_a_schema_1_cache_succeeds(docs, registry_file) -> None:
    _schema_1_cache(docs)
    result = translate(docs, registry_file)
    assert result.exit_code == 0 and "warning" not in result.output, result.output
    assert (docs / "breve.en.txt").exists()


def test_a_newer_schema_is_refused_and_kept(docs, registry_file) -> None:
    db = _schema_1_cache(docs)
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = db.read_bytes()
    for result in (translate(docs, registry_file), run("cache", "stats", str(docs))):
        assert result.exit_code == 1
        assert "made by a newer translate" in result.output and "hint:" in result.output
    assert db.read_bytes() == before
    assert sorted(p.name for p in (docs / CACHE_DIR).iterdir()) == [DB_NAME]
    assert not (docs / "breve.en.txt").exists()


def test_a_schema_too_old_to_migrate_is_rebuilt_with_a_notice(tmp_path) -> None:
    db = _schema_1_cache(tmp_path)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 0")
    conn.close()
    with Cache.open(tmp_path) as cache:
        assert len(cache.warnings) == 1 and "cannot be migrated" in cache.warnings[0]
        assert cache.stats()["entries"] == 0


def test_library_versions_agree_with_importlib_metadata() -> None:
    from importlib import metadata

    from translate.models.translator import library_version

    names = ["transformers", "sentencepiece", "tokenizers", "huggingface-hub", "typer"]
    assert [library_version(n) for n in names] == [metadata.version(n) for n in names]
    assert library_version("no-such-library-here") is None
