"""System programs some tests need (apertium, chromium): fail under CI, else skip."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest


def require_program(name: str, packages: str) -> str:
    """The path of program ``name``; a missing one fails under ``CI=true``, else skips."""
    path = shutil.which(name)
    if path:
        return path
    message = f"{name} is not installed (Debian: apt-get install {packages})"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


def apertium_it_en(sentences: list[str]) -> list[str]:
    """Real English for Italian sentences from Apertium (Italian -> Catalan -> English).

    Apertium has no direct Italian-English pair; going through Catalan gives rough but
    genuine machine translation, the kind of output the quality checks must accept.
    """
    require_program("apertium", "apertium apertium-cat-ita apertium-eng-cat")
    # A blank line keeps sentences apart through both steps; -u drops unknown-word marks.
    run = subprocess.run("apertium -u ita-cat | apertium -u cat-eng", shell=True, check=True,
                         input="\n\n".join(sentences) + "\n", capture_output=True, text=True,
                         timeout=120)
    outputs = [part.strip() for part in run.stdout.strip().split("\n\n")]
    assert len(outputs) == len(sentences), "apertium merged or split sentences"
    return outputs
