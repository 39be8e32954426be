"""Which model(s) take a text from one language to another, and which stay loaded.

Routes, in order: a pair in ``models.toml``; the opus-mt naming convention
(``Helsinki-NLP/opus-mt-{src}-{tgt}``) when that model is in the local cache; a pivot
through English (two legs, each cached on its own); else an error listing the routes
that exist. Models are loaded through a ``ModelPool`` (a small LRU), so a mixed folder
loads each once.

With ``--engine apertium`` (or ``engine = "apertium"`` on a pair), routes come from the
installed Apertium modes instead: the shortest chain of modes, pivoting through any
language (``apertium_routes``); every leg is a translator cached on its own.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from translate.errors import UsageError
from translate.models import apertium_routes
from translate.models.engines import APERTIUM
from translate.models.hub import cached_convention_models, find_cached_snapshot
from translate.models.pool import ModelPool
from translate.models.registry import ModelSpec, Registry
from translate.models.translator import RunSettings, Translator

PIVOT = "en"
CONVENTION = "Helsinki-NLP/opus-mt-{src}-{tgt}"
Route = tuple[Translator, ...]
# Apertium starts one process per batch (about half a second): big batches; it has no
# padding, so the token budget is only a bound on one process's input (in words).
APERTIUM_BATCH_SIZE, APERTIUM_BATCH_WORDS = 1000, 100_000
APERTIUM_OVERRIDES = ("batch_size", "max_batch_tokens")  # the only settings it has


class Router:
    """Builds translators for language pairs and bounds how many models stay loaded.

    Args:
        registry: The model registry.
        overrides: Command-line settings applied to every pair (``model``,
            ``num_beams``, ``batch_size``, ...); ``None`` values are ignored.
        settings: Engine, device and network settings.
        max_loaded: How many models may be in memory at once (a new pool's bound).
        pool: Where models are loaded; ``None``: a pool of this router's own. Share one
            to keep models loaded across runs.

    """

    def __init__(self, registry: Registry, overrides: Mapping[str, Any] | None = None,
                 settings: RunSettings | None = None, max_loaded: int = 2,
                 pool: ModelPool | None = None) -> None:
        self.registry = registry
        self.overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
        self.settings = settings or RunSettings()
        self.pool = pool or ModelPool(max_loaded)
        self._translators: dict[tuple[str, str | None], Translator] = {}
        self._modes: dict[tuple[str, str], apertium_routes.Mode] | None = None

    @property
    def loads(self) -> list[str]:
        """The key of every model loaded through this router's pool, in order."""
        return self.pool.loads

    def _translator(self, spec: ModelSpec) -> Translator:
        overrides = self.overrides
        if spec.engine == APERTIUM:
            overrides = {k: v for k, v in overrides.items() if k in APERTIUM_OVERRIDES}
        spec = spec.replace(**overrides)
        if (spec.key, spec.engine) not in self._translators:
            self._translators[(spec.key, spec.engine)] = Translator(spec, self.settings)
        return self._translators[(spec.key, spec.engine)]

    def _apertium_route(self, src: str, tgt: str) -> Route:
        if "model" in self.overrides:
            raise UsageError("--model names a neural model, but the apertium engine takes its "
                             "routes from the installed Apertium modes",
                             "drop --model, or choose another --engine")
        if self._modes is None:
            self._modes = apertium_routes.installed_modes()
        legs = apertium_routes.find_route(src, tgt, self._modes)
        return tuple(self._translator(ModelSpec(
            key=mode.key, model=apertium_routes.PREFIX + mode.name, engine=APERTIUM,
            batch_size=APERTIUM_BATCH_SIZE, max_batch_tokens=APERTIUM_BATCH_WORDS))
            for mode in legs)

    def _spec(self, src: str, tgt: str) -> ModelSpec | None:
        spec = self.registry.pair(src, tgt)
        if spec is not None and spec.engine == APERTIUM:
            return None  # routed by _apertium_route only
        if spec is not None or "model" in self.overrides:
            return spec or ModelSpec(key=f"{src}-{tgt}", model=self.overrides["model"])
        name = CONVENTION.format(src=src, tgt=tgt)
        if find_cached_snapshot(name, None):
            return ModelSpec(key=f"{src}-{tgt}", model=name)
        return None

    def route(self, src: str, tgt: str) -> Route:
        """The legs from ``src`` to ``tgt``; empty when they are the same language.

        Raises:
            UsageError: when no direct model, convention model or pivot exists.

        """
        if src == tgt:
            return ()
        configured = self.registry.pair(src, tgt)
        if APERTIUM in (self.settings.engine, configured and configured.engine):
            return self._apertium_route(src, tgt)
        direct = self._spec(src, tgt)
        if direct is not None:
            return (self._translator(direct),)
        if PIVOT not in (src, tgt):
            first, second = self._spec(src, PIVOT), self._spec(PIVOT, tgt)
            if first is not None and second is not None:
                return self._translator(first), self._translator(second)
        pairs = ", ".join(sorted(self.registry.pairs)) or "none"
        raise UsageError(
            f"no route from '{src}' to '{tgt}': no '{src}-{tgt}' entry in "
            f"{', '.join(self.registry.sources)}, no cached {CONVENTION.format(src=src, tgt=tgt)}"
            f", and no pivot through '{PIVOT}'",
            f"configured pairs: {pairs}; add [pairs.{src}-{tgt}] to models.toml or pass "
            "--model ID_OR_PATH")

    def translate(self, translator: Translator, texts: Sequence[str],
                  ) -> Iterator[dict[str, str]]:
        """Run ``translator`` on ``texts``, loaded through the pool (which may evict one)."""
        return self.pool.translate(translator, texts)

    def targets(self) -> set[str] | None:
        """The languages some route leads to (``None``: any, as ``--model`` allows).

        Configured pairs, opus-mt models in the local cache and, when a route may use
        Apertium, the installed Apertium modes; pivots end in one of these too.
        """
        if "model" in self.overrides:
            return None
        found = {key.split("-", 1)[1] for key in self.registry.pairs}
        found |= {name.rsplit("-", 1)[1] for name in cached_convention_models()}
        uses_apertium = self.settings.engine == APERTIUM or any(
            spec.engine == APERTIUM for spec in self.registry.pairs.values())
        if uses_apertium:
            if self._modes is None:
                self._modes = apertium_routes.installed_modes()
            found |= {target for _, target in self._modes}
        return found

    def translators(self) -> list[Translator]:
        """Every translator built so far (loaded or not)."""
        return list(self._translators.values())
