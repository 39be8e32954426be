from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import SEED_DIR
from tests.fakes import LOG
from tests.report_schema import validate_report
from translate.cli.app import app

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, input: bytes | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args), input=input, catch_exceptions=False)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    for seed in SEED_DIR.glob("*.txt"):
        shutil.copy(seed, docs / seed.name)
    (docs / "sub").mkdir()
    (docs / "sub" / "nota.md").write_text("# Titolo\n\n- Primo punto. Secondo.\n", "utf-8")
    return docs


def test_folder_outputs_next_to_inputs_with_same_layout(folder, registry_file) -> None:
    sources = [*folder.glob("*.txt"), folder / "sub" / "nota.md"]
    result = run(str(folder), "--to", "en", "--models", str(registry_file), "--engine", "fake")
    assert result.exit_code == 0, result.output
    for source in sources:
        out = source.with_name(source.stem + ".en" + source.suffix)
        assert out.is_file()
        src_lines = source.read_text("utf-8").splitlines()
        out_lines = out.read_text("utf-8").splitlines()
        assert len(src_lines) == len(out_lines)
        assert [bool(s.strip()) for s in src_lines] == [bool(o.strip()) for o in out_lines]
    nota = (folder / "sub" / "nota.en.md").read_text("utf-8")
    # Markdown is read as Markdown: the fake's "<it-en>" would be inline HTML in a
    # Markdown file, so the format escapes it (it shows as typed); markers are kept
    assert nota == "# &lt;it-en>[Titolo]\n\n- &lt;it-en>[Primo punto.] &lt;it-en>[Secondo.]\n"
    assert "2 translated" in result.output


def test_second_run_does_not_take_outputs_as_inputs(folder, registry_file) -> None:
    args = [str(folder), "--models", str(registry_file), "--engine", "fake"]
    assert run(*args).exit_code == 0
    before = sorted(p.name for p in folder.rglob("*") if p.is_file())
    LOG.reset()
    second = run(*args)
    assert second.exit_code == 0
    assert sorted(p.name for p in folder.rglob("*") if p.is_file()) == before
    assert not list(folder.rglob("*.en.en.*"))
    assert "2 up to date" in second.output and LOG.loads == 0


def test_stdin_to_stdout(registry_file) -> None:
    result = run("-", "--models", str(registry_file), "--engine", "fake", "--from", "it",
                 input=b"Prima frase. Seconda.\r\n\r\n- Punto.\r\n")
    assert result.exit_code == 0
    assert result.stdout_bytes == b"<it-en>[Prima frase.] <it-en>[Seconda.]\r\n\r\n- <it-en>[Punto.]\r\n"


def test_bad_inputs_do_not_stop_the_others(folder, registry_file, tmp_path) -> None:
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00")
    (folder / "vuoto.txt").write_text("  \n\n")
    (folder / "latin.txt").write_bytes("Perché è così.".encode("cp1252"))
    report = tmp_path / "report.json"
    result = run(str(folder), str(tmp_path / "missing.txt"), "--models", str(registry_file),
                 "--engine", "fake", "--from", "it", "--report", str(report))
    assert result.exit_code == 1
    assert "image.txt: looks like a binary file" in result.output
    assert "missing.txt: no such file or folder" in result.output
    assert "vuoto.txt: empty or whitespace-only" in result.output
    assert (folder / "latin.en.txt").read_text("utf-8") == "<it-en>[Perché è così.]"
    data = validate_report(json.loads(report.read_text()))
    statuses = {Path(f["path"]).name: f["status"] for f in data["files"]}
    assert statuses["image.txt"] == "failed" and statuses["vuoto.txt"] == "skipped"
    assert statuses["latin.txt"] == "translated"
    assert not (folder / "image.en.txt").exists() and not (folder / "vuoto.en.txt").exists()


def test_usage_errors_exit_2(folder, registry_file, tmp_path) -> None:
    assert run(str(folder), "--no-such-flag").exit_code == 2
    bad = tmp_path / "bad.toml"
    bad.write_text("[pairs.it-en]\nmodel = 'x/y'\nnum_beam = 3\n")
    result = run(str(folder), "--models", str(bad))
    assert result.exit_code == 2
    assert "unknown key 'num_beam'" in result.output and str(bad) in result.output
    assert run(str(folder), "--models", str(registry_file), "--engine", "nope").exit_code == 2


def test_no_route_from_the_named_language_is_a_usage_error(folder, registry_file) -> None:
    result = run(str(folder), "--models", str(registry_file), "--engine", "fake",
                 "--from", "sv")
    assert result.exit_code == 2  # before any work: nothing could be translated
    assert "no route from 'sv' to 'en'" in result.output
    assert not list(folder.rglob("*.en.*"))


def test_a_document_without_route_fails_alone(folder, registry_file) -> None:
    (folder / "svensk.txt").write_text(
        "Regeringen har godkänt den nya budgeten efter en lång debatt i riksdagen. "
        "Ministern sade att landets ekonomi växer snabbare än väntat i år.\n", "utf-8")
    result = run(str(folder), "--models", str(registry_file), "--engine", "fake")
    assert result.exit_code == 1
    assert "svensk.txt" in result.output and "no route from 'sv' to 'en'" in result.output
    assert len(list(folder.rglob("*.en.*"))) == 2  # the Italian documents were done


def test_unknown_target_is_a_usage_error_listing_targets(folder, registry_file) -> None:
    result = run(str(folder), "--models", str(registry_file), "--engine", "fake", "--to", "xx")
    assert result.exit_code == 2
    assert "no model translates into 'xx'" in result.output and "en, it" in result.output
    assert not list(folder.rglob("*.xx.*"))


def test_missing_model_fails_fast_with_a_fix(folder, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf" / "hub"))
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    import huggingface_hub.constants as constants

    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "hf" / "hub"))
    monkeypatch.setattr(constants, "ENDPOINT", "http://127.0.0.1:9")
    started = time.monotonic()
    result = run(str(folder), "--from", "it")
    assert time.monotonic() - started < 20
    assert result.exit_code == 2  # a missing model is a configuration error
    assert result.output.count("error: model 'Helsinki-NLP/opus-mt-it-en'") == 1  # once, fatal
    assert "Helsinki-NLP/opus-mt-it-en" in result.output
    assert str(tmp_path / "hf" / "hub") in result.output
    assert "--model PATH" in result.output and "HF_HUB_OFFLINE=1" in result.output
    assert not list(folder.rglob("*.en.*"))
    offline = run(str(folder), "--from", "it", "--offline")
    assert offline.exit_code == 2 and "offline mode is on" in offline.output


def test_model_path_that_does_not_exist(folder) -> None:
    result = run(str(folder), "--from", "it", "--model", "./no/such/model")
    assert result.exit_code == 2 and "does not exist" in result.output


@pytest.mark.slow
def test_real_subprocess_with_tiny_model(folder, registry_file) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "translate", str(folder), "--to", "en", "--models",
         str(registry_file), "--engine", "transformers", "--from", "it"],
        capture_output=True, text=True, env=env, timeout=240)
    assert proc.returncode == 0, proc.stderr
    assert "0 tokens truncated" in proc.stderr
    outputs = sorted(folder.rglob("*.en.*"))
    assert len(outputs) == 2 and all(p.read_text("utf-8").strip() for p in outputs)


def test_help_does_not_import_torch() -> None:
    code = ("import runpy, sys\nsys.argv = ['translate', '--help']\n"
            "try:\n    runpy.run_module('translate', run_name='__main__')\n"
            "except SystemExit:\n    pass\n"
            "heavy = [m for m in ('torch', 'transformers') if m in sys.modules]\n"
            "print('HEAVY', heavy)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60)
    assert "Usage" in proc.stdout
    assert "HEAVY []" in proc.stdout


def test_summarize_console_script_is_the_summarize_command() -> None:
    code = ("import sys\nsys.argv = ['summarize', '--help']\n"
            "from translate.cli.app import summarize_main\n"
            "try:\n    summarize_main()\nexcept SystemExit:\n    pass\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60)
    assert "X.en.summary.txt" in proc.stdout and "--max-words" in proc.stdout


def test_a_file_named_twice_is_translated_once(folder, registry_file) -> None:
    seed = next(folder.glob("*.txt"))
    result = run(str(folder), str(seed), f"{folder}/./{seed.name}", "--models",
                 str(registry_file), "--engine", "fake", "--from", "it")
    assert result.exit_code == 0
    assert "2 files: 2 translated" in result.output


def test_failed_download_is_a_clear_error(folder, tmp_path, monkeypatch) -> None:
    from translate.models import hub as models

    def refuse(spec):  # type: ignore[no-untyped-def]
        raise OSError("404 Repository Not Found")

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)  # CI exports it: a download is tried
    monkeypatch.setattr(models, "find_cached_snapshot", lambda repo, rev: None)
    monkeypatch.setattr(models, "download_model", refuse)
    result = run(str(folder), "--from", "it")
    assert result.exit_code == 2  # a model that cannot be had is a configuration error
    assert "the download failed (OSError: 404 Repository Not Found)" in result.output
    assert "Traceback" not in result.output
