"""The CTranslate2 backend (optional extra): int8 on CPU, float16 on CUDA by default.

A transformers model (hub snapshot or local directory) is converted once and kept in a
cache folder keyed by the model's identity (commit hash or content hash), the
quantization and the CTranslate2 version.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from translate.config import ModelSpec
from translate.engine.base import Generated
from translate.engine.hf import count_tokens, input_limit, quiet_transformers
from translate.models import ResolvedModel

ENV_CACHE = "TRANSLATE_CT2_CACHE"


def ct2_cache_dir() -> Path:
    """Where converted models are kept (``$TRANSLATE_CT2_CACHE``, else the user cache)."""
    if os.environ.get(ENV_CACHE):
        return Path(os.environ[ENV_CACHE])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "translate" / "ctranslate2"


def _conversion_source(location: Path, scratch: Path) -> Path:
    """The model folder to convert; BART configs get a key CTranslate2 still expects.

    transformers v5 dropped ``normalize_before`` from BART configs; CTranslate2's
    converter reads it. A shadow folder of links with a patched config.json fixes that
    without touching the original files.
    """
    config = json.loads((location / "config.json").read_text())
    if config.get("model_type") not in {"bart", "mbart"} or "normalize_before" in config:
        return location
    shadow = scratch / "source"
    shadow.mkdir()
    for item in location.iterdir():
        if item.name != "config.json":
            (shadow / item.name).symlink_to(item.resolve())
    config["normalize_before"] = config.get("model_type") == "mbart"
    (shadow / "config.json").write_text(json.dumps(config))
    return shadow


def converted_model(resolved: ResolvedModel, quantization: str) -> Path:
    """The CTranslate2 conversion of ``resolved``, converting it on first use."""
    import ctranslate2
    from ctranslate2.converters import TransformersConverter

    key = f"{resolved.identity}|{quantization}|{ctranslate2.__version__}"
    name = Path(resolved.location).name[:40]
    target = ct2_cache_dir() / f"{name}-{hashlib.sha256(key.encode()).hexdigest()[:16]}"
    if (target / "model.bin").is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".convert-") as tmp:
        scratch = Path(tmp)
        source = _conversion_source(Path(resolved.location), scratch)
        TransformersConverter(str(source)).convert(str(scratch / "out"),
                                                   quantization=quantization)
        try:
            os.replace(scratch / "out", target)
        except OSError:  # another process converted it first
            if not (target / "model.bin").is_file():
                raise
            shutil.rmtree(scratch / "out", ignore_errors=True)
    return target


class CTranslate2Engine:
    """A seq2seq model run by CTranslate2 with the model's own (transformers) tokenizer."""

    name = "ctranslate2"

    def __init__(self, resolved: ResolvedModel, spec: ModelSpec, device: str = "cpu",
                 compute_type: str = "int8") -> None:
        import ctranslate2
        from transformers import AutoConfig, AutoTokenizer

        quiet_transformers()
        self.generation = spec.generation
        self.path = converted_model(resolved, compute_type)
        threads = int(os.environ.get("TRANSLATE_THREADS", "0")) or (os.cpu_count() or 1)
        self.translator: Any = ctranslate2.Translator(
            str(self.path), device=device, compute_type=compute_type,
            intra_threads=threads, inter_threads=1)
        self.tokenizer: Any = AutoTokenizer.from_pretrained(resolved.location)
        config = AutoConfig.from_pretrained(resolved.location)
        self.max_input_tokens = input_limit(self.tokenizer, config, spec.max_input_tokens)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Token counts with special tokens, as the model sees them."""
        return count_tokens(self.tokenizer, texts)

    def source_tokens(self, texts: Sequence[str]) -> list[list[str]]:
        """The token strings CTranslate2 takes for ``texts``."""
        ids = self.tokenizer(list(texts), add_special_tokens=True)["input_ids"]
        return [self.tokenizer.convert_ids_to_tokens(row) for row in ids]

    def generate(self, texts: Sequence[str]) -> list[Generated]:
        """Translate one batch with ``translate_batch`` and decode."""
        gen = self.generation
        results = self.translator.translate_batch(
            self.source_tokens(texts), beam_size=gen.num_beams,
            max_decoding_length=gen.max_new_tokens, min_decoding_length=gen.min_new_tokens,
            no_repeat_ngram_size=gen.no_repeat_ngram_size, length_penalty=gen.length_penalty,
            max_batch_size=0)
        outputs = []
        for result in results:
            tokens = result.hypotheses[0]
            ids = self.tokenizer.convert_tokens_to_ids(tokens)
            text = self.tokenizer.decode(ids, skip_special_tokens=True).strip()
            outputs.append(Generated(text, len(tokens) >= gen.max_new_tokens))
        return outputs
