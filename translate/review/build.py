"""A review page from what a run left: the output's record and the segment cache.

No model is loaded: the source is segmented again, and each segment's translation is
read from the cache under the signatures the record names (leg by leg for a pivot),
with the signals the run stored: score, failed checks, whether it was retried (an
entry stored before the checks existed is checked here). Codes the run added from
outside the cache (``roundtrip``) come from the output's record. An output edited by
hand since it was written is shown as it is, and the page says so.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from translate.cache.caches import CacheSet
from translate.cache.outputs import (
    Decision,
    file_sha256,
    plan_output,
    read_record,
    write_output,
)
from translate.cache.store import Cache, Entry
from translate.errors import InputError, TranslateError, fail_softly
from translate.files.names import output_path, storable, summary_path
from translate.files.reading import sha256
from translate.formats.base import Format, Parsed, format_for, is_plain_text, run_format
from translate.formats.content import plain
from translate.formats.inline import TOKEN
from translate.models.signature import parse_signature
from translate.quality.checks import CODES, check_segment
from translate.review.links import link_summary
from translate.review.memory import memory_view
from translate.review.page import (
    ReviewHeader,
    ReviewPage,
    ReviewRow,
    ReviewSummary,
    render_review,
    review_path,
)
from translate.text.documents import decode_bytes
from translate.text.segment import segment
from translate.translation.checking import combine
from translate.translation.inputs import Languages
from translate.translation.protecting import protection_from_record, restored_entries
from translate.translation.reading import InputBytes, read_parsed, text_of
from translate.translation.report import RunReport, Status


def build_review(path: Path, target: str = "en", inputs: InputBytes | None = None,
                 caches: CacheSet | None = None) -> ReviewPage:
    """The review page of input ``path``, from its output's record and the cache.

    Args:
        path: The input.
        target: The target language.
        inputs: The run's inputs, when a run writes the page (each read once a run).
        caches: The caches of the pages being written (each opened once for them all);
            ``None``: this page's own, closed when it is built.

    Raises:
        InputError: ``path`` has no translation that translate wrote.
        CacheError: the tree's cache cannot be used.
    """
    if caches is None:
        own = CacheSet(dry_run=True)  # opens only a cache that exists; writes nothing
        try:
            return build_review(path, target, inputs, own)
        finally:
            own.close()
    loaded = load_translation(path, target, inputs, caches)
    if loaded is None:
        raise InputError(f"{path}: no translation written by translate "
                         f"({output_path(path, target).name})",
                         "translate it first, then ask for the review page")
    output, record, data, seg, langs = (loaded.output, loaded.record, loaded.data,
                                        loaded.parsed, loaded.langs)
    cache, entries, planned = loaded.cache, list(loaded.entries), loaded.languages
    translations = [e.output if e is not None else None for e in entries]
    recorded = _recorded_flags(record) if record.get("input_sha256") == sha256(data) else {}
    # inline markup travels as <x1>...</x1> placeholders: a reader wants the words
    memo = memory_view(cache, output, record, seg.segments, langs, target)
    for i, text in enumerate(memo.texts):  # from memory: no cache entry, no model signals
        if text is not None:
            entries[i] = Entry(text)
    rows = tuple(ReviewRow(_words(source), _words(entry.output) if entry else "", paragraph,
                           _flags(source, entry, lang, target, recorded.get(number, ())),
                           entry.score if entry else None, bool(entry and entry.retried),
                           memo.origins[number - 1], memo.suggestions[number - 1])
                 for number, (source, entry, paragraph, lang) in enumerate(
                     zip(seg.segments, entries, seg.paragraphs, langs, strict=True), 1))
    notes = _notes(record, data, translations)
    current = file_sha256(output)
    edited = (_edited_text(output)
              if current is not None and current != record.get("output_sha256") else None)
    texts = [r.translation for r in rows]
    return ReviewPage(_header(path, output, record, planned.document, target), rows,
                      _summary(path, target, texts), edited, notes)


@dataclass(frozen=True)
class Loaded:
    """An input's translation as its record and the cache hold it.

    The one loader of what was translated, for review pages (made in a run or after it)
    and for saved corrections.

    Attributes:
        output: The translation.
        record: Its record.
        data: The input's bytes now.
        fmt: The input's format, with the reading settings the run used.
        parsed: Its segments, read as the run read them.
        languages: The languages of the document and its paragraphs.
        langs: Each segment's source language.
        entries: Each segment's translation and signals (``None``: not in the cache),
            protected spans restored, saved corrections applied.
        cache: The tree's cache (``None``: none there).
    """

    output: Path
    record: dict[str, Any]
    data: bytes
    fmt: Format
    parsed: Parsed
    languages: Languages
    langs: list[str]
    entries: tuple[Entry | None, ...]
    cache: Cache | None


def load_translation(path: Path, target: str, inputs: InputBytes | None,
                     caches: CacheSet) -> Loaded | None:
    """What was translated of input ``path`` (``None``: no translation the tool wrote).

    Raises:
        CacheError: the tree's cache cannot be used.
        InputError: the input cannot be read or parsed.
        OSError: it cannot be read.
    """
    output = output_path(path, target)
    record = read_record(output)
    if record is None or record.get("kind", "translation") != "translation":
        return None
    inputs = inputs or InputBytes()
    data = inputs.read(path)
    # the rows are the segments the run translated, read as it read them
    fmt = run_format(path, record.get("reading") or {})
    encoding = record.get("encoding")
    doc = inputs.decode(path, fmt, data, encoding)
    languages = record.get("languages") or ["auto"]
    seg, planned = inputs.reading(path, fmt, doc) or read_parsed(  # the run's, if kept
        fmt, data, str(path), doc, languages[0] if len(languages) == 1 else "auto", encoding)
    langs = [planned.paragraphs.get(p, planned.document) for p in seg.paragraphs]
    cache = caches.for_path(path)
    entries = apply_corrections(
        restored_entries(protection_from_record(record), seg.segments, langs, target,
                         lambda texts: _cached_entries(cache, record, texts, langs, target)),
        record, seg.segments)
    return Loaded(output, record, data, fmt, seg, planned, langs, tuple(entries), cache)


def _edited_text(output: Path) -> str:
    """An output edited by hand, as the page shows it: its text content (DOCX: words)."""
    if is_plain_text(format_for(output)):
        return output.read_text(encoding="utf-8", errors="replace")
    try:
        return text_of(output).text
    except (TranslateError, OSError) as exc:
        return f"(cannot be read: {exc})"


def write_review(path: Path, target: str = "en", force: bool = False,
                 inputs: InputBytes | None = None,
                 caches: CacheSet | None = None) -> tuple[Path, ReviewPage]:
    """Write the review page of ``path`` beside it; return where, and the page.

    ``inputs``: the run's inputs, when a run writes the page; ``caches``: the caches of
    all the pages being written (``build_review``).

    Raises:
        InputError: no translation to review, or a file of that name that the tool did
            not write (or that was edited) is in the way.
    """
    page = build_review(path, target, inputs, caches)
    html = storable(render_review(page)).encode("utf-8")  # a name that is not UTF-8
    where = review_path(path)
    plan = plan_output(where, sha256(html), force)
    if plan.decision in (Decision.CONFLICT, Decision.KEEP_EDITED):
        raise InputError(f"{where}: {plan.reason}", "move it away or pass --force")
    write_output(where, html, {"kind": "review", "source": path.name,
                               "input_sha256": sha256(html), "written": time.time()})
    return where, page


def _words(segment: str) -> str:
    """``segment`` as a reader sees it: placeholders of inline markup removed."""
    return plain(segment) if TOKEN.search(segment) else segment


def _cached_entries(cache: Cache | None, record: dict[str, Any], segments: tuple[str, ...],
                    langs: list[str], target: str) -> list[Entry | None]:
    """Each segment's translation and signals from the cache (``None``: not there).

    A segment in the target language already is its own translation (no signals).
    """
    if cache is None:
        return [None] * len(segments)
    signatures: dict[str, str] = record.get("signatures", {})
    out: dict[tuple[str, str], Entry | None] = {}
    for lang in set(langs):
        texts = {s for s, lg in zip(segments, langs, strict=True) if lg == lang}
        legs = _legs(lang, target, signatures) if lang != target else []
        current: dict[str, list[Entry]] = {t: [Entry(t)] for t in texts}
        for key in legs:
            found = cache.get_entries(signatures[key], {c[-1].output for c in current.values()})
            current = {src: [*got, found[got[-1].output]] for src, got in current.items()
                       if got[-1].output in found}
        if lang != target and not legs:
            current = {}
        out.update({(lang, src): combine(current[src][1:]) if src in current and legs
                    else current.get(src, [None])[-1] for src in texts})
    return [out.get((lg, s)) for s, lg in zip(segments, langs, strict=True)]


def apply_corrections(entries: list[Entry | None], record: dict[str, Any],
                      segments: tuple[str, ...]) -> list[Entry | None]:
    """``entries`` with the corrections a person saved (``translate serve``) in their place.

    A correction names its segment by number and source text: one whose segment changed
    since (the input was edited) no longer applies.
    """
    fixed = list(entries)
    for item in record.get("corrections") or ():
        number = item.get("segment") if isinstance(item, dict) else None
        if (isinstance(number, int) and 1 <= number <= len(segments)
                and segments[number - 1] == item.get("source")
                and isinstance(item.get("translation"), str)):
            fixed[number - 1] = Entry(item["translation"])
    return fixed


def _recorded_flags(record: dict[str, Any]) -> dict[int, tuple[str, ...]]:
    """The codes the run recorded per segment number (``roundtrip`` among them)."""
    quality = record.get("quality") or {}
    return {int(item["segment"]): tuple(item.get("codes", ()))
            for item in quality.get("flagged", []) if isinstance(item, dict)}


def _legs(source: str, target: str, signatures: dict[str, str]) -> list[str]:
    """The pair keys from ``source`` to ``target`` among the record's (a pivot: two)."""
    legs: list[str] = []
    here = source
    while here != target:
        step = next((key for key in signatures if key.startswith(f"{here}-")), None)
        if step is None or step in legs:
            return legs if here == target else []
        legs.append(step)
        here = step.split("-", 1)[1]
    return legs


def _flags(source: str, entry: Entry | None, lang: str, target: str,
           recorded: tuple[str, ...]) -> tuple[str, ...]:
    if entry is None:
        return ("not-cached",)
    if lang == target:
        return ()
    flags = set(recorded) | set(entry.flags if entry.checked else check_segment(
        source, entry.output, source_lang=lang, target_lang=target))
    return tuple(code for code in CODES if code in flags)


def _notes(record: dict[str, Any], data: bytes, translations: list[str | None]) -> tuple[str, ...]:
    notes = []
    if record.get("input_sha256") != sha256(data):
        notes.append("the input changed since its translation was written: rows pair "
                     "today's source with the translations in the cache")
    missing = sum(1 for t in translations if t is None)
    if missing:
        notes.append(f"{missing} segments have no translation in the cache (cleared, or "
                     "a --no-cache run): marked not-cached")
    return tuple(notes)


def _header(path: Path, output: Path, record: dict[str, Any], source: str,
            target: str) -> ReviewHeader:
    texts: dict[str, str] = record.get("signature_texts", {})
    signature = " ; ".join(texts.values()) or ", ".join(
        f"{k}={v}" for k, v in record.get("signatures", {}).items())
    fields = parse_signature(next(iter(texts.values()), ""))
    model, _, revision = fields.get("model", "?").partition("@")
    return ReviewHeader(path.name, output.name, source, target, model, revision or "?",
                        signature)


def _summary(path: Path, target: str, translations: list[str]) -> ReviewSummary | None:
    summary = summary_path(path, target)
    record = read_record(summary)
    if record is None or not summary.is_file():
        return None
    method = parse_signature(record.get("signature_text", "")).get("method", "abstractive")
    exact = method in ("extractive", "textrank", "lead")
    try:  # written in the input's encoding (UTF-16 stays UTF-16), or edited by hand
        text = decode_bytes(summary.read_bytes(), str(summary)).text
    except (InputError, OSError):
        return None  # the page shows no summary rather than a guess
    sentences = segment(text, target).segments
    return ReviewSummary(link_summary(sentences, translations, exact), method, exact)


def write_reviews(report: RunReport, target: str, force: bool = False,
                  inputs: InputBytes | None = None) -> None:
    """Write the review page of every file ``report`` translated or found up to date.

    ``inputs``: the run's inputs (read once a run: planning and translation read them).

    A page that cannot be written (a file of that name in the way) is a warning of the
    report: the translations stand.
    """
    written = 0
    caches = CacheSet(dry_run=True)  # each tree's cache opened once for all the pages
    try:
        written = _write_pages(report, target, force, inputs, caches)
    finally:
        caches.close()
    pages = "1 review page" if written == 1 else f"{written} review pages"
    report.notices.append(f"{pages} written (X.review.html beside each input)")


def _write_pages(report: RunReport, target: str, force: bool, inputs: InputBytes | None,
                 caches: CacheSet) -> int:
    """Write the pages of ``report``'s files; return how many were written."""
    written = 0
    for result in report.files:
        if result.status not in (Status.TRANSLATED, Status.UP_TO_DATE) or result.path == "-":
            continue
        try:
            write_review(Path(result.path), target, force, inputs, caches)
            written += 1
        except (InputError, OSError) as exc:
            reason = exc.message if isinstance(exc, InputError) else str(exc.strerror or exc)
            report.warnings.append(f"review page of {result.path} not written: {reason}")
        except Exception as exc:  # a bug in one page: the others, and the report, go on
            report.warnings.append(f"review page of {result.path} not written: "
                                   f"{fail_softly(exc)}")
    return written
