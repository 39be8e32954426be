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
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from translate.errors import ModelUnavailableError
from translate.models.engines.base import Generated
from translate.models.engines.codecs import load_codec, position_limit
from translate.models.engines.hf import thread_count
from translate.models.hub import ResolvedModel
from translate.models.loading import load_failure, read_config, require_weights, unsafe_pickle
from translate.models.registry import ModelSpec

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
        # Beam search keeps num_beams hypotheses per sentence: split a batch so that
        # sentences x beams stays within twice batch_size, which bounds memory (measured
        # in docs/benchmarks.md: beam 4 at 32 sentences a call costs 180 MB more).
        self.max_rows = max(1, 2 * spec.batch_size // max(1, spec.generation.num_beams))
        self.path = converted_model(resolved, compute_type)
        self.translator: Any = ctranslate2.Translator(
            str(self.path), device=device, compute_type=compute_type,
            intra_threads=thread_count(), inter_threads=1)
        folder = Path(resolved.location)
        self.codec = load_codec(folder)
        self.positions = position_limit(folder)
        limit = min(filter(None, (self.codec.model_max_length, self.positions)))
        self.forced_prefix, self.forced_eos = forced_ends(folder, self.path)
        self.max_input_tokens = min(spec.max_input_tokens or limit, limit)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Token counts with special tokens, as the model sees them."""
        return [len(tokens) for tokens in self.codec.tokens([self.prefix + t for t in texts])]

    def generate(self, texts: Sequence[str]) -> list[Generated]:
        """Translate one batch with ``translate_batch`` and decode."""
        gen = self.generation
        # the position table's end; a forced EOS takes the last slot
        longest = min(gen.max_new_tokens - self.forced_eos, self.positions)
        prefixes = [self.forced_prefix] * len(texts) if self.forced_prefix else None
        results = self.translator.translate_batch(
            self.codec.tokens([self.prefix + t for t in texts]), target_prefix=prefixes,
            beam_size=gen.num_beams,
            max_decoding_length=longest, min_decoding_length=min(gen.min_new_tokens, longest),
            no_repeat_ngram_size=gen.no_repeat_ngram_size, length_penalty=gen.length_penalty,
            max_batch_size=self.max_rows)
        outputs = []
        for result in results:
            tokens = result.hypotheses[0]
            text = self.codec.decode(tokens)
            count = sum(1 for tok in tokens if tok not in self.codec.special)
            outputs.append(Generated(text, len(tokens) >= longest, count))
        return outputs
