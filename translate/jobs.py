"""Job files for recurring batch runs: ``translate run jobs.toml``.

A job file lists one or more ``[[job]]`` tables; each names its inputs and any option of
the ``translate`` command, with the same names (``num_beams``, ``batch_size``, ...).
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

from translate.errors import ConfigError
from translate.service import TranslateJob
from translate.text.summarize import SummaryOptions

_OVERRIDES = ("model", "num_beams", "max_new_tokens", "batch_size", "max_batch_tokens",
              "max_input_tokens")
_FLAGS = ("force", "use_cache", "offline", "summarize")
_STRINGS = ("name", "to", "from", "glob", "device", "engine", "compute_type", "models",
            "report", "summary_model", "method", "cluster", "encoding")
_POSITIVE_INTS = ("max_words", "min_words", "actors")
_KEYS = ("inputs", *_STRINGS, *_FLAGS, *_OVERRIDES, *_POSITIVE_INTS)


@dataclass(frozen=True)
class JobSpec:
    """One ``[[job]]``: a translation job, its summary settings, report and name."""

    name: str
    job: TranslateJob
    report: Path | None
    summary: SummaryOptions | None = None
    summary_model: str | None = None


def _check(path: Path, index: int, table: Any) -> dict[str, Any]:
    where = f"{path}: [[job]] #{index + 1}"
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: must be a table")
    for key, value in table.items():
        if key not in _KEYS:
            close = difflib.get_close_matches(key, _KEYS, n=1)
            guess = f" (did you mean '{close[0]}'?)" if close else ""
            raise ConfigError(f"{where}: unknown key '{key}'{guess}",
                              f"valid keys: {', '.join(_KEYS)}")
        if key in _FLAGS and not isinstance(value, bool):
            raise ConfigError(f"{where}: '{key}' must be true or false")
        if key in _STRINGS and not isinstance(value, str):
            raise ConfigError(f"{where}: '{key}' must be a string")
        if key in (*_OVERRIDES[1:], *_POSITIVE_INTS) and (
                not isinstance(value, int) or value < 1):
            raise ConfigError(f"{where}: '{key}' must be a positive integer")
    inputs = table.get("inputs")
    if not isinstance(inputs, list) or not inputs or not all(isinstance(i, str) for i in inputs):
        raise ConfigError(f"{where}: 'inputs' must be a non-empty list of paths",
                          'e.g. inputs = ["seeds/"]')
    return table


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
    base = path.resolve().parent
    specs = []
    for index, raw in enumerate(data["job"]):
        table = _check(path, index, raw)

        def local(value: str | None) -> Path | None:
            return None if value is None else base / value

        job = TranslateJob(
            paths=[str(base / p) for p in table["inputs"]],
            target=table.get("to", "en"), source=table.get("from", "auto"),
            models=local(table.get("models")),
            overrides={k: table.get(k) for k in _OVERRIDES},
            device=table.get("device", "auto"), engine=table.get("engine", "auto"),
            compute_type=table.get("compute_type", "auto"),
            glob=table.get("glob"), force=table.get("force", False),
            use_cache=table.get("use_cache", True), offline=table.get("offline", False),
            cluster=table.get("cluster"), actors=table.get("actors", 2),
            encoding=table.get("encoding"))
        summary = SummaryOptions(table.get("method", "abstractive"),
                                 table.get("max_words", 120), table.get("min_words")
                                 ) if table.get("summarize", False) else None
        specs.append(JobSpec(table.get("name", f"job {index + 1}"), job,
                             local(table.get("report")), summary, table.get("summary_model")))
    return specs
