"""``Options``: every setting of a run, with one name everywhere.

A field's name is the job-file key, the ``models.toml`` key and the ``generate()``
keyword where those exist, and the CLI flag with dashes (``num_beams``,
``--num-beams``). The few names that cannot be the same everywhere are listed in
``ALIASES``, the one table of exceptions; ``tests/test_options_drift.py`` fails when the
CLI, the job files or the registry name a setting that is not a field here.

This module is in the ground layer: it imports only the standard library and
``translate.errors``.
"""

from __future__ import annotations

import dataclasses
import functools
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from translate.errors import UsageError

# The summary methods (``translate.text.summarize.METHODS``; a test keeps them equal).
SUMMARY_METHODS = ("abstractive", "extractive", "textrank", "lead")
DEVICES = ("auto", "cpu", "cuda")
# Model settings applied to every language pair of a run (``None``: the registry's).
MODEL_SETTINGS = ("model", "num_beams", "max_new_tokens", "min_new_tokens",
                  "no_repeat_ngram_size", "length_penalty", "batch_size", "max_batch_tokens",
                  "max_input_tokens")

# The names that differ from the field's, keyed by (where, name). ``where`` is a command
# (``translate``, ``summarize``: flags without dashes, dashes as underscores) or ``job``
# (job-file keys). A negated flag maps to ``!field``.
ALIASES: dict[tuple[str, str], str] = {
    ("translate", "to"): "target",
    ("translate", "from"): "source",
    ("translate", "no_cache"): "!use_cache",
    ("translate", "no_retry"): "!retry",
    ("summarize", "to"): "target",
    ("summarize", "from"): "source",
    ("summarize", "no_cache"): "!use_cache",
    ("summarize", "model"): "summary_model",  # the summariser is the command's model
    ("summarize", "translation_model"): "model",
    ("job", "to"): "target",
    ("job", "from"): "source",
}

_AT_LEAST = {"num_beams": 1, "max_new_tokens": 1, "min_new_tokens": 0,
             "no_repeat_ngram_size": 0, "batch_size": 1, "max_batch_tokens": 1,
             "max_input_tokens": 2, "actors": 1, "max_words": 1, "min_words": 1}


@dataclass(frozen=True)
class Options:
    """Every setting of a translation or summary run.

    Attributes:
        target: Target language code (``--to``).
        source: Source language code, or ``auto`` to detect per document and paragraph
            (``--from``).
        glob: File-name pattern inside folders (default: text files).
        encoding: Read inputs with this codec instead of detecting one.
        force: Ignore cached results and overwrite outputs.
        use_cache: Read and write the cache next to the inputs (``--no-cache``: off).
        dry_run: Plan only; load no model, write nothing.
        offline: Never use the network.
        models: A ``models.toml`` that replaces the built-in registry.
        model: A translation model (hub id or folder) for every pair of this run.
        num_beams: Beam width. This and the next eight: ``None`` keeps the registry's.
        max_new_tokens: Longest output of one sentence, in tokens.
        min_new_tokens: Shortest output of one sentence, in tokens.
        no_repeat_ngram_size: No repeated n-gram of this size in an output (0: off).
        length_penalty: Beam-search length penalty.
        batch_size: Most sentences in one ``generate()`` call.
        max_batch_tokens: Most padded input tokens in one call.
        max_input_tokens: Longest input sentence; longer ones are split.
        device: ``auto``, ``cpu`` or ``cuda``.
        engine: The translation engine (``auto``, ``transformers``, ``ctranslate2``,
            ``apertium``).
        compute_type: The translation engine's numeric type.
        cluster: Run the model on Ray (``local``, ``auto`` or ``ray://HOST:PORT``).
        actors: Ray actors, each holding one model copy.
        summarize: Also summarise (``translate --summarize``, job files).
        summary_model: The summariser (hub id or folder) for this run.
        summary_engine: The summariser's engine; ``None``: the translation engine's
            (``auto`` when that is ``apertium``).
        method: ``abstractive``, ``extractive`` (= ``textrank``) or ``lead``.
        max_words: Longest summary, in words.
        min_words: Shortest abstractive summary (``None``: 30, or ``max_words``).
        retry: Generate a segment that fails a quality check once more with the
            ``[retry]`` settings of models.toml (``--no-retry``: off).
        strict: Exit with code 1 when any flagged segment remains.
        review: Also write each input's review page (``X.txt.review.html``).
        check_roundtrip: Translate each output back and flag those far from the source
            (needs the reverse pair; costs a second model pass).
        translate_sheet_names: Translate XLSX sheet names too, and rewrite every
            reference to them (formulas, defined names, charts).
        ocr: Run ``ocrmypdf`` first on a PDF without a text layer (needs ocrmypdf and
            the language's Tesseract data).
    """

    target: str = "en"
    source: str = "auto"
    glob: str | None = None
    encoding: str | None = None
    force: bool = False
    use_cache: bool = True
    dry_run: bool = False
    offline: bool = False
    models: Path | None = None
    model: str | None = None
    num_beams: int | None = None
    max_new_tokens: int | None = None
    min_new_tokens: int | None = None
    no_repeat_ngram_size: int | None = None
    length_penalty: float | None = None
    batch_size: int | None = None
    max_batch_tokens: int | None = None
    max_input_tokens: int | None = None
    device: str = "auto"
    engine: str = "auto"
    compute_type: str = "auto"
    cluster: str | None = None
    actors: int = 2
    summarize: bool = False
    summary_model: str | None = None
    summary_engine: str | None = None
    method: str = "abstractive"
    max_words: int = 120
    min_words: int | None = None
    retry: bool = True
    strict: bool = False
    review: bool = False
    check_roundtrip: bool = False
    # issue 26: how formats read (XLSX sheet names, PDF OCR); in the output's record
    translate_sheet_names: bool = False
    ocr: bool = False

    def __post_init__(self) -> None:
        if isinstance(self.models, str):  # a str is as good as a Path here
            object.__setattr__(self, "models", Path(self.models))
        for name, least in _AT_LEAST.items():
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                      or value < least):
                raise UsageError(f"'{name}' must be an integer of at least {least}, "
                                 f"got {value!r}")
        if self.device not in DEVICES:
            raise UsageError(f"unknown device '{self.device}'",
                             f"valid choices: {', '.join(DEVICES)}")
        if self.method not in SUMMARY_METHODS:
            raise UsageError(f"unknown summary method '{self.method}'",
                             f"valid choices: {', '.join(SUMMARY_METHODS)}")
        if self.min_words is not None and self.min_words > self.max_words:
            raise UsageError(f"--min-words ({self.min_words}) must be between 1 and "
                             f"--max-words ({self.max_words})")

    def replace(self, **changes: Any) -> Options:
        """A copy with ``changes`` (validated again)."""
        return dataclasses.replace(self, **changes)

    def model_overrides(self) -> dict[str, Any]:
        """The model settings this run sets (the others keep the registry's)."""
        return {name: getattr(self, name) for name in MODEL_SETTINGS
                if getattr(self, name) is not None}


@functools.cache
def field_types() -> dict[str, type]:
    """Each field's value type without ``None`` (``int | None`` -> ``int``)."""
    hints = typing.get_type_hints(Options)
    out: dict[str, type] = {}
    for field in dataclasses.fields(Options):
        args = [a for a in typing.get_args(hints[field.name]) if a is not type(None)]
        out[field.name] = args[0] if args else hints[field.name]
    return out


def field_for(where: str, name: str) -> str | None:
    """The field a flag (``where`` = command) or job key (``where="job"``) sets.

    Returns:
        The field name, ``!field`` for a negated flag, or ``None``: not a setting.
    """
    alias = ALIASES.get((where, name))
    if alias is not None:
        return alias
    return name if name in field_types() else None
