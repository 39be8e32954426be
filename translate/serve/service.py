"""What the endpoints do, without HTTP: texts and files through the model worker.

A text is read with the format the request names (``text`` or ``html``), exactly as a
file of that format is read by a run (languages detected per paragraph with ``auto``,
sentences split, markup kept as placeholders), its segments are translated by the
model worker with every other request's, and the format writes the result.
"""

from __future__ import annotations

import re
import secrets
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from translate.errors import InputError, UsageError
from translate.files.names import OUTPUT_SUFFIXES
from translate.formats.base import Format, formats, run_format
from translate.models.apertium_routes import installed_modes
from translate.models.engines import APERTIUM
from translate.models.hub import cached_convention_models
from translate.serve.batcher import ModelWorker
from translate.text.detect import DEFAULT_LANGUAGES, detect, document_language, probability
from translate.translation.planning import unavailable
from translate.translation.reading import decode_input, is_blank, read_parsed

NAMES = {
    "ar": "Arabic", "ca": "Catalan", "cs": "Czech", "da": "Danish", "de": "German",
    "el": "Greek", "en": "English", "eo": "Esperanto", "es": "Spanish", "eu": "Basque",
    "fi": "Finnish", "fr": "French", "gl": "Galician", "hu": "Hungarian", "it": "Italian",
    "ja": "Japanese", "ko": "Korean", "nl": "Dutch", "oc": "Occitan", "pl": "Polish",
    "pt": "Portuguese", "ro": "Romanian", "ru": "Russian", "sv": "Swedish", "tr": "Turkish",
    "uk": "Ukrainian", "zh": "Chinese",
}
_FRAGMENT_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.DOTALL | re.IGNORECASE)
_WHOLE_DOCUMENT = re.compile(r"<(html|body)[\s>]", re.IGNORECASE)
_DOWNLOAD_NAME = re.compile(r"^[0-9a-f]{32}(\.[a-z0-9]{1,8})?$")


@dataclass(frozen=True)
class Language:
    """A source language this server can translate, and into what."""

    code: str
    name: str
    targets: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        """LibreTranslate's shape."""
        return {"code": self.code, "name": self.name, "targets": list(self.targets)}


@dataclass(frozen=True)
class Translated:
    """A text's translation and, with ``auto``, the language found."""

    text: str
    detected: dict[str, Any] | None = None


def language_name(code: str) -> str:
    """The English name of ``code`` (the code itself when not known)."""
    return NAMES.get(code, code)


def candidate_codes(worker: ModelWorker) -> set[str]:
    """Every language a route could start or end at on this machine."""
    options = worker.session.options
    router = worker.session.router(options)
    sources, targets = router.registry.languages()
    codes = set(sources) | set(targets)
    if options.engine == APERTIUM:
        codes |= {c for pair in installed_modes() for c in pair}
    for name in cached_convention_models():
        codes |= set(name.rsplit("opus-mt-", 1)[-1].split("-")[:2])
    return {c for c in codes if c.isalpha() and len(c) in (2, 3)}


def servable_languages(worker: ModelWorker) -> list[Language]:
    """The routes this machine can really serve (model thread: it resolves models)."""
    codes = sorted(candidate_codes(worker))
    router = worker.session.router(worker.session.options)
    out = []
    for source in codes:
        targets = []
        for target in codes:
            if target == source:
                continue
            try:
                route = router.route(source, target)
                if all(unavailable(t) is None for t in route):
                    targets.append(target)
            except Exception:  # no route, a broken model folder: not servable
                continue
        if targets:
            out.append(Language(source, language_name(source), tuple(targets)))
    return out


def detect_text(text: str) -> list[dict[str, Any]]:
    """LibreTranslate's ``/detect`` answer: the language found, confidence in percent."""
    found = document_language(text) if len(text) > 200 else detect(text, DEFAULT_LANGUAGES)
    return [{"confidence": round(found.confidence * 100, 1), "language": found.language}]


@dataclass
class Prepared:
    """A text or file read with its format, its segments waiting for the model."""

    fmt: Format
    parsed: Any
    languages: list[str]
    document_language: str
    confidence: float
    blank: bool = False


def prepare(data: bytes, name: str, source: str, encoding: str | None = "utf-8") -> Prepared:
    """Read ``data`` as a file called ``name`` would be read by a run.

    Raises:
        InputError: unreadable, or ``auto`` and its language is unclear.
        UsageError: the format's optional dependency is missing.
    """
    fmt = run_format(Path(name))
    doc = decode_input(fmt, data, name, encoding)
    if is_blank(doc):
        return Prepared(fmt, None, [], source, 0.0, blank=True)
    parsed, languages = read_parsed(fmt, data, name, doc, source, encoding)
    langs = [languages.paragraphs.get(p, languages.document) for p in parsed.paragraphs]
    confidence = 1.0
    if source == "auto":
        text = doc.text if doc.text else " ".join(parsed.segments)
        confidence = probability(text, languages.document) if text.strip() else 0.0
    return Prepared(fmt, parsed, langs, languages.document, confidence)


def finish(prepared: Prepared, outputs: list[str], target: str) -> bytes:
    """The format's bytes of ``prepared`` translated into ``outputs``."""
    data: bytes = prepared.fmt.write(prepared.parsed, outputs, target).data
    return data


def html_fragment(query: str, written: str) -> str:
    """An HTML fragment's translation as a fragment (the format writes a whole page)."""
    if _WHOLE_DOCUMENT.search(query):
        return written
    found = _FRAGMENT_BODY.search(written)
    return found.group(1) if found else written


def supported_suffixes() -> list[str]:
    """The file suffixes ``/translate_file`` takes: every format of the CLI."""
    return sorted(formats())


def upload_suffix(filename: str) -> str:
    """The suffix of an uploaded file's name: the only part of the name ever used.

    Raises:
        InputError: no suffix, or one no format reads.
    """
    suffix = Path(filename.replace("\\", "/")).suffix.lower()
    if suffix not in formats():
        raise InputError("Invalid request: file format not supported "
                         f"({suffix or 'no suffix'}; supported: {' '.join(supported_suffixes())})")
    return suffix


def download_name(filename: str, target: str, suffix: str) -> str:
    """A safe name to offer a translated file under (``report.it.docx`` -> ``report.en.docx``).

    The output's suffix is the CLI's (``X.pdf`` -> ``X.en.md``: a PDF's text is Markdown).
    """
    stem = Path(filename.replace("\\", "/")).name[: -len(suffix) or None]
    stem = re.sub(r"[^\w.\- ]+", "_", stem).strip(" .") or "translated"
    return f"{stem[:100]}.{target}{OUTPUT_SUFFIXES.get(suffix.lower(), suffix)}"


class Downloads:
    """Translated files waiting to be downloaded, in a private temporary folder.

    Each is named by a random token (never by anything the client sent) and removed
    after ``ttl_s``; the folder is removed when the server stops.
    """

    def __init__(self, ttl_s: float) -> None:
        self.ttl_s = ttl_s
        self.folder = Path(tempfile.mkdtemp(prefix="translate-serve-"))
        self._names: dict[str, tuple[str, float]] = {}

    def add(self, data: bytes, suffix: str, name: str) -> str:
        """Keep ``data``; return its download token (its file's name)."""
        self.expire()
        token = secrets.token_hex(16) + suffix
        (self.folder / token).write_bytes(data)
        self._names[token] = (name, time.monotonic())
        return token

    def find(self, token: str) -> tuple[Path, str] | None:
        """The file of ``token`` and the name to offer it under, if it is still here."""
        self.expire()
        if not _DOWNLOAD_NAME.match(token) or token not in self._names:
            return None
        return self.folder / token, self._names[token][0]

    def expire(self) -> None:
        """Remove files older than the time to live."""
        now = time.monotonic()
        for token, (_, made) in list(self._names.items()):
            if now - made > self.ttl_s:
                (self.folder / token).unlink(missing_ok=True)
                del self._names[token]

    def close(self) -> None:
        """Remove every file and the folder."""
        shutil.rmtree(self.folder, ignore_errors=True)
        self._names.clear()


def check_language(code: str, what: str) -> str:
    """A language code as given, refused when it cannot be one.

    Raises:
        UsageError: empty or not letters.
    """
    code = code.strip().lower()
    if not code.isalpha() or len(code) > 8:
        raise UsageError(f"{code or what} is not supported")
    return code
