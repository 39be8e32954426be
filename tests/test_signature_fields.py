"""The cache signature holds what changes outputs: the device, and torch for transformers."""

from __future__ import annotations

from pathlib import Path

import pytest

from translate.cache.store import signature_id
from translate.models import translator as translator_module
from translate.models.registry import ModelSpec
from translate.models.signature import parse_signature, readable_signature
from translate.models.translator import RunSettings, Translator


def _translator(model: Path, engine: str = "transformers", device: str = "cpu") -> Translator:
    return Translator(ModelSpec(key="it-en", model=str(model)),
                      RunSettings(engine=engine, device=device, compute_type="float32"))


def test_the_device_is_in_the_signature(tiny_marian: Path) -> None:
    cpu = _translator(tiny_marian).signature()
    cuda = _translator(tiny_marian, device="cuda").signature()
    assert (cpu["device"], cuda["device"]) == ("cpu", "cuda")
    assert cpu["compute_type"] == cuda["compute_type"] == "float32"  # only the device differs
    assert signature_id(cpu) != signature_id(cuda)
    assert parse_signature(readable_signature(cuda))["device"] == "cuda"


def test_torchs_version_is_in_a_transformers_signature(tiny_marian: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    before = _translator(tiny_marian).signature()
    assert before["libraries"]["torch"] is not None
    real = translator_module.library_version
    monkeypatch.setattr(translator_module, "library_version",
                        lambda name: "9.9.9" if name == "torch" else real(name))
    after = _translator(tiny_marian).signature()
    assert after["libraries"]["torch"] == "9.9.9"
    assert signature_id(before) != signature_id(after)
    assert parse_signature(readable_signature(after))["torch"] == "9.9.9"
    assert not translator_module.signature_is_current(before)  # old entries miss


def test_ctranslate2_signature_does_not_depend_on_torch(tiny_marian: Path) -> None:
    pytest.importorskip("ctranslate2")
    signature = _translator(tiny_marian, engine="ctranslate2").signature()
    assert "torch" not in signature["libraries"] and signature["device"] == "cpu"
