"""What a format could not do, in the report: never silent.

A format's notes (``Parsed.notes``: text it found but does not translate, such as DOCX
footnotes) and the segments whose placeholders the model damaged (``Written.damaged``:
written with their inline formatting removed, all their text kept) go into the file's
``details`` and, for the files a run translates or plans, into the run's warnings.
"""

from __future__ import annotations

from translate.formats.base import Format, Parsed, Written, is_plain_text
from translate.translation.report import FileResult, Status

NOT_TRANSLATED = "not_translated"
DAMAGED = "placeholders_damaged"
CHANGED = "changed_to_fit"  # Written.notes: what writing changed to keep the file valid


def note_parsed(result: FileResult, fmt: Format, parsed: Parsed) -> None:
    """Put ``fmt``'s name (other than plain text) and ``parsed``'s notes in ``result``."""
    if not is_plain_text(fmt):
        result.details["format"] = fmt.name
    if parsed.notes:
        result.details[NOT_TRANSLATED] = list(parsed.notes)


def note_written(result: FileResult, fmt: Format, written: Written) -> None:
    """Count the segments written without their inline formatting (any format but text)."""
    if not is_plain_text(fmt) or written.damaged:
        result.details[DAMAGED] = len(written.damaged)
    if written.notes:
        result.details[CHANGED] = list(written.notes)


def file_warnings(result: FileResult) -> list[str]:
    """The run's warnings about ``result``: what was not translated, formatting lost."""
    if result.status not in (Status.TRANSLATED, Status.PLANNED):
        return []
    found = [f"{result.path}: {note}" for note in result.details.get(NOT_TRANSLATED, [])]
    found += [f"{result.path}: {note}" for note in result.details.get(CHANGED, [])]
    damaged = int(result.details.get(DAMAGED, 0))
    if damaged:
        found.append(f"{result.path}: {damaged} segments lost their inline formatting (the "
                     "model damaged its placeholders); all their text is kept")
    return found
