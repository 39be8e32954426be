"""The one owner of loaded models: loading, and how many stay in memory (an LRU).

Every model a process runs is loaded here: the translation legs (through ``Router``),
the summariser (``translation.summary``) and, on a Ray cluster, each actor's model (a pool of
the actor's own process). A model is known by everything that changes what is loaded
(its spec, the run settings, its task), so two ``Translator`` objects for the same
model share one load: the second takes the engine from the first.
"""

from __future__ import annotations

import gc
from collections import OrderedDict
from collections.abc import Iterator, Sequence

from translate.models.engines import APERTIUM
from translate.models.engines.base import Engine
from translate.models.translator import Translator


def model_key(translator: Translator) -> tuple[str, str, str]:
    """What identifies a loaded model: spec, settings and task (all frozen dataclasses)."""
    return translator.task, repr(translator.spec), repr(translator.settings)


class ModelPool:
    """Loads models on first use and keeps at most ``max_loaded`` of them loaded.

    Args:
        max_loaded: How many models may be in memory at once; the least recently used
            one is unloaded to make room.

    Attributes:
        loads: The key (``it-en``, ``summarizer``, ...) of every model loaded, in order.
    """

    def __init__(self, max_loaded: int = 2) -> None:
        self.max_loaded = max(1, max_loaded)
        self.loads: list[str] = []
        self._loaded: OrderedDict[tuple[str, str, str], Translator] = OrderedDict()

    def use(self, translator: Translator) -> Engine:
        """``translator``'s engine, loaded here (evicting the least recently used model).

        Apertium legs are programs, not weights: they stay outside the LRU.
        """
        if translator.info.name == APERTIUM:
            if not translator.loaded:
                translator.engine  # noqa: B018  (checks the mode is installed)
                self.loads.append(translator.spec.key)
            return translator.engine
        key = model_key(translator)
        held = self._loaded.get(key)
        if held is not None and not held.loaded:  # unloaded behind the pool's back
            del self._loaded[key]
            held = None
        if held is not None:
            self._loaded.move_to_end(key)
            if held is not translator:  # the same model: hand its engine over
                translator.take_engine(held)
                self._loaded[key] = translator
            return translator.engine
        while len(self._loaded) >= self.max_loaded:
            _, old = self._loaded.popitem(last=False)
            old.unload()
            gc.collect()
        engine = translator.engine  # load now, so the LRU accounts for it
        self._loaded[key] = translator
        self.loads.append(translator.spec.key)
        return engine

    def translate(self, translator: Translator, texts: Sequence[str],
                  ) -> Iterator[dict[str, str]]:
        """Run ``translator`` on ``texts`` with its model loaded through this pool."""
        self.use(translator)
        return translator.translate(texts)

    def loaded(self) -> list[Translator]:
        """The translators whose models this pool holds, least recently used first."""
        return list(self._loaded.values())

    def close(self) -> None:
        """Unload every model this pool holds."""
        for translator in self._loaded.values():
            translator.unload()
        self._loaded.clear()
        gc.collect()
