"""The transformers backend: ``AutoTokenizer`` + ``AutoModelForSeq2SeqLM`` + ``generate()``.

Scores (``Generated.score``) come from one teacher-forced decoder pass over the
generated ids, reusing the batch's encoder output: the log-softmax of the model's raw
logits, before any logits processor (repetition penalty, n-gram blocking, minimum
length, bad words), so a score is the model's own probability whatever the settings,
and ``score()`` of the same text gives the same value. ``output_scores`` would keep a
batch x beams x vocabulary tensor per step (gigabytes at 512 steps) and hold processed
values; the extra pass costs one parallel decoder step over the output.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from translate.models.engines.base import Generated, check_overrides
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
    if not texts:  # a fast tokenizer fails on an empty batch
        return []
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
        self.scores = True  # compute Generated.score (benchmarks switch it off)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Token counts with special tokens, exactly as ``generate`` will see them."""
        return count_tokens(self.tokenizer, [self.prefix + t for t in texts])

    def _encode(self, texts: Sequence[str]) -> dict[str, Any]:
        batch = self.tokenizer([self.prefix + t for t in texts], return_tensors="pt",
                               padding=True)
        return {k: v.to(self.device) for k, v in batch.items()}

    def generate(self, texts: Sequence[str],
                 overrides: Mapping[str, Any] | None = None) -> list[Generated]:
        """Translate one batch with padding, under ``torch.inference_mode()``.

        ``overrides`` (``Engine.generate``) replace settings for this call only.
        """
        import torch
        from transformers.modeling_outputs import BaseModelOutput

        if not texts:
            return []
        batch = self._encode(texts)
        kwargs = self.generation.generate_kwargs()
        kwargs.update(check_overrides(overrides))
        positions = int(getattr(self.model.config, "max_position_embeddings", 0) or 0)
        if positions:  # never past the position table's end
            kwargs["max_new_tokens"] = min(kwargs["max_new_tokens"], positions - 1)
            if "min_new_tokens" in kwargs:
                kwargs["min_new_tokens"] = min(kwargs["min_new_tokens"], kwargs["max_new_tokens"])
        with torch.inference_mode():
            states = self.model.get_encoder()(**batch).last_hidden_state
            # A fresh wrapper each time: generate() expands it for beams in place.
            out = self.model.generate(**batch, encoder_outputs=BaseModelOutput(states),
                                      **kwargs)
        eos = self.model.generation_config.eos_token_id
        eos_ids = set(eos if isinstance(eos, list) else [eos])
        special = set(self.tokenizer.all_special_ids)
        texts_out = self.tokenizer.batch_decode(out, skip_special_tokens=True)
        limit = kwargs["max_new_tokens"]
        targets, results = [], []
        for row, text in zip(out.tolist(), texts_out, strict=True):
            generated = row[1:]  # drop the decoder start token
            ends = [i for i, tok in enumerate(generated) if tok in eos_ids]
            # No EOS, or one forced into the very last slot: the output was cut short.
            hit = len(generated) >= limit and (not ends or ends[0] >= limit - 1)
            content = generated[:ends[0]] if ends else generated
            targets.append(generated[:ends[0] + 1] if ends else generated)
            count = sum(1 for tok in content if tok not in special)
            results.append(Generated(text.strip(), hit, count))
        if not self.scores:
            return results
        scores = self._mean_log_probs(states, batch["attention_mask"], targets)
        return [dataclasses.replace(r, score=s) for r, s in zip(results, scores, strict=True)]

    def score(self, sources: Sequence[str], outputs: Sequence[str]) -> list[float | None]:
        """Mean log-probability per token (EOS included) of each output, forced.

        ``None`` for an output longer than the position table (it cannot be scored
        whole, and a part's score would not be its score).
        """
        import torch

        if not sources:
            return []
        batch = self._encode(sources)
        targets = self.tokenizer(text_target=list(outputs), add_special_tokens=True)
        positions = int(getattr(self.model.config, "max_position_embeddings", 0) or 0)
        ids = [row if not positions or len(row) < positions else []  # [] scores None
               for row in targets["input_ids"]]
        with torch.inference_mode():
            states = self.model.get_encoder()(**batch).last_hidden_state
        return self._mean_log_probs(states, batch["attention_mask"], ids)

    def _mean_log_probs(self, states: Any, mask: Any, targets: Sequence[Sequence[int]],
                        ) -> list[float | None]:
        """Teacher-forced mean log-probability of each target (ids, EOS included).

        Rows go through in chunks so that the logits (rows x length x vocabulary)
        stay under about 128 MB.
        """
        import torch
        from transformers.modeling_outputs import BaseModelOutput

        config = self.model.config
        start = config.decoder_start_token_id
        if start is None:
            start = self.model.generation_config.decoder_start_token_id
        width = max(1, *(len(t) for t in targets))
        vocab = int(config.vocab_size)
        step = max(1, (1 << 25) // (width * vocab))
        scores: list[float | None] = []
        for first in range(0, len(targets), step):
            rows = targets[first:first + step]
            decoder = torch.full((len(rows), width), config.pad_token_id or 0, dtype=torch.long)
            labels = torch.full((len(rows), width), -100, dtype=torch.long)
            decoder[:, 0] = start
            for i, ids in enumerate(rows):
                decoder[i, 1:len(ids)] = torch.tensor(ids[:-1], dtype=torch.long)
                labels[i, :len(ids)] = torch.tensor(ids, dtype=torch.long)
            with torch.inference_mode():
                logits = self.model(encoder_outputs=BaseModelOutput(states[first:first + step]),
                                    attention_mask=mask[first:first + step],
                                    decoder_input_ids=decoder.to(self.device)).logits
                log_probs = logits.float().log_softmax(-1).cpu()
            valid = labels != -100
            picked = log_probs.gather(-1, labels.clamp(min=0).unsqueeze(-1)).squeeze(-1)
            sums = (picked * valid).sum(1).tolist()
            counts = valid.sum(1).tolist()
            scores += [total / n if n else None for total, n in zip(sums, counts, strict=True)]
        return scores
