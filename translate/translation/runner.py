"""Running a model: in this process (``LocalRunner``) or on a cluster (``translation.distributed``).

Apart from ``translation.checking``, the quality policy that judges what a model wrote.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Protocol

from translate.models.engines.base import Generated
from translate.models.pool import ModelPool
from translate.models.translator import Translator

__all__ = ["LocalRunner", "Runner"]


class Runner(Protocol):
    """Runs a model: in this process (``LocalRunner``) or on a cluster (``RayRunner``)."""

    def __call__(self, translator: Translator, texts: Sequence[str],
                 overrides: Mapping[str, Any] | None = None,
                 ) -> Iterator[dict[str, Generated]]:
        """Translate ``texts`` (``overrides``: generation settings for this call only)."""
        ...

    def score(self, translator: Translator, sources: Sequence[str],
              outputs: Sequence[str]) -> list[float | None]:
        """Score given outputs under the base settings (forced decoding)."""
        ...


class LocalRunner:
    """Runs models in this process, loaded through ``pool``."""

    def __init__(self, pool: ModelPool) -> None:
        self.pool = pool

    def __call__(self, translator: Translator, texts: Sequence[str],
                 overrides: Mapping[str, Any] | None = None,
                 ) -> Iterator[dict[str, Generated]]:
        """Translate ``texts`` with ``translator``'s model, batch by batch."""
        self.pool.use(translator)
        return translator.translate_scored(texts, overrides)

    def score(self, translator: Translator, sources: Sequence[str],
              outputs: Sequence[str]) -> list[float | None]:
        """``translator``'s scores of ``outputs`` as translations of ``sources``."""
        self.pool.use(translator)
        return translator.score(sources, outputs)
