"""Summaries of files: translate to English when needed, then summarise, cache, write.

``X.txt`` -> ``X.en.txt`` (the translation pipeline, with its cache) ->
``X.en.summary.txt``. Chunk summaries are cached under a signature of the model and
every summary setting, and each summary file has a manifest, so a re-run loads no model.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from translate import __version__
from translate.cache.caches import CacheSet
from translate.cache.outputs import Decision, may_still_write, plan_output, settle, write_record
from translate.cache.store import Cache, signature_id
from translate.errors import TranslateError, UsageError
from translate.models.engines.base import BatchStats
from translate.models.engines.codecs import load_codec, position_limit
from translate.models.registry import ModelSpec
from translate.models.routing import Router
from translate.models.signature import readable_signature
from translate.models.translator import Translator
from translate.run.cached import Runner, generate_cached
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
from translate.text.summarize import (
    Summary,
    SummaryOptions,
    fit_words,
    map_reduce,
    summarize_extractive,
)

SUMMARY_TAG = "summary"
# The English of the files a run translated is kept in memory for their summaries up
# to this many bytes; past it, a file's English is read again (by its absolute path)
# when its turn comes, so memory stays bounded whatever the number of files.
KEEP_ENGLISH_BYTES = 64 * 2**20


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
        if self.translator is None:
            return summarize_extractive(text, self.options)
        translator = self.translator
        limit = self.input_limit()
        if limit < 2 * translator.spec.generation.max_new_tokens:
            raise UsageError(
                f"the summariser's input limit ({limit} tokens) must be at least twice its "
                f"output length ({translator.spec.generation.max_new_tokens} tokens)",
                "lower --max-words or raise max_input_tokens")

        def summarize_all(chunks: list[str]) -> list[str]:
            got = generate_cached(translator, {cache: set(chunks)}, self.runner,
                                  force=self.force)
            return [got.outputs[c] for c in chunks]

        before = self.stats()
        result = map_reduce(text, summarize_all, translator.count_tokens, limit,
                            max_words=self.options.max_words)
        fitted, trimmed = fit_words(result.text, self.options.max_words)
        used = self.stats(since=before)
        return replace(result, text=fitted, trimmed=trimmed,
                       length_limited=used.length_limited,
                       truncated_tokens=used.truncated_tokens)

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
                self._one(*self._english.popleft(), sig, caches)
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

    def _one(self, shown: str, source: Path, english: bytes | None, sig: dict[str, Any],
             caches: CacheSet) -> None:
        out = summary_path(source, self.job.target)
        result = FileResult(relative(Path(shown)), Status.FAILED, output=relative(
            summary_path(Path(shown), self.job.target)))
        self.report.files.append(result)
        try:
            path = output_path(source, self.job.target)
            doc = text_of(path, english, self.job.target)  # words, not markup
            cache = caches.for_path(source)
            sig_id = signature_id(sig)
            input_sha = sha256(doc.text.encode())
            legacy = cache.manifest(out) if cache is not None else None
            plan = plan_output(out, input_sha, self.job.force, legacy)
            decision = settle(plan, lambda record: {"signature": sig_id})
            if decision == Decision.CONFLICT:
                result.status, result.reason = Status.CONFLICT, plan.reason
                return
            if decision != Decision.WRITE:
                result.status, result.reason = Status.UP_TO_DATE, plan.reason
                result.details = (plan.record or {}).get("details", {})
                return
            summary = self.summarizer.summarize(doc.text, cache)
            data = encode_text(summary.text + "\n", Document("", bom=doc.bom))
            if not may_still_write(out, plan, data, input_sha):
                result.status = Status.CONFLICT
                result.reason = f"{out.name} changed while this run was working; not overwritten"
                return
            details = {"chunks": summary.chunks, "reduce_levels": summary.reduce_levels,
                       "trimmed": summary.trimmed, "words": len(summary.text.split()),
                       "fallback": summary.fallback,
                       "length_limited_outputs": summary.length_limited,
                       "truncated_tokens": summary.truncated_tokens}
            write_atomic(out, data)
            write_record(out, {"kind": "summary", "source": source.name,
                               "input_sha256": input_sha, "signature": sig_id,
                               "signature_text": readable_signature(sig),
                               "output_sha256": sha256(data), "details": details,
                               "written": time.time()})
        except (TranslateError, OSError) as exc:
            result.reason = str(exc)
            return
        result.status = Status.TRANSLATED
        result.details = details
