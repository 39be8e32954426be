"""The order of a run: learn, plan, read, translate, summarise, write and record, review.

Every way of running files (the CLI, the Python API, job files, Ray) goes through
``run_files``; ``api.Session`` only keeps models loaded between runs and turns Python
arguments into ``Options``. Each input is read once for the whole run (``InputBytes``:
planning, translation, extractive summaries and the review page share its bytes).

It drives the translation, the summaries and the review pages, so ``run/`` is the floor
above them (``tests/test_layers.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from translate.formats.zipped import element_limit
from translate.models.routing import Router
from translate.options import Options
from translate.translation.distributed import RayRunner
from translate.translation.job_options import job_options
from translate.translation.learning import learn
from translate.translation.pipeline import Pipeline
from translate.translation.reading import InputBytes
from translate.translation.report import Progress, RunReport

if TYPE_CHECKING:  # imported when a run summarises or reviews: a translation needs neither
    from translate.summaries.summarizer import Summarizer

__all__ = ["Reports", "run_files"]

# The translation report (``None``: extractive summaries only) and the summary report
# (``None`` without ``summarize``, or in a dry run).
Reports = tuple[RunReport | None, RunReport | None]


def run_files(files: list[str], options: Options, router: Router,
              summarizer: Callable[[], Summarizer] | None = None,
              progress: Progress | None = None, translate_first: bool = True) -> Reports:
    """Run ``files`` through every stage ``options`` asks for, in order.

    Args:
        files: Files and folders (paths as strings).
        options: The settings.
        router: The models (its loads before this run are not this run's).
        summarizer: The summariser to use in this process (a session keeps it loaded);
            ``None``: one made for this run.
        progress: Receives progress events.
        translate_first: With an extractive method, translate whole documents too
            (``translate --summarize``); extractive summaries translate only the
            sentences they choose.
    """
    before = len(router.loads)
    with element_limit(options.max_elements):  # every document read by this run
        learned = (learn(files, options.target, options.glob, options.dry_run)
                   if options.learn else None)
        inputs = InputBytes(keep_after_use=options.review or (
            options.summarize and options.method != "abstractive"))
        reports = _translate_and_summarise(files, options, router, summarizer, progress,
                                           translate_first, inputs)
        if learned is not None and reports[0] is not None:
            reports[0].notices.extend(learned.lines())
        for report in reports:
            if report is not None:  # this run's loads, not the session's earlier ones
                report.models_loaded = report.models_loaded[before:]
        if options.review and reports[0] is not None and not options.dry_run:
            from translate.review.build import write_reviews

            write_reviews(reports[0], options.target, options.force, inputs)
    return reports


def _translate_and_summarise(files: list[str], options: Options, router: Router,
                             summarizer: Callable[[], Summarizer] | None,
                             progress: Progress | None, translate_first: bool,
                             inputs: InputBytes) -> Reports:
    runner, jobs = _runner(options), job_options(options)

    def pipeline(shown: Progress | None) -> Pipeline:
        return Pipeline(router, jobs, shown, runner, inputs=inputs)

    if not options.summarize or options.dry_run:
        return _distributed(pipeline(progress).run(files), runner), None
    from translate.summaries.extractive import ExtractiveSummaries
    from translate.summaries.files import SummaryRun
    from translate.summaries.summarizer import Summarizer, summary_settings

    summary = summary_settings(options)[0]
    if summary.extractive:
        translated = pipeline(progress).run(files) if translate_first else None
        summaries = ExtractiveSummaries(pipeline(None), summary).run(files)
        if translated is not None:
            summaries.interrupted |= translated.interrupted
            _distributed(translated, runner)
        return translated, _distributed(summaries, runner)
    model = (summarizer() if summarizer is not None and runner is None
             else Summarizer.from_options(router, options, runner))
    both = SummaryRun(router, jobs, model, progress, runner, inputs).run(files)
    return _distributed(both[0], runner), _distributed(both[1], runner)


def _runner(options: Options) -> RayRunner | None:
    if options.cluster is None:
        return None
    runner = RayRunner(address=options.cluster, actors=options.actors)
    runner.start()
    return runner


def _distributed(report: RunReport, runner: RayRunner | None) -> RunReport:
    if runner is not None:
        report.distributed = {"address": runner.address, "actors": runner.actors,
                              "workers_seen": len(runner.workers)}
    return report
