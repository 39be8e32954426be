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
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from translate.errors import ModelUnavailableError
from translate.models.engines.base import Generated, check_overrides
from translate.models.engines.codecs import load_codec, position_limit
from translate.models.engines.hf import thread_count
from translate.models.hub import ResolvedModel
from translate.models.loading import load_failure, read_config, require_weights, unsafe_pickle
from translate.models.registry import ModelSpec

ENV_CACHE = "TRANSLATE_CT2_CACHE"
# models.toml names of generate() settings -> translate_batch's names.
CT2_NAMES = {"num_beams": "beam_size", "max_new_tokens": "max_decoding_length",
             "min_new_tokens": "min_decoding_length",
             "no_repeat_ngram_size": "no_repeat_ngram_size",
             "length_penalty": "length_penalty", "repetition_penalty": "repetition_penalty"}

# Most workers on CPU: each holds its own activations (the weights are shared), and a
# run needs at least as many batches as workers to keep them all busy.
MAX_WORKERS = 4


def thread_layout(cpus: int | None = None) -> tuple[int, int]:
    """``(inter_threads, intra_threads)`` for CTranslate2 on CPU.

    Workers of one thread each, one batch apiece, beat one worker of several threads
    (docs/benchmarks.md, two cores: 46 against 35 sentences/s greedy); past
    ``MAX_WORKERS`` the CPUs are shared out as intra-op threads.

    Args:
        cpus: The CPUs to use; ``None``: ``$TRANSLATE_THREADS``, else the affinity mask.
    """
    cpus = max(1, cpus if cpus is not None else thread_count())
    workers = min(cpus, MAX_WORKERS)
    return workers, cpus // workers


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
    config = read_config(location)
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


# The child reports a failure as one JSON line after this marker; its traceback would
# only repeat transformers' internals at the user.
_FAILED = "translate-conversion-failed:"
_CHILD = f"""import json, sys
try:
    from ctranslate2.converters import TransformersConverter
    TransformersConverter(sys.argv[1]).convert(sys.argv[2], quantization=sys.argv[3])
except Exception as exc:
    print({_FAILED!r} + json.dumps([type(exc).__name__, str(exc)]), file=sys.stderr)
    sys.exit(1)
"""


class _ConversionFailed(Exception):
    """The child's exception: its type name and message."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(kind, detail)
        self.kind = kind
        self.detail = detail


def _convert(source: Path, out: Path, quantization: str) -> None:
    """Convert a model in a child process.

    The converter loads the full model with torch; in a child, that memory goes back to
    the system when it exits, and the translating process never imports torch.

    Raises:
        _ConversionFailed: the child's exception (or exit status), for one message.

    """
    done = subprocess.run([sys.executable, "-c", _CHILD, str(source), str(out), quantization],
                          capture_output=True, text=True)
    if done.returncode == 0:
        return
    for line in reversed(done.stderr.splitlines()):
        if line.startswith(_FAILED):
            raise _ConversionFailed(*json.loads(line[len(_FAILED):]))
    # killed, or died before reporting (e.g. out of memory)
    raise _ConversionFailed(f"exit status {done.returncode}",
                            "".join(done.stderr.splitlines()[-1:]))


def _conversion_error(folder: Path, failed: _ConversionFailed) -> ModelUnavailableError:
    error = load_failure(folder, "model for CTranslate2 conversion", failed.kind, failed.detail)
    if not unsafe_pickle(failed.kind, failed.detail):  # an unsafe pickle fails in any engine
        error.hint = f"{error.hint}; or use --engine transformers for this model"
    return error


def converted_model(resolved: ResolvedModel, quantization: str) -> Path:
    """The CTranslate2 conversion of ``resolved``, converting it on first use."""
    import ctranslate2

    key = f"{resolved.identity}|{quantization}|{ctranslate2.__version__}"
    name = Path(resolved.location).name[:40]
    target = ct2_cache_dir() / f"{name}-{hashlib.sha256(key.encode()).hexdigest()[:16]}"
    if (target / "model.bin").is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".convert-") as tmp:
        scratch = Path(tmp)
        folder = Path(resolved.location)
        require_weights(folder)
        source = _conversion_source(folder, scratch)
        try:
            _convert(source, scratch / "out", quantization)
        except _ConversionFailed as failed:  # name the folder the user gave, not the shadow
            raise _conversion_error(folder, failed) from None
        try:
            os.replace(scratch / "out", target)
        except OSError:  # another process converted it first
            if not (target / "model.bin").is_file():
                raise
            shutil.rmtree(scratch / "out", ignore_errors=True)
    return target


def forced_ends(folder: Path, converted: Path) -> tuple[list[str] | None, int]:
    """What transformers' ``generate`` forces that CTranslate2 does not, for this model.

    ``forced_bos_token_id`` (BART, from the generation config as transformers reads it)
    becomes a target prefix; ``forced_eos_token_id`` ends an output that reaches the
    length limit with EOS, so one token fewer of text: the number returned, subtracted
    from CTranslate2's decoding length so that both engines give the same tokens.
    """
    generation = folder / "generation_config.json"
    config = (json.loads(generation.read_text()) if generation.is_file()
              else read_config(folder))
    bos = config.get("forced_bos_token_id")
    prefix = None
    if bos is not None and bos == read_config(folder).get("bos_token_id"):
        token = json.loads((converted / "config.json").read_text()).get("bos_token")
        prefix = [token] if token else None
    return prefix, int(config.get("forced_eos_token_id") is not None)


class CTranslate2Engine:
    """A seq2seq model run by CTranslate2, tokenized like the model's own tokenizer.

    Marian models need neither torch nor transformers at run time (``codecs``), which
    keeps memory at about half of the transformers engine's.
    """

    name = "ctranslate2"

    def __init__(self, resolved: ResolvedModel, spec: ModelSpec, device: str = "cpu",
                 compute_type: str = "int8") -> None:
        import ctranslate2

        self.generation = spec.generation
        self.prefix = spec.source_prefix or ""
        self.batch_size = spec.batch_size
        self.scores = True  # return Generated.score (benchmarks switch it off)
        self.path = converted_model(resolved, compute_type)
        # Translation batches are many and small: workers of one thread each. The
        # summariser's are few and large (often one document's chunk, which one worker
        # cannot share): all threads on one. On CUDA one worker (stream) fills the GPU.
        several = device == "cpu" and spec.key != "summarizer"
        self.workers, threads = thread_layout() if several else (1, thread_count())
        self.max_rows = self.rows(spec.generation.num_beams)
        self.translator: Any = ctranslate2.Translator(
            str(self.path), device=device, compute_type=compute_type,
            intra_threads=threads, inter_threads=self.workers)
        folder = Path(resolved.location)
        self.codec = load_codec(folder)
        self.positions = position_limit(folder)
        limit = min(filter(None, (self.codec.model_max_length, self.positions)))
        self.forced_prefix, self.forced_eos = forced_ends(folder, self.path)
        self.max_input_tokens = min(spec.max_input_tokens or limit, limit)

    def rows(self, beams: int) -> int:
        """Most sentences one worker decodes at once (``translate_batch``'s batch size).

        Beam search keeps ``beams`` hypotheses per sentence, and each worker holds its
        own activations: one call's batch is split so that sentences x beams stays within
        twice ``batch_size`` (beam 4 at 32 sentences a call costs 180 MB more), and that
        bound is shared among the workers, so that together they hold what one worker
        held (on two workers, per worker, the default engine's peak had grown from 330
        to 470 MB: docs/benchmarks.md).
        """
        return max(1, min(self.batch_size, 2 * self.batch_size // max(1, beams))
                   // self.workers)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Token counts with special tokens, as the model sees them."""
        return [len(tokens) for tokens in self.codec.tokens([self.prefix + t for t in texts])]

    def generate(self, texts: Sequence[str],
                 overrides: Mapping[str, Any] | None = None) -> list[Generated]:
        """Translate one batch with ``translate_batch`` and decode.

        ``overrides`` (``Engine.generate``) replace settings for this call only.
        """
        gen = self.generation
        settings: dict[str, Any] = {
            "num_beams": gen.num_beams, "max_new_tokens": gen.max_new_tokens,
            "min_new_tokens": gen.min_new_tokens,
            "no_repeat_ngram_size": gen.no_repeat_ngram_size,
            "length_penalty": gen.length_penalty, **check_overrides(overrides)}
        # the position table's end; a forced EOS takes the last slot
        longest = min(settings["max_new_tokens"] - self.forced_eos, self.positions)
        settings["max_new_tokens"] = longest
        settings["min_new_tokens"] = min(settings["min_new_tokens"], longest)
        options = {CT2_NAMES[k]: v for k, v in settings.items()}
        rows = self.rows(settings["num_beams"])
        prefixes = [self.forced_prefix] * len(texts) if self.forced_prefix else None
        results = self.translator.translate_batch(
            self.codec.tokens([self.prefix + t for t in texts]), target_prefix=prefixes,
            max_batch_size=rows, return_scores=self.scores, **options)
        outputs = []
        for result in results:
            tokens = result.hypotheses[0]
            hit = len(tokens) >= longest
            score = None
            if self.scores:
                score = mean_log_prob(result.scores[0], len(tokens), not hit,
                                      settings["length_penalty"])
            count = sum(1 for tok in tokens if tok not in self.codec.special)
            outputs.append(Generated(self.codec.decode(tokens), hit, count, score=score))
        return outputs

    def score(self, sources: Sequence[str], outputs: Sequence[str]) -> list[float | None]:
        """Mean log-probability per token (EOS included) of each output (``score_batch``).

        ``score_batch`` returns one raw log-probability per target token, the ``</s>``
        it appends included, with no logits processor applied. ``None`` for an output
        longer than the position table (it cannot be scored whole).
        """
        targets = self.codec.target_tokens(outputs)
        fits = [i for i, row in enumerate(targets) if len(row) + 1 < self.positions]
        scores: list[float | None] = [None] * len(sources)
        if not fits:
            return scores
        results = self.translator.score_batch(
            self.codec.tokens([self.prefix + sources[i] for i in fits]),
            [targets[i] for i in fits], max_batch_size=self.max_rows)
        for index, result in zip(fits, results, strict=True):
            if result.log_probs:
                scores[index] = float(sum(result.log_probs)) / len(result.log_probs)
        return scores


def mean_log_prob(score: float, length: int, ended: bool, length_penalty: float,
                  ) -> float | None:
    """CTranslate2's hypothesis score as a mean log-probability per token, EOS included.

    CTranslate2 sums the step log-probabilities (log-softmax after its logits
    processors, the EOS step included) and divides by ``count ** length_penalty``,
    where ``count`` is the hypothesis length while decoding, which includes the EOS
    (``include_eos_in_hypotheses`` defaults to true in decoding.h; the EOS is popped
    only afterwards, in sequence_to_sequence.cc). ``length`` is the returned length
    (EOS removed) and ``ended`` whether an EOS was generated. ``None`` for an empty
    hypothesis.
    """
    count = length + ended
    if count == 0:
        return None
    total: float = score * float(count) ** length_penalty
    return total / count
