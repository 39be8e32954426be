"""Housekeeping subcommands: ``cache``, ``models`` and ``detect``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from translate.cli import echo_err, user_errors
from translate.errors import TranslateError, UsageError

# No pretty tracebacks: their local variables would show document text.
cache_app = typer.Typer(help="Inspect or clear the cache next to the inputs.",
                        no_args_is_help=True, pretty_exceptions_enable=False,
                        pretty_exceptions_show_locals=False)
PathArg = Annotated[Path, typer.Argument(help="An input file or folder.")]


def register(app: typer.Typer) -> None:
    """Add the housekeeping subcommands to ``app`` (once)."""
    names = {group.name for group in app.registered_groups}
    if "cache" not in names:
        app.add_typer(cache_app, name="cache")
    _register_more(app)


@cache_app.command("path")
def cache_path(path: PathArg = Path(".")) -> None:
    """Print where the cache for PATH is (or would be)."""
    from translate.cache import CACHE_DIR, DB_NAME, find_cache_root

    typer.echo(find_cache_root(path) / CACHE_DIR / DB_NAME)


@cache_app.command("stats")
def cache_stats(path: PathArg = Path("."),
                as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Entries, size on disk and the last run's hit rate."""
    from translate.cache import CACHE_DIR, Cache, find_cache_root

    root = find_cache_root(path)
    with user_errors():
        if not (root / CACHE_DIR).is_dir():
            raise UsageError(f"no cache for {path} (looked for {root / CACHE_DIR})")
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
def cache_clear(path: PathArg = Path(".")) -> None:
    """Delete every cached result in PATH's cache."""
    from translate.cache import CACHE_DIR, Cache, find_cache_root

    root = find_cache_root(path)
    if not (root / CACHE_DIR).is_dir():
        echo_err(f"no cache at {root / CACHE_DIR}")
        return
    with user_errors(), Cache.open(root) as cache:
        count = cache.clear()
    typer.echo(f"removed {count} entries from {root / CACHE_DIR}")


models_app = typer.Typer(help="List and download the models in the registry.",
                         no_args_is_help=True, pretty_exceptions_enable=False,
                         pretty_exceptions_show_locals=False)
ModelsOpt = Annotated[Path | None, typer.Option(
    "--models", help="A models.toml that replaces the built-in registry.")]


def _register_more(app: typer.Typer) -> None:
    names = {group.name for group in app.registered_groups}
    if "models" not in names:
        app.add_typer(models_app, name="models")
    if not any(c.name == "detect" for c in app.registered_commands):
        app.command("detect")(detect_command)


@models_app.command("list")
def models_list(models: ModelsOpt = None,
                as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Configured pairs and the summariser: which are in the local cache, and their size."""
    from translate.config import load_registry
    from translate.models import model_status

    with user_errors():
        registry = load_registry(models)
    specs = [*registry.pairs.values(), *([registry.summarizer] if registry.summarizer else [])]
    rows = [model_status(spec) for spec in specs]
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        where = f"{row['size_bytes'] / 1e6:.0f} MB at {row['path']}" if row["local"] else "-"
        typer.echo(f"{row['key']:<12} {row['model']:<40} "
                   f"{'cached' if row['local'] else 'missing':<8} {where}")


@models_app.command("pull")
def models_pull(
    keys: Annotated[list[str], typer.Argument(help="Pairs such as it-en, or 'summarizer'.")],
    models: ModelsOpt = None,
) -> None:
    """Download models now, for later offline use (with progress)."""
    from translate.config import load_registry
    from translate.models import resolve_model

    with user_errors():
        registry = load_registry(models)
        specs = []
        for key in keys:
            spec = registry.summarizer if key == "summarizer" else registry.pairs.get(key)
            if spec is None:
                choices = ", ".join([*sorted(registry.pairs), "summarizer"])
                raise UsageError(f"'{key}' is not in the registry", f"valid choices: {choices}")
            specs.append(spec)
        for spec in specs:
            resolved = resolve_model(spec)
            typer.echo(f"{spec.key}: {spec.model} -> {resolved.location}")


def detect_command(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders.")],
    by_paragraph: Annotated[bool, typer.Option("--by-paragraph",
                                               help="One line per paragraph.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines.")] = False,
    glob: Annotated[str | None, typer.Option("--glob")] = None,
) -> None:
    """Print the detected language of each file: path, language, confidence."""
    from translate.detect import detect_document
    from translate.documents import read_document
    from translate.inputs import collect_inputs

    files, missing = collect_inputs(paths, glob, ())
    code = 1 if missing else 0
    for result in missing:
        echo_err(f"failed: {result.path}: {result.reason}")
    for path in files:
        try:
            text = read_document(path).text
        except TranslateError as exc:
            echo_err(f"failed: {exc.message}")
            code = 1
            continue
        for number, found in detect_document(text, by_paragraph):
            label = f"{path}:{number}" if by_paragraph else str(path)
            if as_json:
                typer.echo(json.dumps({"path": str(path), "paragraph": number,
                                       "language": found.language,
                                       "confidence": found.confidence}))
            else:
                typer.echo(f"{label}\t{found.language}\t{found.confidence:.2f}")
    raise typer.Exit(code)
