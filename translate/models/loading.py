"""Loading a model folder: one clear message for whatever a loader raises.

A folder without weights or tokenizer files, or whose pickled weights torch refuses to
unpickle, makes transformers and CTranslate2 raise many kinds of exceptions; the user
needs the folder and the fix, not a traceback. Nothing here imports torch.
"""

from __future__ import annotations

import contextlib
import json
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from translate.errors import ModelUnavailableError, TranslateError

_WEIGHT_FILES = ("*.safetensors", "pytorch_model*.bin")
_TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "*.spm", "*.model", "vocab.*")
# Which flag set this folder is not known here, so the hint names none.
_INCOMPLETE_HINT = ("use a complete folder written by save_pretrained() (config.json, "
                    "weights, tokenizer files) as the model, or download the model again "
                    "with `translate models pull KEY`")


def require_weights(folder: Path) -> None:
    """Fail with one clear message when a model folder holds no weights file.

    Raises:
        ModelUnavailableError: naming the folder and the files looked for.

    """
    if not any(any(folder.glob(pattern)) for pattern in _WEIGHT_FILES):
        raise ModelUnavailableError(
            f"{folder}: no model weights in the folder (looked for model.safetensors "
            "and pytorch_model.bin)", _INCOMPLETE_HINT)


def read_config(folder: Path) -> dict[str, Any]:
    """A model folder's ``config.json``, or one clear error when it is missing or invalid.

    Raises:
        ModelUnavailableError: naming the file and why it cannot be read.

    """
    path = folder / "config.json"
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelUnavailableError(f"{path}: cannot read the model configuration "
                                    f"({type(exc).__name__}: {_first_line(exc)})",
                                    _INCOMPLETE_HINT) from exc
    if not isinstance(config, dict):
        raise ModelUnavailableError(f"{path}: not a model configuration (not a JSON object)",
                                    _INCOMPLETE_HINT)
    return config


def _first_line(exc: BaseException | str) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0][:200] if lines else ""


def unsafe_pickle(kind: str, detail: str) -> bool:
    """Whether a loader failed because torch's ``weights_only`` refused a pickle."""
    return kind == "UnpicklingError" or "weights only load failed" in detail.lower()


def load_failure(folder: Path, part: str, kind: str, detail: str) -> ModelUnavailableError:
    """A loader's failure as one message: which folder, what failed, how to fix it.

    Args:
        folder: The model folder being loaded.
        part: What was loaded: e.g. ``"model"`` or ``"tokenizer"``.
        kind: The exception's type name (e.g. ``UnpicklingError``).
        detail: The exception's message; only its first line is shown.

    """
    if unsafe_pickle(kind, detail):
        names = ", ".join(sorted(p.name for p in folder.glob("*.bin"))) or "the .bin weights"
        return ModelUnavailableError(
            f"{folder}: torch refused to load {names}: the pickle holds objects other than "
            "tensors, and loading them could run code (it was not loaded)",
            "use this model's model.safetensors weights, or a copy from a source you trust")
    if not any(any(folder.glob(pattern)) for pattern in _TOKENIZER_FILES):
        detail = f"no tokenizer files in the folder (looked for {', '.join(_TOKENIZER_FILES)})"
        return ModelUnavailableError(f"{folder}: cannot load the {part}: {detail}",
                                     _INCOMPLETE_HINT)
    return ModelUnavailableError(
        f"{folder}: cannot load the {part} ({kind}: {_first_line(detail)})", _INCOMPLETE_HINT)


@contextlib.contextmanager
def load_errors(folder: Path, part: str) -> Iterator[None]:
    """Turn a loader's exception into one ``ModelUnavailableError`` naming the folder.

    transformers raises ``OSError``, ``TypeError``, ``ValueError`` or torch's
    ``UnpicklingError`` (a pickle that ``weights_only`` refused, never run) for an
    incomplete or unsafe folder; the user needs the folder and the fix, not a traceback.
    Loader warnings (e.g. torch on a pickle's protocol) are noise to the user.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    except TranslateError:
        raise
    except Exception as exc:
        raise load_failure(folder, part, type(exc).__name__, str(exc)) from exc
