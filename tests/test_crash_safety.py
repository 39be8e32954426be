"""A crash at any instant of the write phase, and temporary files that are provably ours.

The kill is real (``kill -9`` of the console script in a subprocess); a test hook only
slows the write phase down (``TRANSLATE_TEST_WRITE_DELAY_S``) so that random instants
land inside it.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from translate.cache.outputs import (
    RECORD_DIR,
    read_record,
    record_path,
    write_output,
    write_record,
)
from translate.cli.app import app
from translate.files.reading import sha256

ROOT = Path(__file__).resolve().parent.parent
TEXTS = {f"doc{i}.txt": f"Documento numero {i}. Una frase {i * 7}.\n\nAltro paragrafo {i}.\n"
         for i in range(5)}


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def _args(folder: Path, registry: Path) -> list[str]:
    return [str(folder), "--models", str(registry), "--engine", "fake", "--from", "it",
            "--summarize", "--method", "lead"]


def _fill(folder: Path) -> Path:
    folder.mkdir()
    for name, text in TEXTS.items():
        (folder / name).write_text(text, "utf-8")
    return folder


def _visible(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()
            and not p.name.startswith(".")}


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in [*folder.glob(".*.tmp"), *(folder / RECORD_DIR).glob(".*")])


def test_kill_9_anywhere_in_the_write_phase_resumes_to_a_clean_run(tmp_path, registry_file,
                                                                   ) -> None:
    clean = _fill(tmp_path / "clean")
    assert run(*_args(clean, registry_file)).exit_code == 0
    expected = _visible(clean)
    assert len(expected) == 3 * len(TEXTS)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TRANSLATE_TEST_WRITE_DELAY_S": "0.03"}
    rng = random.Random(21)
    states = set()
    for trial in range(20):
        folder = _fill(tmp_path / f"trial{trial}")
        proc = subprocess.Popen([sys.executable, "-m", "tests.fakes",
                                 *_args(folder, registry_file)], env=env, cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 120
        while not (folder / RECORD_DIR).exists() and proc.poll() is None:
            assert time.time() < deadline
            time.sleep(0.005)
        # 10 outputs x 5 pauses of 0.03 s: the write phase lasts about 1.5 s
        time.sleep(rng.uniform(0.0, 1.6))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        states.add(len(list(folder.glob("*.en.*"))))
        resumed = run(*_args(folder, registry_file))
        assert resumed.exit_code == 0, (trial, resumed.output)
        assert _visible(folder) == expected, trial
        assert _leftovers(folder) == [], trial
        for name in expected:
            if ".en." in name:
                assert read_record(folder / name) is not None
        shutil.rmtree(folder)
    assert len(states) > 2  # the kills landed at different points of the write phase


def test_an_output_never_stands_without_its_record(tmp_path, registry_file) -> None:
    folder = _fill(tmp_path / "docs")
    (folder / RECORD_DIR).write_text("in the way\n")  # the record folder cannot be made
    result = run(*_args(folder, registry_file)[:-3])
    assert result.exit_code == 1
    assert "cannot write" in result.output
    assert not list(folder.glob("*.en.txt"))  # nothing written that the tool could not own
    (folder / RECORD_DIR).unlink()
    assert run(*_args(folder, registry_file)[:-3]).exit_code == 0
    assert len(list(folder.glob("*.en.txt"))) == len(TEXTS)


LOOK_ALIKES = [".my_thesis.translate-backup01.tmp", ".doc0.en.txt.translate-abcd1234.tmp",
               ".doc0.en.txt.translate-0123456789abcdef.tmp", ".doc1.txt.translate-zzzzzzzz.tmp",
               ".doc9.en.txt.translate-fedcba9876543210.tmp"]


def test_look_alike_temporary_files_of_a_user_are_never_removed(tmp_path,
                                                                registry_file) -> None:
    folder = _fill(tmp_path / "docs")
    assert run(*_args(folder, registry_file)).exit_code == 0
    old = time.time() - 3 * 3600
    records = folder / RECORD_DIR
    users = [folder / name for name in LOOK_ALIKES]
    users.append(records / ("." + record_path(folder / "doc0.en.txt").name
                            + ".translate-abcdefgh.tmp"))
    users.append(records / ".notes.translate-abcdefgh.tmp")
    for path in users:
        path.write_text(f"precious {path.name}\n", "utf-8")
        os.utime(path, (old, old))
    for extra in ((), ("--force",)):
        result = run(*_args(folder, registry_file), *extra)
        assert result.exit_code == 0, result.output
    for path in users:
        assert path.read_text("utf-8") == f"precious {path.name}\n"
    assert "temporary files" not in result.output


def test_a_pending_write_is_made_again_and_its_temporary_file_removed(tmp_path,
                                                                       registry_file) -> None:
    folder = _fill(tmp_path / "docs")
    args = _args(folder, registry_file)[:-3]
    assert run(*args).exit_code == 0
    out = folder / "doc0.en.txt"
    good = out.read_bytes()
    record = read_record(out)
    assert record is not None
    # a write stopped after its record and half its temporary file, before the rename
    tmp = folder / ".doc0.en.txt.translate-00112233aabbccdd.tmp"
    tmp.write_bytes(good[:3])
    write_record(out, {**record, "output_sha256": sha256(b"other"), "pending": tmp.name,
                       "replaces": sha256(good)})
    result = run(*args)
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == good and not tmp.exists()
    assert "conflict" not in result.output and "temporary files" in result.output


@pytest.mark.parametrize("with_record", [True, False])
def test_write_output_leaves_old_file_when_the_record_cannot_be_written(tmp_path,
                                                                       with_record) -> None:
    out = tmp_path / "x.en.txt"
    if with_record:
        write_output(out, b"old\n", {"kind": "translation"})
    records = tmp_path / RECORD_DIR
    if records.exists():
        shutil.rmtree(records)
    records.write_text("in the way\n")
    with pytest.raises(OSError):
        write_output(out, b"new\n", {"kind": "translation"})
    assert (out.read_bytes() == b"old\n") if with_record else not out.exists()
    assert not list(tmp_path.glob(".*.tmp"))
