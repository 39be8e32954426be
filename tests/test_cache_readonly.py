"""Issue 21: a read-only cache file is read from, never written, and never blamed."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.fakes import LOG
from translate.cache.store import CACHE_DIR, DB_NAME
from translate.cli.app import app


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """``path`` cannot be written, by this user or by root (immutable)."""
    path.chmod(0o444)
    immutable = os.geteuid() == 0
    if immutable and (shutil.which("chattr") is None or subprocess.run(
            ["chattr", "+i", str(path)], check=False).returncode != 0):
        path.chmod(0o644)
        pytest.skip("root and no chattr here: a file cannot be made read-only")
    try:
        yield
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(path)], check=True)
        path.chmod(0o644)


def test_a_read_only_cache_is_read_and_the_run_goes_on(tmp_path, registry_file) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    for i in range(3):
        (folder / f"f{i}.txt").write_text(f"Documento numero {i}.\n", "utf-8")
    args = [str(folder), "--models", str(registry_file), "--engine", "fake", "--from", "it"]
    assert run(*args).exit_code == 0
    (folder / "f0.en.txt").unlink()  # made again: from the cache
    (folder / "f3.txt").write_text("Un documento nuovo.\n", "utf-8")  # to the model
    db = folder / CACHE_DIR / DB_NAME
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    LOG.reset()
    report = tmp_path / "r.json"
    with read_only(db):
        result = run(*args, "--report", str(report))
    assert result.exit_code == 0, result.output
    assert "read-only" in result.output and "cache clear" not in result.output
    data = json.loads(report.read_text("utf-8"))
    statuses = {Path(f["path"]).name: f["status"] for f in data["files"]}
    assert statuses == {"f0.txt": "translated", "f1.txt": "up-to-date",
                        "f2.txt": "up-to-date", "f3.txt": "translated"}
    assert any("read-only" in w for w in data["warnings"])
    assert LOG.segments == ["Un documento nuovo."]  # f0 came from the cache
    assert (folder / "f0.en.txt").read_text("utf-8") == "<it-en>[Documento numero 0.]\n"
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
