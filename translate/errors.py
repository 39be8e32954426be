"""Error types that the CLI turns into user messages in one place."""

from __future__ import annotations


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
