"""One small interface for every document format, and the format chosen by suffix.

Each format lives in one module of this package and exposes ``FORMAT``; ``format_for``
finds them by listing the package, so adding a format touches no other module.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from translate.errors import InputError, UsageError
from translate.formats import restore

_NOT_FORMATS = frozenset({"base", "content", "inline", "restore", "md_inline", "md_html",
                          "zipped", "package", "ooxml", "opc", "xmltree", "pdf_text",
                          "pdf_ocr", "sheet_names"})  # helpers
# Each suffix's format module, so that a run imports only the formats it meets;
# ``formats()`` finds them all, and ``tests/test_formats_core.py`` holds the two equal.
SUFFIXES: dict[str, str] = {
    ".txt": "text", ".text": "text", ".rst": "text", ".md": "markdown",
    ".markdown": "markdown", ".html": "html", ".htm": "html", ".docx": "docx",
    ".srt": "subtitles", ".vtt": "subtitles", ".pptx": "pptx", ".xlsx": "xlsx",
    ".odt": "odf", ".ods": "odf", ".odp": "odf", ".epub": "epub", ".pdf": "pdf",
}
# Suffixes no format reads, each with what to do (none today; a folder's such files are
# listed as skipped with that advice).
UNSUPPORTED: dict[str, str] = {}


class NothingToRead(InputError):
    """A file with nothing a reader could translate (a scanned PDF): skipped, not failed."""


@dataclass(frozen=True)
class Parsed:
    """A document read for translation.

    Attributes:
        segments: The texts to translate, in document order, inline markup as
            placeholders (``<x1>``...``</x1>``, ``<x2/>``).
        paragraphs: For each segment, the id of its paragraph or block.
        skeleton: Everything else, as the format needs it to write the document back.
        notes: What was found but is not translated (``"3 footnotes not translated"``).
    """

    segments: tuple[str, ...]
    paragraphs: tuple[int, ...]
    skeleton: Any
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Written:
    """A translated document.

    Attributes:
        data: The output file's bytes.
        damaged: Segments whose placeholders could not be matched: written with their
            inline formatting removed, all their text kept.
        notes: What writing had to change to keep the document valid (a sheet name
            Excel would refuse), for the report.
    """

    data: bytes
    damaged: tuple[int, ...] = ()
    notes: tuple[str, ...] = ()


class Format(Protocol):
    """A reader and a writer for one kind of document.

    A format whose files are not text (DOCX, a zip) also sets ``binary = True``: runs
    then never decode its bytes (``is_binary``). A text format with its own rules for
    finding the encoding (HTML's ``<meta>`` charset) may give a ``decode(data, where,
    encoding)`` method returning a ``Document``: runs then use it, not plain text's.
    """

    name: str
    suffixes: tuple[str, ...]

    def read(self, data: bytes, where: str, lang: str = "it",
             encoding: str | None = None) -> Parsed:
        """Parse a file's bytes; ``lang`` guides sentence splitting.

        ``encoding`` (``--encoding``) forces the codec of a text-based format.

        Raises:
            InputError: the file is not a readable document of this format.
        """
        ...

    def write(self, parsed: Parsed, outputs: Sequence[str], target: str) -> Written:
        """The document with ``outputs`` (one per segment) in place of the segments."""
        ...


@functools.cache
def formats() -> dict[str, Format]:
    """Every format in this package, by lower-case suffix."""
    import translate.formats as package

    found: dict[str, Format] = {}
    for info in pkgutil.iter_modules(package.__path__):
        if info.name in _NOT_FORMATS:
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        fmt = getattr(module, "FORMAT", None)
        if fmt is not None:
            found.update({suffix: fmt for suffix in fmt.suffixes})
    return found


def format_for(path: Path) -> Format:
    """The format for ``path``, by its suffix; unknown suffixes are plain text.

    Raises:
        InputError: the format is not supported (a suffix in ``UNSUPPORTED``).
    """
    problem = unsupported(path)
    if problem is not None:
        raise InputError(f"{path}: {problem[0]}", problem[1])
    return _format_of(SUFFIXES.get(path.suffix.lower(), "text"))


@functools.cache
def _format_of(module: str) -> Format:
    """The ``FORMAT`` of ``translate.formats.<module>`` (imported on first use)."""
    fmt: Format = importlib.import_module(f"translate.formats.{module}").FORMAT
    return fmt


def run_format(path: Path, settings: Mapping[str, Any] | None = None) -> Format:
    """The format a translation run reads ``path`` with (``format_for``).

    Args:
        path: The input.
        settings: The run's reading settings (``translate_sheet_names``, ``ocr``); a
            format with a ``configure(**settings)`` method takes those it knows.

    Raises:
        InputError: the format is not supported (a suffix in ``UNSUPPORTED``).
    """
    fmt = format_for(path)
    configure = getattr(fmt, "configure", None)
    if settings and configure is not None:
        configured: Format = configure(**settings)
        return configured
    return fmt


def reading_settings(fmt: Format) -> dict[str, Any]:
    """The settings ``fmt`` was configured with that change its output (``{}``: none).

    They are kept in the output's record: an output made with other ones is not up to
    date.
    """
    return dict(getattr(fmt, "settings", {}))


def unsupported(path: Path) -> tuple[str, str] | None:
    """Why ``path``'s format is not supported, and what to do; ``None`` when it is."""
    suffix = path.suffix.lower()
    if suffix not in UNSUPPORTED:
        return None
    return f"{suffix[1:].upper()} files are not supported", UNSUPPORTED[suffix]


def default_suffixes() -> frozenset[str]:
    """What a folder contributes without ``--glob``: every format, and unsupported ones."""
    return frozenset(SUFFIXES) | frozenset(UNSUPPORTED)


def is_plain_text(fmt: Format) -> bool:
    """Whether ``fmt`` is plain text (``formats.text``): read without any markup."""
    return fmt.name == "text"


def is_binary(fmt: Format) -> bool:
    """Whether ``fmt`` reads bytes that are not text (DOCX): they are never decoded."""
    return bool(getattr(fmt, "binary", False))


def check_lengths(parsed: Parsed, outputs: Sequence[str]) -> None:
    """Raise ``ValueError`` unless there is one output per segment."""
    if len(outputs) != len(parsed.segments):
        raise ValueError(f"expected {len(parsed.segments)} outputs, got {len(outputs)}")


def need(module: str, extra: str) -> Any:
    """Import an optional dependency, or say which extra installs it.

    Raises:
        UsageError: the module is not installed.
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise UsageError(f"this file needs the {module.split('.')[0]} package, "
                         "which is not installed",
                         f"pip install 'folder-translate[{extra}]'") from exc


def placeholder_damage(source: str, output: str) -> bool:
    """Whether ``output`` lost, duplicated, invented or misnested ``source``'s placeholders.

    Sibling markup may change order (translation moves words); a closing token before
    its opening one, or crossing pairs, is damage.
    """
    return restore.damaged(source, output)
