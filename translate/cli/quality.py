"""Quality commands: ``review`` pages, ``eval`` against references, ``models check``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from translate.cli.common import EngineOpt, GlobOpt, ModelsOpt, ToOpt, echo_err, user_errors

PairsArg = Annotated[list[str] | None, typer.Argument(
    help="Pairs such as it-en (default: every configured pair).", show_default=False)]


def eval_command(
    hypothesis: Annotated[Path, typer.Argument(help="Translations: a file or a folder.")],
    reference: Annotated[Path, typer.Argument(help="References: a file or a folder "
                                                   "(files matched by name).")],
    as_json: Annotated[bool, typer.Option("--json", help="The scores as JSON.")] = False,
) -> None:
    """BLEU and chrF (sacrebleu) of translations against reference translations."""
    from translate.quality.evaluate import evaluate, format_report

    with user_errors():
        report = evaluate([hypothesis], [reference])
    typer.echo(json.dumps(report.as_dict(), indent=2) if as_json else format_report(report))


def models_check(
    pairs: PairsArg = None,
    models: ModelsOpt = None,
    engine: EngineOpt = "auto",
    min_chrf: Annotated[float | None, typer.Option(
        "--min-chrf", help="Lowest passing chrF (models.toml [quality] check_min_chrf).")
    ] = None,
) -> None:
    """Translate the golden sentences of each pair and compare with their references.

    Exit code 0: every checked model passes; 1: one scores below the threshold; 2: no
    model could be checked (none present).
    """
    from translate.models.registry import load_registry
    from translate.models.routing import Router
    from translate.models.translator import RunSettings
    from translate.quality.model_check import check_models, format_check

    with user_errors():
        registry = load_registry(models)
        router = Router(registry, settings=RunSettings(engine=engine, offline=True))
        threshold = min_chrf if min_chrf is not None else registry.quality().check_min_chrf
        names = pairs or sorted(registry.pairs)
        check = check_models(names, lambda pair: _translate_fn(router, pair), threshold)
    typer.echo(format_check(check))
    if not check.results:
        echo_err("no model could be checked: `translate models pull PAIR` fetches one")
    raise typer.Exit(check.exit_code)


def _translate_fn(router: object, pair: str):  # type: ignore[no-untyped-def]
    """A function translating sentences of ``pair`` (``None``: its model is not here)."""
    from translate.models.routing import Router
    from translate.translation.job_options import JobOptions
    from translate.translation.pipeline import Pipeline
    from translate.translation.planning import unavailable

    assert isinstance(router, Router)
    source, _, target = pair.partition("-")
    route = router.route(source, target)
    if any(unavailable(translator) is not None for translator in route):
        return None
    pipeline = Pipeline(router, JobOptions(target=target, source=source, use_cache=False))

    def translate(texts: list[str]) -> list[str]:
        return pipeline.translate_segments(texts, [source] * len(texts))

    return translate


def review_command(
    paths: Annotated[list[Path], typer.Argument(help="Inputs (files or folders) that were "
                                                     "translated.", show_default=False)],
    to: ToOpt = "en",
    glob: GlobOpt = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Replace a review page edited by hand.")] = False,
) -> None:
    """Write X.txt.review.html beside each input: source and translation side by side.

    Made from the outputs' records and the cache alone: no model is loaded.
    """
    from translate.cache.outputs import is_recorded
    from translate.errors import TranslateError
    from translate.review.build import write_review
    from translate.translation.inputs import collect_inputs

    code = 0
    with user_errors():
        inputs = collect_inputs(paths, glob)
    for result in inputs.skipped:
        echo_err(f"{result.status}: {result.path}: {result.reason}")
    for path in inputs.files:
        if is_recorded(path):  # a page this command just wrote (folders hold HTML inputs)
            continue
        try:
            where, page = write_review(path, to, force)
        except TranslateError as exc:
            echo_err(f"failed: {exc.message}" + (f" (hint: {exc.hint})" if exc.hint else ""))
            code = 1
            continue
        flagged = sum(1 for row in page.rows if row.flags)
        rows = len(page.rows)
        typer.echo(f"{where}: {rows} segment{'' if rows == 1 else 's'}, {flagged} flagged")
    raise typer.Exit(code)


def register(app: typer.Typer, models_app: typer.Typer) -> None:
    """Add ``eval`` and ``review`` to ``app`` and ``check`` to the ``models`` group."""
    if not any(c.name == "eval" for c in app.registered_commands):
        app.command("eval")(eval_command)
    if not any(c.name == "review" for c in app.registered_commands):
        app.command("review")(review_command)
    if not any(c.name == "check" for c in models_app.registered_commands):
        models_app.command("check")(models_check)
