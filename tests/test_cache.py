from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import SEED_DIR
from tests.fakes import LOG
from tests.helpers import wait_for_entries
from translate.cache.outputs import read_record
from translate.cache.store import CACHE_DIR, DB_NAME, Cache
from translate.cli.app import app

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(next(SEED_DIR.glob("*.txt")), folder / "articolo.txt")
    (folder / "breve.txt").write_text("Prima frase breve. Seconda frase.\n\nTerzo paragrafo qui.\n")
    return folder


def translate(folder: Path, registry: Path, *extra: str):  # type: ignore[no-untyped-def]
    return run(str(folder), "--models", str(registry), "--engine", "fake", "--from", "it",
               *extra)


def test_rerun_makes_zero_model_calls_and_identical_outputs(docs, registry_file) -> None:
    assert translate(docs, registry_file).exit_code == 0
    first = {p: p.read_bytes() for p in docs.glob("*.en.txt")}
    assert LOG.loads == 1 and LOG.segments
    LOG.reset()
    result = translate(docs, registry_file)
    assert result.exit_code == 0
    assert LOG.loads == 0 and LOG.segments == []
    assert {p: p.read_bytes() for p in docs.glob("*.en.txt")} == first
    # a deleted output comes back from the cache, still without loading a model
    (docs / "breve.en.txt").unlink()
    assert translate(docs, registry_file).exit_code == 0
    assert LOG.loads == 0 and (docs / "breve.en.txt").read_bytes() == first[docs / "breve.en.txt"]


def test_editing_one_paragraph_sends_only_its_sentences(docs, registry_file) -> None:
    assert translate(docs, registry_file).exit_code == 0
    LOG.reset()
    path = docs / "breve.txt"
    path.write_text(path.read_text().replace("Terzo paragrafo qui.", "Paragrafo nuovo. E altro."))
    assert translate(docs, registry_file).exit_code == 0
    assert sorted(LOG.segments) == ["E altro.", "Paragrafo nuovo."]
    assert (docs / "breve.en.txt").read_text() == (
        "<it-en>[Prima frase breve.] <it-en>[Seconda frase.]\n\n"
        "<it-en>[Paragrafo nuovo.] <it-en>[E altro.]\n")


def test_generation_settings_and_model_change_the_signature(docs, registry_file, tmp_path,
                                                            tiny_marian) -> None:
    assert translate(docs, registry_file).exit_code == 0
    total = len(set(LOG.segments))
    LOG.reset()
    assert translate(docs, registry_file, "--num-beams", "3").exit_code == 0
    assert len(set(LOG.segments)) == total  # every entry missed
    LOG.reset()
    assert translate(docs, registry_file, "--num-beams", "3").exit_code == 0
    assert LOG.segments == []  # and is now cached under the new signature
    other = tmp_path / "other-model"
    shutil.copytree(tiny_marian, other)
    (other / "config.json").write_text((other / "config.json").read_text() + "\n")
    assert translate(docs, registry_file, "--model", str(other)).exit_code == 0
    assert len(set(LOG.segments)) == total  # a changed model directory misses
    LOG.reset()
    assert translate(docs, registry_file).exit_code == 0
    assert LOG.segments == []  # old entries stay until cleared


def test_revision_is_part_of_the_signature(tmp_path, monkeypatch) -> None:
    import huggingface_hub.constants as constants

    from translate.models.registry import ModelSpec
    from translate.models.translator import Translator

    hub = tmp_path / "hub"
    repo = hub / "models--org--m"
    for commit in ("a" * 40, "b" * 40):
        (repo / "snapshots" / commit).mkdir(parents=True)
        (repo / "snapshots" / commit / "config.json").write_text("{}")
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text("b" * 40)
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(hub))
    spec = ModelSpec("it-en", "org/m", revision="main")
    main = Translator(spec).signature()
    pinned = Translator(spec.replace(revision="a" * 40)).signature()
    assert main["model_identity"] == "b" * 40 and pinned["model_identity"] == "a" * 40
    assert main != pinned


def test_force_and_no_cache(docs, registry_file) -> None:
    assert translate(docs, registry_file).exit_code == 0
    total = len(set(LOG.segments))
    LOG.reset()
    assert translate(docs, registry_file, "--force").exit_code == 0
    assert len(set(LOG.segments)) == total
    fresh = docs.parent / "fresh"
    fresh.mkdir()
    (fresh / "a.txt").write_text("Una frase.\n")
    assert translate(fresh, registry_file, "--no-cache").exit_code == 0
    assert (fresh / "a.en.txt").exists() and not (fresh / CACHE_DIR).exists()


def test_manifest_records_signature_and_hashes(docs, registry_file) -> None:
    assert translate(docs, registry_file).exit_code == 0
    db = sqlite3.connect(docs / CACHE_DIR / DB_NAME)  # kept outside the database
    assert db.execute("SELECT count(*) FROM manifests").fetchone()[0] == 0
    db.close()
    manifest = read_record(docs / "breve.en.txt")
    assert manifest is not None
    assert set(manifest) >= {"input_sha256", "output_sha256", "signatures", "languages",
                             "segments", "cache_hits"}
    assert manifest["languages"] == ["it"] and list(manifest["signatures"]) == ["it-en"]


def test_cache_commands(docs, registry_file) -> None:
    assert translate(docs, registry_file).exit_code == 0
    for output in docs.glob("*.en.txt"):  # an up-to-date output reads no cache: no hit
        output.unlink()
    assert translate(docs, registry_file).exit_code == 0
    stats = run("cache", "stats", str(docs))
    assert stats.exit_code == 0
    assert "entries:" in stats.output and "hit rate 100.0%" in stats.output
    path = run("cache", "path", str(docs))
    assert path.output.strip() == str((docs / CACHE_DIR / DB_NAME).resolve())
    cleared = run("cache", "clear", str(docs))
    assert cleared.exit_code == 0 and "removed" in cleared.output
    with Cache.open(docs) as cache:
        assert cache.stats()["entries"] == 0


def test_corrupt_cache_is_moved_aside_and_rebuilt(docs, registry_file) -> None:
    assert translate(docs, registry_file).exit_code == 0
    expected = (docs / "breve.en.txt").read_bytes()
    db = docs / CACHE_DIR / DB_NAME
    for suffix in ("-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    db.write_bytes(b"this is not a database" * 100)
    result = translate(docs, registry_file)
    assert result.exit_code == 0
    assert "warning:" in result.output and "moved it to" in result.output
    assert (docs / "breve.en.txt").read_bytes() == expected
    assert list((docs / CACHE_DIR).glob(DB_NAME + ".corrupt-*"))


def test_damaged_sqlite_pages_are_detected_on_open(docs, registry_file) -> None:
    assert translate(docs, registry_file).exit_code == 0
    db = docs / CACHE_DIR / DB_NAME
    sqlite3.connect(db).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
    data = bytearray(db.read_bytes())
    data[200:4096 * 2] = b"\xff" * (4096 * 2 - 200)  # wreck the schema page
    db.write_bytes(bytes(data))
    result = translate(docs, registry_file)
    assert result.exit_code == 0
    assert "is corrupt (database disk image is malformed)" in result.output
    assert "moved it to" in result.output
    assert (docs / "breve.en.txt").exists()


def test_foreign_sqlite_file_is_refused(docs, registry_file) -> None:
    (docs / CACHE_DIR).mkdir()
    conn = sqlite3.connect(docs / CACHE_DIR / DB_NAME)
    conn.execute("CREATE TABLE people (name TEXT)")
    conn.commit()
    conn.close()
    result = translate(docs, registry_file)
    assert result.exit_code == 1
    assert "does not belong to translate" in result.output
    assert not list(docs.glob("*.en.txt"))


def _spawn(folder: Path, registry: Path, delay: str, *extra: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TRANSLATE_FAKE_DELAY": delay}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.fakes", str(folder), "--models", str(registry),
         "--engine", "fake", "--from", "it", "--batch-size", "2", "--quiet", *extra],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)


def _many_files(folder: Path, count: int) -> None:
    for i in range(count):
        (folder / f"doc{i:03d}.txt").write_text(
            f"Documento numero {i}. Frase in comune.\n\nParagrafo {i} secondo.\n")


def test_two_processes_on_one_folder(tmp_path, registry_file) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    _many_files(folder, 30)
    procs = [_spawn(folder, registry_file, "0.01") for _ in range(2)]
    for proc in procs:
        _, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, err
    with Cache.open(folder) as cache:
        assert cache.stats()["entries"] == 30 * 2 + 1
    for i in range(30):
        assert (folder / f"doc{i:03d}.en.txt").read_text() == (
            f"<it-en>[Documento numero {i}.] <it-en>[Frase in comune.]\n\n"
            f"<it-en>[Paragrafo {i} secondo.]\n")
    assert translate(folder, registry_file).exit_code == 0 and LOG.segments == []


def test_sigkill_mid_run_then_resume(tmp_path, registry_file) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    _many_files(folder, 40)
    proc = _spawn(folder, registry_file, "0.1")
    db = folder / CACHE_DIR / DB_NAME
    stored = wait_for_entries(db, 10)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert 10 <= stored < 81, "the run should have been killed mid-way"
    with Cache.open(folder) as cache:
        kept = cache.stats()["entries"]
    assert kept >= stored
    result = translate(folder, registry_file)
    assert result.exit_code == 0
    assert len(LOG.segments) == 81 - kept  # finished batches are not translated again
    for i in range(40):
        assert (folder / f"doc{i:03d}.en.txt").read_text() == (
            f"<it-en>[Documento numero {i}.] <it-en>[Frase in comune.]\n\n"
            f"<it-en>[Paragrafo {i} secondo.]\n")
    assert not list(folder.glob(".*.tmp"))


def test_local_model_hash_follows_content(tmp_path, tiny_marian) -> None:
    from translate.models.hub import directory_hash

    model = tmp_path / "model"
    shutil.copytree(tiny_marian, model)
    first = directory_hash(model)
    assert directory_hash(model) == first  # remembered
    weights = model / "model.safetensors"
    data = bytearray(weights.read_bytes())
    data[-1] ^= 0xFF
    time.sleep(0.01)
    weights.write_bytes(bytes(data))  # same size, new bytes, new mtime
    assert directory_hash(model) != first


def test_many_processes_create_one_cache_at_once(tmp_path) -> None:
    code = ("import sys; from pathlib import Path; from translate.cache.store import Cache; "
            "c = Cache.open(Path(sys.argv[1])); c.put_many('sig', {sys.argv[2]: 'x'}); "
            "c.close()")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for round_no in range(3):
        folder = tmp_path / f"round{round_no}"
        folder.mkdir()
        procs = [subprocess.Popen([sys.executable, "-c", code, str(folder), f"text {i}"],
                                  env=env, stderr=subprocess.PIPE, text=True)
                 for i in range(8)]
        for proc in procs:
            _, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err
        with Cache.open(folder) as cache:
            assert cache.stats()["entries"] == 8
