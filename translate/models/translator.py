"""A translator for one language pair: model spec + lazily loaded engine + signature.

Composable in the argos-translate way: ``Translator`` runs one model; ``PivotTranslator``
chains two (through English), each leg cached under its own signature.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from translate.models.engines import APERTIUM, EngineInfo, choose_engine, resolve_device
from translate.models.engines.base import (
    BatchStats,
    Engine,
    Generated,
    iter_generated,
    iter_translations,
    plan_batches,
)
from translate.models.hub import ResolvedModel, resolve_model
from translate.models.registry import ModelSpec
from translate.options import Options, layer_values
from translate.text.segment import SEGMENTER_VERSION
from translate.version import __version__

# Libraries whose version can change an output, per engine; tokenisers for every engine.
# torch computes the transformers engine's outputs: its version changes them too.
ENGINE_LIBRARIES = {"transformers": ("transformers", "torch"), "ctranslate2": ("ctranslate2",)}
TOKENIZER_LIBRARIES = ("sentencepiece", "tokenizers")


@functools.cache
def library_version(name: str) -> str | None:
    """The installed version of a distribution (``None``: not installed); no import.

    Read from the name of its ``NAME-VERSION.dist-info`` folder on ``sys.path``, in the
    order ``importlib.metadata`` searches: importing ``importlib.metadata`` (which
    parses e-mail headers) would cost a fully cached re-run some 50 ms. Other layouts
    (eggs, zips) fall back to it.
    """
    prefix = re.sub(r"[-_.]+", "_", name).lower() + "-"
    for entry in sys.path:
        for found in _dist_infos(entry):
            if found.lower().startswith(prefix):
                return found[len(prefix):-len(".dist-info")]
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


@functools.cache
def _dist_infos(folder: str) -> tuple[str, ...]:
    with contextlib.suppress(OSError):
        return tuple(n for n in os.listdir(folder or ".") if n.lower().endswith(".dist-info"))
    return ()


def library_versions(names: Iterable[str]) -> dict[str, str | None]:
    """The installed versions of ``names`` (see ``library_version``)."""
    return {name: library_version(name) for name in names}


def signature_is_current(signature: Mapping[str, Any]) -> bool:
    """Whether a stored signature's translate and library versions are today's.

    Entries under a signature that is not current miss with what is installed now.
    """
    libraries = signature.get("libraries")
    return (signature.get("version") == __version__ and isinstance(libraries, dict)
            and library_versions(libraries) == libraries)


@dataclass(frozen=True)
class RunSettings:
    """Settings of a run that are not per model: engines, device, network.

    Attributes:
        engine: The translation engine (``--engine``).
        device: ``auto``, ``cpu`` or ``cuda``.
        offline: Never use the network.
        compute_type: The translation engine's numeric type.
        summary_engine: The summariser's engine (``--summary-engine``), chosen apart
            from the translation engine; ``None``: the translation engine's, except
            ``apertium`` (it only translates), which leaves the summariser on ``auto``.
    """

    engine: str = "auto"
    device: str = "auto"
    offline: bool = False
    compute_type: str = "auto"
    summary_engine: str | None = None

    @classmethod
    def from_options(cls, options: Options) -> RunSettings:
        """The fields of ``options`` that reach the ``engine`` layer."""
        return cls(**layer_values(options, "engine"))

    def for_models(self) -> RunSettings:
        """These settings for the summariser: its own engine (see ``summary_engine``)."""
        engine = self.summary_engine or (self.engine if self.engine != "apertium" else "auto")
        if engine == self.engine:
            return self
        return RunSettings(engine=engine, device=self.device, offline=self.offline)


def _apertium_mode(spec: ModelSpec) -> ResolvedModel:
    """An Apertium leg located: the mode file, and the identity its outputs are cached under."""
    from translate.models import apertium_routes

    mode = apertium_routes.locate(apertium_routes.mode_of(spec.model))
    identity = (f"{apertium_routes.apertium_version()}; {mode.name} "
                f"{apertium_routes.mode_identity(mode)}")
    return ResolvedModel(spec, str(mode.path), identity)


@dataclass(eq=False)  # identity semantics: translators are dict keys in the pipeline
class Translator:
    """Translates segments with one model; loads nothing until ``engine`` is used.

    Attributes:
        spec: The registry entry, with any command-line overrides applied.
        settings: Engine, device and network settings.
        task: ``translate`` or ``summarize`` (part of the signature).

    """

    spec: ModelSpec
    settings: RunSettings = field(default_factory=RunSettings)
    task: str = "translate"
    stats: BatchStats = field(default_factory=BatchStats)
    _resolved: ResolvedModel | None = None
    _engine: Engine | None = None
    _info: EngineInfo | None = None
    _device: str | None = None
    _tokenizer: Any = None

    @property
    def info(self) -> EngineInfo:
        """The chosen backend (``auto`` resolved)."""
        if self._info is None:
            self._info = choose_engine(self.spec.engine or self.settings.engine)
        return self._info

    @property
    def device(self) -> str:
        """The device (``auto`` resolved without importing torch where possible)."""
        if self._device is None:
            apertium = self.info.name == APERTIUM  # a CPU program: no GPU probe
            self._device = "cpu" if apertium else resolve_device(self.settings.device)
        return self._device

    @property
    def compute_type(self) -> str:
        """The numeric type outputs are computed in (``auto`` resolved per engine)."""
        own = self.spec.engine in (None, self.settings.engine)  # else the pair's engine
        return self.info.compute_type(self.device, self.settings.compute_type if own else "auto")

    @property
    def resolved(self) -> ResolvedModel:
        """The model located on disk (no weights loaded)."""
        if self._resolved is None and self.info.name == APERTIUM:
            self._resolved = _apertium_mode(self.spec)
        if self._resolved is None:
            self._resolved = resolve_model(self.spec, self.settings.offline)
        return self._resolved

    def signature(self) -> dict[str, Any]:
        """Everything that changes an output; printable, stored with every output."""
        return {
            "task": self.task,
            "pair": self.spec.key,
            "model": self.spec.model,
            "model_identity": self.resolved.identity,
            "engine": self.info.name,
            "device": self.device,  # a GPU's kernels give other floats than a CPU's
            "compute_type": self.compute_type,
            "generation": asdict(self.spec.generation),
            "max_input_tokens": self.spec.max_input_tokens,
            "source_prefix": self.spec.source_prefix,
            "segmenter": SEGMENTER_VERSION,
            "version": __version__,
            "libraries": library_versions(
                (*ENGINE_LIBRARIES.get(self.info.name, ()), *TOKENIZER_LIBRARIES)),
        }

    def output_cap(self) -> int | None:
        """The longest output the model can give, when below ``max_new_tokens``.

        Outputs never run past the position table's end (the engines stop there), so
        a ``max_new_tokens`` above it (512 on a 128-position model) is capped; this
        says so, from ``config.json`` (no weights loaded; ``None``: not capped).
        """
        if self.info.name == APERTIUM or self._resolved is None:
            return None  # a model this run never looked up generated nothing
        folder = Path(self.resolved.location)
        if not (folder / "config.json").is_file():
            return None
        from translate.models.engines.codecs import position_limit

        cap = position_limit(folder) - 1
        return cap if cap < self.spec.generation.max_new_tokens else None

    @property
    def loaded(self) -> bool:
        """Whether the model has been loaded."""
        return self._engine is not None

    @property
    def engine(self) -> Engine:
        """The loaded engine (loads the model on first use)."""
        if self._engine is None:
            self._engine = self.info.load(self.resolved, self.spec, self.device,
                                          self.compute_type)
        return self._engine

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Input token counts, loading only the tokenizer when the model is not loaded.

        Marian tokenizers are read without torch (``engine.codecs``), so a dry run
        stays light. An empty batch is no work (no tokenizer is loaded for it).
        """
        if not texts:
            return []
        if self._engine is not None:
            return self._engine.count_tokens(texts)
        if self.info.counter is not None:
            return self.info.counter(texts)
        if self._tokenizer is None:
            from translate.models.engines.codecs import load_codec

            self._tokenizer = load_codec(Path(self.resolved.location))
        prefix = self.spec.source_prefix or ""
        return [len(tokens) for tokens in self._tokenizer.tokens([prefix + t for t in texts])]

    def unload(self) -> None:
        """Drop the loaded model (``ModelPool`` calls this)."""
        self._engine = None

    def take_engine(self, other: Translator) -> None:
        """Take ``other``'s loaded engine, of the same model (``ModelPool`` moves it)."""
        self._engine, other._engine = other._engine, None

    def translate(self, texts: Sequence[str]) -> Iterator[dict[str, str]]:
        """Translate ``texts``, yielding ``{source: output}`` after each batch."""
        return iter_translations(self.engine, texts, self.spec.batch_size,
                                 self.spec.max_batch_tokens, self.stats)

    def translate_scored(self, texts: Sequence[str],
                         overrides: Mapping[str, Any] | None = None,
                         ) -> Iterator[dict[str, Generated]]:
        """Like ``translate``, yielding each text's ``Generated`` (score, length limit).

        A text split into pieces gets one ``Generated`` (``merge_pieces``).
        ``overrides`` are ``generate()`` settings for this call only (the retry).
        """
        return iter_generated(self.engine, texts, self.spec.batch_size,
                              self.spec.max_batch_tokens, self.stats, overrides)

    def score(self, sources: Sequence[str], outputs: Sequence[str]) -> list[float | None]:
        """Forced-decoding scores of given outputs under the base settings.

        The same definition as ``Generated.score`` (mean log-probability per token,
        EOS included); ``None`` each for engines without probabilities, and for a
        source longer than the model's input limit (it was translated in pieces, whose
        outputs cannot be told apart). Batched by ``batch_size``, longest first.
        """
        if len(sources) != len(outputs):
            raise ValueError("score() needs one output per source")
        if not sources:
            return []
        lengths = self.count_tokens(sources)
        scores: list[float | None] = [None] * len(sources)
        fits = [i for i, n in enumerate(lengths) if n <= self.engine.max_input_tokens]
        for group in plan_batches([lengths[i] for i in fits], self.spec.batch_size,
                                  self.spec.max_batch_tokens):
            batch = [fits[i] for i in group]
            found = self.engine.score([sources[i] for i in batch], [outputs[i] for i in batch])
            for index, value in zip(batch, found, strict=True):
                scores[index] = value
        return scores

