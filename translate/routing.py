"""Which model(s) take a text from one language to another, and which stay loaded.

Routes, in order: a pair in ``models.toml``; the opus-mt naming convention
(``Helsinki-NLP/opus-mt-{src}-{tgt}``) when that model is in the local cache; a pivot
through English (two legs, each cached on its own); else an error listing the routes
that exist. Loaded models are kept in a small LRU so a mixed folder loads each once.
"""

from __future__ import annotations

import gc
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from translate.config import ModelSpec, Registry
from translate.errors import UsageError
from translate.models import find_cached_snapshot
from translate.translator import RunSettings, Translator

PIVOT = "en"
CONVENTION = "Helsinki-NLP/opus-mt-{src}-{tgt}"
Route = tuple[Translator, ...]


class Router:
    """Builds translators for language pairs and bounds how many models stay loaded.

    Args:
        registry: The model registry.
        overrides: Command-line settings applied to every pair (``model``,
            ``num_beams``, ``batch_size``, ...); ``None`` values are ignored.
        settings: Engine, device and network settings.
        max_loaded: How many models may be in memory at once.

    """

    def __init__(self, registry: Registry, overrides: Mapping[str, Any] | None = None,
                 settings: RunSettings | None = None, max_loaded: int = 2) -> None:
        self.registry = registry
        self.overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
        self.settings = settings or RunSettings()
        self.max_loaded = max_loaded
        self._translators: dict[str, Translator] = {}
        self._loaded: OrderedDict[str, Translator] = OrderedDict()
        self.loads: list[str] = []

    def _translator(self, spec: ModelSpec) -> Translator:
        spec = spec.replace(**self.overrides)
        if spec.key not in self._translators:
            self._translators[spec.key] = Translator(spec, self.settings)
        return self._translators[spec.key]

    def _spec(self, src: str, tgt: str) -> ModelSpec | None:
        spec = self.registry.pair(src, tgt)
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
        """Run ``translator`` on ``texts``, loading it (and evicting the LRU model) if needed."""
        key = translator.spec.key
        if key in self._loaded:
            self._loaded.move_to_end(key)
        else:
            while len(self._loaded) >= self.max_loaded:
                _, old = self._loaded.popitem(last=False)
                old.unload()
                gc.collect()
            translator.engine  # noqa: B018  (load now, so the LRU accounts for it)
            self._loaded[key] = translator
            self.loads.append(key)
        return translator.translate(texts)

    def translators(self) -> list[Translator]:
        """Every translator built so far (loaded or not)."""
        return list(self._translators.values())
