"""``translate learn``: hand edits of outputs become ``human`` translation memory entries.

An output edited since the tool wrote it (its hash differs from its record's) is
aligned to the segments it was written from. The segments as written are known
(``Memory.written``, kept when the output was written) and proven: the format writes
them again and the bytes must hash to the record's. A second writing, with a marker in
place of each segment, tells exactly where each segment lies in the output; the rest is
the format's skeleton (line breaks, markup). The edited text is then compared with the
written one word by word (``difflib``): a change inside one segment is that segment's
correction; a change that touches the skeleton (paragraphs merged or split, a segment
emptied, a line break added) leaves the segments it touches uncertain: they are
skipped and reported, never guessed.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from translate.cache.caches import CacheSet
from translate.cache.memory import MemoryEntry, Written
from translate.cache.outputs import file_sha256, read_record
from translate.errors import InputError, TranslateError
from translate.formats.base import Format, run_format
from translate.formats.inline import TOKEN
from translate.run.inputs import collect_inputs
from translate.run.reading import decode_input, read_parsed
from translate.run.report import relative
from translate.text.documents import decode_bytes, output_path, read_regular, sha256

__all__ = ["LearnReport", "LearnedFile", "learn"]

_WORDS = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)
_MARK = "\ue000{}\ue001"  # private-use characters: no format changes or escapes them
_MARKS = re.compile("\ue000(\\d+)\ue001")


@dataclass
class LearnedFile:
    """What learning found in one output.

    Attributes:
        output: The output (relative to the working directory).
        status: ``learned``, ``unchanged`` (not edited) or ``skipped`` (cannot align).
        reason: Why it was skipped.
        entries: The corrections found (stored unless a dry run).
        uncertain: Segment numbers (1-based) whose edit could not be aligned, and why.
        stored: How many entries were new in the memory.
    """

    output: str
    status: str
    reason: str | None = None
    entries: list[MemoryEntry] = field(default_factory=list)
    uncertain: list[tuple[int, str]] = field(default_factory=list)
    stored: int = 0


@dataclass
class LearnReport:
    """What ``learn`` did, file by file."""

    files: list[LearnedFile] = field(default_factory=list)
    dry_run: bool = False

    @property
    def learned(self) -> int:
        """Corrections found over all files."""
        return sum(len(f.entries) for f in self.files)

    @property
    def uncertain(self) -> int:
        """Segments skipped because their edit could not be aligned."""
        return sum(len(f.uncertain) for f in self.files)

    def lines(self) -> list[str]:
        """The report for people, one line per fact."""
        out: list[str] = []
        verb = "would store" if self.dry_run else "stored"
        for f in self.files:
            if f.status == "skipped":
                out.append(f"skipped: {f.output}: {f.reason}")
                continue
            if f.status == "unchanged":
                continue
            out.append(f"{f.output}: {len(f.entries)} corrections ({verb}"
                       + ("" if self.dry_run else f", {f.stored} new") + ")")
            out.extend(f"  segment: {e.source!r} -> {e.target!r}" for e in f.entries)
            out.extend(f"  not learned: segment {n}: {why}" for n, why in f.uncertain)
        out.append(f"learn: {self.learned} corrections from "
                   f"{sum(1 for f in self.files if f.status == 'learned')} edited outputs, "
                   f"{self.uncertain} edited segments not aligned (skipped), "
                   f"{sum(1 for f in self.files if f.status == 'skipped')} outputs skipped")
        return out


def learn(paths: Sequence[str | Path], target: str = "en", glob: str | None = None,
          dry_run: bool = False) -> LearnReport:
    """Store the hand edits of the outputs of ``paths`` as ``human`` memory entries.

    Args:
        paths: Inputs, their outputs (``X.en.txt``) or folders.
        target: The outputs' language.
        glob: File-name pattern inside folders.
        dry_run: List what would be stored; store nothing.
    """
    report = LearnReport(dry_run=dry_run)
    caches = CacheSet(use_cache=True, dry_run=dry_run)
    try:
        for source in _sources(paths, glob):
            report.files.append(_learn_one(source, target, caches, dry_run))
    finally:
        caches.close()
    return report


def _sources(paths: Sequence[str | Path], glob: str | None) -> list[Path]:
    """The inputs of ``paths``; an output named is taken for its input."""
    named: list[str | Path] = []
    for raw in paths:
        path = Path(raw)
        record = read_record(path) if path.is_file() else None
        named.append(path.parent / str(record["source"])
                     if record and record.get("kind", "translation") == "translation"
                     and record.get("source") else path)
    return collect_inputs(named, glob).files


def _learn_one(source: Path, target: str, caches: CacheSet, dry_run: bool) -> LearnedFile:
    output = output_path(source, target)
    found = LearnedFile(relative(output), "skipped")
    try:
        record = read_record(output)
        if record is None or record.get("kind", "translation") != "translation":
            found.reason = "no translation written by translate"
            return found
        seen = file_sha256(output)
        if seen is None or seen == record.get("output_sha256"):
            found.status = "unchanged"
            return found
        data = read_regular(source)
        if sha256(data) != record.get("input_sha256"):
            found.reason = ("its input changed since the output was written: the edit "
                            "cannot be aligned to the old segments")
            return found
        cache = caches.for_path(source)
        written = cache.memory.written(cache.output_key(output)) if cache else None
        if written is None or written.output_sha256 != record.get("output_sha256"):
            found.reason = ("the segments it was written from are not known (written "
                            "before translate kept them, or by another run since); "
                            "translate it again with --force, then edit")
            return found
        pieces = _aligned(source, data, record, written, target)
        edited = _decode(output.read_bytes(), record)
        entries, found.uncertain = _corrections(pieces, written, edited, target)
    except (OSError, TranslateError) as exc:
        found.reason = exc.message if isinstance(exc, TranslateError) else str(exc)
        return found
    mtime = output.stat().st_mtime
    place = cache.output_key(output) if cache else output.name
    found.entries = [MemoryEntry(e.source_lang, e.target_lang, e.source, e.target, "human",
                                 mtime, place) for e in entries]
    found.status = "learned" if found.entries or found.uncertain else "unchanged"
    if found.entries and not dry_run and cache is not None:
        found.stored = cache.memory.add(found.entries)
    return found


def _decode(data: bytes, record: dict[str, object]) -> str:
    """An output's text, read as it was written (its input's encoding)."""
    encoding = record.get("encoding")
    try:
        return decode_bytes(data, "output", str(encoding) if encoding else None).text
    except InputError as exc:
        raise InputError("learning reads edits of text outputs only (this one cannot be "
                         f"read as text: {exc.message})") from exc


# A written output as pieces: skeleton text (str) and segments (their index).
Pieces = list[str | int]


def _aligned(source: Path, data: bytes, record: dict[str, object], written: Written,
             target: str) -> tuple[str, Pieces]:
    """The written output's text and where each learnable segment lies in it.

    Raises:
        InputError: the segments as written no longer give the output's bytes.
    """
    fmt = run_format(source)
    encoding = record.get("encoding")
    enc = str(encoding) if encoding else None
    doc = decode_input(fmt, data, str(source), enc)
    langs = sorted({lang for lang, *_ in written.segments})
    parsed, _ = read_parsed(fmt, data, str(source), doc,
                            langs[0] if len(langs) == 1 else "auto", enc)
    outputs = [out for _, _, out, _ in written.segments]
    if tuple(parsed.segments) != tuple(src for _, src, _, _ in written.segments) or sha256(
            fmt.write(parsed, outputs, target).data) != record.get("output_sha256"):
        raise InputError("its segments no longer give the output as it was written; "
                         "translate it again with --force, then edit")
    text = _decode(fmt.write(parsed, outputs, target).data, record)
    # segments with inline markup, or that the format escapes, stay in the skeleton
    candidates = {i for i, out in enumerate(outputs) if not TOKEN.search(out) and out}
    for _ in range(2):
        pieces = _walk(fmt, parsed, outputs, candidates, target, record, text)
        if pieces is not None:
            return text, pieces
        candidates = _verbatim(fmt, parsed, outputs, candidates, target, record, text)
    return text, [text]  # nothing learnable: every edit is reported as not aligned


def _template(fmt: Format, parsed: object, outputs: list[str], marked: set[int],
              target: str, record: dict[str, object]) -> str:
    texts = [_MARK.format(i) if i in marked else out for i, out in enumerate(outputs)]
    return _decode(fmt.write(parsed, texts, target).data, record)  # type: ignore[arg-type]


def _walk(fmt: Format, parsed: object, outputs: list[str], marked: set[int], target: str,
          record: dict[str, object], text: str) -> Pieces | None:
    """The output as skeleton and segments, or ``None`` when a marked one is not verbatim."""
    try:
        template = _template(fmt, parsed, outputs, marked, target, record)
    except (TranslateError, ValueError):
        return None
    pieces: Pieces = []
    rebuilt: list[str] = []
    for k, part in enumerate(_MARKS.split(template)):  # text, index, text, index, ...
        if k % 2 == 0:
            pieces.append(part)
            rebuilt.append(part)
        else:
            pieces.append(int(part))
            rebuilt.append(outputs[int(part)])
    return pieces if "".join(rebuilt) == text else None


def _verbatim(fmt: Format, parsed: object, outputs: list[str], marked: set[int],
              target: str, record: dict[str, object], text: str) -> set[int]:
    """The marked segments that the output holds exactly as translated (not escaped)."""
    try:
        template = _template(fmt, parsed, outputs, marked, target, record)
    except (TranslateError, ValueError):
        return set()
    keep: set[int] = set()
    pos = 0
    parts = _MARKS.split(template)
    for k, part in enumerate(parts):
        if k % 2 == 0:
            if not text.startswith(part, pos):
                return keep  # lost: the segments after this one stay in the skeleton
            pos += len(part)
            continue
        out = outputs[int(part)]
        if text.startswith(out, pos) and parts[k + 1:k + 2] and text.startswith(
                parts[k + 1], pos + len(out)):
            keep.add(int(part))
            pos += len(out)
        else:
            return keep
    return keep


def _corrections(aligned: tuple[str, Pieces], written: Written, edited: str, target: str,
                 ) -> tuple[list[MemoryEntry], list[tuple[int, str]]]:
    """The segments whose text the edit changed, and those it changed uncertainly."""
    _, pieces = aligned
    old_tokens: list[str] = []
    owner: list[int] = []  # per old token: its segment index, -1 for skeleton
    spans: dict[int, tuple[int, int]] = {}  # segment -> (first token, end token)
    for piece in pieces:
        words = _WORDS.findall(written.segments[piece][2] if isinstance(piece, int)
                               else piece)
        if isinstance(piece, int):
            spans[piece] = (len(old_tokens), len(old_tokens) + len(words))
        old_tokens += words
        owner += [piece if isinstance(piece, int) else -1] * len(words)
    new_tokens = _WORDS.findall(edited)
    changes: dict[int, list[tuple[int, int, list[str]]]] = {}
    uncertain: dict[int, str] = {}
    matcher = difflib.SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    for tag, a, b, c, d in matcher.get_opcodes():
        if tag == "equal":
            continue
        inside = _inside(spans, owner, a, b)
        if inside is not None:
            changes.setdefault(inside, []).append((a, b, new_tokens[c:d]))
            continue
        touched = {owner[k] for k in range(max(a - 1, 0), min(b + 1, len(owner)))} - {-1}
        for index in touched:
            uncertain.setdefault(index, "the edit crosses its boundary (paragraphs or "
                                        "sentences merged or split, or layout changed)")
    entries: list[MemoryEntry] = []
    for index, edits in sorted(changes.items()):
        if index in uncertain:
            continue
        lang, source, out, _origin = written.segments[index]
        start, end = spans[index]
        tokens = old_tokens[start:end]
        for a, b, new in sorted(edits, reverse=True):
            tokens[a - start:b - start] = new
        fixed = "".join(tokens)
        if not fixed.strip():
            uncertain[index] = "emptied (a deleted segment is not a translation)"
        elif fixed.count("\n") != out.count("\n"):
            uncertain[index] = "a line break was added or removed (split or merged)"
        elif fixed != out and lang != target:
            entries.append(MemoryEntry(lang, target, source, fixed, "human"))
    return entries, sorted((i + 1, why) for i, why in uncertain.items())


def _inside(spans: dict[int, tuple[int, int]], owner: list[int], a: int, b: int,
            ) -> int | None:
    """The one segment that old tokens ``[a, b)`` lie strictly inside, if any.

    An insertion (``a == b``) at a segment's edge could belong to the skeleton beside it:
    it is inside only when tokens of that segment lie on both sides of it.
    """
    if a < b:
        first, last = owner[a], owner[b - 1]
        if first == last and first != -1:
            return first
        return None
    if 0 < a < len(owner) and owner[a - 1] == owner[a] != -1:
        return owner[a]
    return None
