"""One small interface for every document format, and the format chosen by suffix.

Each format lives in one module of this package and exposes ``FORMAT``; ``format_for``
finds them by listing the package, so adding a format touches no other module.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from translate.errors import InputError, UsageError
from translate.formats import restore

_NOT_FORMATS = frozenset({"base", "inline", "restore", "md_inline", "md_html"})  # helpers
UNSUPPORTED = {
    ".pdf": "convert it to text, Markdown or DOCX first (for example with pdftotext or "
            "LibreOffice) and translate that",
}


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
    """

    data: bytes
    damaged: tuple[int, ...] = ()


class Format(Protocol):
    """A reader and a writer for one kind of document."""

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
        InputError: the format is not supported (PDF).
    """
    suffix = path.suffix.lower()
    if suffix in UNSUPPORTED:
        raise InputError(f"{path}: {suffix[1:].upper()} files are not supported",
                         UNSUPPORTED[suffix])
    table = formats()
    return table.get(suffix, table[".txt"])


def run_format(path: Path) -> Format:
    """The format a translation run reads ``path`` with.

    Plain text for every input for now: the other formats are read and written by their
    modules and tested, but runs take them only once reports, retries and summaries
    handle their notes and placeholder damage (issue 14). Then this returns
    ``format_for(path)``, and nothing in the pipeline changes.
    """
    return formats()[".txt"]


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
