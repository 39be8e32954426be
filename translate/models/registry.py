"""The model registry: ``models.toml`` -> frozen dataclasses, validated once.

One name per setting everywhere: the TOML key ``num_beams`` is the dataclass field
``num_beams``, the CLI flag ``--num-beams`` and the ``generate()`` keyword ``num_beams``.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from translate.errors import ConfigError

if TYPE_CHECKING:
    from translate.quality.checks import QualityOptions, RetryOptions

ENV_MODELS = "TRANSLATE_MODELS"


@dataclass(frozen=True)
class GenerationOptions:
    """Every ``generate()`` setting that changes the output."""

    num_beams: int = 4
    max_new_tokens: int = 512
    min_new_tokens: int = 0
    no_repeat_ngram_size: int = 0
    length_penalty: float = 1.0

    def generate_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``model.generate()``, omitting neutral ones."""
        kwargs: dict[str, Any] = {
            "num_beams": self.num_beams,
            "max_new_tokens": self.max_new_tokens,
            "do_sample": False,
        }
        if self.min_new_tokens:
            kwargs["min_new_tokens"] = self.min_new_tokens
        if self.no_repeat_ngram_size:
            kwargs["no_repeat_ngram_size"] = self.no_repeat_ngram_size
        if self.length_penalty != 1.0:
            kwargs["length_penalty"] = self.length_penalty
        return kwargs


@dataclass(frozen=True)
class ModelSpec:
    """One registry entry: a model and the settings it runs with.

    Attributes:
        key: The registry key, e.g. ``it-en`` or ``summarizer``.
        model: A hub id (``Helsinki-NLP/opus-mt-it-en``) or a local directory.
        revision: A pinned hub revision (commit, tag or branch); ignored for directories.
        generation: Output-affecting ``generate()`` settings.
        max_input_tokens: Longest input the model accepts; ``None`` means the
            tokenizer's ``model_max_length``. Longer segments are split, never truncated.
        batch_size: Most segments in one ``generate()`` call.
        max_batch_tokens: Most padded input tokens in one ``generate()`` call.
        engine: The engine this pair always uses (``apertium``: rule-based, routed
            through installed Apertium modes, no ``model``); ``None``: the run's engine.

    """

    key: str
    model: str
    revision: str | None = None
    generation: GenerationOptions = field(default_factory=GenerationOptions)
    max_input_tokens: int | None = None
    batch_size: int = 32
    max_batch_tokens: int = 4096
    source_prefix: str | None = None
    engine: str | None = None

    def replace(self, **changes: Any) -> ModelSpec:
        """Return a copy with fields (or generation fields) replaced; ``None`` keeps a value."""
        changes = {k: v for k, v in changes.items() if v is not None}
        gen_names = {f.name for f in fields(GenerationOptions)}
        gen = {k: changes.pop(k) for k in list(changes) if k in gen_names}
        if "model" in changes and "revision" not in changes:
            changes["revision"] = None
        return dataclasses.replace(
            self, generation=dataclasses.replace(self.generation, **gen), **changes
        )


@dataclass(frozen=True)
class Registry:
    """All configured models, read from one or more ``models.toml`` files."""

    sources: tuple[str, ...]
    pairs: Mapping[str, ModelSpec]
    summarizer: ModelSpec | None = None
    tables: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def quality(self) -> QualityOptions:
        """The ``[quality]`` thresholds (checked when the registry was read)."""
        from translate.quality.checks import QualityOptions
        from translate.quality.config import options_from_table

        return options_from_table(QualityOptions, self.tables.get("quality", {}), "[quality]")

    def retry(self) -> RetryOptions:
        """The ``[retry]`` generation settings."""
        from translate.quality.checks import RetryOptions
        from translate.quality.config import options_from_table

        return options_from_table(RetryOptions, self.tables.get("retry", {}), "[retry]")

    def glossaries(self) -> tuple[Path, ...]:
        """The glossary files ``models.toml`` names (``glossary = ...``), resolved."""
        return tuple(Path(p) for p in self.tables.get("terms", {}).get("glossary", []))

    def kept(self) -> tuple[str, ...]:
        """The spans ``models.toml`` keeps untranslated (``[keep] terms = [...]``)."""
        return tuple(self.tables.get("terms", {}).get("keep", []))

    def pair(self, source: str, target: str) -> ModelSpec | None:
        """The configured model for ``source`` -> ``target``, or ``None``."""
        return self.pairs.get(f"{source}-{target}")

    def languages(self) -> tuple[set[str], set[str]]:
        """The configured source and target languages."""
        keys = [k.split("-", 1) for k in self.pairs]
        return {s for s, _ in keys}, {t for _, t in keys}


_SPEC_KEYS = ("model", "revision", "source_prefix", "max_input_tokens", "batch_size",
              "max_batch_tokens")
_GEN_KEYS = tuple(f.name for f in fields(GenerationOptions))
ENGINE_NAMES = ("transformers", "ctranslate2", "apertium")
_INT_KEYS = {"max_input_tokens", "batch_size", "max_batch_tokens", "num_beams",
             "max_new_tokens", "min_new_tokens", "no_repeat_ngram_size"}


def _fail(path: Path, where: str, problem: str, choices: tuple[str, ...] = ()) -> ConfigError:
    hint = f"valid choices: {', '.join(choices)}" if choices else None
    return ConfigError(f"{path}: [{where}] {problem}", hint)


def _check_settings(path: Path, where: str, table: Mapping[str, Any], allowed: tuple[str, ...],
                    ) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in table.items():
        if key not in allowed:
            close = difflib.get_close_matches(key, allowed, n=1)
            guess = f" (did you mean '{close[0]}'?)" if close else ""
            raise _fail(path, where, f"unknown key '{key}'{guess}", allowed)
        if key in _INT_KEYS:
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise _fail(path, where, f"'{key}' must be a non-negative integer, got {value!r}")
            if value == 0 and key not in {"min_new_tokens", "no_repeat_ngram_size"}:
                raise _fail(path, where, f"'{key}' must be at least 1")
        elif key == "length_penalty":
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise _fail(path, where, f"'length_penalty' must be a number, got {value!r}")
            value = float(value)
        elif not isinstance(value, str) or not value:
            raise _fail(path, where, f"'{key}' must be a non-empty string, got {value!r}")
        out[key] = value
    return out


def _build_spec(path: Path, key: str, where: str, table: Any, defaults: Mapping[str, Any],
                ) -> ModelSpec:
    if not isinstance(table, dict):
        raise _fail(path, where, "must be a table with at least a 'model' key")
    values = {**defaults,
              **_check_settings(path, where, table, (*_SPEC_KEYS, "engine", *_GEN_KEYS))}
    if values.get("engine", ENGINE_NAMES[0]) not in ENGINE_NAMES:
        raise _fail(path, where, f"unknown engine '{values['engine']}'", ENGINE_NAMES)
    if values.get("engine") == "apertium":  # routes come from the installed modes
        if key == "summarizer":
            raise _fail(path, where, "the apertium engine only translates", ENGINE_NAMES[:2])
        values.setdefault("model", "apertium")
    if "model" not in values:
        raise _fail(path, where, "missing required key 'model' (a hub id or a local directory)")
    # A path that exists (relative ones beside this file) is a local model; otherwise
    # `org/name` is a hub id. So `sub/mymodel` next to models.toml never goes to the hub.
    local = Path(values["model"]).expanduser()
    local = local if local.is_absolute() else path.parent / local
    if local.exists():
        values["model"] = str(local.resolve())
    gen = GenerationOptions(**{k: values.pop(k) for k in _GEN_KEYS if k in values})
    return ModelSpec(key=key, generation=gen, **values)


def parse_registry(path: Path, text: str) -> Registry:
    """Parse and validate one ``models.toml``.

    Raises:
        ConfigError: naming the file, the table and key, and the valid choices.

    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    sections = ("defaults", "pairs", "summarizer", "quality", "retry", "glossary", "keep")
    for name in data:
        if name not in sections:
            raise _fail(path, name, "unknown table", sections)
    defaults = _check_settings(path, "defaults", data.get("defaults", {}),
                               _SPEC_KEYS[3:] + _GEN_KEYS)
    pairs: dict[str, ModelSpec] = {}
    for key, table in data.get("pairs", {}).items():
        parts = key.split("-")
        if len(parts) != 2 or not all(p.isalpha() and 2 <= len(p) <= 3 for p in parts):
            raise _fail(path, f"pairs.{key}", "a pair key is SRC-TGT with ISO 639 codes, "
                        "e.g. 'it-en'")
        pairs[key] = _build_spec(path, key, f"pairs.{key}", table, defaults)
    summarizer = None
    if "summarizer" in data:
        summarizer = _build_spec(path, "summarizer", "summarizer", data["summarizer"], {})
    tables: dict[str, Mapping[str, Any]] = {
        name: _table(path, data, name) for name in ("quality", "retry") if name in data}
    if tables:  # validated now, so a bad key fails at load time with the file's name
        from translate.quality.checks import QualityOptions, RetryOptions
        from translate.quality.config import options_from_table

        options_from_table(QualityOptions, tables.get("quality", {}), f"{path} [quality]")
        options_from_table(RetryOptions, tables.get("retry", {}), f"{path} [retry]")
    terms = _terms(path, data)
    if terms:
        tables["terms"] = terms
    return Registry(sources=(str(path),), pairs=pairs, summarizer=summarizer, tables=tables)


def _terms(path: Path, data: Mapping[str, Any]) -> dict[str, Any]:
    """``glossary = "FILE"`` (or a list; relative to this file) and ``[keep] terms = [...]``."""
    out: dict[str, Any] = {}
    glossary = data.get("glossary", [])
    glossary = [glossary] if isinstance(glossary, str) else glossary
    if not isinstance(glossary, list) or not all(isinstance(g, str) for g in glossary):
        raise _fail(path, "glossary", "must be a file name or a list of file names")
    if glossary:
        out["glossary"] = [str(path.parent / g) for g in glossary]
    keep = _table(path, data, "keep")
    for key in keep:
        if key != "terms":
            raise _fail(path, "keep", f"unknown key '{key}'", ("terms",))
    terms = keep.get("terms", [])
    if not isinstance(terms, list) or not all(isinstance(t, str) for t in terms):
        raise _fail(path, "keep.terms", "must be a list of strings")
    if terms:
        out["keep"] = list(terms)
    return out


def _table(path: Path, data: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    table = data.get(name, {})
    if not isinstance(table, dict):
        raise _fail(path, name, "must be a table")
    return table


def builtin_registry_path() -> Path:
    """The ``models.toml`` shipped with the package (or the repository's, in a checkout)."""
    packaged = Path(__file__).resolve().parent.parent / "models.toml"  # translate/models.toml
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parents[2] / "models.toml"  # a checkout's root


def user_registry_path() -> Path:
    """A per-user ``models.toml`` whose entries extend and override the built-in ones."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "translate" / "models.toml"


def _read(path: Path) -> Registry:
    try:
        return parse_registry(path, path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: model registry not found",
                          "pass an existing file with --models FILE") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the model registry: {exc}") from exc


def load_registry(path: str | Path | None = None) -> Registry:
    """Load the model registry.

    Args:
        path: An explicit ``models.toml`` (``--models FILE``) that replaces the built-in
            registry. Without it, ``$TRANSLATE_MODELS`` is used if set, else the built-in
            registry extended by the user's ``~/.config/translate/models.toml``.

    """
    explicit = path or os.environ.get(ENV_MODELS)
    if explicit:
        return _read(Path(explicit))
    registry = _read(builtin_registry_path())
    user = user_registry_path()
    if user.is_file():
        extra = _read(user)
        registry = Registry(
            sources=registry.sources + extra.sources,
            pairs={**registry.pairs, **extra.pairs},
            summarizer=extra.summarizer or registry.summarizer,
            tables={**registry.tables, **extra.tables},  # a user table replaces the built-in
        )
    return registry
