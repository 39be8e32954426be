"""Internal errors on the command line: one line by default, the traceback on request.

An exception that is not a ``TranslateError`` is a bug. Its message and traceback may
quote the document being translated, so by default the user sees only its type and
where it was raised; ``--debug`` (or ``TRANSLATE_DEBUG=1``) shows the full traceback.
Local variables are never printed.
"""

from __future__ import annotations

import os
import re
import sys
import traceback
from collections.abc import Sequence

from translate.errors import DEBUG_ENV, debugging, describe_internal_error

DEBUG_FLAG = "--debug"
__all__ = ["DEBUG_ENV", "describe_internal_error", "report_internal_error", "split_debug"]


# EX_SOFTWARE from sysexits.h: a bug in translate, distinct from 1 (a file failed).
INTERNAL_ERROR_EXIT = 70


def split_debug(args: Sequence[str]) -> tuple[bool, list[str]]:
    """Whether debugging is on (flag before ``--``, or the environment); args without it."""
    args = list(args)
    end = args.index("--") if "--" in args else len(args)
    if DEBUG_FLAG in args[:end]:  # the library reads the environment (errors.debugging)
        os.environ[DEBUG_ENV] = "1"
    return (debugging(),
            [a for a in args[:end] if a != DEBUG_FLAG] + args[end:])


def report_internal_error(exc: BaseException, debug: bool) -> int:
    """Print an unexpected exception for the user; return the exit code (70)."""
    if debug:
        traceback.print_exception(exc)
    print(f"error: {describe_internal_error(exc)}", file=sys.stderr)
    if not debug:
        print(f"  hint: this is a bug in translate; run again with {DEBUG_FLAG} (or "
              f"{DEBUG_ENV}=1) to see the traceback, which may show document text",
              file=sys.stderr)
    return INTERNAL_ERROR_EXIT


# Library hints name the flags of `translate translate`, where --model is the translation
# model and --summary-model the summariser; `summarize` calls them otherwise.
_RENAMED = {"summarize": {"--model": "--translation-model", "--summary-model": "--model"}}
_FLAG = re.compile(r"(?<![\w-])(--[a-z][a-z0-9-]*)(?: ([A-Z][A-Z_]*)\b)?")


def rename_flags(hint: str, command: str, options: set[str]) -> str:
    """Rewrite the flags a hint names into those of ``command``.

    Args:
        hint: A library hint, in the flags of ``translate translate``.
        command: The running command's name (``summarize``, ``run``, ...).
        options: That command's own option names.

    A flag the command lacks becomes the job file's key under ``run``, and elsewhere
    (``models pull``) the flag of the ``translate`` command, named as such.
    """
    renamed = _RENAMED.get(command, {})

    def one(match: re.Match[str]) -> str:
        flag, metavar = renamed.get(match[1], match[1]), match[2]
        if flag in options:
            return f"{flag} {metavar}" if metavar else flag
        if command == "run":
            key = flag[2:].replace("-", "_")
            return f"`{key} = {metavar}` in the job file" if metavar else f"the job key `{key}`"
        return f"`translate {flag}`" + (f" {metavar}" if metavar else "")

    return _FLAG.sub(one, hint)
