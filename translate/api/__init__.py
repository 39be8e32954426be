"""The public Python API: ``Options`` in; text, a ``Summary`` or a report out.

The functions here use one default ``Session``, created on first use, so models stay
loaded between calls in one process; ``close()`` unloads them. ``import translate``
offers all of this lazily (see ``translate/__init__.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import overload

from translate.api.session import Session
from translate.options import Options
from translate.summaries.summarize import Summary
from translate.text.detect import Detection, document_language
from translate.translation.report import Progress, RunReport

__all__ = ["Detection", "Options", "Report", "Session", "Summary", "close",
           "default_session", "detect_language", "summarize_files", "summarize_text",
           "translate_files", "translate_text"]

Report = RunReport

_default: Session | None = None


def default_session() -> Session:
    """The session the module-level functions use (created on first use)."""
    global _default
    if _default is None:
        _default = Session()
    return _default


def close() -> None:
    """Unload the models the module-level functions loaded."""
    if _default is not None:
        _default.close()


@overload
def translate_text(  # type: ignore[overload-overlap]  # a str is a Sequence[str] too
        text_or_texts: str, *, source: str | None = None,
                   target: str | None = None, options: Options | None = None,
                   format: str = "text") -> str: ...


@overload
def translate_text(text_or_texts: Sequence[str], *, source: str | None = None,
                   target: str | None = None, options: Options | None = None,
                   format: str = "text") -> list[str]: ...


def translate_text(text_or_texts: str | Sequence[str], *, source: str | None = None,
                   target: str | None = None, options: Options | None = None,
                   format: str = "text") -> str | list[str]:
    """Translate a text or a list of texts in one run (see ``Session.translate_text``).

    ``format``: ``text`` (the default), ``markdown``, ``html``, ``srt`` or ``vtt``.
    """
    return default_session().translate_text(text_or_texts, source=source, target=target,
                                            options=options, format=format)


def translate_files(paths: str | Path | Sequence[str | Path], *, target: str | None = None,
                    options: Options | None = None, progress: Progress | None = None,
                    ) -> RunReport:
    """Translate a file or folder, or a list of them (see ``Session.translate_files``)."""
    return default_session().translate_files(paths, target=target, options=options,
                                             progress=progress)


def summarize_text(text: str, *, options: Options | None = None) -> Summary:
    """Summarise one text (see ``Session.summarize_text``)."""
    return default_session().summarize_text(text, options=options)


def summarize_files(paths: str | Path | Sequence[str | Path], *,
                    options: Options | None = None,
                    ) -> RunReport:
    """Summarise files (see ``Session.summarize_files``)."""
    return default_session().summarize_files(paths, options=options)


def detect_language(text: str) -> Detection:
    """The language of a whole text, with the identifier's confidence (0..1).

    ``Detection.known`` says whether it can tell: a confidence below
    ``translate.text.detect.DOCUMENT_MIN_CONFIDENCE`` means the language is not known
    for sure (pass ``source=``), and a text without a letter to go by (``""``, numbers
    only) is ``und`` (undetermined) with confidence 0.

    Raises:
        TypeError: ``text`` is not a ``str``.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    return document_language(text)
