"""What the commands share: error rendering in one place, and the option definitions.

Each option is defined once here, with one name everywhere (``--num-beams`` is
``num_beams`` in models.toml, job files and ``generate()``).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from translate.cli.errors import rename_flags
from translate.errors import TranslateError, UsageError
from translate.options import Options, field_for
from translate.run import interrupts
from translate.run.report import REPORT_TOOL


def echo_err(message: str) -> None:
    """Print on standard error."""
    typer.echo(message, err=True)


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


def check_report_path(report: Path | None) -> None:
    """Refuse a ``--report`` path that is not a report this tool wrote (before any work).

    Raises:
        UsageError: the path is a link, not a regular file, or a file of other content.
    """
    if report is None or str(report) == "-" or not os.path.lexists(report):
        return
    hint = "choose a new file name for --report (or - for standard output)"
    if report.is_symlink() or not report.is_file():
        raise UsageError(f"--report {report}: exists and is not a regular file", hint)
    try:
        data = json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = None
    if not isinstance(data, dict) or data.get("tool") != REPORT_TOOL:
        raise UsageError(f"--report {report}: exists and is not a report written by "
                         "translate; it is left untouched", hint)


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
    from translate.text.documents import write_atomic

    report.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(report, text.encode("utf-8"))


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
