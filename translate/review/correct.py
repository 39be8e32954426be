"""A person's correction of one segment, written into the output the tool wrote.

The served review page (``translate serve DIR``) saves corrections here. The output is
rewritten from its input with the format's own writer, every other segment's
translation taken from the cache as the review page shows it, so markup and layout
are the tool's. The same ownership rules as a run: only an output the tool wrote
(or one whose last change was a saved correction), untouched since, made from
today's input, is rewritten; its record is updated, so the corrected file counts as
the tool's own and a later plain run finds it up to date.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from translate.cache.caches import CacheSet
from translate.cache.outputs import Decision, file_sha256, plan_output, write_output
from translate.errors import InputError
from translate.files.names import output_path
from translate.files.reading import sha256
from translate.formats.base import Format, Parsed
from translate.formats.inline import TOKEN
from translate.review.build import load_translation

__all__ = ["CorrectionRefused", "Document", "Saved", "read_document", "save_correction"]


class CorrectionRefused(InputError):
    """The correction cannot be saved now (the output is not the tool's, or changed)."""


@dataclass(frozen=True)
class Document:
    """An input as its review page shows it, with the raw translations (placeholders kept).

    Attributes:
        path: The input.
        output: Its translation.
        fmt: Its format.
        parsed: Its segments.
        translations: Each segment's translation (``None``: not in the cache).
        record: The output's record.
        input_sha256: The hash of the input's bytes now.
        languages: Each segment's source language.
    """

    path: Path
    output: Path
    fmt: Format
    parsed: Parsed
    translations: list[str | None]
    record: dict[str, Any]
    input_sha256: str
    languages: list[str]


@dataclass(frozen=True)
class Saved:
    """A correction written into its output.

    Attributes:
        output: The output rewritten.
        source: The corrected segment's source (placeholders kept).
        source_lang: Its language.
        translation: The correction.
    """

    output: Path
    source: str
    source_lang: str
    translation: str


def read_document(path: Path, target: str = "en") -> Document:
    """The segments of ``path`` and their translations, corrections applied.

    Raises:
        InputError: ``path`` has no translation that translate wrote.
    """
    caches = CacheSet(dry_run=True)  # reads the tree's cache; creates and writes nothing
    try:
        loaded = load_translation(path, target, None, caches)  # as its review page does
    finally:
        caches.close()
    if loaded is None:
        raise InputError(f"{path.name}: no translation written by translate "
                         f"({output_path(path, target).name})", "translate it first")
    return Document(path, loaded.output, loaded.fmt, loaded.parsed,
                    [e.output if e else None for e in loaded.entries], loaded.record,
                    sha256(loaded.data), loaded.langs)


def _check_owned(document: Document) -> None:
    plan = plan_output(document.output, document.input_sha256)
    if plan.decision == Decision.UP_TO_DATE:
        return
    reasons = {
        Decision.KEEP_EDITED: "it was edited since translate wrote it; that edit is kept "
                              "(save corrections only into an output the tool wrote)",
        Decision.WRITE: "its input changed since it was translated; run translate on it "
                        "again, then correct the new translation",
    }
    raise CorrectionRefused(f"{document.output.name} is not rewritten: "
                            f"{reasons.get(plan.decision, plan.reason or 'not ours')}",
                            "reload the page after fixing that")


def _placeholders(text: str) -> Counter[str]:
    """The markup placeholders of ``text``, spelt alike (``< x1 >`` is ``<x1>``)."""
    return Counter(f"<{a}x{n}{b}>" for a, n, b in TOKEN.findall(text))


def _check_markup(old: str, new: str) -> None:
    before, after = _placeholders(old), _placeholders(new)
    if before != after:
        raise InputError("the correction must keep the markup placeholders of the "
                         f"translation ({' '.join(sorted(before.elements())) or 'none'}); "
                         f"it has {' '.join(sorted(after.elements())) or 'none'}",
                         "keep each <xN>...</xN> around the words it marks")


def save_correction(path: Path, number: int, text: str, target: str = "en") -> Saved:
    """Write ``text`` as the translation of segment ``number`` (1-based) of input ``path``.

    Returns:
        The output rewritten, with the segment's source and the correction.

    Raises:
        InputError: no such segment, a correction that drops markup, or an empty one.
        CorrectionRefused: the output is not the tool's as written, or its input changed.
    """
    document = read_document(path, target)
    _check_owned(document)
    count = len(document.parsed.segments)
    if not 1 <= number <= count:
        raise InputError(f"{path.name} has no segment {number} (it has {count})")
    text = text.strip()
    if not text:
        raise InputError("an empty correction", "write the translation, or leave the row")
    missing = sum(t is None for t in document.translations)
    if missing:
        raise CorrectionRefused(f"{missing} segments of {path.name} have no translation in "
                                "the cache, so the output cannot be rewritten",
                                f"run translate on {path.name} again first")
    translations = [t for t in document.translations if t is not None]
    _check_markup(translations[number - 1], text)
    translations[number - 1] = text
    data = document.fmt.write(document.parsed, translations, target).data
    output, record = document.output, document.record
    if file_sha256(output) != record.get("output_sha256"):  # changed while we worked
        raise CorrectionRefused(f"{output.name} changed meanwhile; not rewritten")
    corrections = [c for c in record.get("corrections") or ()
                   if isinstance(c, dict) and c.get("segment") != number]
    corrections.append({"segment": number, "source": document.parsed.segments[number - 1],
                        "translation": text, "saved": time.time()})
    # the record first, then the output (crash-safe: never an output without its record)
    write_output(output, data, {**record, "corrections": sorted(corrections,
                                                                key=lambda c: c["segment"])})
    return Saved(output, document.parsed.segments[number - 1], document.languages[number - 1],
                 text)
