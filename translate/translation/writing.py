"""Writing one translated document: its output, its record, or a conflict.

An output is written only if nobody changed the file while the run was working
(``may_still_write``); then its record says what it was made from, so a later run
knows it as the tool's own and can decide from the record alone that it is up to date.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from translate.cache.outputs import (
    Decision,
    OutputPlan,
    may_still_write,
    remove_own_temporaries,
    settle,
    write_output,
)
from translate.cache.store import Cache
from translate.errors import InputError
from translate.formats.base import Format, Parsed, Written, reading_settings
from translate.models.routing import Route, Router
from translate.models.signature import route_signatures
from translate.text.documents import Document
from translate.translation.notes import note_written
from translate.translation.report import FileResult, Status, relative

# Told of each output a run wrote or found up to date: its result, its input (an
# absolute path) and the bytes written (``None``: up to date, not read by the run).
OnOutput = Callable[[FileResult, Path, bytes | None], None]


@dataclass
class Work:
    """One document on its way through the pipeline."""

    path: Path
    doc: Document
    seg: Parsed  # the segments and everything else, as the format read them
    routes: list[Route]  # one per segment
    output: Path
    cache: Cache | None
    result: FileResult
    input_sha: str
    languages: list[str]
    signature: dict[str, str]
    plan: OutputPlan
    fmt: Format  # reads the input and writes the output
    segment_languages: list[str] = field(default_factory=list)  # one per segment (memory)


def write_translation(work: Work, written: Written, target: str, router: Router,
                      extra: Mapping[str, Any] | None = None) -> bytes | None:
    """Write ``written`` as ``work``'s output, with its record; set the result's status.

    The bytes are written as the format made them (never decoded or encoded again).

    Args:
        work: The document.
        written: Its translation, as the format wrote it.
        target: The target language.
        router: Gives the routes whose readable signatures the record keeps.
        extra: More fields for the record (the checks' id, the flagged segments).

    Returns:
        The bytes written; ``None`` when nothing was (a conflict, or the write failed:
        the result says why).
    """
    data = written.data
    note_written(work.result, work.fmt, written)
    if not may_still_write(work.output, work.plan, data, work.input_sha):
        work.result.status = Status.CONFLICT
        work.result.reason = (f"{work.output.name} changed while this run was working; "
                              "not overwritten (run again to decide)")
        work.result.output = relative(work.output)
        return None
    try:
        write_output(work.output, data, {
            "kind": "translation", "source": work.path.name,
            "input_sha256": work.input_sha,
            "signatures": work.signature, "languages": work.languages,
            "signature_texts": route_signatures(router, work.languages, target),
            "target": target, "encoding": work.doc.encoding,
            "reading": reading_settings(work.fmt),
            "segments": work.result.segments,
            "cache_hits": work.result.cache_hits, "details": work.result.details,
            "written": time.time(), **(extra or {})})
    except (OSError, InputError) as exc:
        reason = exc.message if isinstance(exc, InputError) else (exc.strerror or str(exc))
        work.result.status = Status.FAILED
        work.result.reason = f"cannot write {work.output}: {reason}"
        return None
    work.result.status, work.result.output = Status.TRANSLATED, relative(work.output)
    return data


def settle_translation(plan: OutputPlan, result: FileResult, encoding: str,
                       signatures: Callable[[Iterable[str]], dict[str, str]],
                       checks: str | None = None, terms: str | None = None,
                       reading: Mapping[str, Any] | None = None) -> bool:
    """Set ``result`` when ``plan``'s output needs no translation; return whether it does not.

    Up to date is decided from the output's record alone (``settle``): no detection,
    segmentation or model.

    Args:
        plan: The output's plan.
        result: The file's result.
        encoding: The encoding the input was read with.
        signatures: The signature ids this run would record for some languages.
        checks: The id of this run's checks and retry settings (``Checking.run_id``):
            an output checked otherwise is made again (from the cache, mostly).
        terms: The id of this run's glossary, kept spans and name rule (``None``: none).
        reading: The format's reading settings (``reading_settings``): an output read
            otherwise (``--translate-sheet-names``, ``--ocr``) is made again.
    """
    record = plan.record or {}
    decision = settle(plan, lambda found: {
        # the same bytes read another way (--encoding) are another text
        "encoding": encoding, "checks": checks, "terms": terms,
        "reading": dict(reading or {}),
        "signatures": signatures(found.get("languages", []))})
    if decision == Decision.CONFLICT:
        result.status, result.reason = Status.CONFLICT, plan.reason
    elif decision != Decision.WRITE:
        result.status, result.reason = Status.UP_TO_DATE, plan.reason
        result.language = ",".join(record.get("languages", []))
        result.segments = result.cache_hits = int(record.get("segments", 0))
        result.details.update(record.get("details", {}))
    else:
        return False
    return True


def tidy(folder: Path) -> str | None:
    """Remove stale temporary files an interrupted run left in ``folder``; say so."""
    removed = remove_own_temporaries(folder)
    if not removed:
        return None
    return (f"removed {len(removed)} temporary files that an interrupted run left in "
            f"{relative(folder)}: {', '.join(removed)}")
