"""``translate glossary check FILE...``: validate glossaries before any run uses them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from translate.cli.common import echo_err, user_errors

# No pretty tracebacks: their local variables would show document text.
glossary_app = typer.Typer(help="Validate glossaries (see README: \"Terms and names\").",
                           no_args_is_help=True, pretty_exceptions_enable=False,
                           pretty_exceptions_show_locals=False)


@glossary_app.command("check")
def glossary_check(
    files: Annotated[list[Path], typer.Argument(help="Glossary files, in the order a run "
                                                     "takes them (a later one wins).")],
    keep: Annotated[list[str] | None, typer.Option(
        "--keep", help="A kept span, as given to translate: a term that is also one is an "
                       "error.")] = None,
) -> None:
    """List every problem of FILE... with its line: exit 2 when any is an error."""
    from translate.text.terms import load_glossary

    with user_errors():
        glossary, problems = load_glossary(files, keep or ())
    for problem in problems:
        echo_err(str(problem))
    for old, new in glossary.overridden:
        if old.origin.rsplit(":", 1)[0] != new.origin.rsplit(":", 1)[0]:
            echo_err(f"{new.origin}: note: '{new.source}' overrides {old.origin} "
                     f"({old.target} -> {new.target})")
    errors = sum(p.error for p in problems)
    typer.echo(f"{len(glossary.terms)} terms from {len(files)} files: {errors} errors, "
               f"{len(problems) - errors} warnings")
    raise typer.Exit(2 if errors else 0)


def register(app: typer.Typer) -> None:
    """Add ``glossary`` to ``app`` (once)."""
    if "glossary" not in {group.name for group in app.registered_groups}:
        app.add_typer(glossary_app, name="glossary")
