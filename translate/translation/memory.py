"""The translation memory in a run: exact human and imported matches before any model.

A small layer around the routes (``Pipeline._flush``): ``answer`` looks up every
segment of a chunk's documents in their tree's memory (``Cache.memory``); those it
answers are taken out of what the routes run (``remaining``), and put back in their
place when the output is assembled (``assemble``). Each file counts them by origin
(``details["memory"]``: "3 segments from memory (human)"). Once an output is written,
``remember`` keeps its segments as written, so ``translate learn`` can align a hand edit
to them. Fuzzy matches are never used here: the review page shows them as suggestions.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Mapping, Sequence

from translate.cache.memory import MemoryEntry, Written
from translate.cache.outputs import Decision, OutputPlan
from translate.cache.store import Cache
from translate.errors import CacheError
from translate.files.reading import sha256
from translate.models.routing import Route
from translate.text.segment import Segmented
from translate.translation.report import FileResult
from translate.translation.routes import Segments
from translate.translation.writing import Work

__all__ = ["MemoryLayer", "memory_counts"]

Hits = dict[int, MemoryEntry]  # segment index -> the entry answering it


class MemoryLayer:
    """Answers segments from the memory of each document's tree.

    Args:
        target: The target language.
        enabled: ``False`` (``memory=False``, ``--no-memory``): answer nothing.
        dry_run: Store nothing.
    """

    def __init__(self, target: str, enabled: bool = True, dry_run: bool = False) -> None:
        self.target = target
        self.enabled = enabled
        self.dry_run = dry_run
        self.warnings: list[str] = []
        self._generations: dict[int, str] = {}  # id(cache) -> generation, once per run

    def answer(self, works: Sequence[Work]) -> dict[int, Hits]:
        """The memory's answers for each work (by ``id(work)``); counts them per file."""
        found: dict[int, Hits] = {}
        for work in works:
            if not self.enabled or work.cache is None:
                continue
            by_lang: dict[str, set[str]] = defaultdict(set)
            for text, lang in zip(work.seg.segments, work.segment_languages, strict=True):
                if lang != self.target:
                    by_lang[lang].add(text)
            try:
                known = {(lang, text): entry for lang, texts in by_lang.items()
                         for text, entry in work.cache.memory.exact(
                             lang, self.target, texts).items()}
            except CacheError as exc:  # the memory is unreadable: the models answer
                self._warn(f"translation memory not used: {exc.message}")
                continue
            hits = {i: known[(lang, text)] for i, (text, lang) in enumerate(
                zip(work.seg.segments, work.segment_languages, strict=True))
                if (lang, text) in known}
            if hits:
                found[id(work)] = hits
                counts: dict[str, int] = defaultdict(int)
                for entry in hits.values():
                    counts[entry.origin] += 1
                work.result.details["memory"] = dict(sorted(counts.items()))
        return found

    @staticmethod
    def remaining(work: Work, hits: Hits) -> tuple[Segments, list[Route]]:
        """``work``'s segments and routes without those the memory answered."""
        if not hits:
            return work.seg, work.routes
        keep = [i for i in range(len(work.seg.segments)) if i not in hits]
        return (Segmented(tuple(keep), tuple(work.seg.segments[i] for i in keep), tuple(keep)),
                [work.routes[i] for i in keep])

    @staticmethod
    def assemble(work: Work, hits: Hits, outputs: Mapping[tuple[Route, str], str],
                 ) -> list[str] | int:
        """Each segment's output in order (memory or routes), or how many have none."""
        texts: list[str] = []
        missing = 0
        for i, (route, text) in enumerate(zip(work.routes, work.seg.segments, strict=True)):
            if i in hits:
                texts.append(hits[i].target)
            elif (route, text) in outputs:
                texts.append(outputs[(route, text)])
            else:
                missing += 1
        return missing if missing else texts

    def generation(self, cache: Cache | None) -> str:
        """The memory's state as an output's record keeps it (``off``: not used)."""
        if not self.enabled or cache is None:
            return "off"
        if id(cache) not in self._generations:
            try:
                self._generations[id(cache)] = cache.memory.generation()
            except CacheError as exc:
                self._warn(f"translation memory not used: {exc.message}")
                self._generations[id(cache)] = "off"
        return self._generations[id(cache)]

    def settle(self, plan: OutputPlan, cache: Cache | None) -> OutputPlan:
        """``plan``, made a rewrite when its output is up to date but the memory changed.

        An output written before a correction was learnt (or with another memory) is
        made again (from the cache, mostly) so that the correction reaches it too.
        """
        if (plan.decision != Decision.UP_TO_DATE or plan.record is None or not self.enabled
                or cache is None):
            return plan
        current = self.generation(cache)
        recorded = plan.record.get("memory", "none")  # older records: no memory then
        if recorded == current or (current in ("none", "off") and recorded in ("none", "off")):
            return plan
        return dataclasses.replace(plan, decision=Decision.WRITE)

    def remember(self, work: Work, texts: Sequence[str], hits: Hits, data: bytes) -> None:
        """Keep ``work``'s segments as written (for ``translate learn``)."""
        if work.cache is None or self.dry_run:
            return
        rows = tuple(
            (lang, source, out, hits[i].origin if i in hits
             else "same" if lang == self.target else "model")
            for i, (lang, source, out) in enumerate(zip(
                work.segment_languages, work.seg.segments, texts, strict=True)))
        try:
            work.cache.memory.put_written(work.cache.output_key(work.output),
                                          Written(sha256(data), self.target, rows))
        except CacheError as exc:  # the output is written; only learning from it is lost
            self._warn(f"cannot remember {work.output.name} for `translate learn`: "
                       f"{exc.message}")

    def _warn(self, warning: str) -> None:
        if warning not in self.warnings:
            self.warnings.append(warning)


def memory_counts(results: Sequence[FileResult]) -> dict[str, int]:
    """Segments answered from memory by origin, over the files translated in this run."""
    total: dict[str, int] = defaultdict(int)
    for result in results:
        if result.status in ("translated", "planned"):
            for origin, count in result.details.get("memory", {}).items():
                total[origin] += int(count)
    return dict(sorted(total.items()))
