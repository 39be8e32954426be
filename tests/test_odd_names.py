"""Issue 21: file names that are not UTF-8 or hold control characters never stop a run."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from translate.cache.outputs import read_record
from translate.cache.store import CACHE_DIR, DB_NAME

ROOT = Path(__file__).resolve().parent.parent
BAD = os.fsdecode(b"bad\xffname.txt")  # bad\udcffname.txt
FAKE_LINES = "fake\n3 files: 3 translated, 0 failed\nx.txt"


def _cli(folder: Path, registry: Path, *extra: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "tests.fakes", str(folder), "--models",
                           str(registry), "--engine", "fake", "--from", "it", *extra],
                          env=env, cwd=ROOT, capture_output=True, timeout=300, check=False)


def test_a_name_that_is_not_utf8_is_translated_stored_and_shown(tmp_path,
                                                               registry_file) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / BAD).write_text("Una frase strana.\n", "utf-8")
    (folder / "new\nline.txt").write_text("Una riga nuova.\n", "utf-8")
    for i in range(3):
        (folder / f"ok{i}.txt").write_text(f"Documento {i}.\n", "utf-8")
    (folder / os.fsdecode(b"bin\xffary.txt")).write_bytes(b"\x00\x01\x02binary")
    (folder / (FAKE_LINES + ".txt")).write_bytes(b"\x00\x01\x02binary")
    report = tmp_path / "r.json"
    done = _cli(folder, registry_file, "--report", str(report), "--review", "--summarize",
                "--method", "lead")
    assert done.returncode == 1, done.stderr  # the two binary files fail, nothing else
    err = done.stderr.decode("utf-8")
    assert "Traceback" not in err and "internal error" not in err
    assert "3 files: 3 translated" not in err.splitlines()  # no faked line
    assert r"'" + str(folder / "bin") + r"\xffary.txt'" in err
    assert r"fake\n3 files" in err
    for name in (BAD, "new\nline.txt", *(f"ok{i}.txt" for i in range(3))):
        out = folder / name.replace(".txt", ".en.txt")
        assert out.read_text("utf-8").startswith("<it-en>"), name
        assert read_record(out) is not None
        assert (folder / name.replace(".txt", ".en.summary.txt")).is_file()
        assert (folder / (name + ".review.html")).is_file()
    data = json.loads(report.read_text("utf-8"))
    files = {Path(f["path"]).name: f for f in data["translation"]["files"]}
    assert files[BAD]["status"] == "translated"  # \udcff in JSON: the name, losslessly
    assert os.fsencode(files[BAD]["path"]).endswith(b"bad\xffname.txt")
    db = sqlite3.connect(folder / CACHE_DIR / DB_NAME)
    assert db.execute("SELECT count(*) FROM segments").fetchone()[0] >= 5
    again = _cli(folder, registry_file, "--summarize", "--method", "lead")
    assert again.returncode == 1 and b"0 translated, 5 up to date" in again.stderr
