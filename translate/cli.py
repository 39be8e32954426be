"""The command line: parse, call the library, render, exit code. Nothing else.

Exit codes: 0 every file succeeded, 1 any file failed, 2 usage or configuration error,
130 interrupted (Ctrl-C). torch and transformers are imported only when a model runs.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from translate import __version__
from translate.errors import TranslateError

DEFAULT_COMMAND = "translate"


class DefaultGroup(TyperGroup):
    """A group where ``translate PATH...`` means ``translate translate PATH...``."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        """Insert the default command unless a subcommand or group option comes first."""
        if args and args[0] not in self.commands and args[0] not in {
                "--help", "-h", "--version", "--install-completion", "--show-completion"}:
            args = [DEFAULT_COMMAND, *args]
        return super().parse_args(ctx, args)


app = typer.Typer(cls=DefaultGroup, no_args_is_help=True, add_completion=False,
                  rich_markup_mode=None,
                  help="Translate folders of documents locally; outputs and cache sit next "
                       "to the inputs. `translate PATH... --to en` is the main command.")
cache_app = typer.Typer(help="Inspect or clear the cache next to the inputs.",
                        no_args_is_help=True)
models_app = typer.Typer(help="List and download the models in the registry.",
                         no_args_is_help=True)
app.add_typer(cache_app, name="cache")
app.add_typer(models_app, name="models")


def _err(message: str) -> None:
    typer.echo(message, err=True)


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Turn library errors into one message and an exit code (the one place for it)."""
    try:
        yield
    except TranslateError as exc:
        _err(f"error: {exc.message}")
        if exc.hint:
            _err(f"  hint: {exc.hint}")
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        _err("interrupted")
        raise typer.Exit(130) from None


def _version(value: bool) -> None:
    if value:
        typer.echo(f"translate {__version__}")
        raise typer.Exit()


@app.callback()
def _main(version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Show the version.")] = False,
          ) -> None:
    """Translate folders of documents locally."""


PathsArg = Annotated[list[str], typer.Argument(
    help="Files, folders (recursive) or - for stdin to stdout.", show_default=False)]
ModelsOpt = Annotated[Path | None, typer.Option(
    "--models", help="A models.toml that replaces the built-in registry.")]
DeviceOpt = Annotated[str, typer.Option("--device", help="auto, cpu or cuda.")]
EngineOpt = Annotated[str, typer.Option("--engine", help="auto, transformers or ctranslate2.")]
OfflineOpt = Annotated[bool, typer.Option(
    "--offline", help="Never use the network; fail at once if a model is missing.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress, no summary.")]


@app.command("translate")
def translate_command(
    paths: PathsArg,
    to: Annotated[str, typer.Option("--to", help="Target language.")] = "en",
    source: Annotated[str, typer.Option(
        "--from", help="Source language, or auto to detect per document and paragraph.")
    ] = "auto",
    model: Annotated[str | None, typer.Option(
        "--model", help="Hub id or local directory: overrides the registry for this run.")
    ] = None,
    models: ModelsOpt = None,
    num_beams: Annotated[int | None, typer.Option("--num-beams", min=1)] = None,
    max_new_tokens: Annotated[int | None, typer.Option("--max-new-tokens", min=1)] = None,
    batch_size: Annotated[int | None, typer.Option("--batch-size", min=1)] = None,
    max_batch_tokens: Annotated[int | None, typer.Option("--max-batch-tokens", min=1)] = None,
    max_input_tokens: Annotated[int | None, typer.Option("--max-input-tokens", min=2)] = None,
    device: DeviceOpt = "auto",
    engine: EngineOpt = "auto",
    glob: Annotated[str | None, typer.Option(
        "--glob", help="File-name pattern inside folders (default: text files).")] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Ignore cached translations and overwrite outputs.")] = False,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the cache.")
                        ] = False,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Show what would be translated; load no model, write nothing.")
    ] = False,
    report: Annotated[Path | None, typer.Option(
        "--report", help="Write the run report as JSON to this file.")] = None,
    offline: OfflineOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Translate files and folders; write X.en.txt next to each X.txt."""
    from translate import service

    overrides: dict[str, Any] = {
        "model": model, "num_beams": num_beams, "max_new_tokens": max_new_tokens,
        "batch_size": batch_size, "max_batch_tokens": max_batch_tokens,
        "max_input_tokens": max_input_tokens}
    with user_errors():
        job = service.TranslateJob(
            paths=paths, target=to, source=source, models=models, overrides=overrides,
            device=device, engine=engine, glob=glob, force=force, use_cache=not no_cache,
            dry_run=dry_run, offline=offline)
        if paths == ["-"]:
            sys.stdout.buffer.write(service.translate_stdin(job, sys.stdin.buffer.read()))
            sys.stdout.flush()
            return
        if "-" in paths:
            raise service.UsageError("'-' (stdin) cannot be mixed with files")
        result = service.run_translate(job, service.make_progress(quiet))
    _finish(result, report, quiet)


def _finish(result: Any, report: Path | None, quiet: bool) -> None:
    from translate.render import render_report

    if report is not None:
        report.write_text(json.dumps(result.as_dict(), indent=2) + "\n", encoding="utf-8")
    if not quiet or result.failed:
        render_report(result, quiet=quiet)
    if result.interrupted:
        raise typer.Exit(130)
    raise typer.Exit(1 if result.failed else 0)


@cache_app.command("path")
def cache_path(path: Annotated[Path, typer.Argument(help="An input file or folder.")] = Path(".")
               ) -> None:
    """Print where the cache for PATH is (or would be)."""
    from translate.cache import CACHE_DIR, DB_NAME, find_cache_root

    typer.echo(find_cache_root(path) / CACHE_DIR / DB_NAME)


@cache_app.command("stats")
def cache_stats(path: Annotated[Path, typer.Argument(help="An input file or folder.")] = Path("."),
                as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Entries, size on disk and the last run's hit rate."""
    from translate.cache import CACHE_DIR, Cache, find_cache_root

    root = find_cache_root(path)
    with user_errors():
        if not (root / CACHE_DIR).is_dir():
            raise service_error(f"no cache for {path} (looked for {root / CACHE_DIR})")
        with Cache.open(root) as cache:
            stats = cache.stats()
    if as_json:
        typer.echo(json.dumps(stats, indent=2))
        return
    last = stats["last_run"]
    rate = "n/a" if last["hit_rate"] is None else f"{last['hit_rate']:.1%}"
    typer.echo(f"cache:       {stats['path']}\nentries:     {stats['entries']}\n"
               f"signatures:  {stats['signatures']}\noutputs:     {stats['outputs']}\n"
               f"size:        {stats['size_bytes'] / 1024:.1f} KiB\n"
               f"last run:    {last['hits']} hits, {last['misses']} misses (hit rate {rate})")


@cache_app.command("clear")
def cache_clear(path: Annotated[Path, typer.Argument(help="An input file or folder.")] = Path(".")
                ) -> None:
    """Delete every cached translation for PATH's cache."""
    from translate.cache import CACHE_DIR, Cache, find_cache_root

    root = find_cache_root(path)
    if not (root / CACHE_DIR).is_dir():
        typer.echo(f"no cache at {root / CACHE_DIR}")
        return
    with user_errors(), Cache.open(root) as cache:
        count = cache.clear()
    typer.echo(f"removed {count} entries from {root / CACHE_DIR}")


def service_error(message: str) -> TranslateError:
    """A usage error for conditions the CLI itself checks."""
    from translate.errors import UsageError

    return UsageError(message)


def main() -> None:
    """Console-script entry point."""
    app()
