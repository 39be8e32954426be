"""``translate cache stats --explain PATH``: why a re-run would miss, in words.

For each output of PATH: the signatures its record stores, the ones today's settings
give, the fields that differ, and whether its input or the output itself changed since
it was written. Reads records and model folders only: no model is loaded, nothing is
downloaded, nothing is written.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from translate.cache.outputs import RECORD_DIR, file_sha256, read_record
from translate.cache.store import signature_id
from translate.errors import TranslateError, UsageError
from translate.files.names import output_path, summary_path
from translate.files.reading import sha256
from translate.models.routing import Router
from translate.models.signature import differences, parse_signature, readable_signature
from translate.summaries.summarize import SummaryOptions
from translate.summaries.summarizer import Summarizer
from translate.translation.protecting import Protection, terms_changes
from translate.translation.reading import text_of


def explain(path: Path, router: Router, target: str, source: str = "auto",
            protection: Protection | None = None) -> Iterator[str]:
    """Lines explaining every output of ``path`` (an input, an output or a folder).

    Args:
        path: What to explain.
        router: Built from the settings a re-run would use (``--models``, ``--engine``...).
        target: The target language (``--to``): which outputs an input has.
        source: ``--from``: the source language a re-run would force (``auto``: the
            languages the record names).
        protection: The glossaries, kept spans and name rule a re-run would use
            (``None``: not compared).

    Raises:
        UsageError: ``path`` does not exist.
    """
    if not path.exists() and read_record(path) is None:
        raise UsageError(f"{path} does not exist")
    outputs, notes = find_outputs(path, target)
    yield from notes
    for output in outputs:
        record = read_record(output)
        assert record is not None  # find_outputs returns recorded outputs only
        yield from explain_output(output, record, router, target, source)
        if protection is not None and record.get("kind", "translation") == "translation":
            yield from terms_lines(output, record, protection)


def find_outputs(path: Path, target: str) -> tuple[list[Path], list[str]]:
    """The recorded outputs of ``path``, and notes about what has none."""
    if path.is_dir():
        found = sorted(_recorded_under(path))
        return found, [] if found else [f"{path}: no output written by translate under it"]
    if read_record(path) is not None:
        return [path], []
    candidates = [output_path(path, target), summary_path(path, target)]
    found = [c for c in candidates if read_record(c) is not None]
    if found:
        return found, []
    looked = ", ".join(c.name for c in candidates)
    return [], [f"{path}: not written by translate (it has no record in {RECORD_DIR}/), "
                f"and no output of it written by translate is here (looked for {looked})"]


def _recorded_under(folder: Path) -> Iterator[Path]:
    for records in folder.rglob(RECORD_DIR):
        if records.is_symlink() or not records.is_dir():
            continue
        for file in records.glob("*.json"):
            try:
                name = json.loads(file.read_text(encoding="utf-8")).get("output")
            except (OSError, ValueError, AttributeError):
                continue
            if isinstance(name, str) and read_record(records.parent / name) is not None:
                yield records.parent / name


def explain_output(output: Path, record: dict[str, Any], router: Router, target: str,
                   source: str) -> Iterator[str]:
    """Lines for one recorded output."""
    kind = record.get("kind", "translation")
    written = record.get("written") or record.get("recorded")
    when = (time.strftime(" on %Y-%m-%d %H:%M UTC", time.gmtime(written))
            if isinstance(written, int | float) else "")
    yield f"{output}: {kind} of {record.get('source', '?')}, written by translate{when}"
    same_input, input_state = _input_state(output, record)
    yield f"  input:  {input_state}"
    yield f"  output: {_output_state(output, record, same_input)}"
    if kind == "summary":
        yield from _summary_lines(record, router)
        return
    languages = [source] if source != "auto" else list(record.get("languages", []))
    if record.get("target", target) != target:
        yield f"  target: {record.get('target')} -> {target} (a re-run writes another file)"
    yield from _translation_lines(record, router, languages, target)


def _input_state(output: Path, record: dict[str, Any]) -> tuple[bool, str]:
    source = output.parent / str(record.get("source", ""))
    seen = file_sha256(source) if record.get("source") else None
    if seen is None:
        return False, f"{source.name or '?'} is gone (or is not a regular file)"
    candidates = {seen}
    english = output_path(source, str(record.get("target", "en")))
    if record.get("kind") == "summary" and english.is_file():
        # an abstractive summary is made from the translation's text
        with contextlib.suppress(TranslateError):
            candidates.add(sha256(text_of(english).text.encode()))
    if record.get("input_sha256") in candidates:
        return True, f"{source.name} unchanged since the output was written"
    return False, (f"{source.name} changed since the output was written (a re-run "
                   "translates it again; unchanged sentences still come from the cache)")


def _output_state(output: Path, record: dict[str, Any], same_input: bool) -> str:
    seen = file_sha256(output)
    if seen is None:
        return "deleted since written (a re-run writes it again)"
    if seen == record.get("output_sha256"):
        return "as translate wrote it"
    if same_input:
        return "edited by hand since written (kept: --force replaces it)"
    return ("edited by hand since written, and its input changed: a re-run reports a "
            "conflict and keeps the edit (--force replaces it)")


def _summary_lines(record: dict[str, Any], router: Router) -> Iterator[str]:
    text = record.get("signature_text")
    old_id = str(record.get("signature"))
    fields = parse_signature(text) if isinstance(text, str) else {}
    if fields.get("method") != "abstractive":
        yield (f"  summary recorded: {text}" if fields else f"  summary recorded: signature "
               f"{old_id} (written before readable signatures)")
        yield ("  summary: not compared here: an extractive summary is redone when its "
               "translation, method or length changes")
        return
    try:  # the recorded method and length, with today's summariser and settings
        options = SummaryOptions(fields["method"], int(fields["max_words"]),
                                 int(fields["min_words"]))
        sig = Summarizer(router, options).signature()
    except TranslateError as exc:  # no summariser configured, or its model is not here
        yield from _pair_lines("summary", old_id, text, exc.message)
        return
    except (KeyError, ValueError):
        yield from _pair_lines("summary", old_id, text, "the recorded line lacks its length")
        return
    yield from _pair_lines("summary", old_id, text, (signature_id(sig), readable_signature(sig)))


def _translation_lines(record: dict[str, Any], router: Router, languages: list[str],
                       target: str) -> Iterator[str]:
    ids: dict[str, str] = record.get("signatures") or {}
    texts: dict[str, str] = record.get("signature_texts") or {}
    current: dict[str, tuple[str, str] | str] = {}
    for language in languages:
        try:
            route = router.route(language, target)
        except TranslateError as exc:
            current[f"{language}-{target}"] = f"no route now: {exc.message}"
            continue
        for translator in route:
            try:
                sig = translator.signature()
            except TranslateError as exc:  # a model not on this machine: say so, go on
                current[translator.spec.key] = (f"model {translator.spec.model} is not "
                                                f"available locally ({exc.message})")
                continue
            current[translator.spec.key] = (signature_id(sig), readable_signature(sig))
    for pair in [*ids, *(p for p in current if p not in ids)]:
        yield from _pair_lines(pair, ids.get(pair), texts.get(pair), current.get(pair))


def _pair_lines(pair: str, old_id: str | None, old_text: str | None,
                now: tuple[str, str] | str | None) -> Iterator[str]:
    if old_id is not None:
        yield f"  {pair} recorded: {old_text or f'signature {old_id} (no readable text)'}"
    if isinstance(now, tuple):
        yield f"  {pair} now:      {now[1]}"
    if now is None:
        yield f"  {pair}: not on today's route (a re-run does not use this model)"
    elif isinstance(now, str):
        yield f"  {pair}: cannot compare: {now}"
    elif old_id is None:
        yield f"  {pair}: new on today's route: would miss"
    elif now[0] == old_id:
        yield f"  {pair}: would hit (same signature {old_id})"
    elif old_text is None:
        yield (f"  {pair}: would miss: signature {old_id} -> {now[0]} (recorded before "
               "readable signatures: no fields to compare)")
    else:
        changed = "; ".join(differences(old_text, now[1])) or (
            f"signature {old_id} -> {now[0]}")
        yield f"  {pair}: would miss: {changed}"


def terms_lines(output: Path, record: dict[str, Any], protection: Protection,
                ) -> Iterator[str]:
    """Lines comparing a record's glossary, kept spans and name rule with today's."""
    if record.get("terms") == (protection.signature() if protection.active else None):
        yield "  terms: same glossary, kept spans and name rule"
        return
    source = output.parent / str(record.get("source", ""))
    try:
        text: str | None = text_of(source).text if record.get("source") else None
    except (TranslateError, OSError):
        text = None  # gone or unreadable: entries added are not looked for
    changes = terms_changes(record, protection, text)
    yield ("  terms: would write again (segments whose protected spans changed go to the "
           "model; a changed target only is put in again): " + "; ".join(changes))
