"""Read the ``[quality]`` and ``[retry]`` tables of models.toml into their options.

Keys are the dataclass field names (one name everywhere). ``length_ratio`` is a
two-number list; ``length_ratio_by_pair`` a table of such lists keyed by pair::

    [quality]
    repeat_min_run = 3
    length_ratio = [0.5, 2.0]
    length_ratio_by_pair = { "ru-en" = [0.6, 2.2] }

    [retry]
    num_beams = 8
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import fields
from typing import Any, TypeVar

from translate.errors import ConfigError
from translate.quality.checks import QualityOptions, RetryOptions

_Options = TypeVar("_Options", QualityOptions, RetryOptions)


def _band(value: Any, where: str) -> tuple[float, float]:
    ok = (isinstance(value, list | tuple) and len(value) == 2
          and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value))
    if not ok or not 0 < value[0] < value[1]:
        raise ConfigError(f"{where} must be two numbers [low, high] with 0 < low < high")
    return float(value[0]), float(value[1])


def _number(value: Any, kind: type, where: str) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float) \
            or (kind is int and not isinstance(value, int)):
        raise ConfigError(f"{where} must be {'an integer' if kind is int else 'a number'}")
    if value < 0:
        raise ConfigError(f"{where} must not be negative")
    return kind(value)


def options_from_table(cls: type[_Options], table: Mapping[str, Any],
                       where: str) -> _Options:
    """Options of type ``cls`` from a models.toml table, defaults for absent keys.

    Args:
        cls: ``QualityOptions`` or ``RetryOptions``.
        table: The parsed table.
        where: Its name for messages (``models.toml [quality]``).

    Raises:
        ConfigError: On an unknown key (with the closest known one) or a bad value.
    """
    known = {f.name: f for f in fields(cls)}
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in known:
            close = difflib.get_close_matches(key, list(known), n=1)
            guess = f" (did you mean '{close[0]}'?)" if close else ""
            raise ConfigError(f"{where}: unknown key '{key}'{guess}",
                              hint="known keys: " + ", ".join(known))
        name = f"{where} {key}"
        if key == "length_ratio":
            values[key] = _band(value, name)
        elif key == "length_ratio_by_pair":
            if not isinstance(value, Mapping):
                raise ConfigError(f"{name} must be a table of pair = [low, high]")
            bands: list[tuple[str, float, float]] = []
            for pair, band in value.items():
                low, high = _band(band, f"{name}.{pair}")
                bands.append((str(pair), low, high))
            values[key] = tuple(bands)
        else:
            kind = int if isinstance(getattr(cls(), key), int) else float
            values[key] = _number(value, kind, name)
    return cls(**values)
