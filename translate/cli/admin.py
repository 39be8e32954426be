"""Housekeeping subcommands: ``cache``, ``models`` and ``detect``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from translate.cli import glossary as glossary_commands
from translate.cli import memory as memory_commands
from translate.cli import quality as quality_commands
from translate.cli.common import (
    ComputeOpt,
    DeviceOpt,
    EncodingOpt,
    EngineOpt,
    FromOpt,
    GlossaryOpt,
    KeepOpt,
    ModelsOpt,
    NoKeepNamesOpt,
    ToOpt,
    echo_err,
    user_errors,
)
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
    from translate.cache.files import refuse_links
    from translate.cache.store import CACHE_DIR, DB_NAME, find_cache_root

    root = find_cache_root(path)
    with user_errors():
        refuse_links(root / CACHE_DIR)
    typer.echo(root / CACHE_DIR / DB_NAME)


@cache_app.command("stats")
def cache_stats(
    path: PathArg = Path("."),
    as_json: Annotated[bool, typer.Option("--json")] = False,
    explain: Annotated[Path | None, typer.Option(
        "--explain", help="An input, output or folder: for each output, its recorded "
        "signatures, today's, the fields that differ, and whether the input or the "
        "output changed since it was written. Takes the translate command's settings.")
    ] = None,
    models: ModelsOpt = None,
    model: Annotated[str | None, typer.Option(
        "--model", help="Hub id or local directory, as given to translate.")] = None,
    num_beams: Annotated[int | None, typer.Option(
        "--num-beams", min=1, help="Beam width, as given to translate.")] = None,
    engine: EngineOpt = "auto",
    compute_type: ComputeOpt = "auto",
    device: DeviceOpt = "auto",
    source: FromOpt = "auto",
    to: ToOpt = "en",
    glossary: GlossaryOpt = None,
    keep: KeepOpt = None,
    no_keep_names: NoKeepNamesOpt = False,
) -> None:
    """Entries, size on disk, the last run's hit rate, and entries no run can hit.

    With --explain PATH: why a re-run of PATH would miss the cache.
    """
    if explain is not None:
        from translate.api import Session
        from translate.cli.explain import explain as explain_lines
        from translate.options import Options
        from translate.translation.protecting import protection_of

        with user_errors():
            options = Options(
                target=to, source=source, models=models, model=model, num_beams=num_beams,
                device=device, engine=engine, compute_type=compute_type, offline=True,
                glossary=tuple(glossary or ()), keep=tuple(keep or ()),
                keep_names=not no_keep_names)
            router = Session(hints="cli").router(options)
            protection = protection_of(options, router.registry)
            for line in explain_lines(explain, router, to, source, protection):
                typer.echo(line)
        return
    from translate.cache.files import refuse_links
    from translate.cache.store import CACHE_DIR, Cache, find_cache_root
    from translate.models.translator import signature_is_current

    root = find_cache_root(path)
    with user_errors():
        refuse_links(root / CACHE_DIR)
        if not (root / CACHE_DIR).is_dir():
            raise UsageError(f"no cache for {path} (looked for {root / CACHE_DIR})")
        with Cache.open(root) as cache:
            stats = cache.stats()
            warnings = cache.warnings
    for warning in warnings:
        echo_err(f"warning: {warning}")
    for sig in stats["by_signature"]:
        sig["current"] = signature_is_current(sig)
    stale = [sig for sig in stats["by_signature"] if not sig["current"]]
    stats["outdated_entries"] = sum(sig["entries"] for sig in stale)
    if as_json:
        typer.echo(json.dumps(stats, indent=2))
    else:
        _echo_stats(stats, stale)


def _echo_stats(stats: dict[str, Any], stale: list[dict[str, Any]]) -> None:
    """``cache stats`` for people: totals, then one line per signature."""
    last = stats["last_run"]
    rate = "n/a" if last["hit_rate"] is None else f"{last['hit_rate']:.1%}"
    typer.echo(f"cache:       {stats['path']}\nentries:     {stats['entries']}\n"
               f"signatures:  {stats['signatures']}\noutputs:     {stats['outputs']}\n"
               f"size:        {stats['size_bytes'] / 1024:.1f} KiB\n"
               f"last run:    {last['hits']} hits, {last['misses']} misses (hit rate {rate})\n"
               f"outdated:    {stats['outdated_entries']} entries under {len(stale)} "
               f"signatures made with another translate or library version (they never "
               f"hit; `translate cache clear` removes them)")
    for sig in stats["by_signature"]:
        libraries = ", ".join(f"{k} {v or 'absent'}" for k, v in (sig["libraries"] or {}).items())
        typer.echo(f"  {sig['id']}  {sig['entries']:>8} entries  {sig['pair']} "
                   f"{sig['engine']}  translate {sig['version']}; "
                   f"{libraries or 'library versions not recorded'}"
                   f"{'' if sig['current'] else '  (outdated)'}")


@cache_app.command("clear")
def cache_clear(path: PathArg = Path(".")) -> None:
    """Delete PATH's cache: the database and its side files, whatever state they are in."""
    from translate.cache.files import count_entries, refuse_links, remove_files
    from translate.cache.store import CACHE_DIR, find_cache_root

    root = find_cache_root(path)
    folder = root / CACHE_DIR
    with user_errors():
        refuse_links(folder)
        if not folder.is_dir():
            echo_err(f"no cache at {folder}")
            return
        kept = _clear_keeping_memory(root)
        if kept is not None:
            typer.echo(f"removed {kept[0]} entries from {folder}; kept the translation "
                       f"memory ({kept[1]} entries: human work is not a cache; `translate "
                       "memory remove` prunes it)")
            return
        count = count_entries(root)
        try:
            removed = remove_files(folder)
        except OSError as exc:
            raise TranslateError(f"cannot delete the cache files in {folder}: {exc}",
                                 "check the folder's permissions") from exc
    if not removed:
        typer.echo(f"nothing to remove in {folder}")
        return
    what = "a cache that could not be read" if count is None else f"{count} entries"
    typer.echo(f"removed {what} from {folder} ({len(removed)} files)")


def _clear_keeping_memory(root: Path) -> tuple[int, int] | None:
    """Clear the cache in place when its memory holds entries (else ``None``)."""
    from translate.cache.memory import clear_keeping_memory, memory_size
    from translate.cache.store import CACHE_DIR

    kept = memory_size(root)
    if not kept:
        return None
    done = clear_keeping_memory(root)
    if done is None:  # never delete human work along with the cache
        raise TranslateError(
            f"cannot clear the cache at {root / CACHE_DIR} in place, and deleting its files "
            f"would lose its translation memory ({kept} entries)",
            f"export it first (translate memory export {root} -o memory.tmx), or try again "
            "when no other run is using the cache")
    return done


models_app = typer.Typer(help="List, download and check the models in the registry.",
                         no_args_is_help=True, pretty_exceptions_enable=False,
                         pretty_exceptions_show_locals=False)


def _register_more(app: typer.Typer) -> None:
    names = {group.name for group in app.registered_groups}
    if "models" not in names:
        app.add_typer(models_app, name="models")
    if not any(c.name == "detect" for c in app.registered_commands):
        app.command("detect")(detect_command)
    quality_commands.register(app, models_app)
    memory_commands.register(app)
    glossary_commands.register(app)


@models_app.command("list")
def models_list(models: ModelsOpt = None,
                as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Configured pairs and the summariser: which are in the local cache, and their size."""
    from translate.models.hub import model_status
    from translate.models.registry import load_registry

    with user_errors():
        registry = load_registry(models)
    from translate.models.apertium_routes import route_rows

    specs = [*registry.pairs.values(), *([registry.summarizer] if registry.summarizer else [])]
    rows = [model_status(spec) for spec in specs if spec.engine != "apertium"]
    rule_based = route_rows(registry.pairs)
    if as_json:
        typer.echo(json.dumps(rows + rule_based, indent=2))
        return
    for row in rows:
        where = f"{row['size_bytes'] / 1e6:.0f} MB at {row['path']}" if row["local"] else "-"
        typer.echo(f"{row['key']:<12} {row['model']:<40} "
                   f"{'cached' if row['local'] else 'missing':<8} {where}")
    if not rule_based:
        typer.echo("\nApertium routes: none installed (rule-based, nothing to download: "
                   "sudo apt-get install apertium apertium-cat-ita apertium-eng-cat)")
    else:
        typer.echo("\nApertium routes (--engine apertium; rule-based, installed with apt-get):")
    for row in rule_based:
        legs = ", ".join(f"{leg['mode']} ({leg['package']} {leg['version'] or '?'})"
                         for leg in row["legs"])
        typer.echo(f"{row['key']:<12} {row['route']:<16} {legs}")


@models_app.command("pull")
def models_pull(
    keys: Annotated[list[str], typer.Argument(help="Pairs such as it-en, or 'summarizer'.")],
    models: ModelsOpt = None,
) -> None:
    """Download models now, for later offline use (with progress)."""
    from translate.models.hub import resolve_model
    from translate.models.registry import load_registry

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
    encoding: EncodingOpt = None,
) -> None:
    """Print the detected language of each file: path, language, confidence."""
    from translate.text.detect import detect_document
    from translate.text.encoding import check_encoding
    from translate.translation.inputs import collect_inputs
    from translate.translation.reading import text_of

    with user_errors():
        encoding = check_encoding(encoding) if encoding else None

    inputs = collect_inputs(paths, glob)
    code = 0
    for result in inputs.skipped:
        echo_err(f"{result.status}: {result.path}: {result.reason}")
        code = 1 if result.status == "failed" else code
    for path in inputs.files:
        try:
            text = text_of(path, encoding=encoding).text  # any format: its words, not tags
        except OSError as exc:
            echo_err(f"failed: {path}: cannot read: {exc.strerror or exc}")
            code = 1
            continue
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
