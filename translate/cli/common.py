"""What the commands share: error rendering in one place, and the option definitions.

Each option is defined once here, with one name everywhere (``--num-beams`` is
``num_beams`` in models.toml, job files and ``generate()``).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from translate.cli.errors import rename_flags
from translate.cli.render import printable
from translate.errors import TranslateError, UsageError
from translate.options import Options, field_for
from translate.translation import interrupts
from translate.translation.report import REPORT_TOOL

if TYPE_CHECKING:
    from translate.jobs import JobSpec


def echo_err(message: str) -> None:
    """Print on standard error, odd characters escaped (``render.printable``)."""
    typer.echo(printable(message), err=True)


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Turn library errors into one message and an exit code (the one place for it)."""
    try:
        yield
    except TranslateError as exc:
        echo_err(f"error: {exc.message}")
        if exc.hint:
            echo_err(f"  hint: {command_hint(exc.hint)}")
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt as exc:
        terminated = isinstance(exc, interrupts.Terminated) or interrupts.terminated()
        echo_err("terminated" if terminated else "interrupted")
        raise typer.Exit(interrupts.TERMINATED_EXIT if terminated
                         else interrupts.INTERRUPTED_EXIT) from None


def command_hint(hint: str) -> str:
    """A hint in the words of the running command (see ``cli_errors.rename_flags``)."""
    import click

    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return hint
    names = {opt for param in ctx.command.get_params(ctx) for opt in param.opts}
    return rename_flags(hint, ctx.command.name or "", names)


def check_report_path(report: Path | None, paths: Sequence[str] = (),
                      options: Options | None = None) -> None:
    """Refuse a ``--report`` path that is not a report this tool wrote (before any work).

    Also refused: a path that one of the run's outputs will take (a translation, a
    summary, a review page, a record or the cache), or an input.

    Raises:
        UsageError: the path is a link, not a regular file, a file of other content,
            an input or an output of the run.
    """
    if report is None or str(report) == "-":
        return
    taken = _taken_by_run(report, paths, options or Options())
    if taken:
        raise UsageError(f"--report {report}: is {taken}; not written there",
                         "choose a report path outside the run's outputs (or - for "
                         "standard output)")
    hint = "choose a new file name for --report (or - for standard output)"
    if not os.path.lexists(report):
        _check_writable(report, hint)
        return
    if report.is_symlink() or not report.is_file():
        raise UsageError(f"--report {report}: exists and is not a regular file", hint)
    try:
        data = json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = None
    if not isinstance(data, dict) or data.get("tool") != REPORT_TOOL:
        raise UsageError(f"--report {report}: exists and is not a report written by "
                         "translate; it is left untouched", hint)


def _taken_by_run(report: Path, paths: Sequence[str], options: Options) -> str | None:
    """What of the run ``report`` would overwrite (``None``: nothing)."""
    from translate.cache.outputs import RECORD_DIR
    from translate.cache.store import CACHE_DIR
    from translate.files.names import output_path, summary_path
    from translate.review.page import review_path
    from translate.translation.inputs import collect_inputs

    real = Path(os.path.realpath(report))
    if RECORD_DIR in real.parts or CACHE_DIR in real.parts:
        return "inside a folder that translate keeps for its records or cache"
    bases = [Path(os.path.realpath(raw)) for raw in paths]
    if not any(real.parent == base or base in real.parent.parents or (
            real.parent == base.parent) for base in bases):
        return None  # outside every input folder: no output of the run goes there
    folder_inputs = [p for p in collect_inputs(paths, options.glob).files
                     if Path(os.path.realpath(p.parent)) == real.parent]
    for path in folder_inputs:
        if real == Path(os.path.realpath(path)):
            return "an input of this run"
        head = path.stem + "."  # a summary in any language: X.<lang>.summary...
        tail = summary_path(path, "xx").name[len(head) + 2:]
        summary = re.escape(head) + "[^./]+" + re.escape(tail)
        if real.name in (output_path(path, options.target).name, review_path(path).name) or (
                re.fullmatch(summary, real.name)):
            return f"where this run writes an output of {path.name}"
    return None


def check_jobs(specs: Sequence[JobSpec]) -> None:
    """Check every job of a job file before the first one starts (``translate run``).

    What a job's run would refuse at its start: an unknown engine or compute type, a
    bad registry, an unknown encoding, a report path that is taken; and two jobs that
    write the same report.

    Raises:
        UsageError: naming the job.
    """
    from translate.api import Session
    from translate.text.encoding import check_encoding

    reports: dict[str, str] = {}
    for spec in specs:
        try:
            with Session(spec.options) as session:
                session.router(spec.options)  # loads no model
            if spec.options.encoding is not None:
                check_encoding(spec.options.encoding)
            check_report_path(spec.report, spec.paths, spec.options)
            if spec.report is not None:
                real = os.path.realpath(spec.report)
                if real in reports:
                    raise UsageError(f"--report {spec.report}: job '{reports[real]}' writes "
                                     "its report there too", "give each job its own report")
                reports[real] = spec.name
        except UsageError as exc:
            raise UsageError(f"job '{spec.name}' (nothing was run): {exc.message}",
                             exc.hint) from exc


def _check_writable(report: Path, hint: str) -> None:
    """Refuse, before any work, a new report path that cannot be written."""
    folder = report.parent
    while not os.path.lexists(folder) and folder != folder.parent:
        folder = folder.parent  # the nearest folder that exists: the report's is made there
    if not folder.is_dir():
        raise UsageError(f"--report {report}: {folder} is not a folder", hint)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(f"--report {report}: cannot write in {folder} (permission denied)",
                         hint)
    try:
        name_max = os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError):
        name_max = 255
    too_long = [p for p in report.parts if len(os.fsencode(p)) > name_max]
    if too_long:
        raise UsageError(f"--report: a name of more than {name_max} bytes: "
                         f"{too_long[0][:40]}...", hint)


def write_report(report: Path, data: dict[str, Any], inputs: list[str]) -> None:
    """Write the JSON report atomically (``-``: standard output).

    Raises:
        UsageError: the report path is one of the run's inputs.
    """
    text = json.dumps(data, indent=2) + "\n"
    if str(report) == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    real = os.path.realpath(report)
    if any(os.path.realpath(path) == real for path in inputs):
        raise UsageError(f"--report {report}: is an input of this run; not overwritten",
                         "write the report outside the input folders")
    from translate.files.writing import write_atomic

    try:
        report.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(report, text.encode("utf-8"))
    except OSError as exc:  # the outputs stand; only the report is missing
        raise UsageError(f"--report {report}: cannot write it: {exc.strerror or exc}",
                         "the outputs were written; choose a writable report path and "
                         "run again (it is quick: nothing is translated twice)") from exc


# Flags of the commands that set no Options field: what to run on, and how to show it.
PRESENTATION_FLAGS = ("paths", "report", "quiet")


def options_from(command: str, flags: dict[str, Any]) -> Options:
    """The ``Options`` a command's flags set (names mapped by ``translate.options.ALIASES``).

    Raises:
        UsageError: a value ``Options`` refuses.
    """
    settings: dict[str, Any] = {}
    for name, value in flags.items():
        field = field_for(command, name)
        if field is None:
            assert name in PRESENTATION_FLAGS, f"--{name} sets no Options field"
            continue
        if field.startswith("!"):  # a negated flag: --no-cache
            settings[field[1:]] = not value
        else:
            settings[field] = value
    return Options(**settings)


# Options shared by several commands: one definition, one name everywhere.
PathsArg = Annotated[list[str], typer.Argument(
    help="Files, folders (recursive) or - for stdin to stdout.", show_default=False)]
ToOpt = Annotated[str, typer.Option("--to", help="Target language.")]
FromOpt = Annotated[str, typer.Option(
    "--from", help="Source language, or auto to detect per document and paragraph.")]
ModelsOpt = Annotated[Path | None, typer.Option(
    "--models", help="A models.toml that replaces the built-in registry.")]
DeviceOpt = Annotated[str, typer.Option("--device", help="auto, cpu or cuda.")]
EngineOpt = Annotated[str, typer.Option(
    "--engine", help="auto (CTranslate2 when installed), transformers, ctranslate2, or "
                     "apertium (rule-based, Debian packages, nothing to download).")]
SummaryEngineOpt = Annotated[str | None, typer.Option(
    "--summary-engine", help="The summariser's engine (default: --engine's; auto when that "
                             "is apertium, which only translates).")]
ComputeOpt = Annotated[str, typer.Option(
    "--compute-type", help="auto (ctranslate2: int8 on CPU; float16 on CUDA), int8, "
                           "float32, float16, ...")]
GlobOpt = Annotated[str | None, typer.Option(
    "--glob", help="File-name pattern inside folders (default: text files).")]
ForceOpt = Annotated[bool, typer.Option(
    "--force", help="Ignore cached results and overwrite outputs.")]
GlossaryOpt = Annotated[list[Path] | None, typer.Option(
    "--glossary", help="A glossary (TSV source<TAB>target[<TAB>case,keep]; repeatable, a "
                       "later one wins per term). See README: \"Terms and names\".")]
KeepOpt = Annotated[list[str] | None, typer.Option(
    "--keep", help="A span never translated, kept verbatim (repeatable).")]
NoKeepNamesOpt = Annotated[bool, typer.Option(
    "--no-keep-names", help="Do not keep names (capitalised runs, acronyms) verbatim.")]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the cache.")]
DryRunOpt = Annotated[bool, typer.Option(
    "--dry-run", help="Show what would be done; load no model, write nothing.")]
ReportOpt = Annotated[Path | None, typer.Option(
    "--report", help="Write the run report as JSON to this file (- for standard output).")]
OfflineOpt = Annotated[bool, typer.Option(
    "--offline", help="Never use the network; fail at once if a model is missing.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress, no summary.")]
ClusterOpt = Annotated[str | None, typer.Option(
    "--cluster", help="Run the model on Ray: 'local' starts Ray here, 'auto' or "
                      "ray://HOST:10001 joins a cluster (needs the ray extra).")]
ActorsOpt = Annotated[int, typer.Option("--actors", min=1,
                                        help="Ray actors, each holding one model copy.")]
MethodOpt = Annotated[str, typer.Option(
    "--method", help="abstractive (a model), extractive (TextRank, no model; textrank is "
                     "the same) or lead.")]
MaxWordsOpt = Annotated[int, typer.Option("--max-words", min=1, help="Longest summary.")]
MinWordsOpt = Annotated[int | None, typer.Option(
    "--min-words", min=1, help="Shortest abstractive summary (default: 30, or --max-words).")]
EncodingOpt = Annotated[str | None, typer.Option(
    "--encoding", help="Read inputs with this encoding (e.g. cp1252) instead of detecting "
                       "one; outputs are UTF-8.")]
MaxElementsOpt = Annotated[int | None, typer.Option(
    "--max-elements", min=1, help="Most XML elements in one document (default 1000000); "
                                  "also scales a package's unpacked size and parts.")]
