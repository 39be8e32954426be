"""The command line: parse, call the library, render, exit code. Nothing else.

Exit codes: 0 every file succeeded, 1 any file failed, 2 usage or configuration error,
70 internal error (a bug), 130 interrupted (Ctrl-C), 143 terminated (SIGTERM). torch and
transformers are imported only when a model runs.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from translate.cli import admin as cli_admin
from translate.cli import serve as cli_serve
from translate.cli.common import (
    ActorsOpt,
    ClusterOpt,
    ComputeOpt,
    DeviceOpt,
    DryRunOpt,
    EncodingOpt,
    EngineOpt,
    ForceOpt,
    FromOpt,
    GlobOpt,
    GlossaryOpt,
    KeepOpt,
    MaxElementsOpt,
    MaxWordsOpt,
    MethodOpt,
    MinWordsOpt,
    ModelsOpt,
    NoCacheOpt,
    NoKeepNamesOpt,
    OfflineOpt,
    PathsArg,
    QuietOpt,
    ReportOpt,
    SummaryEngineOpt,
    ToOpt,
    check_jobs,
    check_report_path,
    echo_err,
    options_from,
    user_errors,
    write_report,
)
from translate.cli.errors import (
    DEBUG_ENV,
    DEBUG_FLAG,
    report_internal_error,
    split_debug,
)
from translate.cli.progress import make_progress
from translate.errors import UsageError, report_of
from translate.options import Options
from translate.translation import interrupts
from translate.translation.report import REPORT_TOOL
from translate.version import __version__

DEFAULT_COMMAND = "translate"


class DefaultGroup(TyperGroup):
    """A group where ``translate PATH...`` means ``translate translate PATH...``."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        """Insert the default command unless a subcommand or group option comes first."""
        options = {opt for param in self.get_params(ctx) for opt in param.opts}
        if args and args[0] not in self.commands and args[0] not in options:
            args = [DEFAULT_COMMAND, *args]
        return super().parse_args(ctx, args)


# -h as well as --help, on every command (subcommands inherit it from the group).
HELP_OPTIONS = {"help_option_names": ["-h", "--help"]}
# Pretty tracebacks would print local variables, which hold document text.
# add_completion: --install-completion/--show-completion; the shell calls back only then.
app = typer.Typer(cls=DefaultGroup, no_args_is_help=True, add_completion=True,
                  context_settings=HELP_OPTIONS,
                  pretty_exceptions_enable=False, pretty_exceptions_show_locals=False,
                  help="Translate folders of documents locally; outputs and cache sit next "
                       "to the inputs. `translate PATH... --to en` is the main command.")
_debug = False  # --debug, set by main() or the group callback


def _version(value: bool) -> None:
    if value:
        typer.echo(f"translate {__version__}")
        raise typer.Exit()


@app.callback()
def _main(version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Show the version.")] = False,
          debug: Annotated[bool, typer.Option(
        DEBUG_FLAG, envvar=DEBUG_ENV, help="Show the full traceback of an internal error "
                                          "(it may quote document text).")] = False,
          ) -> None:
    """Translate folders of documents locally."""
    global _debug
    _debug = _debug or debug


@app.command("translate")
def translate_command(
    paths: PathsArg,
    to: ToOpt = "en",
    source: FromOpt = "auto",
    model: Annotated[str | None, typer.Option(
        "--model", help="Hub id or local directory: overrides the registry for this run.")
    ] = None,
    models: ModelsOpt = None,
    num_beams: Annotated[int | None, typer.Option(
        "--num-beams", min=1, help="Beam width (models.toml: num_beams).")] = None,
    max_new_tokens: Annotated[int | None, typer.Option(
        "--max-new-tokens", min=1, help="Longest output of one sentence, in tokens.")] = None,
    min_new_tokens: Annotated[int | None, typer.Option(
        "--min-new-tokens", min=0, help="Shortest output of one sentence, in tokens.")] = None,
    no_repeat_ngram_size: Annotated[int | None, typer.Option(
        "--no-repeat-ngram-size", min=0,
        help="No repeated n-gram of this size in an output (0: off).")] = None,
    length_penalty: Annotated[float | None, typer.Option(
        "--length-penalty", help="Beam-search length penalty (1.0: neutral).")] = None,
    batch_size: Annotated[int | None, typer.Option(
        "--batch-size", min=1, help="Most sentences in one generate() call.")] = None,
    max_batch_tokens: Annotated[int | None, typer.Option(
        "--max-batch-tokens", min=1, help="Most padded input tokens in one call.")] = None,
    max_input_tokens: Annotated[int | None, typer.Option(
        "--max-input-tokens", min=2,
        help="Longest input sentence; longer ones are split, never truncated.")] = None,
    device: DeviceOpt = "auto",
    engine: EngineOpt = "auto",
    compute_type: ComputeOpt = "auto",
    glob: GlobOpt = None,
    force: ForceOpt = False,
    no_cache: NoCacheOpt = False,
    dry_run: DryRunOpt = False,
    report: ReportOpt = None,
    offline: OfflineOpt = False,
    quiet: QuietOpt = False,
    cluster: ClusterOpt = None,
    actors: ActorsOpt = 2,
    summarize: Annotated[bool, typer.Option(
        "--summarize", help="Also write X.en.summary.txt (each model loaded once).")] = False,
    summary_model: Annotated[str | None, typer.Option(
        "--summary-model", help="Summariser hub id or directory for this run.")] = None,
    summary_engine: SummaryEngineOpt = None,
    method: MethodOpt = "abstractive",
    max_words: MaxWordsOpt = 120,
    min_words: MinWordsOpt = None,
    encoding: EncodingOpt = None,
    no_retry: Annotated[bool, typer.Option(
        "--no-retry", help="Do not generate a segment that fails a quality check a second "
                           "time with the [retry] settings; only flag it.")] = False,
    strict: Annotated[bool, typer.Option(
        "--strict", help="Exit with code 1 when any flagged segment remains.")] = False,
    review: Annotated[bool, typer.Option(
        "--review", help="Also write X.txt.review.html beside each input: source and "
                         "translation side by side, flagged rows marked.")] = False,
    check_roundtrip: Annotated[bool, typer.Option(
        "--check-roundtrip", help="Translate each output back (needs the reverse pair) "
                                  "and flag those far from the source.")] = False,
    no_memory: Annotated[bool, typer.Option(
        "--no-memory", help="Do not answer segments from the translation memory (hand "
                            "corrections, imported TMX).")] = False,
    learn: Annotated[bool, typer.Option(
        "--learn", help="First store the hand edits of outputs in the translation memory "
                        "(as `translate learn PATH`).")] = False,
    max_elements: MaxElementsOpt = None,
    glossary: GlossaryOpt = None,
    keep: KeepOpt = None,
    no_keep_names: NoKeepNamesOpt = False,
    translate_sheet_names: Annotated[bool, typer.Option(
        "--translate-sheet-names", help="Translate XLSX sheet names too (off: kept), and "
                                        "rewrite formulas and charts that name them.")] = False,
    ocr: Annotated[bool, typer.Option(
        "--ocr", help="Run ocrmypdf on PDFs without a text layer first (needs ocrmypdf and "
                      "the language's Tesseract data).")] = False,
) -> None:
    """Translate files and folders; write X.en.txt next to each X.txt."""
    flags = dict(locals())
    with user_errors():
        _execute(paths, options_from("translate", flags), report, quiet)


@app.command("summarize", context_settings=HELP_OPTIONS)  # run alone too
def summarize_command(
    paths: PathsArg,
    model: Annotated[str | None, typer.Option(
        "--model", help="Summariser hub id or directory for this run.")] = None,
    translation_model: Annotated[str | None, typer.Option(
        "--translation-model", help="Model for translating non-English sources.")] = None,
    method: MethodOpt = "abstractive",
    max_words: MaxWordsOpt = 120,
    min_words: MinWordsOpt = None,
    source: FromOpt = "auto",
    to: ToOpt = "en",
    models: ModelsOpt = None,
    device: DeviceOpt = "auto",
    engine: EngineOpt = "auto",
    summary_engine: SummaryEngineOpt = None,
    compute_type: ComputeOpt = "auto",
    glob: GlobOpt = None,
    force: ForceOpt = False,
    no_cache: NoCacheOpt = False,
    report: ReportOpt = None,
    offline: OfflineOpt = False,
    quiet: QuietOpt = False,
    cluster: ClusterOpt = None,
    actors: ActorsOpt = 2,
    encoding: EncodingOpt = None,
    max_elements: MaxElementsOpt = None,
) -> None:
    """Summarise files (translating them first when needed): write X.en.summary.txt."""
    flags = dict(locals())
    with user_errors():
        options = options_from("summarize", flags).replace(summarize=True)
        _execute(paths, options, report, quiet, translate_first=False)


@app.command("run")
def run_command(
    jobfile: Annotated[Path, typer.Argument(help="A TOML file of [[job]] tables.")],
    dry_run: DryRunOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Run the jobs of a job file (see README: "Job files")."""
    from translate.jobs import load_jobs

    code = 0
    with user_errors():
        specs = load_jobs(jobfile)
        check_jobs(specs)  # a bad value in job 2 is found before job 1 runs
        for spec in specs:
            if not quiet:
                echo_err(f"== job: {spec.name}")
            try:
                _execute(spec.paths, spec.options.replace(dry_run=dry_run), spec.report, quiet)
            except typer.Exit as done:
                if done.exit_code in {interrupts.INTERRUPTED_EXIT, interrupts.TERMINATED_EXIT}:
                    raise
                code = max(code, done.exit_code)
    raise typer.Exit(code)


def _execute(paths: list[str], options: Options, report: Path | None, quiet: bool,
             translate_first: bool = True) -> None:
    """Run one command's work in a fresh session; render; exit with its code."""
    from translate.api import Session
    from translate.cli.render import render_report

    with Session(options, hints="cli") as session:
        if paths == ["-"]:
            data = sys.stdin.buffer.read()
            out = (session.summarize_bytes(data, notify=echo_err) if options.summarize
                   else session.translate_bytes(data))
            sys.stdout.buffer.write(out)
            sys.stdout.flush()
            raise typer.Exit(0)
        if "-" in paths:
            raise UsageError("'-' (stdin) cannot be mixed with files")
        check_report_path(report, paths, options)
        try:
            translated, summaries = session.run(paths, progress=make_progress(quiet),
                                                translate_first=translate_first)
        except Exception as exc:  # what stopped the run still leaves its report
            stopped = report_of(exc)
            if report is not None and stopped is not None:
                write_report(report, stopped.as_dict(), [f.path for f in stopped.files])
            raise
    reports = [r for r in (translated, summaries) if r is not None]
    kinds = ["files", "summaries"] if translated else ["summaries"]
    if summaries is None:
        data = reports[0].as_dict()
        kinds = ["files"]
    else:
        data = {"tool": REPORT_TOOL, "summary": summaries.as_dict(),
                "translation": translated.as_dict() if translated else None}
    if report is not None:
        write_report(report, data, [f.path for r in reports for f in r.files])
    for kind, result in zip(kinds, reports, strict=True):
        if not quiet or result.failed:
            render_report(result, quiet=quiet, kind=kind,
                          failures_shown=not quiet and kind == "files")
    if any(r.interrupted for r in reports):
        raise typer.Exit(interrupts.interrupt_exit_code())
    flagged = sum(len(r.flagged) for r in reports)
    if options.strict and flagged:  # a failure: said even under --quiet
        echo_err(f"strict: {flagged} flagged segment{' remains' if flagged == 1 else 's remain'}"
                 " (exit code 1)")
    raise typer.Exit(1 if any(r.failed for r in reports) or (options.strict and flagged)
                     else 0)


def main() -> None:
    """Console-script entry point of ``translate``.

    ``--debug`` is accepted anywhere before ``--``. An exception that is not a
    ``TranslateError`` is a bug: it becomes one line and exit code 70, and its traceback
    (which may quote document text) is shown only with ``--debug``.
    """
    _run(app)


def summarize_main() -> None:
    """Console-script entry point of ``summarize`` (= ``translate summarize``).

    The command runs under its own name, so its usage line reads ``summarize ...``.
    """
    command = typer.main.get_command(app).commands["summarize"]  # type: ignore[attr-defined]
    _run(lambda: command.main(args=sys.argv[1:], prog_name="summarize"))


def _run(entry: Any) -> None:
    global _debug
    _debug, sys.argv[1:] = split_debug(sys.argv[1:])
    interrupts.install()
    try:
        entry()
    except SystemExit as done:
        # Outside user_errors(), Typer turns any KeyboardInterrupt into exit code 130.
        if done.code == interrupts.INTERRUPTED_EXIT and interrupts.terminated():
            raise SystemExit(interrupts.TERMINATED_EXIT) from None
        raise
    except Exception as exc:
        raise SystemExit(report_internal_error(exc, _debug)) from None


# The housekeeping subcommands live in their own module; it imports helpers from here.
cli_admin.register(app)
cli_serve.register(app)
