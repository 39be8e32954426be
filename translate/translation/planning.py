"""Planning a run before any work: the languages of its inputs and the models they need.

A run checks that every model it needs is on this machine before it touches a file:
a missing model is one configuration error (exit 2) naming every missing model, not a
failure halfway through. A dry run lists the missing models instead and plans the rest.
The languages found here are kept for the run itself, so detection runs once per file.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from translate.cache.outputs import Decision, plan_output
from translate.errors import InputError, ModelUnavailableError, TranslateError, UsageError
from translate.files.names import output_path
from translate.files.reading import sha256
from translate.formats.base import format_for
from translate.models.routing import Router
from translate.models.translator import Translator
from translate.translation.inputs import Languages
from translate.translation.reading import InputBytes, is_blank, read_languages


@dataclass
class Plan:
    """What a run needs, found before it starts.

    Attributes:
        languages: The source languages of the work to do.
        detected: Each file's languages, by path, with the hash of the bytes they were
            detected in (the run reuses them only for the same bytes).
        missing: The models that are not on this machine, by registry key.
        inputs: The inputs' bytes, read once for the whole run.
    """

    languages: set[str] = field(default_factory=set)
    detected: dict[Path, tuple[str, Languages]] = field(default_factory=dict)
    missing: dict[str, ModelUnavailableError] = field(default_factory=dict)
    inputs: InputBytes = field(default_factory=InputBytes)

    def missing_report(self) -> list[dict[str, Any]]:
        """The missing models as report entries, each with the command that fetches it."""
        return [{"pair": key, "reason": exc.message, "fetch": f"translate models pull {key}"}
                for key, exc in sorted(self.missing.items())]


def find_languages(plan: Plan, files: Iterable[Path], *, source: str, target: str,
                   force: bool, encoding: str | None) -> None:
    """Add the languages of the work ``files`` need to ``plan``.

    Files whose output is up to date by its record contribute the record's languages
    (checking them needs their models); kept edits and conflicts need no model. Files
    that cannot be read or decoded are left to the run, which reports them.
    """
    if source != "auto":
        plan.languages.add(source)
        return
    for path in files:
        try:
            data = plan.inputs.read(path)
            digest = sha256(data)
            decision = plan_output(output_path(path, target), digest, force)
        except (OSError, InputError):
            continue
        if decision.decision in (Decision.KEEP_EDITED, Decision.CONFLICT):
            continue
        if decision.decision == Decision.UP_TO_DATE and decision.record:
            plan.languages.update(decision.record.get("languages", []))
            continue
        try:
            fmt = format_for(path)
            doc = plan.inputs.decode(path, fmt, data, encoding)
            if is_blank(doc):
                continue
            languages = read_languages(fmt, data, str(path), doc, source, encoding)
        except TranslateError:  # unreadable, or a format's package missing: the run says
            continue
        except Exception:  # a bug in reading this one file: the run fails it, and goes on
            continue
        plan.detected[path] = (digest, languages)
        plan.languages.update(languages.paragraphs.values())


def find_missing(plan: Plan, router: Router, target: str, dry_run: bool = False) -> None:
    """Record in ``plan`` every model on the routes it needs that is not available.

    A language without any route is left to the run: it fails the files in that
    language, not the whole run.
    """
    for language in sorted(plan.languages):
        try:
            route = router.route(language, target)
        except UsageError:
            continue
        for translator in route:
            if translator.spec.key not in plan.missing:
                problem = unavailable(translator, fetchable_only=dry_run)
                if problem is not None:
                    plan.missing[translator.spec.key] = problem


def unavailable(translator: Translator, fetchable_only: bool = False,
                ) -> ModelUnavailableError | None:
    """Why ``translator``'s model cannot be had, or ``None`` when it is here.

    Args:
        translator: The model's translator.
        fetchable_only: Raise, instead of returning, for a model that fetching would not
            fix (a broken local folder): a dry run plans only around models it can name
            a download for.

    Raises:
        ModelUnavailableError: with ``fetchable_only``, for a model fetching cannot fix.
    """
    try:
        translator.resolved  # noqa: B018  (locates the files; loads nothing)
    except ModelUnavailableError as exc:
        if fetchable_only and not exc.fetchable:
            raise
        return exc
    return None


def missing_error(plan: Plan) -> ModelUnavailableError:
    """One error for all the missing models of ``plan`` (it must have some)."""
    errors = [plan.missing[key] for key in sorted(plan.missing)]
    if len(errors) == 1:
        return errors[0]
    combined = copy.copy(errors[0])
    combined.message = (f"{len(errors)} models are not available: "
                        + "; ".join(exc.message for exc in errors))
    combined.hint = (f"fetch them with `translate models pull {' '.join(sorted(plan.missing))}`"
                     f"; {errors[0].hint}" if errors[0].hint else None)
    combined.args = (combined.message,)
    return combined


def plan_run(plan: Plan, router: Router, files: list[Path], *, source: str, target: str,
             force: bool, dry_run: bool, encoding: str | None,
             also_needs: Iterable[Translator] = ()) -> None:
    """Plan a run in ``plan``; fail before any work when a model it needs is missing.

    Args:
        plan: Receives the languages, and the models found missing.
        router: Gives the routes.
        files: The run's inputs.
        source: ``--from`` (``auto``: detect).
        target: ``--to``.
        force: ``--force``: up-to-date outputs are made again (their models needed).
        dry_run: List missing models in the plan instead of failing.
        encoding: ``--encoding``.
        also_needs: Models the run needs besides its routes (the summariser).

    Raises:
        UsageError: no route leads to the target language, or from ``--from``.
        ModelUnavailableError: every model the run needs that is missing (a dry
            run lists them in the report instead).
    """
    targets = router.targets()
    if targets is not None and target not in targets and target != source:
        raise UsageError(
            f"no model translates into '{target}'",
            f"targets with a route: {', '.join(sorted(targets)) or 'none'}; add a "
            f"[pairs.SRC-{target}] table to models.toml, or pass --model ID_OR_PATH")
    if source != "auto":
        router.route(source, target)
    find_languages(plan, files, source=source, target=target, force=force, encoding=encoding)
    find_missing(plan, router, target, dry_run)
    for translator in also_needs:
        problem = unavailable(translator, fetchable_only=dry_run)
        if problem is not None:
            plan.missing[translator.spec.key] = problem
    if plan.missing and not dry_run:
        raise missing_error(plan)
