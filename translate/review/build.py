"""A review page from what a run left: the output's record and the segment cache.

No model is loaded: the source is segmented again, each segment's translation is read
from the cache under the signatures the record names (leg by leg for a pivot), and the
checks of ``quality.checks`` are run on each pair. An output edited by hand since it was
written is shown as it is, and the page says so.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from translate.cache.outputs import (
    Decision,
    file_sha256,
    plan_output,
    read_record,
    write_record,
)
from translate.cache.store import CACHE_DIR, Cache, find_cache_root
from translate.errors import InputError, TranslateError
from translate.formats.base import format_for, is_plain_text
from translate.models.signature import parse_signature
from translate.quality.checks import check_segment
from translate.review.links import link_summary
from translate.review.page import (
    ReviewHeader,
    ReviewPage,
    ReviewRow,
    ReviewSummary,
    render_review,
    review_path,
)
from translate.run.reading import decode_input, read_parsed, text_of
from translate.text.documents import (
    output_path,
    read_regular,
    sha256,
    summary_path,
    write_atomic,
)
from translate.text.segment import segment


def build_review(path: Path, target: str = "en") -> ReviewPage:
    """The review page of input ``path``, from its output's record and the cache.

    Raises:
        InputError: ``path`` has no translation that translate wrote.
    """
    output = output_path(path, target)
    record = read_record(output)
    if record is None or record.get("kind", "translation") != "translation":
        raise InputError(f"{path}: no translation written by translate ({output.name})",
                         "translate it first, then ask for the review page")
    data = read_regular(path)
    fmt = format_for(path)  # the rows are the segments the run translated
    encoding = record.get("encoding")
    doc = decode_input(fmt, data, str(path), encoding)
    languages = record.get("languages") or ["auto"]
    seg, planned = read_parsed(fmt, data, str(path), doc,
                               languages[0] if len(languages) == 1 else "auto", encoding)
    langs = [planned.paragraphs.get(p, planned.document) for p in seg.paragraphs]
    translations = _cached_translations(path, record, seg.segments, langs, target)
    rows = tuple(ReviewRow(source, text or "", paragraph,
                           _flags(source, text, lang, target))
                 for source, text, paragraph, lang
                 in zip(seg.segments, translations, seg.paragraphs, langs, strict=True))
    notes = _notes(record, data, translations)
    current = file_sha256(output)
    edited = (_edited_text(output)
              if current is not None and current != record.get("output_sha256") else None)
    texts = [r.translation for r in rows]
    return ReviewPage(_header(path, output, record, planned.document, target), rows,
                      _summary(path, target, texts), edited, notes)


def _edited_text(output: Path) -> str:
    """An output edited by hand, as the page shows it: its text content (DOCX: words)."""
    if is_plain_text(format_for(output)):
        return output.read_text(encoding="utf-8", errors="replace")
    try:
        return text_of(output).text
    except (TranslateError, OSError) as exc:
        return f"(cannot be read: {exc})"


def write_review(path: Path, target: str = "en", force: bool = False) -> tuple[Path, ReviewPage]:
    """Write the review page of ``path`` beside it; return where, and the page.

    Raises:
        InputError: no translation to review, or a file of that name that the tool did
            not write (or that was edited) is in the way.
    """
    page = build_review(path, target)
    html = render_review(page).encode("utf-8")
    where = review_path(path)
    plan = plan_output(where, sha256(html), force)
    if plan.decision in (Decision.CONFLICT, Decision.KEEP_EDITED):
        raise InputError(f"{where}: {plan.reason}", "move it away or pass --force")
    write_atomic(where, html)
    write_record(where, {"kind": "review", "source": path.name, "input_sha256": sha256(html),
                         "output_sha256": sha256(html), "written": time.time()})
    return where, page


def _cached_translations(path: Path, record: dict[str, Any], segments: tuple[str, ...],
                         langs: list[str], target: str) -> list[str | None]:
    """Each segment's translation from the cache (``None``: not there)."""
    root = find_cache_root(path)
    if not (root / CACHE_DIR).is_dir():
        return [None] * len(segments)
    signatures: dict[str, str] = record.get("signatures", {})
    out: dict[tuple[str, str], str | None] = {}
    with Cache.open(root) as cache:
        for lang in set(langs):
            texts = {s for s, lg in zip(segments, langs, strict=True) if lg == lang}
            legs = _legs(lang, target, signatures) if lang != target else []
            current: dict[str, str] = {t: t for t in texts}
            for key in legs:
                found = cache.get_many(signatures[key], set(current.values()))
                current = {src: found[mid] for src, mid in current.items() if mid in found}
            if lang != target and not legs:
                current = {}
            out.update({(lang, src): current.get(src) for src in texts})
    return [out.get((lg, s)) for s, lg in zip(segments, langs, strict=True)]


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


def _flags(source: str, translation: str | None, lang: str, target: str) -> tuple[str, ...]:
    if translation is None:
        return ("not-cached",)
    if lang == target:
        return ()
    return check_segment(source, translation, source_lang=lang, target_lang=target)


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
    sentences = segment(summary.read_text(encoding="utf-8"), target).segments
    return ReviewSummary(link_summary(sentences, translations, exact), method, exact)
