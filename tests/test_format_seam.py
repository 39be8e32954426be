"""Runs read and write documents through the format interface (translate.formats)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from typer.testing import CliRunner

from translate.cli.app import app
from translate.formats.base import Parsed, Written, run_format
from translate.formats.text import FORMAT as TEXT


class Bracketed:
    """Plain text whose writer marks the document: proves the run used the format."""

    name = "bracketed"
    suffixes = (".txt",)

    def read(self, data: bytes, where: str, lang: str = "it",
             encoding: str | None = None) -> Parsed:
        return TEXT.read(data, where, lang, encoding)

    def write(self, parsed: Parsed, outputs: Sequence[str], target: str) -> Written:
        return Written(b"[[" + TEXT.write(parsed, outputs, target).data + b"]]")


def test_plain_text_is_a_format() -> None:
    assert run_format(Path("a.txt")) is TEXT
    parsed = TEXT.read(b"Prima frase. Seconda.\n", "a.txt", "it")
    assert parsed.segments == ("Prima frase.", "Seconda.")
    assert TEXT.write(parsed, list(parsed.segments), "en").data == b"Prima frase. Seconda.\n"


def test_a_run_reads_and_writes_through_the_format(tmp_path: Path, registry_file: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("translate.translation.pipeline.run_format", lambda path, settings=None: Bracketed())
    (tmp_path / "a.txt").write_text("Una frase.\n", "utf-8")
    result = CliRunner().invoke(app, [str(tmp_path), "--models", str(registry_file),
                                      "--engine", "fake", "--from", "it"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "a.en.txt").read_bytes() == b"[[<it-en>[Una frase.]\n]]"
    stdin = CliRunner().invoke(app, ["-", "--models", str(registry_file), "--engine", "fake",
                                     "--from", "it"], input=b"Altra frase.\n")
    assert stdin.stdout_bytes == b"[[<it-en>[Altra frase.]\n]]"
