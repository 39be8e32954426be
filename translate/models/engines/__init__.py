"""Translation backends, in a small registry (tests plug fakes into the same one).

``base`` holds the model-independent batching logic; ``hf`` the transformers backend;
``ct2`` the CTranslate2 backend (optional extra); ``apertium`` the rule-based Apertium
command (a Debian package, chosen only by name, never by ``auto``).
"""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from translate.errors import UsageError
from translate.models.engines.base import Engine
from translate.models.hub import ResolvedModel
from translate.models.registry import ModelSpec

# (model files, registry entry, device, compute type) -> loaded engine
Loader = Callable[[ResolvedModel, ModelSpec, str, str], Engine]


@dataclass(frozen=True)
class EngineInfo:
    """A backend: how to load it, its numeric types, whether it is installed.

    Attributes:
        name: The ``--engine`` name.
        load: Loads a model (see ``Loader``).
        default_compute_type: The compute type ``auto`` means, given the device.
        compute_types: The compute types it accepts.
        available: Whether its package is installed.
        install: How to install it (the hint when it is missing).
        counter: Counts input units without a model (engines with no tokenizer).
    """

    name: str
    load: Loader
    default_compute_type: Callable[[str], str]
    compute_types: tuple[str, ...]
    available: Callable[[], bool]
    install: str = ""
    counter: Callable[[Sequence[str]], list[int]] | None = None

    def compute_type(self, device: str, requested: str = "auto") -> str:
        """Resolve ``auto``; refuse a type this engine does not have.

        Raises:
            UsageError: for an unsupported compute type.
        """
        if requested == "auto":
            return self.default_compute_type(device)
        if requested not in self.compute_types:
            raise UsageError(f"engine '{self.name}' has no compute type '{requested}'",
                             f"valid choices: auto, {', '.join(self.compute_types)}")
        return requested


def cuda_present() -> bool:
    """Whether a CUDA GPU is present, without importing torch when there is no driver."""
    if not Path("/proc/driver/nvidia/version").exists():
        return False
    import torch

    return bool(torch.cuda.is_available())


def resolve_device(device: str) -> str:
    """``auto`` -> ``cuda`` when a GPU is present, else ``cpu``."""
    if device not in {"auto", "cpu", "cuda"}:
        raise UsageError(f"unknown device '{device}'", "valid choices: auto, cpu, cuda")
    if device == "auto":
        return "cuda" if cuda_present() else "cpu"
    return device


def _load_transformers(resolved: ResolvedModel, spec: ModelSpec, device: str,
                       compute_type: str) -> Engine:
    from translate.models.engines.hf import TransformersEngine

    engine: Engine = TransformersEngine(resolved, spec, device, compute_type)
    return engine


def _load_ct2(resolved: ResolvedModel, spec: ModelSpec, device: str, compute_type: str,
              ) -> Engine:
    from translate.models.engines.ct2 import CTranslate2Engine

    engine: Engine = CTranslate2Engine(resolved, spec, device, compute_type)
    return engine


def _load_apertium(resolved: ResolvedModel, spec: ModelSpec, device: str, compute_type: str,
                   ) -> Engine:
    from translate.models.engines.apertium import ApertiumEngine

    engine: Engine = ApertiumEngine(resolved, spec, device, compute_type)
    return engine


def _count_words(texts: Sequence[str]) -> list[int]:
    from translate.models.engines.apertium import count_words

    return count_words(texts)


APERTIUM = "apertium"
ENGINES: dict[str, EngineInfo] = {
    "transformers": EngineInfo(
        "transformers", _load_transformers,
        lambda device: "float16" if device == "cuda" else "float32",
        ("float32", "float16", "bfloat16"), lambda: True),
    "ctranslate2": EngineInfo(
        "ctranslate2", _load_ct2,
        lambda device: "float16" if device == "cuda" else "int8",
        ("int8", "int8_float32", "int8_float16", "int8_bfloat16", "float32", "float16",
         "bfloat16"),
        lambda: importlib.util.find_spec("ctranslate2") is not None),
    APERTIUM: EngineInfo(
        APERTIUM, _load_apertium, lambda device: "none", ("none",),
        lambda: shutil.which("apertium") is not None,
        install="sudo apt-get install apertium apertium-cat-ita apertium-eng-cat (apertium "
                "and the pair packages of your languages)",
        counter=_count_words),
}
# `auto` takes the first installed engine in this order: CTranslate2 is several times
# faster on CPU at half the memory (docs/benchmarks.md).
AUTO_ORDER = ("ctranslate2", "transformers")


def choose_engine(name: str) -> EngineInfo:
    """The engine called ``name``; ``auto`` is the fastest one installed.

    Raises:
        UsageError: unknown engine, or one whose extra is not installed.

    """
    if name == "auto":
        return next(ENGINES[n] for n in AUTO_ORDER if ENGINES[n].available())
    if name not in ENGINES:
        raise UsageError(f"unknown engine '{name}'",
                         f"valid choices: auto, {', '.join(sorted(ENGINES))}")
    info = ENGINES[name]
    if not info.available():
        raise UsageError(f"engine '{name}' is not installed",
                         info.install or f"pip install 'folder-translate[{name}]'")
    return info
