"""The library entry points behind the CLI: settings in, report out.

``TranslateJob`` holds what one command asks for; ``run_translate`` builds the
registry, router and pipeline from it and runs them.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from translate.config import load_registry
from translate.distributed import RayRunner
from translate.documents import decode_bytes
from translate.encoding import check_encoding
from translate.engine import choose_engine
from translate.errors import UsageError
from translate.pipeline import JobOptions, Pipeline
from translate.progress import LogProgress, RichProgress
from translate.report import NoProgress, Progress, RunReport
from translate.routing import Router
from translate.summarize import SummaryOptions
from translate.summary_job import Summarizer, SummaryJob
from translate.translator import RunSettings

__all__ = ["SummaryOptions", "TranslateJob", "UsageError", "make_progress", "run_summarize",
           "run_translate", "summarize_stdin", "translate_stdin"]


@dataclass(frozen=True)
class TranslateJob:
    """One translation job, as the CLI or a job file describes it."""

    paths: Sequence[str]
    target: str = "en"
    source: str = "auto"
    models: Path | None = None
    overrides: Mapping[str, Any] = field(default_factory=dict)
    device: str = "auto"
    engine: str = "auto"
    compute_type: str = "auto"
    glob: str | None = None
    force: bool = False
    use_cache: bool = True
    dry_run: bool = False
    offline: bool = False
    max_loaded: int = 2
    cluster: str | None = None
    actors: int = 2
    encoding: str | None = None

    def options(self) -> JobOptions:
        """The pipeline options of this job.

        Raises:
            UsageError: ``encoding`` is not a codec Python knows.

        """
        encoding = check_encoding(self.encoding) if self.encoding else None
        return JobOptions(target=self.target, source=self.source, glob=self.glob,
                          use_cache=self.use_cache, force=self.force, dry_run=self.dry_run,
                          encoding=encoding)

    def router(self) -> Router:
        """A router over the job's registry and overrides (loads no model).

        Raises:
            UsageError: an unknown or uninstalled engine, an unknown device, a bad registry.

        """
        choose_engine(self.engine).compute_type("cpu", self.compute_type)
        if self.device not in {"auto", "cpu", "cuda"}:
            raise UsageError(f"unknown device '{self.device}'", "valid choices: auto, cpu, cuda")
        registry = load_registry(self.models)
        settings = RunSettings(engine=self.engine, device=self.device, offline=self.offline,
                               compute_type=self.compute_type)
        return Router(registry, self.overrides, settings, self.max_loaded)


    def runner(self) -> RayRunner | None:
        """The Ray runner when ``cluster`` is set (``local`` starts Ray here)."""
        if self.cluster is None:
            return None
        from translate.distributed import RayRunner

        runner = RayRunner(address=self.cluster, actors=self.actors)
        runner.start()
        return runner


def _distributed(report: RunReport, runner: RayRunner | None) -> RunReport:
    if runner is not None:
        report.distributed = {"address": runner.address, "actors": runner.actors,
                              "workers_seen": len(runner.workers)}
    return report


def make_progress(quiet: bool) -> Progress:
    """A live bar on a terminal, log lines otherwise, nothing with ``--quiet``."""
    if quiet:
        return NoProgress()
    return RichProgress() if sys.stderr.isatty() else LogProgress()


def run_translate(job: TranslateJob, progress: Progress | None = None) -> RunReport:
    """Translate every input of ``job``; return the report."""
    runner = job.runner()
    report = Pipeline(job.router(), job.options(), progress, runner).run(job.paths)
    return _distributed(report, runner)


def translate_stdin(job: TranslateJob, data: bytes) -> bytes:
    """Translate standard input bytes to output bytes (no cache)."""
    return Pipeline(job.router(), job.options()).translate_bytes(data)


def run_summarize(job: TranslateJob, options: SummaryOptions, model: str | None = None,
                  progress: Progress | None = None) -> tuple[RunReport, RunReport]:
    """Translate (where needed) and summarise every input; return both reports."""
    router = job.router()
    runner = job.runner()
    summarizer = Summarizer(router, options, model, force=job.force, runner=runner)
    translated, summaries = SummaryJob(router, job.options(), summarizer, progress,
                                       runner).run(list(job.paths))
    return _distributed(translated, runner), _distributed(summaries, runner)


def summarize_stdin(job: TranslateJob, options: SummaryOptions, model: str | None,
                    data: bytes) -> bytes:
    """Summarise standard input (translated to the target language first if needed)."""
    router = job.router()
    pipeline = Pipeline(router, job.options())
    doc = decode_bytes(data, "<stdin>", pipeline.options.encoding)
    english = pipeline.translate_text(doc.text)
    summary = Summarizer(router, options, model, force=job.force).summarize(english, None)
    return (summary.text + "\n").encode("utf-8")
