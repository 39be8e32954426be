"""Error types that the CLI turns into user messages in one place."""

from __future__ import annotations

import contextlib
import os
import sys
import traceback
from typing import Any


class TranslateError(Exception):
    """An error with a message for the user and, where known, how to fix it.

    Attributes:
        message: What went wrong, naming the file, key or model involved.
        hint: How to fix it, or ``None``.
        exit_code: The process exit code the CLI uses (2 for usage errors).

    """

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n  hint: {self.hint}" if self.hint else self.message


class UsageError(TranslateError):
    """Bad command-line usage or configuration (exit code 2)."""

    exit_code = 2


class OptionValueError(UsageError, ValueError):
    """An ``Options`` field has a value outside its range or choices.

    Attributes:
        field: The field's name.
    """

    def __init__(self, field: str, message: str, hint: str | None = None) -> None:
        super().__init__(message, hint)
        self.field = field


class OptionTypeError(UsageError, TypeError):
    """An ``Options`` field has a value of the wrong type.

    Attributes:
        field: The field's name.
    """

    def __init__(self, field: str, message: str, hint: str | None = None) -> None:
        super().__init__(message, hint)
        self.field = field


class ConfigError(UsageError):
    """``models.toml`` is missing, unreadable or invalid."""


class ModelUnavailableError(TranslateError):
    """A model could not be found locally and cannot be downloaded (exit code 2).

    A missing or broken model is a configuration problem, not a failed file.

    Attributes:
        role: What the model is for: ``"translation"`` (a pair), ``"summarizer"``, or
            ``None`` when unknown. The CLI names the flag that sets that model.
        fetchable: A hub model that is simply not downloaded yet (``translate models
            pull`` fetches it); a dry run plans around it. A broken or absent local
            folder is not: it is a configuration error even in a dry run.

    """

    exit_code = 2

    def __init__(self, message: str, hint: str | None = None,
                 role: str | None = None, fetchable: bool = False) -> None:
        super().__init__(message, hint)
        self.role = role
        self.fetchable = fetchable


class InputError(TranslateError):
    """One input file cannot be read as text (binary, undecodable, missing)."""


class CacheError(TranslateError):
    """The cache database is corrupt, foreign or unusable."""


# Messages of these types name files, modules or sizes, never a document's text.
_TEXT_FREE = (OSError, MemoryError, ImportError, RecursionError)


DEBUG_ENV = "TRANSLATE_DEBUG"  # also set by the CLI's --debug
_REPORT = "translate_report"  # the attribute an error that stopped a run carries its report in


def attach_report(exc: BaseException, report: object) -> None:
    """Let ``exc``, which stopped a run, carry the run's report (every input accounted for)."""
    with contextlib.suppress(AttributeError, TypeError):
        setattr(exc, _REPORT, report)


def report_of(exc: BaseException) -> Any:
    """The report an error that stopped a run carries (``None``: none)."""
    return getattr(exc, _REPORT, None)


def debugging() -> bool:
    """Whether tracebacks of internal errors are wanted (``--debug``, ``TRANSLATE_DEBUG``)."""
    return os.environ.get(DEBUG_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def fail_softly(exc: BaseException) -> str:
    """An internal error that fails one file only: its line (and traceback when debugging)."""
    if debugging():
        traceback.print_exception(exc, file=sys.stderr)
    return describe_internal_error(exc)


def describe_internal_error(exc: BaseException) -> str:
    """One line for an unexpected exception, without the document text it may quote.

    A ``ValueError`` raised deep in a tokenizer may carry the sentence it choked on, so
    the message is shown only for types whose messages never hold text; the type and
    the place it was raised in are always shown.
    """
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" in {frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno}" if frames else ""
    if isinstance(exc, _TEXT_FREE):
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else "no message"
    else:
        detail = "message not shown, it may quote your documents"
    return f"internal error: {type(exc).__name__}{where} ({detail})"
