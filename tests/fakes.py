"""A counting fake engine plugged into the real engine registry.

For logic around a model (segmentation, cache, CLI, batching): it records every
``generate()`` call. Tests that claim to test the model path use the tiny real models.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from translate.models.engines import ENGINES, EngineInfo
from translate.models.engines.base import Generated
from translate.models.hub import ResolvedModel
from translate.models.registry import ModelSpec


@dataclass
class CallLog:
    """Every batch any fake engine generated, and how many engines were loaded."""

    batches: list[list[str]] = field(default_factory=list)
    loads: int = 0
    # second generations with the [retry] settings (kept apart: a batch count above
    # stays the count of first generations) and the overrides each was given
    retries: list[tuple[list[str], dict[str, Any]]] = field(default_factory=list)
    # outputs a test wants for given sources: source -> (first output, retry output)
    crafted: dict[str, tuple[str, str]] = field(default_factory=dict)
    # scores a test wants for given outputs (forced decoding under base settings)
    scores: dict[str, float] = field(default_factory=dict)

    @property
    def segments(self) -> list[str]:
        return [text for batch in self.batches for text in batch]

    def reset(self) -> None:
        self.batches.clear()
        self.retries.clear()
        self.crafted.clear()
        self.scores.clear()
        self.loads = 0


LOG = CallLog()


class FakeEngine:
    """Translates by tagging: ``text`` -> ``<key>[text]``; ``identity`` returns text.

    As a summariser it keeps the first four words of each chunk. Tests may craft
    outputs (``LOG.crafted``: source -> first output, retry output) and scores
    (``LOG.scores``: output -> score, else ``None``); a call with ``overrides`` (a retry)
    is logged in ``LOG.retries``, not ``LOG.batches``.
    """

    name = "fake"

    def __init__(self, spec: ModelSpec, mode: str) -> None:
        self.spec = spec
        self.mode = mode
        self.max_input_tokens = spec.max_input_tokens or 512

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return [len(t.split()) + 1 for t in texts]

    def generate(self, texts: Sequence[str],
                 overrides: Mapping[str, Any] | None = None) -> list[Generated]:
        if overrides:
            LOG.retries.append((list(texts), dict(overrides)))
        else:
            LOG.batches.append(list(texts))
        time.sleep(float(os.environ.get("TRANSLATE_FAKE_DELAY", "0")))
        if any(t in LOG.crafted for t in texts):
            outs = [LOG.crafted[t][bool(overrides)] if t in LOG.crafted
                    else f"<{self.spec.key}>[{t}]" for t in texts]
            return [Generated(out, score=LOG.scores.get(out)) for out in outs]
        if self.mode == "identity":
            return [Generated(t) for t in texts]
        if self.spec.key == "summarizer":  # a summary must be shorter than its input
            return [Generated(" ".join(t.split()[:4]).rstrip(".") + ".") for t in texts]
        return [Generated(f"<{self.spec.key}>[{t}]") for t in texts]

    def score(self, sources: Sequence[str], outputs: Sequence[str]) -> list[float | None]:
        return [LOG.scores.get(out) for out in outputs]


def _loader(mode: str):  # type: ignore[no-untyped-def]
    def load(resolved: ResolvedModel, spec: ModelSpec, device: str,
             compute_type: str) -> FakeEngine:
        LOG.loads += 1
        return FakeEngine(spec, mode)

    return load


def register() -> None:
    """Add the ``fake`` and ``identity`` engines to the real registry."""
    for mode in ("fake", "identity"):
        ENGINES[mode] = EngineInfo(mode, _loader(mode), lambda device: "exact",
                                   ("exact", "exact2"), lambda: True)


def main() -> None:
    """Run the real CLI in a subprocess with the fakes registered."""
    register()
    from translate.cli.app import main as cli_main

    sys.argv = ["translate", *sys.argv[1:]]
    cli_main()


if __name__ == "__main__":
    main()
