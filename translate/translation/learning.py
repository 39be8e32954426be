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
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from translate.cache.caches import CacheSet
from translate.cache.memory import MemoryEntry, Written
from translate.cache.outputs import file_sha256, read_record
from translate.cache.store import Cache
from translate.errors import InputError, TranslateError
from translate.files.names import output_path
from translate.files.reading import read_regular, sha256
from translate.formats.base import Format, run_format
from translate.formats.inline import TOKEN
from translate.text.documents import decode_bytes
from translate.translation.inputs import Inputs, collect_inputs
from translate.translation.protecting import protection_from_record, restore_spans
from translate.translation.reading import decode_input, read_parsed
from translate.translation.report import relative

__all__ = ["LearnReport", "LearnedFile", "learn"]

_WORDS = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)
_MARK = "\ue000{}\ue001"  # private-use characters: no format changes or escapes them
_MARKS = re.compile("\ue000(\\d+)\ue001")
# The most tokens a changed run of lines may hold to be compared token by token.
_MAX_BLOCK = 4000


@dataclass
class LearnedFile:
    """What learning found in one output.

    Attributes:
        output: The output (relative to the working directory).
        status: ``learned``, ``unchanged`` (not edited, or no output), ``foreign`` (a
            file translate did not write) or ``skipped`` (edited, but cannot be aligned).
        reason: Why it was skipped.
        entries: The corrections found (stored unless a dry run).
        uncertain: Segment numbers (1-based) whose edit could not be aligned, and why.
        stored: How many entries were new in the memory.
        outside: Edits outside every learnable segment (the layout, or a segment with
            inline markup): reported, not learned.
    """

    output: str
    status: str
    reason: str | None = None
    entries: list[MemoryEntry] = field(default_factory=list)
    uncertain: list[tuple[int, str]] = field(default_factory=list)
    stored: int = 0
    outside: int = 0


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
            if f.status in ("skipped", "foreign"):
                out.append(f"skipped: {f.output}: {f.reason}")
                continue
            if f.status == "unchanged":
                continue
            out.append(f"{f.output}: {len(f.entries)} corrections ({verb}"
                       + ("" if self.dry_run else f", {f.stored} new") + ")")
            out.extend(f"  segment: {e.source!r} -> {e.target!r}" for e in f.entries)
            out.extend(f"  not learned: segment {n}: {why}" for n, why in f.uncertain)
            if f.outside:
                out.append(f"  not learned: {f.outside} edits outside the segments that can "
                           "be learned (layout, segments with inline markup, or text the "
                           "format escapes)")
        out.append(f"learn: {self.learned} corrections from "
                   f"{sum(1 for f in self.files if f.status == 'learned')} edited outputs, "
                   f"{self.uncertain} edited segments not aligned (skipped), "
                   f"{sum(f.outside for f in self.files)} edits outside learnable segments, "
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
    inputs = _sources(paths, glob)
    report.files += [LearnedFile(r.path, "skipped", r.reason) for r in inputs.skipped]
    try:
        for source in inputs.files:
            report.files.append(_learn_one(source, target, caches, dry_run))
    finally:
        caches.close()
    return report


def _sources(paths: Sequence[str | Path], glob: str | None) -> Inputs:
    """The inputs of ``paths``; an output named is taken for its input."""
    named: list[str | Path] = []
    for raw in paths:
        path = Path(raw)
        record = read_record(path) if path.is_file() else None
        named.append(path.parent / str(record["source"])
                     if record and record.get("kind", "translation") == "translation"
                     and record.get("source") else path)
    return collect_inputs(named, glob)


def _learn_one(source: Path, target: str, caches: CacheSet, dry_run: bool) -> LearnedFile:
    output = output_path(source, target)
    found = LearnedFile(relative(output), "skipped")
    try:
        record = read_record(output)
        if record is None or record.get("kind", "translation") != "translation":
            found.status = "unchanged" if not output.exists() else "foreign"
            found.reason = "not written by translate: nothing to learn from"
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
        if cache is None:
            found.reason = "no cache here: the segments it was written from are not known"
            return found
        pieces, written = _aligned(source, data, record, cache, output, target)
        edited = _decode(output.read_bytes(), record)
        entries, found.uncertain, found.outside = _corrections(pieces, written, edited,
                                                               target)
    except (OSError, TranslateError) as exc:
        found.reason = exc.message if isinstance(exc, TranslateError) else str(exc)
        return found
    mtime = output.stat().st_mtime
    place = cache.output_key(output)
    found.entries = [MemoryEntry(e.source_lang, e.target_lang, e.source, e.target, "human",
                                 mtime, place) for e in entries]
    found.status = ("learned" if found.entries or found.uncertain or found.outside
                    else "unchanged")
    if found.entries and not dry_run:
        found.stored = cache.memory.add(found.entries)
    return found


def _decode(data: bytes, record: dict[str, Any]) -> str:
    """An output's text, read as it was written (its input's encoding)."""
    encoding = record.get("encoding")
    try:
        return decode_bytes(data, "output", str(encoding) if encoding else None).text
    except InputError as exc:
        raise InputError("learning reads edits of text outputs only (this one cannot be "
                         f"read as text: {exc.message})") from exc


# A written output as pieces: skeleton text (str) and segments (their index).
Pieces = list[str | int]


def _aligned(source: Path, data: bytes, record: dict[str, Any], cache: Cache, output: Path,
             target: str) -> tuple[Pieces, Written]:
    """Where each learnable segment lies in the output as written, and the segments.

    The segments as written come from the memory (kept when the output was written) or,
    for an output written before that, from the cache under the record's signatures;
    either way they must write the very bytes the record hashed.

    Raises:
        InputError: the segments as written are not known, or no longer give the
            output's bytes.
    """
    fmt = run_format(source)
    enc = str(record["encoding"]) if record.get("encoding") else None
    doc = decode_input(fmt, data, str(source), enc)
    recorded = record.get("languages") or ["auto"]
    parsed, planned = read_parsed(fmt, data, str(source), doc,
                                  recorded[0] if len(recorded) == 1 else "auto", enc)
    written = cache.memory.written(cache.output_key(output))
    if written is None or written.output_sha256 != record.get("output_sha256") or tuple(
            src for _, src, _, _ in written.segments) != tuple(parsed.segments):
        langs = [planned.paragraphs.get(p, planned.document) for p in parsed.paragraphs]
        written = _from_cache(cache, record, parsed.segments, langs, target)
    outputs = [out for _, _, out, _ in written.segments]
    if sha256(fmt.write(parsed, outputs, target).data) != record.get("output_sha256"):
        raise InputError("the segments it was written from are no longer known (the cache "
                         "was cleared, or the output was written by an older translate): "
                         "the edit cannot be aligned; translate it again with --force, "
                         "then edit")
    text = _decode(fmt.write(parsed, outputs, target).data, record)
    # segments with inline markup, or that the format escapes, stay in the skeleton
    candidates = {i for i, out in enumerate(outputs) if not TOKEN.search(out) and out}
    for _ in range(2):
        pieces = _walk(fmt, parsed, outputs, candidates, target, record, text)
        if pieces is not None:
            return pieces, written
        candidates = _verbatim(fmt, parsed, outputs, candidates, target, record, text)
    return [text], written  # nothing learnable: every edit is reported as not aligned


def _from_cache(cache: Cache, record: dict[str, Any], segments: Sequence[str],
                langs: list[str], target: str) -> Written:
    """The segments as written, from the cache entries of the record's signatures.

    The cache holds a segment as the run sent it: names and terms shielded as
    placeholders (``protection_from_record``); its output is restored the same way.
    """
    signatures: dict[str, str] = record.get("signatures") or {}
    protection = protection_from_record(record)
    shields = ({s: protection.shield(s, lg) for s, lg in zip(segments, langs, strict=True)
                if lg != target} if protection is not None and protection.active else {})
    rows: list[tuple[str, str, str, str]] = []
    by_lang: dict[str, dict[str, str]] = {}
    for lang in set(langs) - {target}:
        current = {s: shields[s].text if s in shields else s
                   for s, lg in zip(segments, langs, strict=True) if lg == lang}
        here = lang
        while here != target and current:
            key = next((k for k in signatures if k.startswith(f"{here}-")), None)
            if key is None:
                current = {}
                break
            found = cache.get_many(signatures[key], set(current.values()))
            current = {s: found[m] for s, m in current.items() if m in found}
            here = key.split("-", 1)[1]
        by_lang[lang] = current
    for src, lang in zip(segments, langs, strict=True):
        out = src if lang == target else by_lang.get(lang, {}).get(src)
        if out is None:
            raise InputError("the segments it was written from are no longer in the cache; "
                             "translate it again with --force, then edit")
        if src in shields and shields[src].spans:
            out = restore_spans(shields[src], out)[0]
        rows.append((lang, src, out, "same" if lang == target else "model"))
    return Written(str(record.get("output_sha256")), target, tuple(rows))


def _template(fmt: Format, parsed: object, outputs: list[str], marked: set[int],
              target: str, record: dict[str, Any]) -> str:
    texts = [_MARK.format(i) if i in marked else out for i, out in enumerate(outputs)]
    return _decode(fmt.write(parsed, texts, target).data, record)  # type: ignore[arg-type]


def _walk(fmt: Format, parsed: object, outputs: list[str], marked: set[int], target: str,
          record: dict[str, Any], text: str) -> Pieces | None:
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
              target: str, record: dict[str, Any], text: str) -> set[int]:
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
        if text.startswith(out, pos) and text.startswith(parts[k + 1], pos + len(out)):
            keep.add(int(part))
            pos += len(out)
            continue
        # written otherwise (escaped): skip to the skeleton after it; a wrong guess here
        # only costs learning, since _walk proves the next split against the text
        after = text.find(parts[k + 1], pos) if parts[k + 1] else -1
        if after < 0:
            return keep
        pos = after
    return keep


def _corrections(pieces: Pieces, written: Written, edited: str, target: str,
                 ) -> tuple[list[MemoryEntry], list[tuple[int, str]], int]:
    """The segments whose text the edit changed, and those it changed uncertainly."""
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
    outside = 0
    for a, b, c, d in _changed(old_tokens, new_tokens):
        if b - a > _MAX_BLOCK or d - c > _MAX_BLOCK:
            touched = {owner[k] for k in range(max(a - 1, 0), min(b + 1, len(owner)))}
            for index in touched - {-1}:  # too large a change to align for certain
                uncertain.setdefault(index, "rewritten too widely to align for certain")
            outside += not touched - {-1}
            continue
        inside = _inside(spans, owner, a, b)
        if inside is not None:
            changes.setdefault(inside, []).append((a, b, new_tokens[c:d]))
            continue
        touched = {owner[k] for k in range(max(a - 1, 0), min(b + 1, len(owner)))} - {-1}
        outside += not touched
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
    return entries, sorted((i + 1, why) for i, why in uncertain.items()), outside


def _changed(old: list[str], new: list[str]) -> list[tuple[int, int, int, int]]:
    """The changed token ranges ``(a, b, c, d)``: ``old[a:b]`` became ``new[c:d]``.

    Lines found once in both texts, in the same order, are anchors (as in a patience
    diff: fast however long the file); the tokens between two anchors are compared
    one by one. A stretch of more than ``_MAX_BLOCK`` tokens is given as one change,
    not compared (the time stays linear in the file's size; such a change is not
    learnt).
    """
    old_lines, new_lines = _lines(old), _lines(new)
    out: list[tuple[int, int, int, int]] = []
    i = j = 0
    for next_i, next_j in [*_anchors(old_lines, new_lines), (len(old_lines), len(new_lines))]:
        a = old_lines[i][1] if i < len(old_lines) else len(old)
        b = old_lines[next_i - 1][2] if next_i > i else a
        c = new_lines[j][1] if j < len(new_lines) else len(new)
        d = new_lines[next_j - 1][2] if next_j > j else c
        i, j = next_i + 1, next_j + 1
        if old[a:b] == new[c:d]:
            continue
        if b - a > _MAX_BLOCK or d - c > _MAX_BLOCK:
            out.append((a, b, c, d))
            continue
        tokens = difflib.SequenceMatcher(None, old[a:b], new[c:d], autojunk=False)
        out += [(a + ta, a + tb, c + tc, c + td)
                for tag, ta, tb, tc, td in tokens.get_opcodes() if tag != "equal"]
    return out


def _anchors(old_lines: list[tuple[str, int, int]], new_lines: list[tuple[str, int, int]],
             ) -> list[tuple[int, int]]:
    """Pairs of line numbers (old, new) of the lines unique in both, kept in order."""
    in_old = Counter(text for text, _, _ in old_lines)
    in_new = Counter(text for text, _, _ in new_lines)
    olds = [n for n, (t, _, _) in enumerate(old_lines) if in_old[t] == 1 == in_new[t]]
    news = [n for n, (t, _, _) in enumerate(new_lines) if in_old[t] == 1 == in_new[t]]
    matcher = difflib.SequenceMatcher(None, [old_lines[n][0] for n in olds],
                                      [new_lines[n][0] for n in news], autojunk=False)
    return [(olds[block.a + k], news[block.b + k])
            for block in matcher.get_matching_blocks() for k in range(block.size)]


def _lines(tokens: list[str]) -> list[tuple[str, int, int]]:
    """Tokens grouped into lines: (the line's text, first token, end token)."""
    lines: list[tuple[str, int, int]] = []
    start = 0
    for index, token in enumerate(tokens):
        if "\n" in token:
            lines.append(("".join(tokens[start:index + 1]), start, index + 1))
            start = index + 1
    if start < len(tokens):
        lines.append(("".join(tokens[start:]), start, len(tokens)))
    return lines


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
