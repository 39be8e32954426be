"""The translation memory's commands: ``learn`` and ``memory export|import|stats|list|remove``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from translate.cli.common import DryRunOpt, GlobOpt, ToOpt, echo_err, user_errors
from translate.errors import InputError, UsageError

if TYPE_CHECKING:
    from translate.cache.store import Cache

memory_app = typer.Typer(help="The translation memory: export, import, inspect, prune.",
                         no_args_is_help=True, pretty_exceptions_enable=False,
                         pretty_exceptions_show_locals=False)
TreeArg = Annotated[Path, typer.Argument(help="A folder (or file) of the tree.")]
OriginOpt = Annotated[str | None, typer.Option(
    "--origin", help="Only entries of this origin: human, import or model.")]


def register(app: typer.Typer) -> None:
    """Add ``learn`` and ``memory`` to ``app`` (once)."""
    if "memory" not in {group.name for group in app.registered_groups}:
        app.add_typer(memory_app, name="memory")
    if not any(c.name == "learn" for c in app.registered_commands):
        app.command("learn")(learn_command)


def learn_command(
    paths: Annotated[list[Path], typer.Argument(help="Inputs, their outputs, or folders.")],
    dry_run: DryRunOpt = False,
    to: ToOpt = "en",
    glob: GlobOpt = None,
) -> None:
    """Store the hand edits of outputs (X.en.txt) in the translation memory.

    Every later run on the tree uses them before any model. An edit that cannot be
    aligned to its segments for certain (paragraphs merged or split) is skipped and
    reported, never guessed.
    """
    from translate.api import Session
    from translate.options import Options

    with user_errors():
        report = Session(Options(target=to, glob=glob), hints="cli").learn(
            paths, dry_run=dry_run)
    for line in report.lines():
        typer.echo(line)
    raise typer.Exit(1 if any(f.status == "skipped" for f in report.files) else 0)


def _check_origin(origin: str | None) -> None:
    from translate.cache.memory import ORIGINS

    if origin is not None and origin not in ORIGINS:
        raise UsageError(f"unknown origin '{origin}'", f"valid choices: {', '.join(ORIGINS)}")


def _open(path: Path, create: bool = False) -> Cache:
    """The cache (and so the memory) of ``path``'s tree."""
    from translate.cache.files import refuse_links
    from translate.cache.store import CACHE_DIR, Cache, find_cache_root

    root = find_cache_root(path)
    refuse_links(root / CACHE_DIR)
    if not create and not (root / CACHE_DIR).is_dir():
        raise UsageError(f"no translation memory for {path} (looked for {root / CACHE_DIR})",
                         "translate and `translate learn` there first, or "
                         "`translate memory import FILE.tmx --into PATH`")
    if create and not path.is_dir():
        raise UsageError(f"{path} is not a folder", "give the folder to import into")
    return Cache.open(root)


@memory_app.command("export")
def memory_export(
    path: TreeArg,
    output: Annotated[Path, typer.Option("-o", "--output", help="The TMX file to write.")],
    origin: OriginOpt = None,
    force: Annotated[bool, typer.Option("--force", help="Replace FILE if it exists.")] = False,
) -> None:
    """Write PATH's translation memory as TMX 1.4b (UTF-8)."""
    from translate.cache.tmx import write_tmx_file

    with user_errors():
        _check_origin(origin)
        if (output.exists() or output.is_symlink()) and not force:
            raise InputError(f"{output} exists; not overwritten",
                             "choose another name or pass --force")
        with _open(path) as cache:
            count = write_tmx_file(cache.memory, output, [origin] if origin else None)
    typer.echo(f"exported {count} units to {output}")


@memory_app.command("import")
def memory_import(
    tmx: Annotated[Path, typer.Argument(help="A TMX 1.4 file.")],
    into: Annotated[Path, typer.Option("--into", help="The tree whose memory gets it.")
                    ] = Path("."),
) -> None:
    """Add the units of a TMX file to a tree's memory (origin: import), all or nothing."""
    from translate.cache.tmx import import_tmx

    with user_errors():
        if not tmx.is_file():
            raise InputError(f"{tmx}: no such file")
        try:
            with _open(into, create=True) as cache:
                found = import_tmx(cache.memory, tmx)
        except OSError as exc:
            raise InputError(f"cannot read {tmx}: {exc.strerror or exc}") from exc
    pairs = ", ".join(f"{pair}: {n}" for pair, n in sorted(found.languages.items()))
    typer.echo(f"imported {found.units} units from {tmx}: {found.entries} entries "
               f"({found.stored} new){f'; {pairs}' if pairs else ''}")
    if found.stripped:
        echo_err(f"{found.stripped} inline codes of other tools stripped from segments "
                 "(their text kept where it is text: <hi>)")


@memory_app.command("stats")
def memory_stats(path: TreeArg = Path("."),
                 as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Entries by origin and language pair, and the conflicts (two human targets)."""
    with user_errors(), _open(path) as cache:
        stats = cache.memory.stats()
        conflicts = cache.memory.conflicts()
    if as_json:
        stats["conflict_groups"] = [[e.__dict__ for e in group] for group in conflicts]
        typer.echo(json.dumps(stats, indent=2, ensure_ascii=False))
        return
    origins = ", ".join(f"{n} {o}" for o, n in stats["by_origin"].items())
    pairs = ", ".join(f"{p}: {n}" for p, n in stats["by_pair"].items()) or "none"
    typer.echo(f"memory:      {cache.path}\nentries:     {stats['entries']} ({origins})\n"
               f"pairs:       {pairs}\noutputs:     {stats['outputs_known']} known as "
               f"written (for `translate learn`)\nconflicts:   {stats['conflicts']}")
    for group in conflicts:
        typer.echo(f"  conflict: {group[0].source!r} ({group[0].source_lang}-"
                   f"{group[0].target_lang}); the latest is used:")
        for entry in group:
            typer.echo(f"    #{entry.id} {entry.target!r} ({entry.place})")


@memory_app.command("list")
def memory_list(
    path: TreeArg = Path("."),
    origin: OriginOpt = None,
    contains: Annotated[str | None, typer.Option(
        "--contains", help="Only entries whose source or target contains this text.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines.")] = False,
) -> None:
    """List the entries: id, origin, languages, source -> target, where from."""
    with user_errors():
        _check_origin(origin)
        with _open(path) as cache:
            for e in cache.memory.entries(origin=origin, contains=contains):
                if as_json:
                    typer.echo(json.dumps(e.__dict__, ensure_ascii=False))
                else:
                    typer.echo(f"#{e.id}\t{e.origin}\t{e.source_lang}-{e.target_lang}\t"
                               f"{e.source!r} -> {e.target!r}\t{e.place}")


@memory_app.command("remove")
def memory_remove(
    path: TreeArg,
    ids: Annotated[list[int] | None, typer.Option(
        "--id", help="An entry's id (from `memory list`); repeat for more.")] = None,
    origin: OriginOpt = None,
    contains: Annotated[str | None, typer.Option(
        "--contains", help="Every entry whose source or target contains this text.")
    ] = None,
) -> None:
    """Delete entries by id, or every entry of an origin or containing a text."""
    with user_errors():
        _check_origin(origin)
        if not ids and origin is None and contains is None:
            raise UsageError("say which entries to remove",
                             "pass --id N (see `translate memory list`), --origin or "
                             "--contains")
        with _open(path) as cache:
            removed = cache.memory.remove(ids or (), origin=origin, contains=contains)
    typer.echo(f"removed {removed} entries from the translation memory")
