"""Summaries of files: translate to English when needed, then summarise, cache, write.

``X.txt`` -> ``X.en.txt`` (the translation pipeline, with its cache) ->
``X.en.summary.txt``. Chunk summaries are cached under a signature of the model and
every summary setting, and each summary file has a record, so a re-run loads no model.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from translate.cache.caches import CacheSet
from translate.cache.outputs import (
    Decision,
    LegacyManifests,
    OutputPlan,
    may_still_write,
    plan_output,
    settle,
    write_output,
)
from translate.cache.store import Cache, signature_id
from translate.errors import TranslateError
from translate.files.names import output_path, summary_path
from translate.files.reading import sha256
from translate.models.routing import Router
from translate.models.signature import readable_signature
from translate.summaries.summarize import (
    Summary,
)
from translate.summaries.summarizer import Summarizer
from translate.text.documents import Document, encode_text
from translate.translation.job_options import JobOptions
from translate.translation.pipeline import Pipeline
from translate.translation.reading import InputBytes, text_of
from translate.translation.report import (
    FileResult,
    NoProgress,
    Progress,
    RunReport,
    Status,
    relative,
)
from translate.translation.runner import Runner

__all__ = ["SummaryRun"]

# The English of the files a run translated is kept in memory for their summaries up
# to this many bytes; past it, a file's English is read again (by its absolute path)
# when its turn comes, so memory stays bounded whatever the number of files.
KEEP_ENGLISH_BYTES = 64 * 2**20
# Files are summarised in groups of about this much English: their chunks share the
# model's batches (sorted by length), while memory and the work an interruption can
# leave unwritten stay bounded (chunk summaries are cached batch by batch anyway).
GROUP_BYTES = 256 * 2**10


class SummaryRun:
    """Translate (when needed) and summarise files, writing ``X.en.summary.txt``."""

    def __init__(self, router: Router, job: JobOptions, summarizer: Summarizer,
                 progress: Progress | None = None, runner: Runner | None = None,
                 inputs: InputBytes | None = None) -> None:
        self.router = router
        self.inputs = inputs
        self.job = job
        self.summarizer = summarizer
        self.progress = progress or NoProgress()
        self.runner = runner
        self.report = RunReport()
        # (shown path, absolute input path, the English bytes or None: read when needed)
        self._english: deque[tuple[str, Path, bytes | None]] = deque()
        self._kept = 0
        self._legacy = LegacyManifests(migrate=False)

    def run(self, paths: list[str]) -> tuple[RunReport, RunReport]:
        """Return the translation report and the summary report."""
        needs = [self.summarizer.translator] if self.summarizer.translator else []
        pipeline = Pipeline(self.router, self.job, self.progress, self.runner,
                            also_needs=needs, on_output=self._keep, inputs=self.inputs)
        self._legacy = pipeline.legacy  # 0.1's manifests, read once for both outputs
        translated = pipeline.run(paths)
        before = self.summarizer.stats()
        sig = self.summarizer.signature()
        caches = CacheSet(self.job.use_cache)
        try:
            while self._english:
                self._group(sig, caches)
        except KeyboardInterrupt:
            self.report.interrupted = True
            self._not_started()
        finally:
            self.report.warnings.extend(caches.close())
        self.report.warnings.extend(w for w in self.summarizer.warnings
                                    if w not in self.report.warnings)
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
                pending.result.status = Status.INTERRUPTED
                pending.result.reason = "interrupted before its summary was written"
            raise
        for pending, summary in zip(group, summaries, strict=True):
            self._write(pending, summary, sig)

    def _not_started(self) -> None:
        """Report the files an interruption kept from their summary (every input is listed)."""
        while self._english:
            shown = Path(self._english.popleft()[0])
            self.report.files.append(FileResult(
                relative(shown), Status.INTERRUPTED,
                output=relative(summary_path(shown, self.job.target)),
                reason="not started; run again to resume"))

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
            plan = plan_output(out, input_sha, self.job.force, self._legacy.get(out))
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
            write_output(out, data, {"kind": "summary", "source": pending.source.name,
                                     "input_sha256": pending.input_sha,
                                     "signature": signature_id(sig),
                                     "signature_text": readable_signature(sig),
                                     "details": details, "written": time.time()})
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
