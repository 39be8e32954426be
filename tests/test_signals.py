"""SIGTERM stops a run like Ctrl-C: cache kept, report written, exit code 143."""

from __future__ import annotations

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

ROOT = Path(__file__).resolve().parent.parent
SEGMENTS_PER_FILE = 2  # "Documento numero i. Frase in comune." is two sentences


def _corpus(folder: Path, count: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        (folder / f"doc{i:03d}.txt").write_text(f"Documento numero {i}. Frase {i} finale.\n")


def _spawn(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TRANSLATE_FAKE_DELAY": "0.1"}
    return subprocess.Popen([sys.executable, "-m", "tests.fakes", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)


def _entries(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        count: int = conn.execute("SELECT count(*) FROM segments").fetchone()[0]
    return count


def test_sigterm_keeps_the_cache_writes_the_report_and_exits_143(tmp_path, registry_file,
                                                                  ) -> None:
    folder = tmp_path / "c"
    _corpus(folder, 30)
    report = tmp_path / "report.json"
    proc = _spawn(str(folder), "--models", str(registry_file), "--engine", "fake", "--from",
                  "it", "--batch-size", "2", "--report", str(report))
    db = folder / CACHE_DIR / DB_NAME
    assert wait_for_entries(db, 6) >= 6
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert "Traceback" not in err
    assert json.loads(report.read_text())["interrupted"] is True
    kept = _entries(db)
    assert 6 <= kept < 60
    result = CliRunner().invoke(app, [str(folder), "--models", str(registry_file), "--engine",
                                      "fake", "--from", "it"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert len(LOG.segments) == 60 - kept  # only the rest is translated
    assert len(list(folder.glob("*.en.txt"))) == 30


def test_job_file_stops_at_sigterm(tmp_path, registry_file) -> None:
    _corpus(tmp_path / "first", 30)
    _corpus(tmp_path / "second", 2)
    jobs = tmp_path / "jobs.toml"
    jobs.write_text("".join(f"""
[[job]]
name = "{name}"
inputs = ["{name}/"]
from = "it"
models = "{registry_file}"
engine = "fake"
batch_size = 2
report = "reports/{name}.json"
""" for name in ("first", "second")))
    proc = _spawn("run", str(jobs))
    assert wait_for_entries(tmp_path / "first" / CACHE_DIR / DB_NAME, 4) >= 4
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert json.loads((tmp_path / "reports" / "first.json").read_text())["interrupted"]
    assert "== job: second" not in err  # the second job never started
    assert not (tmp_path / "reports" / "second.json").exists()
    assert not list((tmp_path / "second").glob("*.en.txt"))
