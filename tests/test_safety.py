"""A user's files are sacred: conflicts, kept edits, own outputs, odd entries, reports."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.fakes import LOG
from translate.cache.outputs import is_recorded, read_record
from translate.cache.store import CACHE_DIR, DB_NAME
from translate.cli.app import app

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def translate(folder: Path, registry: Path, *extra: str):  # type: ignore[no-untyped-def]
    return run(str(folder), "--models", str(registry), "--engine", "fake", "--from", "it",
               *extra)


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text("Prima frase. Seconda frase.\n", "utf-8")
    (folder / "b.txt").write_text("Un altro documento.\n", "utf-8")
    return folder


def report_of(path: Path) -> dict[str, dict[str, str]]:
    data = json.loads(path.read_text("utf-8"))
    return {Path(f["path"]).name: f for f in data["files"]}


def test_a_users_own_translation_is_never_overwritten(docs, registry_file, tmp_path) -> None:
    mine = docs / "a.en.txt"
    mine.write_text("My careful translation.\n", "utf-8")
    report = tmp_path / "r.json"
    result = translate(docs, registry_file, "--report", str(report))
    assert result.exit_code == 1
    assert mine.read_text("utf-8") == "My careful translation.\n"
    assert "conflict" in result.output and "not written by translate" in result.output
    files = report_of(report)
    assert files["a.txt"]["status"] == "conflict" and "--force" in files["a.txt"]["reason"]
    assert files["b.txt"]["status"] == "translated"  # the others go on
    assert (docs / "b.en.txt").is_file()
    forced = translate(docs, registry_file, "--force")
    assert forced.exit_code == 0 and mine.read_text("utf-8").startswith("<it-en>")


def test_hand_edited_output_is_kept_until_its_input_changes(docs, registry_file,
                                                             tmp_path) -> None:
    assert translate(docs, registry_file).exit_code == 0
    out = docs / "a.en.txt"
    out.write_text("Corrected by hand.\n", "utf-8")
    LOG.reset()
    again = translate(docs, registry_file, "--report", str(tmp_path / "r.json"))
    assert again.exit_code == 0 and LOG.loads == 0
    assert out.read_text("utf-8") == "Corrected by hand.\n"
    entry = report_of(tmp_path / "r.json")["a.txt"]
    assert entry["status"] == "up-to-date" and "edited since written" in entry["reason"]
    assert "kept:" in again.output
    (docs / "a.txt").write_text("Testo cambiato.\n", "utf-8")
    changed = translate(docs, registry_file)
    assert changed.exit_code == 1 and "conflict" in changed.output
    assert out.read_text("utf-8") == "Corrected by hand.\n"
    assert translate(docs, registry_file, "--force").exit_code == 0
    assert out.read_text("utf-8") == "<it-en>[Testo cambiato.]\n"


def test_untouched_output_of_a_changed_input_is_rewritten(docs, registry_file) -> None:
    assert translate(docs, registry_file).exit_code == 0
    (docs / "a.txt").write_text("Nuovo testo.\n", "utf-8")
    assert translate(docs, registry_file).exit_code == 0
    assert (docs / "a.en.txt").read_text("utf-8") == "<it-en>[Nuovo testo.]\n"


@pytest.mark.parametrize("how", ["cache clear", "no-cache", "corrupt cache"])
def test_lookalike_names_are_inputs_and_own_outputs_survive_the_cache(
        docs, registry_file, how) -> None:
    (docs / "notes.txt").write_text("Appunti.\n", "utf-8")
    (docs / "notes.de.txt").write_text("Notizen des Nutzers.\n", "utf-8")
    (docs / "README").write_text("Leggimi.\n", "utf-8")
    first = translate(docs, registry_file, "--glob", "*")
    assert first.exit_code == 0, first.output
    assert (docs / "notes.de.en.txt").is_file()  # the user's file was an input
    assert (docs / "README.en").is_file()
    if how == "cache clear":
        assert run("cache", "clear", str(docs)).exit_code == 0
    elif how == "corrupt cache":
        (docs / CACHE_DIR / DB_NAME).write_bytes(b"garbage" * 100)
    extra = ("--no-cache",) if how == "no-cache" else ()
    second = translate(docs, registry_file, "--glob", "*", *extra)
    assert second.exit_code == 0, second.output
    names = sorted(p.name for p in docs.iterdir() if p.is_file())
    assert not [n for n in names if ".en.en" in n or n.endswith(".en.en")], names
    assert "written by earlier runs: outputs, not inputs" in second.output


def test_outputs_from_version_0_1_are_not_inputs(docs, registry_file) -> None:
    assert translate(docs, registry_file).exit_code == 0
    shutil.rmtree(docs / ".translate-outputs")  # 0.1 kept manifests in the cache only
    db = sqlite3.connect(docs / CACHE_DIR / DB_NAME)
    with db:
        for name in ("a.en.txt", "b.en.txt"):
            data = (docs / name).read_bytes()
            import hashlib
            body = {"input_sha256": hashlib.sha256((docs / name.replace(".en", "")
                                                    ).read_bytes()).hexdigest(),
                    "output_sha256": hashlib.sha256(data).hexdigest()}
            db.execute("INSERT OR REPLACE INTO manifests VALUES (?, ?)", (name, json.dumps(body)))
    db.close()
    dry = translate(docs, registry_file, "--dry-run")  # plans with them, writes nothing
    assert dry.exit_code == 0, dry.output
    assert not (docs / ".translate-outputs").exists()
    again = translate(docs, registry_file)
    assert again.exit_code == 0, again.output
    assert not list(docs.glob("*.en.en.txt"))
    # read once, then gone: the manifests became records, and their rows are deleted
    db = sqlite3.connect(docs / CACHE_DIR / DB_NAME)
    assert db.execute("SELECT count(*) FROM manifests").fetchone()[0] == 0
    db.close()
    assert all(is_recorded(docs / name) for name in ("a.en.txt", "b.en.txt"))
    third = translate(docs, registry_file)
    assert third.exit_code == 0 and "2 up to date" in third.output, third.output


def test_report_never_replaces_an_input_or_a_foreign_file(docs, registry_file,
                                                          tmp_path) -> None:
    original = (docs / "a.txt").read_bytes()
    onto_input = translate(docs, registry_file, "--report", str(docs / "a.txt"))
    assert onto_input.exit_code == 2 and (docs / "a.txt").read_bytes() == original
    other = tmp_path / "notes.json"
    other.write_text('{"mine": true}\n')
    assert translate(docs, registry_file, "--report", str(other)).exit_code == 2
    assert other.read_text() == '{"mine": true}\n'
    report = tmp_path / "report.json"
    assert translate(docs, registry_file, "--report", str(report)).exit_code == 0
    assert translate(docs, registry_file, "--report", str(report)).exit_code == 0  # ours
    assert json.loads(report.read_text())["tool"] == "translate"
    json_input = docs / "data.json"
    json_input.write_text('{"tool": "translate"}\n')
    result = translate(docs, registry_file, "--glob", "*.json", "--report", str(json_input))
    assert result.exit_code == 2 and "input of this run" in result.output
    assert json_input.read_text() == '{"tool": "translate"}\n'


def test_report_dash_goes_to_stdout(docs, registry_file) -> None:
    result = translate(docs, registry_file, "--report", "-")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["totals"]["translated"] == 2
    assert not (Path.cwd() / "-").exists()


def test_temporaries_are_removed_only_when_a_record_names_them(docs, registry_file) -> None:
    assert translate(docs, registry_file).exit_code == 0
    old = time.time() - 3 * 3600
    record = read_record(docs / "a.en.txt")
    assert record is not None
    ours = docs / record["pending"]  # as if the write had stopped before its rename
    ours.write_text("x")
    looks = docs / ".b.en.txt.translate-0123456789abcdef.tmp"  # no record names it
    foreign = docs / ".notes.tmp"
    for path in (ours, looks, foreign):
        path.write_text("x")
        os.utime(path, (old, old))
    result = translate(docs, registry_file)
    assert result.exit_code == 0
    assert not ours.exists() and looks.exists() and foreign.exists()
    assert "temporary files" in result.output


def test_two_runs_at_once_never_lose_a_file(tmp_path, registry_file) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(40):
        (folder / f"doc{i:02d}.txt").write_text(f"Documento {i}. Frase.\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TRANSLATE_FAKE_DELAY": "0.005"}
    args = [sys.executable, "-m", "tests.fakes", str(folder), "--models", str(registry_file),
            "--engine", "fake", "--from", "it", "--batch-size", "2"]
    procs = [subprocess.Popen(args, env=env, cwd=ROOT, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    for proc in procs:
        _, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, err
    for i in range(40):
        assert (folder / f"doc{i:02d}.en.txt").read_text() == f"<it-en>[Documento {i}.] <it-en>[Frase.]\n"
        assert read_record(folder / f"doc{i:02d}.en.txt") is not None
    assert not list(folder.glob(".*.tmp"))


def test_odd_entries_are_skipped_with_reasons(docs, registry_file, tmp_path) -> None:
    os.mkfifo(docs / "pipe.txt")
    (docs / "zero.txt").symlink_to("/dev/zero")
    (docs / "loop1.txt").symlink_to(docs / "loop2.txt")
    (docs / "loop2.txt").symlink_to(docs / "loop1.txt")
    (docs / "broken.txt").symlink_to(docs / "nowhere.txt")
    (docs / "linked.txt").symlink_to(docs / "b.txt")  # a link to a regular file is fine
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "x.txt").write_text("Fuori.\n")
    (docs / "folder-link.txt").symlink_to(elsewhere)
    report = tmp_path / "r.json"
    result = translate(docs, registry_file, "--report", str(report))
    assert result.exit_code == 0, result.output
    files = report_of(report)
    assert "named pipe" in files["pipe.txt"]["reason"]
    assert "character device" in files["zero.txt"]["reason"]
    assert files["loop1.txt"]["reason"] == "symbolic link loop"
    assert files["broken.txt"]["reason"] == "broken symbolic link"
    assert "not followed" in files["folder-link.txt"]["reason"]
    assert all(files[n]["status"] == "skipped" for n in
               ("pipe.txt", "zero.txt", "loop1.txt", "broken.txt", "folder-link.txt"))
    assert files["a.txt"]["status"] == "translated"
    assert not (elsewhere / "x.en.txt").exists()
    detect = run("detect", str(docs))
    assert detect.exit_code == 0 and "symbolic link loop" in detect.output


def test_detect_lists_no_outputs(docs, registry_file) -> None:
    assert translate(docs, registry_file).exit_code == 0
    result = run("detect", str(docs))
    assert "a.en.txt" not in result.output and "a.txt" in result.output


def test_a_missing_model_output_fails_the_file(docs, registry_file, tmp_path) -> None:
    from translate.api import Session
    from translate.options import Options
    from translate.translation.job_options import JobOptions
    from translate.translation.pipeline import Pipeline
    from translate.translation.runner import LocalRunner

    router = Session(Options(models=registry_file, engine="fake", source="it")).router()

    class Dropping(LocalRunner):
        def __call__(self, translator, texts, overrides=None):  # type: ignore[no-untyped-def]
            for batch in super().__call__(translator, texts, overrides):
                yield {k: v for k, v in batch.items() if "Seconda" not in k}

    report = Pipeline(router, JobOptions(source="it"), runner=Dropping(router.pool)).run([docs])
    by_name = {Path(f.path).name: f for f in report.files}
    assert by_name["a.txt"].status == "failed"
    assert "no output for 1 segments" in (by_name["a.txt"].reason or "")
    assert not (docs / "a.en.txt").exists()  # never the Italian in place of English
    assert by_name["b.txt"].status == "translated"


SETPRIV = shutil.which("setpriv")


@pytest.mark.skipif(os.geteuid() != 0 or SETPRIV is None,
                    reason="needs root and setpriv to drop the file-permission capabilities")
def test_unwritable_folder_fails_its_files_only(tmp_path, registry_file) -> None:
    top = tmp_path / "top"
    (top / "locked").mkdir(parents=True)
    (top / "open").mkdir()
    (top / "locked" / "x.txt").write_text("Bloccato.\n")
    (top / "open" / "y.txt").write_text("Aperto.\n")
    os.chmod(top / "locked", 0o555)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    caps = "-dac_override,-dac_read_search,-fowner"
    report = tmp_path / "r.json"
    proc = subprocess.run(
        [SETPRIV, f"--inh-caps={caps}", f"--bounding-set={caps}", sys.executable, "-m",
         "tests.fakes", str(top / "locked"), str(top / "open"), "--models", str(registry_file),
         "--engine", "fake", "--from", "it", "--report", str(report)],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    os.chmod(top / "locked", 0o755)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    files = report_of(report)
    assert files["x.txt"]["status"] == "failed" and "cannot write" in files["x.txt"]["reason"]
    assert files["y.txt"]["status"] == "translated"
    assert (top / "open" / "y.en.txt").is_file()
