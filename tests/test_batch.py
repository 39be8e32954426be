from __future__ import annotations

import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from tests.fakes import LOG
from tests.helpers import wait_for_entries
from translate.cache.store import CACHE_DIR, DB_NAME
from translate.cli.app import app
from translate.cli.progress import LogProgress
from translate.translation.report import FileResult, Status

ROOT = Path(__file__).resolve().parent.parent
TOTALS = {"files", "translated", "up-to-date", "skipped", "failed", "planned", "segments",
          "cache_hits", "cache_hit_rate", "model_segments", "model_tokens", "resplit_segments",
          "truncated_tokens", "length_limited_outputs", "generate_calls", "conflict",
          "interrupted", "own_outputs", "unknown_words", "redone_segments",
          "flagged_segments", "retried_segments"}
FILE_FIELDS = {"path", "status", "output", "reason", "language", "segments", "cache_hits",
               "model_segments", "model_tokens", "flagged", "retried", "details"}


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def make_corpus(folder: Path, count: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        (folder / f"art{i:04d}.txt").write_text(
            f"Titolo numero {i}\n\nIl fatto {i} è accaduto ieri. Nessun commento.\n")


def test_many_small_files_share_batches(tmp_path, registry_file) -> None:
    make_corpus(tmp_path / "c", 60)
    result = run(str(tmp_path / "c"), "--models", str(registry_file), "--engine", "fake",
                 "--from", "it", "--batch-size", "64", "--max-batch-tokens", "100000")
    assert result.exit_code == 0
    assert LOG.loads == 1
    assert len(LOG.segments) == 60 * 2 + 1  # the shared sentence once
    assert len(LOG.batches) <= 3  # far fewer generate() calls than files


def test_failing_file_in_the_middle_is_reported(tmp_path, registry_file) -> None:
    make_corpus(tmp_path / "c", 10)
    (tmp_path / "c" / "art0005.txt").write_bytes(b"\x00\x01\x02binary\x00")
    report = tmp_path / "report.json"
    result = run(str(tmp_path / "c"), "--models", str(registry_file), "--engine", "fake",
                 "--from", "it", "--report", str(report))
    assert result.exit_code == 1
    data = json.loads(report.read_text())
    assert set(data["totals"]) == TOTALS
    assert set(data) >= {"totals", "files", "elapsed_s", "interrupted", "models_loaded"}
    assert all(set(f) == FILE_FIELDS for f in data["files"])
    failed = [f for f in data["files"] if f["status"] == "failed"]
    assert [Path(f["path"]).name for f in failed] == ["art0005.txt"]
    assert "binary" in failed[0]["reason"]
    assert data["totals"]["translated"] == 9 and data["totals"]["failed"] == 1


def test_dry_run_loads_no_model_and_writes_nothing(tmp_path, registry_file) -> None:
    make_corpus(tmp_path / "c", 5)
    report = tmp_path / "report.json"
    result = run(str(tmp_path / "c"), "--models", str(registry_file), "--engine", "fake",
                 "--from", "it", "--dry-run", "--report", str(report))
    assert result.exit_code == 0
    assert LOG.loads == 0 and LOG.segments == []
    assert not list((tmp_path / "c").glob("*.en.txt"))
    assert not (tmp_path / "c" / CACHE_DIR).exists()
    totals = json.loads(report.read_text())["totals"]
    assert totals["planned"] == 5 and totals["model_segments"] == 5 * 2 + 1  # distinct
    assert totals["model_tokens"] > totals["model_segments"]
    assert "would translate" in result.output
    # after a real run, a dry run counts cache hits
    assert run(str(tmp_path / "c"), "--models", str(registry_file), "--engine", "fake",
               "--from", "it").exit_code == 0
    (tmp_path / "c" / "new.txt").write_text("Una frase nuova. Il fatto 1 è accaduto ieri.\n")
    LOG.reset()
    run(str(tmp_path / "c"), "--models", str(registry_file), "--engine", "fake", "--from", "it",
        "--dry-run", "--report", str(report))
    totals = json.loads(report.read_text())["totals"]
    assert LOG.loads == 0
    assert totals["planned"] == 1 and totals["up-to-date"] == 5
    assert totals["cache_hits"] == 5 * 3 + 1 and totals["model_segments"] == 1


def test_sigint_exits_130_and_rerun_finishes_the_rest(tmp_path, registry_file) -> None:
    make_corpus(tmp_path / "c", 40)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TRANSLATE_FAKE_DELAY": "0.1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes", str(tmp_path / "c"), "--models",
         str(registry_file), "--engine", "fake", "--from", "it", "--batch-size", "2",
         "--report", str(tmp_path / "r.json")],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    db = tmp_path / "c" / CACHE_DIR / DB_NAME
    assert wait_for_entries(db, 10) >= 10
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted" in err
    with sqlite3.connect(db) as conn:
        kept = conn.execute("SELECT count(*) FROM segments").fetchone()[0]
    assert 10 <= kept < 81
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["interrupted"] and report["totals"]["files"] == 40  # every input is there
    assert report["totals"]["model_segments"] >= 10 and report["totals"]["interrupted"] > 0
    assert " 0 to the model" not in err
    result = run(str(tmp_path / "c"), "--models", str(registry_file), "--engine", "fake",
                 "--from", "it")
    assert result.exit_code == 0
    assert len(LOG.segments) == 81 - kept
    assert len(list((tmp_path / "c").glob("*.en.txt"))) == 40


def test_log_progress_lines() -> None:
    stream = io.StringIO()
    progress = LogProgress(stream, interval=0)
    progress.start(4)
    progress.batch_done(10, 0)
    progress.file_done(FileResult("a.txt", Status.TRANSLATED))
    progress.file_done(FileResult("b.txt", Status.FAILED, reason="looks like a binary file"))
    lines = stream.getvalue().splitlines()
    assert "failed: b.txt: looks like a binary file" in lines
    assert any(line.startswith("progress: 2/4 files, 10 segments") and "eta" in line
               for line in lines)


def test_job_file(tmp_path, registry_file) -> None:
    make_corpus(tmp_path / "news", 3)
    make_corpus(tmp_path / "other", 2)
    jobs = tmp_path / "jobs.toml"
    jobs.write_text(f"""
[[job]]
name = "news"
inputs = ["news/"]
to = "en"
from = "it"
models = "{registry_file}"
engine = "fake"
report = "reports/news.json"

[[job]]
name = "other, summarised"
inputs = ["other"]
from = "it"
models = "{registry_file}"
engine = "fake"
summarize = true
max_words = 10
min_words = 2
""")
    result = run("run", str(jobs))
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "news").glob("*.en.txt"))) == 3
    assert len(list((tmp_path / "other").glob("*.en.summary.txt"))) == 2
    assert json.loads((tmp_path / "reports" / "news.json").read_text())["totals"]["files"] == 3
    bad = tmp_path / "bad.toml"
    bad.write_text("[[job]]\ninputs = ['news']\nnum_beam = 2\n")
    result = run("run", str(bad))
    assert result.exit_code == 2 and "unknown key 'num_beam'" in result.output
