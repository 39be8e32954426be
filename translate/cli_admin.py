"""Housekeeping subcommands: ``cache``, ``models`` and ``detect``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from translate.cli import echo_err, user_errors
from translate.errors import UsageError

cache_app = typer.Typer(help="Inspect or clear the cache next to the inputs.",
                        no_args_is_help=True)
PathArg = Annotated[Path, typer.Argument(help="An input file or folder.")]


def register(app: typer.Typer) -> None:
    """Add the housekeeping subcommands to ``app`` (once)."""
    names = {group.name for group in app.registered_groups}
    if "cache" not in names:
        app.add_typer(cache_app, name="cache")


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
