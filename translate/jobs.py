"""Job files for recurring batch runs: ``translate run jobs.toml``.

A job file lists one or more ``[[job]]`` tables; each names its inputs and any setting
of ``translate.Options``, by the field's name (``num_beams``, ``batch_size``, ...;
``to``/``from`` for ``target``/``source``, see ``translate.options.ALIASES``). The keys
and their types come from ``Options``' fields, so a new setting is a job key at once.
Relative paths are taken from the job file's folder::

    [[job]]
    name = "italian-news"
    inputs = ["seeds/"]
    to = "en"
    glob = "*.txt"
    num_beams = 4
    report = "reports/italian-news.json"
    summarize = true          # also write X.en.summary.txt
    method = "abstractive"    # or extractive / lead
    max_words = 120
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from translate.errors import ConfigError, UsageError
from translate.options import ALIASES, Options, field_for, field_types

# Keys of a [[job]] that are not settings: what it is called, reads and reports to.
JOB_ONLY_KEYS = ("name", "inputs", "report")
# Settings a job file cannot hold: a dry run is chosen when running the file.
NOT_IN_JOB_FILES = ("dry_run",)
# Settings that take several values (``Options`` tuples).
LIST_FIELDS = ("glossary", "keep")
_TYPE_WORDS = {bool: "true or false", int: "an integer", float: "a number",
               str: "a string", Path: "a string"}


def job_keys() -> tuple[str, ...]:
    """Every key a ``[[job]]`` table may hold."""
    aliased = {field: name for (where, name), field in ALIASES.items() if where == "job"}
    settings = [aliased.get(f, f) for f in field_types() if f not in NOT_IN_JOB_FILES]
    return (*JOB_ONLY_KEYS, *settings)


@dataclass(frozen=True)
class JobSpec:
    """One ``[[job]]`` of a job file: its name, inputs, settings and report path."""

    name: str
    paths: list[str]
    options: Options
    report: Path | None


def _check_value(where: str, key: str, field: str, value: Any) -> Any:
    kind = field_types()[field]
    if field in LIST_FIELDS:  # one value or a list of them (glossary, keep)
        values = value if isinstance(value, list) else [value]
        if not all(isinstance(v, str) for v in values):
            raise ConfigError(f"{where}: '{key}' must be a string or a list of strings")
        return tuple(values)
    ok = (isinstance(value, bool) if kind is bool
          else isinstance(value, int | float) and not isinstance(value, bool) if kind is float
          else isinstance(value, kind if kind is not Path else str)
          and not isinstance(value, bool))
    if not ok:  # the ranges are checked by Options
        raise ConfigError(f"{where}: '{key}' must be {_TYPE_WORDS[kind]}")
    return float(value) if kind is float else value


def _settings(where: str, table: dict[str, Any], base: Path) -> dict[str, Any]:
    keys = job_keys()
    settings: dict[str, Any] = {}
    for key, value in table.items():
        field = field_for("job", key)
        if key not in keys or (field is None and key not in JOB_ONLY_KEYS):
            close = difflib.get_close_matches(key, keys, n=1)
            guess = f" (did you mean '{close[0]}'?)" if close else ""
            raise ConfigError(f"{where}: unknown key '{key}'{guess}",
                              f"valid keys: {', '.join(keys)}")
        if key in JOB_ONLY_KEYS or field is None:
            continue
        settings[field] = _check_value(where, key, field, value)
    if "models" in settings:
        settings["models"] = base / settings["models"]
    if "glossary" in settings:  # relative to the job file, like models
        settings["glossary"] = tuple(base / g for g in settings["glossary"])
    return settings


def _spec(path: Path, index: int, table: Any) -> JobSpec:
    where = f"{path}: [[job]] #{index + 1}"
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: must be a table")
    base = path.resolve().parent
    settings = _settings(where, table, base)
    inputs = table.get("inputs")
    if not isinstance(inputs, list) or not inputs or not all(isinstance(i, str) for i in inputs):
        raise ConfigError(f"{where}: 'inputs' must be a non-empty list of paths",
                          'e.g. inputs = ["seeds/"]')
    for key in ("name", "report"):
        if key in table and not isinstance(table[key], str):
            raise ConfigError(f"{where}: '{key}' must be a string")
    try:
        options = Options(**settings)
    except UsageError as exc:
        raise ConfigError(f"{where}: {exc.message}", exc.hint) from exc
    report = table.get("report")
    return JobSpec(table.get("name", f"job {index + 1}"), [str(base / p) for p in inputs],
                   options, None if report is None else base / report)


def load_jobs(path: Path) -> list[JobSpec]:
    """Read and validate a job file.

    Raises:
        ConfigError: naming the file, the job and the key.
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: job file not found") from exc
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the job file: {exc}") from exc
    unknown = set(data) - {"job"}
    if unknown or not data.get("job"):
        raise ConfigError(f"{path}: expected one or more [[job]] tables",
                          "see `translate run --help`")
    return [_spec(path, index, raw) for index, raw in enumerate(data["job"])]
