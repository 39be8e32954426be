"""Summaries of files: translate to English when needed, then summarise, cache, write.

``X.txt`` -> ``X.en.txt`` (the translation pipeline, with its cache) ->
``X.en.summary.txt``. Chunk summaries are cached under a signature of the model and
every summary setting, and each summary file has a manifest, so a re-run loads no model.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from translate import __version__
from translate.cache.caches import CacheSet
from translate.cache.outputs import (
    Decision,
    OutputPlan,
    may_still_write,
    plan_output,
    settle,
    write_record,
)
from translate.cache.store import Cache, signature_id
from translate.errors import TranslateError, UsageError
from translate.models.engines.base import BatchStats
from translate.models.engines.codecs import load_codec, position_limit
from translate.models.registry import ModelSpec
from translate.models.routing import Router
from translate.models.signature import readable_signature
from translate.models.translator import Translator
from translate.run.cached import LimitTracker, Runner, generate_cached
from translate.run.checking import LocalRunner
from translate.run.pipeline import JobOptions, Pipeline
from translate.run.reading import text_of
from translate.run.report import FileResult, NoProgress, Progress, RunReport, Status, relative
from translate.text.documents import (
    Document,
    encode_text,
    output_path,
    sha256,
    summary_path,
    write_atomic,
)
from translate.text.sentences import split_long
from translate.text.summarize import (
    Summary,
    SummaryOptions,
    fit_words,
    map_reduce_many,
    summarize_extractive,
)

# The English of the files a run translated is kept in memory for their summaries up
# to this many bytes; past it, a file's English is read again (by its absolute path)
# when its turn comes, so memory stays bounded whatever the number of files.
KEEP_ENGLISH_BYTES = 64 * 2**20
# Files are summarised in groups of about this much English: their chunks share the
# model's batches (sorted by length), while memory and the work an interruption can
# leave unwritten stay bounded (chunk summaries are cached batch by batch anyway).
GROUP_BYTES = 256 * 2**10


def summarizer_spec(router: Router, model: str | None) -> ModelSpec:
    """The summariser's registry entry, with ``--model`` applied."""
    spec = router.registry.summarizer
    if spec is None and model is None:
        raise UsageError(f"no [summarizer] in {', '.join(router.registry.sources)}",
                         "add one to models.toml, or pass --model / --summary-model")
    spec = spec or ModelSpec(key="summarizer", model=str(model))
    return spec.replace(model=model) if model else spec


class Summarizer:
    """Summarises English texts with one model (or none, for extractive methods)."""

    def __init__(self, router: Router, options: SummaryOptions, model: str | None = None,
                 force: bool = False, runner: Runner | None = None) -> None:
        self.router = router
        self.runner: Runner = runner or LocalRunner(router.pool)
        self.options = options
        self.force = force
        low, high = options.token_limits()
        spec = summarizer_spec(router, model) if not options.extractive else None
        self.translator = (Translator(spec.replace(min_new_tokens=low, max_new_tokens=high),
                                      router.settings.for_models(), task="summarize")
                           if spec else None)
        self._input_limit: int | None = None

    def signature(self) -> dict[str, Any]:
        """Everything that changes a summary."""
        model = self.translator.signature() if self.translator else None
        return {"task": "summarize", "options": asdict(self.options), "model": model,
                "version": __version__}

    def input_limit(self) -> int:
        """The chunk limit, in tokens.

        The least of the registry's ``max_input_tokens`` and the model's own limits (its
        tokenizer's length and position table), so that a ``--model`` with a shorter
        input than the registry entry's gets chunks it reads whole. Read from the
        model's folder when it has a ``config.json`` (no weights loaded), else from
        the loaded engine.
        """
        assert self.translator is not None
        if self._input_limit is not None:
            return self._input_limit
        translator = self.translator
        limits = [translator.spec.max_input_tokens]
        folder = Path(translator.resolved.location)
        if translator.loaded or not (folder / "config.json").is_file():
            limits.append(self.router.pool.use(translator).max_input_tokens)
        if (folder / "config.json").is_file():
            limits += [load_codec(folder).model_max_length, position_limit(folder)]
        self._input_limit = min(limit for limit in limits if limit)
        return self._input_limit

    def summarize(self, text: str, cache: Cache | None) -> Summary:
        """Summarise one English text (chunk summaries go through ``cache``)."""
        return self.summarize_many([text], [cache])[0]

    def summarize_many(self, texts: Sequence[str], caches: Sequence[Cache | None],
                       ) -> list[Summary]:
        """Summarise English texts together: their chunks share sorted batches.

        Each level of every document goes to the model in one pass, so short chunks
        of many documents fill a batch together and a chunk that several documents
        (or levels) share is summarised once. Each summary equals the one the text
        gets alone wherever the engine's output for a chunk does not depend on the
        batch it is in (float32, tested); int8 arithmetic can differ in its last bits
        with the batch, which on a near tie changes a token, as within one text.

        Args:
            texts: The documents.
            caches: The cache of each document's chunk summaries (``None``: none).
        """
        if self.translator is None:
            return [summarize_extractive(text, self.options) for text in texts]
        translator = self.translator
        limit = self.input_limit()
        if limit < 2 * translator.spec.generation.max_new_tokens:
            raise UsageError(
                f"the summariser's input limit ({limit} tokens) must be at least twice its "
                f"output length ({translator.spec.generation.max_new_tokens} tokens)",
                "lower --max-words or raise max_input_tokens")
        tracker = LimitTracker(self.runner)
        made: list[set[str]] = [set() for _ in texts]  # chunks the model made, per text

        def summarize_all(wanted: dict[int, list[str]]) -> dict[int, list[str]]:
            needs: dict[Cache | None, set[str]] = {}
            for index, chunks in wanted.items():
                needs.setdefault(caches[index], set()).update(chunks)
            got = generate_cached(translator, needs, tracker, force=self.force)
            for index, chunks in wanted.items():
                made[index].update(got.misses.intersection(chunks))
            return {i: [got.outputs[c] for c in chunks] for i, chunks in wanted.items()}

        results = map_reduce_many(texts, summarize_all, translator.count_tokens, limit,
                                  max_words=self.options.max_words)
        summaries = []
        for result, chunks in zip(results, made, strict=True):
            fitted, trimmed = fit_words(result.text, self.options.max_words)
            # What the engine could not re-split within its limit (at least ``limit``) it
            # cuts: counted against ``limit``, an upper bound, 0 whenever chunking worked.
            pieces = [p for c in sorted(chunks) for p in split_long(c, translator.count_tokens,
                                                                    limit)]
            over = sum(max(0, n - limit) for n in translator.count_tokens(pieces))
            summaries.append(replace(result, text=fitted, trimmed=trimmed, truncated_tokens=over,
                                     length_limited=tracker.limited_among(chunks)))
        return summaries

    def stats(self, since: BatchStats | None = None) -> BatchStats:
        """The summariser model's counters (all zero for extractive methods).

        Args:
            since: Earlier counters to subtract: the result is what happened after them.
        """
        now = replace(self.translator.stats) if self.translator else BatchStats()
        if since is not None:
            for name, value in vars(since).items():
                setattr(now, name, getattr(now, name) - value)
        return now


class SummaryRun:
    """Translate (when needed) and summarise files, writing ``X.en.summary.txt``."""

    def __init__(self, router: Router, job: JobOptions, summarizer: Summarizer,
                 progress: Progress | None = None, runner: Runner | None = None) -> None:
        self.router = router
        self.job = job
        self.summarizer = summarizer
        self.progress = progress or NoProgress()
        self.runner = runner
        self.report = RunReport()
        # (shown path, absolute input path, the English bytes or None: read when needed)
        self._english: deque[tuple[str, Path, bytes | None]] = deque()
        self._kept = 0

    def run(self, paths: list[str]) -> tuple[RunReport, RunReport]:
        """Return the translation report and the summary report."""
        needs = [self.summarizer.translator] if self.summarizer.translator else []
        translated = Pipeline(self.router, self.job, self.progress, self.runner,
                              also_needs=needs, on_output=self._keep).run(paths)
        before = self.summarizer.stats()
        sig = self.summarizer.signature()
        caches = CacheSet(self.job.use_cache)
        try:
            while self._english:
                self._group(sig, caches)
        except KeyboardInterrupt:
            self.report.interrupted = True
        finally:
            self.report.warnings.extend(caches.close())
        self.report.interrupted |= translated.interrupted
        self.report.batch = self.summarizer.stats(since=before)
        self.report.models_loaded = list(self.router.loads)
        self.report.elapsed_s = time.time() - self.report.started
        return translated, self.report

    def _keep(self, result: FileResult, source: Path, data: bytes | None) -> None:
        """The pipeline's ``on_output``: keep each translated file's English for its summary."""
        if data is not None and self._kept + len(data) > KEEP_ENGLISH_BYTES:
            data = None
        self._kept += len(data or b"")
        self._english.append((result.path, source, data))

    def _group(self, sig: dict[str, Any], caches: CacheSet) -> None:
        """Summarise the next files together, up to ``GROUP_CHUNK_BYTES`` of English.

        A group's chunks share the model's batches; each summary is written as soon as
        the group is done (chunk summaries are cached batch by batch before that).
        """
        group: list[_Pending] = []
        size = 0
        while self._english and size < GROUP_BYTES:
            pending = self._plan(*self._english.popleft(), sig, caches)
            if pending is not None:
                group.append(pending)
                size += len(pending.doc.text)
        if not group:
            return
        try:
            summaries = self.summarizer.summarize_many([p.doc.text for p in group],
                                                       [p.cache for p in group])
        except TranslateError as exc:
            for pending in group:
                pending.result.reason = str(exc)
            return
        except KeyboardInterrupt:
            for pending in group:
                pending.result.reason = "interrupted before its summary was written"
            raise
        for pending, summary in zip(group, summaries, strict=True):
            self._write(pending, summary, sig)

    def _plan(self, shown: str, source: Path, english: bytes | None, sig: dict[str, Any],
              caches: CacheSet) -> _Pending | None:
        """Read one file's English and decide; ``None`` when no summary is to be made."""
        out = summary_path(source, self.job.target)
        result = FileResult(relative(Path(shown)), Status.FAILED, output=relative(
            summary_path(Path(shown), self.job.target)))
        self.report.files.append(result)
        try:
            path = output_path(source, self.job.target)
            doc = text_of(path, english, self.job.target)  # words, not markup
            cache = caches.for_path(source)
            input_sha = sha256(doc.text.encode())
            legacy = cache.manifest(out) if cache is not None else None
            plan = plan_output(out, input_sha, self.job.force, legacy)
            decision = settle(plan, lambda record: {"signature": signature_id(sig)})
        except (TranslateError, OSError) as exc:
            result.reason = str(exc)
            return None
        if decision == Decision.CONFLICT:
            result.status, result.reason = Status.CONFLICT, plan.reason
            return None
        if decision != Decision.WRITE:
            result.status, result.reason = Status.UP_TO_DATE, plan.reason
            result.details = (plan.record or {}).get("details", {})
            return None
        return _Pending(result, source, out, doc, cache, plan, input_sha)

    def _write(self, pending: _Pending, summary: Summary, sig: dict[str, Any]) -> None:
        """Write one summary and its record, unless its file changed meanwhile."""
        result, out = pending.result, pending.out
        try:
            data = encode_text(summary.text + "\n", Document("", bom=pending.doc.bom))
            if not may_still_write(out, pending.plan, data, pending.input_sha):
                result.status = Status.CONFLICT
                result.reason = f"{out.name} changed while this run was working; not overwritten"
                return
            details = {"chunks": summary.chunks, "reduce_levels": summary.reduce_levels,
                       "trimmed": summary.trimmed, "words": len(summary.text.split()),
                       "fallback": summary.fallback,
                       "length_limited_outputs": summary.length_limited,
                       "truncated_tokens": summary.truncated_tokens}
            write_atomic(out, data)
            write_record(out, {"kind": "summary", "source": pending.source.name,
                               "input_sha256": pending.input_sha,
                               "signature": signature_id(sig),
                               "signature_text": readable_signature(sig),
                               "output_sha256": sha256(data), "details": details,
                               "written": time.time()})
        except (TranslateError, OSError) as exc:
            result.reason = str(exc)
            return
        result.status = Status.TRANSLATED
        result.details = details


@dataclass
class _Pending:
    """A file whose summary is to be made: where it goes and what it was decided on."""

    result: FileResult
    source: Path
    out: Path
    doc: Document
    cache: Cache | None
    plan: OutputPlan
    input_sha: str
