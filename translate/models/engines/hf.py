"""The transformers backend: ``AutoTokenizer`` + ``AutoModelForSeq2SeqLM`` + ``generate()``."""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from translate.models.engines.base import Generated
from translate.models.hub import ResolvedModel
from translate.models.loading import load_errors, require_weights
from translate.models.registry import ModelSpec


def quiet_transformers() -> None:
    """Silence transformers' progress bars and advisory warnings on the CLI."""
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    warnings.filterwarnings("ignore", message="Recommended: pip install sacremoses")
    logging.getLogger("transformers").setLevel(logging.ERROR)


def thread_count() -> int:
    """``$TRANSLATE_THREADS``, else the CPUs this process may run on (not all the host's)."""
    return int(os.environ.get("TRANSLATE_THREADS", "0")) or len(os.sched_getaffinity(0))


def set_threads() -> None:
    """Use every core for intra-op work and one thread between ops (lowest overhead)."""
    import torch

    torch.set_num_threads(thread_count())


def input_limit(tokenizer: Any, config: Any, requested: int | None) -> int:
    """The model's input limit: the tokenizer's, or the position table's, or less."""
    limit = int(getattr(tokenizer, "model_max_length", 0) or 0)
    if not 0 < limit < 100_000:  # "no limit" sentinel values
        limit = int(getattr(config, "max_position_embeddings", 512))
    return min(requested or limit, limit)


def count_tokens(tokenizer: Any, texts: Sequence[str]) -> list[int]:
    """Token counts with special tokens, exactly as the model will see them."""
    return [len(ids) for ids in tokenizer(list(texts), add_special_tokens=True)["input_ids"]]


class TransformersEngine:
    """A seq2seq model run with transformers on CPU or CUDA.

    Loading never passes ``trust_remote_code``; weights come from safetensors when the
    model has them (transformers' default order), pickled ``.bin`` files only otherwise.
    """

    name = "transformers"

    def __init__(self, resolved: ResolvedModel, spec: ModelSpec, device: str = "cpu",
                 compute_type: str = "float32") -> None:
        import torch
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

        quiet_transformers()
        set_threads()
        self.device = device
        self.dtype = getattr(torch, compute_type)
        self.generation = spec.generation
        self.prefix = spec.source_prefix or ""
        folder = Path(resolved.location)
        require_weights(folder)
        with load_errors(folder, "tokenizer"):
            self.tokenizer: Any = AutoTokenizer.from_pretrained(folder)
        with load_errors(folder, "model"):
            model = AutoModelForSeq2SeqLM.from_pretrained(folder, dtype=self.dtype)
        self.model: Any = model.to(self.device).eval()
        self.max_input_tokens = input_limit(self.tokenizer, self.model.config,
                                            spec.max_input_tokens)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Token counts with special tokens, exactly as ``generate`` will see them."""
        return count_tokens(self.tokenizer, [self.prefix + t for t in texts])

    def generate(self, texts: Sequence[str]) -> list[Generated]:
        """Translate one batch with padding, under ``torch.inference_mode()``."""
        import torch

        batch = self.tokenizer([self.prefix + t for t in texts], return_tensors="pt",
                               padding=True)
        batch = {k: v.to(self.device) for k, v in batch.items()}
        kwargs = self.generation.generate_kwargs()
        positions = int(getattr(self.model.config, "max_position_embeddings", 0) or 0)
        if positions:  # never past the position table's end
            kwargs["max_new_tokens"] = min(kwargs["max_new_tokens"], positions - 1)
        with torch.inference_mode():
            out = self.model.generate(**batch, **kwargs)
        eos = self.model.generation_config.eos_token_id
        eos_ids = set(eos if isinstance(eos, list) else [eos])
        special = set(self.tokenizer.all_special_ids)
        texts_out = self.tokenizer.batch_decode(out, skip_special_tokens=True)
        results = []
        limit = kwargs["max_new_tokens"]
        for row, text in zip(out.tolist(), texts_out, strict=True):
            generated = row[1:]  # drop the decoder start token
            ends = [i for i, tok in enumerate(generated) if tok in eos_ids]
            # No EOS, or one forced into the very last slot: the output was cut short.
            hit = len(generated) >= limit and (not ends or ends[0] >= limit - 1)
            content = generated[:ends[0]] if ends else generated
            count = sum(1 for tok in content if tok not in special)
            results.append(Generated(text.strip(), hit, count))
        return results
