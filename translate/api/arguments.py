"""What a Python caller passes, checked; and errors in the caller's words.

A ``str`` or ``Path`` given where paths are expected is one path (never its
characters); a wrong type is a ``TypeError`` that names the parameter. Hints written
for the command line name its flags (``--from``); raised to Python code they name the
parameter or ``Options`` field instead (``source=``).
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar, cast

from translate.errors import TranslateError
from translate.options import field_for, field_types

__all__ = ["as_paths", "as_texts", "python_names", "python_wording"]

F = TypeVar("F", bound=Callable[..., Any])

# ``--flag`` with an optional upper-case placeholder after it (``--from LANG``).
_FLAG = re.compile(r"--([a-z][a-z0-9-]*)(?:[ =]([A-Z][A-Z0-9_]*)\b)?")


def as_paths(paths: object, parameter: str = "paths") -> list[str]:
    """``paths`` as a list of path strings: a ``str`` or ``Path`` is one path.

    Raises:
        TypeError: ``paths`` is neither a path nor an iterable of paths (e.g. bytes,
            a number, a dict), or one of its items is not a path.
    """
    if isinstance(paths, str | os.PathLike):
        return [str(os.fspath(paths))]
    if isinstance(paths, bytes | bytearray | Mapping) or not isinstance(paths, Iterable):
        raise TypeError(f"{parameter} must be a path (str or pathlib.Path) or a list of "
                        f"paths, got {type(paths).__name__}")
    out: list[str] = []
    for index, item in enumerate(paths):
        if not isinstance(item, str | os.PathLike) or isinstance(os.fspath(item), bytes):
            raise TypeError(f"{parameter}[{index}] must be a path (str or pathlib.Path), got "
                            f"{type(item).__name__}")
        out.append(str(os.fspath(item)))
    return out


def as_texts(text_or_texts: object) -> tuple[list[str], bool]:
    """The texts to translate and whether one ``str`` was given (a ``str`` comes back).

    Raises:
        TypeError: neither a ``str`` nor a sequence of ``str``.
    """
    if isinstance(text_or_texts, str):
        return [text_or_texts], True
    if isinstance(text_or_texts, bytes | bytearray | Mapping) or not isinstance(
            text_or_texts, Sequence | Iterable):
        raise TypeError("text_or_texts must be a str or a list of str, got "
                        f"{type(text_or_texts).__name__}")
    texts = list(cast(Iterable[object], text_or_texts))
    for index, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(f"text_or_texts[{index}] must be a str, got {type(text).__name__}")
    return cast(list[str], texts), False


def _python_flag(match: re.Match[str]) -> str:
    flag, placeholder = match.group(1), match.group(2)
    name = flag.replace("-", "_")
    field = field_for("translate", name) or field_for("summarize", name)
    if field is None:
        return match.group(0)  # not a setting (e.g. a subcommand's own flag)
    if field.startswith("!"):
        return f"{field[1:]}=False"
    if field_types().get(field) is bool:
        return f"{field}=True"
    return f"{field}={placeholder or '...'}"


def python_wording(text: str) -> str:
    """``text`` with each command-line flag that sets an ``Options`` field as that field.

    ``--from LANG`` becomes ``source=LANG``, ``--no-cache`` ``use_cache=False``,
    ``--force`` ``force=True``; other flags stay as they are.
    """
    return _FLAG.sub(_python_flag, text)


def reworded(error: TranslateError) -> TranslateError:
    """``error`` with its message and hint in a Python caller's words (in place)."""
    error.message = python_wording(error.message)
    error.hint = python_wording(error.hint) if error.hint else error.hint
    error.args = (error.message, *error.args[1:])
    return error


def python_names(function: F) -> F:
    """Raise a ``TranslateError`` from ``function`` in a Python caller's words.

    A ``Session`` made for the command line (``hints="cli"``) keeps the flags.
    """
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except TranslateError as exc:
            owner = args[0] if args else None
            if getattr(owner, "hints", "python") == "python":
                reworded(exc)
            raise
    return cast(F, wrapper)

