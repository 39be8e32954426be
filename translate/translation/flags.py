"""Flagged segments of one file: counted in its result, listed in the report and its record.

The report lists every flagged segment with its file, the 1-based line of the input it
starts on, its codes and score. The same list is kept in the output's record, so a
re-run that finds the output up to date still reports (and ``--strict`` still sees)
the segments it flagged.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from translate.cache.store import Entry
from translate.formats.base import Parsed
from translate.formats.inline import TOKEN
from translate.models.routing import Route
from translate.text.segment import Segmented, Wrapped
from translate.translation.checking import Checking
from translate.translation.report import FileResult, RunReport
from translate.translation.writing import Work

_PROBE_WORDS = 3  # enough to place a segment, few enough to stay on its first line
# How far past its first word's first place a segment's first words are looked for.
_WINDOW = 4096


def segment_lines(parsed: Parsed, text: str) -> list[int | None]:
    """The 1-based line of the input each segment starts on (``None``: not found).

    Plain text walks its layout; other formats find each segment in ``text`` in
    order, by its first words before its first inline-markup placeholder (``<x1>``),
    which the input writes as markup of its own. A binary document (DOCX) has no
    lines: ``None``.
    """
    layout = getattr(parsed.skeleton, "layout", None)
    if isinstance(layout, Segmented):
        lines: list[int | None] = [None] * len(parsed.segments)
        line = 1
        for part in layout.parts:
            if isinstance(part, str):
                line += _breaks(part)
            elif isinstance(part, Wrapped):
                lines[part.index] = line
                line += sum(_breaks(joint) for joint in part.joints)
            else:
                lines[part] = line
                line += _breaks(layout.segments[part])
        return lines
    found: list[int | None] = []
    at = counted = 0
    line = 1
    absent: set[str] = set()
    for segment in parsed.segments:
        match = _locate(segment, text, at, absent)
        if match is None:
            found.append(None)
            continue
        line += _breaks(text[counted:match.start()])
        counted, at = match.start(), match.end()
        found.append(line)
    return found


def _locate(segment: str, text: str, at: int, absent: set[str]) -> re.Match[str] | None:
    """Where a segment's first words are in ``text`` from ``at`` on.

    A segment spans line breaks the model saw as spaces (a wrapped paragraph, a
    sentence over several cues, a quote's ``>`` markers), so its first few words are
    looked for with any whitespace between them, else its first word alone. In linear
    time: the first word is found first (the text up to it is passed for good, since
    ``at`` moves past it), then the words together only within ``_WINDOW`` of it; and
    a first word not found from an earlier ``at`` (``absent``: an entity-spelled word,
    ``&Egrave;`` for ``È``, is not in the text as the segment spells it) is not looked
    for again.
    """
    first = next((p for p in TOKEN.sub("\0", segment).split("\0") if p.strip()), "")
    words = first.split()
    single = re.escape(words[0]) if words else ""
    if not single or single in absent:
        return None
    alone = re.compile(single).search(text, at)
    if alone is None:
        absent.add(single)
        return None
    if len(words) > 1:
        probe = r"\s+".join(map(re.escape, words[:_PROBE_WORDS]))
        match = re.compile(probe).search(text, at, alone.start() + _WINDOW)
        if match:
            return match
    return alone


def _breaks(text: str) -> int:
    """Line breaks in ``text`` (CR LF, LF or CR)."""
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def file_flags(work: Work, report: RunReport, signals: Mapping[tuple[Route, str], Entry],
               checking: Checking) -> dict[str, Any]:
    """Count one document's flags in its result and ``report``; return its record's part.

    Args:
        work: The document.
        report: The run's report.
        signals: The run's signals by (route, segment).
        checking: The run's checking (its id goes into the record).

    Returns:
        ``checks`` (the checking's id) and ``quality``: the flagged segments and the
        retried count.
    """
    quality = _quality(work.seg, work.routes, work.doc.text, signals)
    note_flags(work.result, report, quality)
    return {"checks": checking.run_id(), "quality": quality}


def _quality(parsed: Parsed, routes: Sequence[Route], text: str,
             signals: Mapping[tuple[Route, str], Entry]) -> dict[str, Any]:
    lines: list[int | None] | None = None
    flagged: list[dict[str, Any]] = []
    retried = 0
    for index, (route, source) in enumerate(zip(routes, parsed.segments, strict=True)):
        entry = signals.get((route, source))
        if entry is None:
            continue
        retried += entry.retried
        if entry.flags:
            lines = lines if lines is not None else segment_lines(parsed, text)
            flagged.append({"segment": index + 1, "line": lines[index],
                            "codes": list(entry.flags),
                            "score": None if entry.score is None else round(entry.score, 4)})
    return {"flagged": flagged, "retried": retried}


def note_flags(result: FileResult, report: RunReport, quality: Mapping[str, Any]) -> None:
    """Count ``quality`` (``file_flags``, or a record's) in ``result`` and ``report``."""
    flagged = quality.get("flagged") or []
    result.flagged = len(flagged)
    result.retried = int(quality.get("retried") or 0)
    report.flagged.extend({"file": result.path, **item} for item in flagged)
