"""Terms and names through any engine: placeholders before the routes, values after.

Before a segment goes to its route (cache and model, every leg of a pivot), each
glossary term, kept span and name in it becomes an atom placeholder numbered after the
segment's own inline-markup tokens (``<x3/>``), as formats already do for inline code;
after the route, each placeholder is replaced by its value: a name or kept span
verbatim, a glossary term by its target, capitalised when it starts a sentence of the
output. The cache thus holds the output with placeholders, keyed by the text with
placeholders: a segment's key depends only on which spans of it are protected, so
editing one glossary entry sends to the model only the segments whose protected spans
change (a changed target needs no model at all: only the restoring changes).

A placeholder the model dropped is a failed ``markup`` check on the model's output (so
it goes through the retry); what still lacks it after the retry is flagged ``names``
(a name or kept span) or ``term`` (a glossary target), and ``markup`` stays only when
the format's own tokens are damaged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from translate.cache.store import Entry, signature_id
from translate.formats.inline import TOKEN
from translate.formats.restore import damaged
from translate.models.registry import Registry
from translate.models.routing import Route
from translate.quality.checks import CODES
from translate.text.terms import (
    RULES_VERSION,
    Glossary,
    Matcher,
    Term,
    check_glossaries,
    find_names,
)

# What goes through the routes, and what comes back (``translate.translation.routes``).
Docs = dict[int, tuple[Any, list[Route], Any]]
Outputs = dict[tuple[Route, str], str]
RunRoutes = Callable[[Docs, Any], Outputs]
_OPEN_QUOTES = "\"'“‘«(["
_LOOK_BACK = 200  # characters before a placeholder looked at to tell a sentence start


@dataclass(frozen=True)
class Span:
    """One protected span of a segment.

    Attributes:
        kind: ``term`` (a glossary target), ``keep`` (a kept span or ``keep`` term) or
            ``name``.
        source: The span as the segment has it.
        value: What replaces its placeholder (the target, or ``source``).
        term: The glossary entry, if any.
    """

    kind: str
    source: str
    value: str
    term: Term | None = None


@dataclass(frozen=True)
class Shielded:
    """A segment with its spans as placeholders: ``spans[n]`` is ``<x{n}/>``."""

    text: str
    spans: Mapping[int, Span]


@dataclass(frozen=True)
class _View:
    """A document as the routes see it: its segments with placeholders."""

    segments: tuple[str, ...]


class Protection:
    """The terms, kept spans and name rule of a run.

    Args:
        glossary: The run's glossary.
        keep: Spans never translated (``--keep``, ``[keep]``), matched case-sensitively.
        keep_names: Keep names found by the rule (``--no-keep-names``: off).
    """

    def __init__(self, glossary: Glossary, keep: Sequence[str] = (),
                 keep_names: bool = True) -> None:
        self.glossary = glossary
        kept = [Term(k, k, case=True, keep=True, origin="--keep") for k in keep if k.strip()]
        self.kept = {t.key: t for t in kept}
        self.keep_names = keep_names
        self._matchers: dict[str, tuple[Matcher, Matcher]] = {}
        self._shielded: dict[tuple[str, str], Shielded] = {}
        self._signature: str | None = None
        self._described: dict[str, Any] | None = None

    @classmethod
    def load(cls, glossaries: Sequence[Path], keep: Sequence[str] = (),
             keep_names: bool = True) -> Protection:
        """The protection of a run; a bad glossary is refused (``UsageError``, exit 2)."""
        return cls(check_glossaries(glossaries, keep), keep, keep_names)

    @property
    def active(self) -> bool:
        """Whether anything is protected at all."""
        return bool(self.glossary.terms or self.kept or self.keep_names)

    def signature(self) -> str:
        """The id of everything that changes outputs: a file's record keeps it."""
        if self._signature is None:  # once: every file's record asks for it
            self._signature = signature_id(self.describe())
        return self._signature

    def describe(self) -> dict[str, Any]:
        """The settings as a record keeps them, the glossary as its id only."""
        if self._described is None:
            entries = {t.key: t.describe() for t in self.glossary.terms.values()}
            self._described = {
                "rules": RULES_VERSION, "keep_names": self.keep_names,
                "keep": sorted(t.source for t in self.kept.values()),
                "glossary": signature_id(entries)}
        return self._described

    def _matcher(self, lang: str) -> tuple[Matcher, Matcher]:
        if lang not in self._matchers:
            self._matchers[lang] = (Matcher(self.glossary.terms.values(), lang),
                                    Matcher(self.kept.values(), lang))
        return self._matchers[lang]

    def spans(self, text: str, lang: str) -> list[tuple[int, int, Span]]:
        """The protected spans of ``text``: glossary first, then kept spans, then names."""
        tokens = [(m.start(), m.end()) for m in TOKEN.finditer(text)]
        glossary, kept = self._matcher(lang)
        found: list[tuple[int, int, Span]] = []
        taken = sorted(tokens)
        layers: list[list[tuple[int, int, Span]]] = [
            [(s, e, _term_span(t, text[s:e])) for s, e, t in glossary.find(text)],
            [(s, e, Span("keep", text[s:e], text[s:e], t)) for s, e, t in kept.find(text)],
            [(s, e, Span("name", text[s:e], text[s:e]))
             for s, e in (find_names(text, lang) if self.keep_names else [])]]
        for layer in layers:
            free = _outside(taken, sorted(layer, key=lambda item: item[0]))
            found += free
            taken = sorted(taken + [(s, e) for s, e, _ in free])
        return sorted(found, key=lambda item: item[0])

    def shield(self, text: str, lang: str) -> Shielded:
        """``text`` with its protected spans as placeholders (remembered per text)."""
        key = (text, lang)
        if key not in self._shielded:
            numbers = [int(m.group(2)) for m in TOKEN.finditer(text)]
            number = max(numbers, default=0)
            parts: list[str] = []
            spans: dict[int, Span] = {}
            last = 0
            for start, end, span in self.spans(text, lang):
                number += 1
                parts += [text[last:start], f"<x{number}/>"]
                spans[number] = span
                last = end
            parts.append(text[last:])
            self._shielded[key] = Shielded("".join(parts), spans)
        return self._shielded[key]

    def terms_in(self, texts: Sequence[str], lang: str) -> list[Term]:
        """The glossary entries that match any of ``texts`` (for a file's record)."""
        seen: dict[str, Term] = {}
        for text in texts:
            for span in self.shield(text, lang).spans.values():
                if span.term is not None and span.term.origin != "--keep":
                    seen[span.term.key] = span.term
        return list(seen.values())

    def around(self, run: RunRoutes, docs: Docs, results: Any,
               signals: Callable[[], dict[tuple[Route, str], Entry]]) -> tuple[
                   Outputs, dict[tuple[Route, str], Entry]]:
        """Run ``run`` over ``docs`` shielded; the outputs and signals restored."""
        self._shielded.clear()  # kept for one chunk of documents only (memory)
        views: Docs = {}
        pairs: list[tuple[Route, str, Shielded]] = []
        for key, (seg, routes, cache) in docs.items():
            shown = []
            for route, text in zip(routes, seg.segments, strict=True):
                shielded = (self.shield(text, _source(route)) if route
                            else Shielded(text, {}))
                shown.append(shielded.text)
                pairs.append((route, text, shielded))
            views[key] = (_View(tuple(shown)), routes, cache)
        outputs = run(views, results)
        found = signals()
        restored: Outputs = {}
        flagged: dict[tuple[Route, str], Entry] = {}
        for route, text, shielded in pairs:
            as_seen = (route, shielded.text)
            if as_seen not in outputs:
                continue
            output, codes = restore_spans(shielded, outputs[as_seen])
            restored[(route, text)] = output
            if as_seen in found:
                flagged[(route, text)] = _recoded(found[as_seen], text, output, codes)
        return restored, flagged


def _outside(taken: list[tuple[int, int]], spans: list[tuple[int, int, Span]],
             ) -> list[tuple[int, int, Span]]:
    """The ``spans`` (sorted) that overlap none of ``taken`` (sorted, disjoint): one walk."""
    out: list[tuple[int, int, Span]] = []
    k = 0
    for start, end, span in spans:
        while k < len(taken) and taken[k][1] <= start:
            k += 1
        if k == len(taken) or taken[k][0] >= end:
            out.append((start, end, span))
    return out


def _source(route: Route) -> str:
    return route[0].spec.key.split("-")[0]


def _term_span(term: Term, source: str) -> Span:
    return (Span("keep", source, source, term) if term.keep
            else Span("term", source, term.target, term))


def starts_sentence(text: str, at: int) -> bool:
    """Whether position ``at`` of ``text`` starts a sentence (tokens and quotes skipped)."""
    window = text[max(0, at - _LOOK_BACK):at]
    before = TOKEN.sub("", window).rstrip().rstrip(_OPEN_QUOTES).rstrip()
    if not before:  # nothing but tokens and quotes: the start, if the window reaches it
        return at <= _LOOK_BACK or not TOKEN.sub("", text[:at]).strip(_OPEN_QUOTES + " ")
    return before[-1] in ".!?…"


def restore_spans(shielded: Shielded, output: str) -> tuple[str, set[str]]:
    """``output`` with each placeholder replaced by its span's value; the codes failed.

    A placeholder missing from ``output`` fails ``names`` or ``term``; a duplicated one
    is put back once (the others removed) and fails too.
    """
    codes: set[str] = set()
    seen: dict[int, int] = {}
    parts: list[str] = []
    last = 0
    for match in TOKEN.finditer(output):  # one pass: linear in the output
        number = int(match.group(2))
        span = shielded.spans.get(number)
        if span is None or match.group(1) or not match.group(3):
            continue  # a token of the format's own (or not an atom)
        seen[number] = seen.get(number, 0) + 1
        parts.append(output[last:match.start()])
        last = match.end()
        if seen[number] > 1:
            continue  # a doubled placeholder: put back once
        value = span.value
        if span.kind == "term" and value[:1].islower() and starts_sentence(output,
                                                                            match.start()):
            value = value[0].upper() + value[1:]
        parts.append(value)
    parts.append(output[last:])
    for number, span in shielded.spans.items():
        if seen.get(number) != 1:
            codes.add("term" if span.kind == "term" else "names")
    return "".join(parts), codes


def _recoded(entry: Entry, source: str, output: str, codes: set[str]) -> Entry:
    """A segment's signals after restoring: ``markup`` for the format's tokens only."""
    flags = set(entry.flags) - {"markup"}
    if "markup" in entry.flags and (TOKEN.search(source) or TOKEN.search(output)) and damaged(
            source, output):
        flags.add("markup")
    flags |= codes
    return Entry(output, entry.score, tuple(c for c in CODES if c in flags), entry.retried,
                 entry.checked)



def protection_of(options: Any, registry: Registry | None = None) -> Protection:
    """The protection of a pipeline's options (``glossary``, ``keep``, ``keep_names``).

    The glossaries and kept spans of ``registry`` (models.toml) come first: the run's
    own (flags, job file) win over them.

    Raises:
        UsageError: a glossary that cannot be read or has errors (exit code 2).
    """
    files = (*(registry.glossaries() if registry else ()), *options.glossary)
    keep = (*(registry.kept() if registry else ()), *options.keep)
    return Protection.load(files, keep, options.keep_names)


def terms_id(protection: Protection | None) -> str | None:
    """What a file's record keeps as ``terms`` (``None``: nothing protected)."""
    return protection.signature() if protection is not None and protection.active else None


def terms_record(protection: Protection | None, work: Any) -> dict[str, Any]:
    """A written file's record fields: the terms id and the glossary entries it used.

    The entries used (with the file and line each came from) also go into the file's
    result, so the report says where each term of the file came from.
    """
    if protection is None or not protection.active:
        return {}
    used: dict[str, Term] = {}
    for route, text in zip(work.routes, work.seg.segments, strict=True):
        if route:
            used.update((t.key, t) for t in protection.terms_in([text], _source(route)))
    if used:
        work.result.details["glossary"] = {t.describe(): t.origin for t in used.values()}
    return {"terms": protection.signature(), "terms_settings": protection.describe(),
            "glossary_used": [[t.source, t.target, t.case, t.keep, t.origin]
                              for t in used.values()]}


def protection_from_record(record: Mapping[str, Any]) -> Protection | None:
    """The protection a file's run used, from its record (enough for its own segments).

    Only the glossary entries found in the file are recorded; the others matched none
    of its segments, so its segments are shielded exactly as the run shielded them.
    """
    settings = record.get("terms_settings")
    if not isinstance(settings, dict):
        return None
    glossary = Glossary()
    for source, target, case, keep, origin in record.get("glossary_used") or []:
        glossary.add(Term(str(source), str(target), bool(case), bool(keep), str(origin)))
    return Protection(glossary, [str(k) for k in settings.get("keep", [])],
                      bool(settings.get("keep_names")))


def restored_entries(protection: Protection | None, segments: Sequence[str],
                     langs: Sequence[str], target: str,
                     lookup: Callable[[tuple[str, ...]], list[Entry | None]],
                     ) -> list[Entry | None]:
    """Cached entries of ``segments`` looked up shielded, their outputs restored."""
    if protection is None or not protection.active:
        return lookup(tuple(segments))
    shielded = [protection.shield(s, lang) if lang != target else Shielded(s, {})
                for s, lang in zip(segments, langs, strict=True)]
    found = lookup(tuple(s.text for s in shielded))
    out: list[Entry | None] = []
    for source, shield, entry in zip(segments, shielded, found, strict=True):
        if entry is None or not shield.spans:
            out.append(entry)
            continue
        output, codes = restore_spans(shield, entry.output)
        out.append(_recoded(entry, source, output, codes))
    return out


def terms_changes(record: Mapping[str, Any], protection: Protection,
                  text: str | None) -> list[str]:
    """What differs between a record's terms and ``protection``, in words.

    The record keeps only the glossary entries its file used: those are compared one by
    one; today's other entries are looked for in ``text`` (the input's words), so an
    entry added that the file contains is named too.
    """
    recorded = record.get("terms_settings")
    if not isinstance(recorded, dict):
        return ["recorded before glossaries and kept names (or with none)"]
    used = {Term(str(s), str(t), bool(c), bool(k)).key: Term(str(s), str(t), bool(c), bool(k))
            for s, t, c, k, _ in record.get("glossary_used") or []}
    now = protection.glossary.terms
    changes: list[str] = []
    for key, old in used.items():
        if key not in now:
            changes.append(f"glossary entry '{key}' removed (was {old.describe()})")
        elif now[key].describe() != old.describe():
            changes.append(f"glossary entry '{key}' changed: {old.describe()} => "
                           f"{now[key].describe()}")
    fresh = [t for k, t in now.items() if k not in used]
    languages = record.get("languages") or [""]
    found = {t.key for lang in languages
             for _, _, t in Matcher(fresh, str(lang)).find(text or "")}
    changes += [f"glossary entry '{t.key}' added ({t.describe()}): found in this file"
                for t in fresh if t.key in found]
    described = protection.describe() if protection.active else {}
    for name in ("keep", "keep_names", "rules"):
        if recorded.get(name) != described.get(name):
            changes.append(f"{name}: {recorded.get(name)} -> {described.get(name)}")
    if not changes:
        changes.append("glossary entries this file does not contain changed (it is "
                       "written again from the cache)")
    return changes
