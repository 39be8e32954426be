"""Translation backends, in a small registry (tests plug fakes into the same one).

``base`` holds the model-independent batching logic; ``hf`` the transformers backend;
``ct2`` the CTranslate2 backend (optional extra).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from translate.config import ModelSpec
from translate.engine.base import Engine
from translate.errors import UsageError
from translate.models import ResolvedModel

Loader = Callable[[ResolvedModel, ModelSpec, str], Engine]


@dataclass(frozen=True)
class EngineInfo:
    """A backend: how to load it, which numeric type it computes in, whether installed."""

    name: str
    load: Loader
    compute_type: Callable[[str], str]
    available: Callable[[], bool]


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


def _load_transformers(resolved: ResolvedModel, spec: ModelSpec, device: str) -> Engine:
    from translate.engine.hf import TransformersEngine

    engine: Engine = TransformersEngine(resolved, spec.generation, spec.max_input_tokens, device)
    return engine


def _load_ct2(resolved: ResolvedModel, spec: ModelSpec, device: str) -> Engine:
    from translate.engine.ct2 import CTranslate2Engine

    engine: Engine = CTranslate2Engine(resolved, spec, device)
    return engine


ENGINES: dict[str, EngineInfo] = {
    "transformers": EngineInfo(
        "transformers", _load_transformers,
        lambda device: "float16" if device == "cuda" else "float32", lambda: True),
    "ctranslate2": EngineInfo(
        "ctranslate2", _load_ct2,
        lambda device: "float16" if device == "cuda" else "int8",
        lambda: importlib.util.find_spec("ctranslate2") is not None),
}
# `auto` takes the first installed engine in this order.
AUTO_ORDER = ("transformers",)


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
                         f"pip install 'folder-translate[{name}]'")
    return info
