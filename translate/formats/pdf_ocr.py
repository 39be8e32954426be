"""``--ocr``: a text layer for a scanned PDF, by ``ocrmypdf`` and Tesseract, before reading.

Optional and never required: without ``--ocr`` a PDF without a text layer is skipped
with the command to run. With it, ``ocrmypdf --skip-text`` (only the pages without
text are recognised) writes a copy in a private temporary folder, never next to the
user's file, and the copy's text layer is read. What is missing (the program, or the
language's Tesseract data) is named with the command that installs it.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import tempfile
from pathlib import Path

from translate.errors import InputError, UsageError

# ISO 639-1 -> Tesseract's language data (Debian: tesseract-ocr-<data>, "_" as "-").
TESSERACT = {"ar": "ara", "ca": "cat", "cs": "ces", "da": "dan", "de": "deu", "el": "ell",
             "en": "eng", "es": "spa", "fi": "fin", "fr": "fra", "hu": "hun", "it": "ita",
             "ja": "jpn", "ko": "kor", "nl": "nld", "no": "nor", "pl": "pol", "pt": "por",
             "ro": "ron", "ru": "rus", "sv": "swe", "tr": "tur", "uk": "ukr",
             "zh": "chi_sim"}
PROGRAM = "ocrmypdf"  # looked up on PATH
TIMEOUT_S = 60  # ocrmypdf's start, plus PAGE_S a page
PAGE_S = 30
_INSTALL = ("Debian/Ubuntu: apt-get install ocrmypdf {package}; macOS: brew install "
            "ocrmypdf tesseract-lang; then run again with --ocr")


@functools.cache
def installed_languages() -> frozenset[str]:
    """Tesseract's installed language data (``tesseract --list-langs``); empty: none."""
    program = shutil.which("tesseract")
    if program is None:
        return frozenset()
    try:
        run = subprocess.run([program, "--list-langs"], capture_output=True, text=True,
                             timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    lines = (run.stdout + run.stderr).splitlines()
    return frozenset(line.strip() for line in lines[1:] if line.strip()) - {"osd"}


def languages_for(lang: str) -> str:
    """Tesseract's ``-l`` for ``lang`` (``""``: not known yet, every installed language).

    Raises:
        UsageError: ocrmypdf or the language's data is not installed.
    """
    data = TESSERACT.get(lang, lang)
    package = f"tesseract-ocr-{data.replace('_', '-')}" if lang else "tesseract-ocr-eng"
    if shutil.which(PROGRAM) is None:
        raise UsageError("--ocr needs ocrmypdf, which is not installed",
                         _INSTALL.format(package=package))
    installed = installed_languages()
    if not lang and installed:
        return "+".join(sorted(installed))
    if data not in installed:
        raise UsageError(f"--ocr needs Tesseract's data for '{lang or 'the text'}' "
                         f"({data}), which is not installed",
                         _INSTALL.format(package=package) + " (or give --from)")
    return data


def recognise(data: bytes, where: str, lang: str, pages: int) -> bytes:
    """The PDF with a text layer on each page that had none (``ocrmypdf --skip-text``).

    Raises:
        UsageError: ocrmypdf or the language's data is missing.
        InputError: ocrmypdf failed on this file or ran past its time.
    """
    languages = languages_for(lang)
    with tempfile.TemporaryDirectory(prefix="translate-ocr-") as folder:
        source, target = Path(folder) / "in.pdf", Path(folder) / "out.pdf"
        source.write_bytes(data)
        command = [PROGRAM, "--skip-text", "--output-type", "pdf", "--optimize", "0",
                   "--jobs", "1", "--quiet", "-l", languages, str(source), str(target)]
        try:
            run = subprocess.run(command, capture_output=True, text=True, check=False,
                                 timeout=TIMEOUT_S + PAGE_S * max(pages, 1))
        except subprocess.TimeoutExpired as exc:
            raise InputError(f"{where}: OCR ran past {exc.timeout:.0f} s; not read",
                             "run ocrmypdf on it yourself, then translate its output") from exc
        except OSError as exc:
            raise UsageError(f"--ocr cannot run ocrmypdf: {exc.strerror or exc}") from exc
        if run.returncode != 0 or not target.is_file():
            last = (run.stderr.strip().splitlines() or [f"exit code {run.returncode}"])[-1]
            raise InputError(f"{where}: OCR failed ({last})",
                             "run ocrmypdf on it yourself to see why")
        return target.read_bytes()
