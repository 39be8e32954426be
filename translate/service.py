"""The library entry points behind the CLI: settings in, report out.

``TranslateJob`` holds what one command asks for; ``run_translate`` builds the
registry, router and pipeline from it and runs them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from translate.errors import UsageError
from translate.models.engines import choose_engine
from translate.models.registry import load_registry
from translate.models.routing import Router
from translate.models.translator import RunSettings
from translate.run.distributed import RayRunner
from translate.run.extractive import ExtractiveSummaries
from translate.run.inputs import plan_languages
from translate.run.pipeline import JobOptions, Pipeline
from translate.run.report import Progress, RunReport
from translate.run.summary import Summarizer
from translate.run.summary import SummaryRun as SummaryJob
from translate.text.documents import decode_bytes
from translate.text.encoding import check_encoding
from translate.text.summarize import SummaryOptions

__all__ = ["SummaryOptions", "TranslateJob", "UsageError", "run_summarize",
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
        from translate.run.distributed import RayRunner

        runner = RayRunner(address=self.cluster, actors=self.actors)
        runner.start()
        return runner


def _distributed(report: RunReport, runner: RayRunner | None) -> RunReport:
    if runner is not None:
        report.distributed = {"address": runner.address, "actors": runner.actors,
                              "workers_seen": len(runner.workers)}
    return report




def run_translate(job: TranslateJob, progress: Progress | None = None) -> RunReport:
    """Translate every input of ``job``; return the report."""
    runner = job.runner()
    report = Pipeline(job.router(), job.options(), progress, runner).run(job.paths)
    return _distributed(report, runner)


def translate_stdin(job: TranslateJob, data: bytes) -> bytes:
    """Translate standard input bytes to output bytes (no cache)."""
    return Pipeline(job.router(), job.options()).translate_bytes(data)


def run_summarize(job: TranslateJob, options: SummaryOptions, model: str | None = None,
                  progress: Progress | None = None, translate_first: bool = True,
                  ) -> tuple[RunReport | None, RunReport]:
    """Summarise every input; return the translation report (if any) and the summary one.

    Args:
        job: The inputs and translation settings.
        options: The summary method and length.
        model: The summariser for this run (``--model``), abstractive methods only.
        progress: Receives progress events.
        translate_first: Translate whole documents too (``translate --summarize``).
            Extractive methods need no whole translation: they choose sentences in the
            source and translate only those (``extract_job``).

    Raises:
        ModelUnavailableError: the summariser is missing (before any work).
    """
    router = job.router()
    runner = job.runner()
    if options.extractive:
        translated = (Pipeline(router, job.options(), progress, runner).run(job.paths)
                      if translate_first else None)
        pipeline = Pipeline(router, job.options(), None, runner)
        summaries = ExtractiveSummaries(pipeline, options).run(list(job.paths))
        if translated is not None:
            summaries.interrupted |= translated.interrupted
            _distributed(translated, runner)
        return translated, _distributed(summaries, runner)
    summarizer = Summarizer(router, options, model, force=job.force, runner=runner)
    translated, summaries = SummaryJob(router, job.options(), summarizer, progress,
                                       runner).run(list(job.paths))
    return _distributed(translated, runner), _distributed(summaries, runner)


def summarize_stdin(job: TranslateJob, options: SummaryOptions, model: str | None,
                    data: bytes, notify: Callable[[str], None] | None = None) -> bytes:
    """Summarise standard input (in the target language when a model can translate it).

    Extractive methods follow the same rule as for files: chosen in the source, only the
    chosen sentences translated, or left in the source language (``notify`` says so).
    """
    router = job.router()
    pipeline = Pipeline(router, job.options())
    doc = decode_bytes(data, "<stdin>", pipeline.options.encoding)
    if options.extractive:
        languages = plan_languages(doc.text, job.source)
        extract = ExtractiveSummaries(pipeline, options)
        choice = extract.choose(languages)
        text = extract.summarize_text(doc.text, languages, choice)
        if choice.why_untranslated and notify:
            notify(f"summary left in '{choice.language}' (no translation into "
                   f"'{job.target}' here: {choice.why_untranslated})")
        return (text + "\n").encode("utf-8")
    english = pipeline.translate_text(doc.text)
    summary = Summarizer(router, options, model, force=job.force).summarize(english, None)
    return (summary.text + "\n").encode("utf-8")
