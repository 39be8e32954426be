"""No traceback reaches a user: broken model folders and internal errors are one message."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from translate.errors import ModelUnavailableError

ROOT = Path(__file__).resolve().parent.parent
ENGINES = ["transformers", "ctranslate2"]


class _Payload:
    """Unpickling this creates ``marker``: proof that the pickle ran."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (open, (str(self.marker), "w"))


def _translate(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    (folder.parent / "a.txt").write_text("Il governo ha approvato la legge.\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "translate", str(folder.parent / "a.txt"), "--from", "it",
         "--model", str(folder), "--quiet", *args],
        env=env, capture_output=True, text=True, cwd=ROOT, timeout=300)


def _assert_one_message(done: subprocess.CompletedProcess[str], folder: Path) -> str:
    out = done.stdout + done.stderr
    assert done.returncode == 2, out  # a broken model is a configuration error
    assert "Traceback" not in out
    lines = done.stderr.splitlines()
    assert len(lines) == 2 and lines[0].startswith("error: ") and lines[1].startswith(
        "  hint: "), out
    assert str(folder) in lines[0]
    return lines[0]


@pytest.fixture
def model_copy(tmp_path: Path, tiny_marian: Path) -> Path:
    return Path(shutil.copytree(tiny_marian, tmp_path / "models" / "copy"))


@pytest.mark.parametrize("engine", ENGINES)
def test_config_only_folder_is_one_message(model_copy: Path, engine: str) -> None:
    for item in model_copy.iterdir():
        if item.name != "config.json":
            item.unlink()
    line = _assert_one_message(_translate(model_copy, "--engine", engine), model_copy)
    assert "no model weights" in line


@pytest.mark.parametrize("args", [["--engine", "transformers"], ["--engine", "ctranslate2"],
                                  ["--dry-run"]])
def test_folder_without_weights_is_one_message(model_copy: Path, args: list[str]) -> None:
    (model_copy / "model.safetensors").unlink()
    line = _assert_one_message(_translate(model_copy, *args), model_copy)
    assert "no model weights" in line and "model.safetensors" in line


@pytest.mark.parametrize("args", [["--engine", "ctranslate2"], ["--dry-run"]])
def test_folder_without_tokenizer_is_one_message(model_copy: Path, args: list[str]) -> None:
    for name in ("source.spm", "target.spm", "vocab.json", "tokenizer_config.json"):
        (model_copy / name).unlink()
    line = _assert_one_message(_translate(model_copy, *args), model_copy)
    assert "no tokenizer files" in line


def test_the_payload_would_run_if_unpickled(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    pickle.loads(pickle.dumps({"weight": _Payload(marker)}, protocol=2))
    assert marker.exists()  # so its absence below means the loader refused it


@pytest.mark.parametrize("engine", ENGINES)
def test_malicious_pickle_is_refused_and_never_run(model_copy: Path, engine: str) -> None:
    marker = model_copy.parent / "payload-ran"
    (model_copy / "model.safetensors").unlink()
    with (model_copy / "pytorch_model.bin").open("wb") as handle:
        pickle.dump({"model.shared.weight": _Payload(marker)}, handle, protocol=2)
    line = _assert_one_message(_translate(model_copy, "--engine", engine), model_copy)
    assert "refused to load pytorch_model.bin" in line
    assert not marker.exists()


def test_codec_without_tokenizer_files_raises_model_unavailable(model_copy: Path) -> None:
    from translate.models.engines.codecs import load_codec

    for name in ("source.spm", "target.spm", "vocab.json", "tokenizer_config.json"):
        (model_copy / name).unlink()
    with pytest.raises(ModelUnavailableError, match="no tokenizer files"):
        load_codec(model_copy)


# A script that runs the real CLI with an engine whose generate() fails unexpectedly,
# quoting the sentence it was given (as a tokenizer error might).
FAULTY_CLI = """
import sys
from tests import fakes
from translate.models.engines import ENGINES, EngineInfo

class Faulty(fakes.FakeEngine):
    def generate(self, texts):
        raise ValueError("secret document text: " + texts[0])

ENGINES["faulty"] = EngineInfo("faulty", lambda r, s, d, c: Faulty(s, "fake"),
                               lambda d: "exact", ("exact",), lambda: True)
from translate.cli.app import main
sys.argv = ["translate", *sys.argv[1:]]
main()
"""


def _faulty_run(tmp_path: Path, registry: Path, *args: str,
                env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    (tmp_path / "doc.txt").write_text("Il contratto segreto vale dieci milioni.\n")
    return subprocess.run(
        [sys.executable, "-c", FAULTY_CLI, str(tmp_path / "doc.txt"), "--models", str(registry),
         "--engine", "faulty", "--from", "it", "--quiet", *args],
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}, capture_output=True,
        text=True, cwd=ROOT, timeout=120)


def test_internal_error_is_one_line_without_document_text(tmp_path, registry_file) -> None:
    done = _faulty_run(tmp_path, registry_file)
    out = done.stdout + done.stderr
    assert done.returncode == 70, out
    assert "Traceback" not in out and "secret" not in out and "segreto" not in out
    lines = done.stderr.splitlines()
    assert len(lines) == 2, out
    assert lines[0].startswith("error: internal error: ValueError in ")
    assert "--debug" in lines[1] and "TRANSLATE_DEBUG=1" in lines[1]


def test_a_run_stopped_by_a_bug_still_writes_its_report(tmp_path, registry_file) -> None:
    report = tmp_path / "report.json"
    done = _faulty_run(tmp_path, registry_file, "--report", str(report))
    assert done.returncode == 70, done.stderr
    data = json.loads(report.read_text("utf-8"))
    assert [f["status"] for f in data["files"]] == ["failed"]
    assert data["files"][0]["reason"].startswith("not translated: the run stopped (internal "
                                                 "error: ValueError in ")
    assert "secret" not in report.read_text("utf-8")


@pytest.mark.parametrize("how", ["flag", "env"])
def test_debug_shows_the_traceback(tmp_path, registry_file, how: str) -> None:
    done = (_faulty_run(tmp_path, registry_file, "--debug") if how == "flag"
            else _faulty_run(tmp_path, registry_file, env={"TRANSLATE_DEBUG": "1"}))
    assert done.returncode == 70, done.stderr
    assert "Traceback" in done.stderr
    assert "ValueError: secret document text: Il contratto segreto" in done.stderr
    assert done.stderr.rstrip().splitlines()[-1].startswith("error: internal error: ValueError")


def test_no_typer_app_prints_pretty_tracebacks() -> None:
    from translate.cli.admin import cache_app, models_app
    from translate.cli.app import app

    for typer_app in (app, cache_app, models_app):
        assert typer_app.pretty_exceptions_enable is False
        assert typer_app.pretty_exceptions_show_locals is False


def test_internal_error_keeps_text_free_messages() -> None:
    from translate.cli.errors import describe_internal_error

    try:
        raise PermissionError(13, "Permission denied", "/data/out.en.txt")
    except PermissionError as exc:
        line = describe_internal_error(exc)
    assert line.startswith("internal error: PermissionError in test_errors.py:")
    assert "Permission denied: '/data/out.en.txt'" in line
