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
import os
import re
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from translate.errors import OptionTypeError, OptionValueError

# The summary methods (``translate.summaries.summarize.METHODS``; a test keeps them equal).
SUMMARY_METHODS = ("abstractive", "extractive", "textrank", "lead")
DEVICES = ("auto", "cpu", "cuda")
# Model settings applied to every language pair of a run (``None``: the registry's).
MODEL_SETTINGS = ("model", "num_beams", "max_new_tokens", "min_new_tokens",
                  "no_repeat_ngram_size", "length_penalty", "batch_size", "max_batch_tokens",
                  "max_input_tokens")

# Which layers each field reaches, so that what a lower layer needs and every pool or
# cache key are computed from ``Options`` (``layer_fields``, ``layer_key``), never listed
# by hand: ``models`` (which model and how it generates: the router's registry and
# overrides), ``engine`` (``RunSettings``: engines, device, network), ``job`` (the
# pipeline's ``JobOptions``), ``summary`` (the summariser), ``session`` (only the order of
# work: what runs, where, what is written besides the outputs). A field missing here
# fails ``tests/test_option_layers.py``; so does one that does not reach its layer.
FIELD_LAYERS: dict[str, tuple[str, ...]] = {
    "target": ("job",), "source": ("job",), "glob": ("job",), "encoding": ("job",),
    "force": ("job", "summary"), "use_cache": ("job",), "dry_run": ("job",),
    "offline": ("engine",), "models": ("models",),
    **{name: ("models",) for name in MODEL_SETTINGS},
    "device": ("engine",), "engine": ("engine",), "compute_type": ("engine",),
    "cluster": ("session",), "actors": ("session",), "summarize": ("session",),
    "summary_model": ("summary",), "summary_engine": ("engine",), "method": ("summary",),
    "max_words": ("summary",), "min_words": ("summary",), "retry": ("job",),
    "strict": ("session",), "review": ("session",), "check_roundtrip": ("job",),
    "memory": ("job",), "learn": ("session",), "max_elements": ("session",),
    "glossary": ("job",), "keep": ("job",), "keep_names": ("job",),
    "translate_sheet_names": ("job",), "ocr": ("job",),
}
LAYERS = ("models", "engine", "job", "summary", "session")
# The layers a model router (and its pool of loaded models) depends on, and a summariser.
ROUTER_LAYERS = ("models", "engine")
SUMMARIZER_LAYERS = ("models", "engine", "summary")

# The names that differ from the field's, keyed by (where, name). ``where`` is a command
# (``translate``, ``summarize``: flags without dashes, dashes as underscores) or ``job``
# (job-file keys). A negated flag maps to ``!field``.
ALIASES: dict[tuple[str, str], str] = {
    ("translate", "to"): "target",
    ("translate", "from"): "source",
    ("translate", "no_cache"): "!use_cache",
    ("translate", "no_retry"): "!retry",
    ("translate", "no_memory"): "!memory",
    ("translate", "no_keep_names"): "!keep_names",
    ("summarize", "to"): "target",
    ("summarize", "from"): "source",
    ("summarize", "no_cache"): "!use_cache",
    ("summarize", "model"): "summary_model",  # the summariser is the command's model
    ("summarize", "translation_model"): "model",
    ("job", "to"): "target",
    ("job", "from"): "source",
}

# A BCP 47 tag's shape: language (2-3 letters), then script, region and variants
# (``en``, ``pt-BR``, ``zh-Hant-TW``, ``sr-Latn``). A language code is part of every
# output's name (``X.en.txt``): nothing else (``en.summary``, ``../x``) may get there.
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z]{4})?(-(?:[A-Za-z]{2}|[0-9]{3}))?"
                          r"(-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*")

_AT_LEAST = {"num_beams": 1, "max_new_tokens": 1, "min_new_tokens": 0,
             "no_repeat_ngram_size": 0, "batch_size": 1, "max_batch_tokens": 1,
             "max_input_tokens": 2, "actors": 1, "max_words": 1, "min_words": 1,
             "max_elements": 1}


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
        memory: Answer segments from the tree's translation memory (hand corrections
            and imported TMX) before any model (``--no-memory``: off).
        learn: Before translating, store the hand edits of outputs in the translation
            memory (``translate learn``).
        max_elements: The most XML elements one document may have (``None``: 1,000,000);
            it scales the unpacked size and parts a package may have too
            (``formats.zipped.check_package``).
        glossary: Glossary files (TSV/CSV), later ones winning per term (``--glossary``,
            repeatable; ``glossary = "..."`` in models.toml and job files).
        keep: Spans never translated (``--keep``, repeatable; job files: ``keep``).
        keep_names: Keep names found by the name rule verbatim (``--no-keep-names``: off).
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
    # translation memory (issue 24): translate.translation.memory, translate.translation.learning
    memory: bool = True
    learn: bool = False
    max_elements: int | None = None
    # terms and names (translate.translation.protecting): added by issue 23
    glossary: tuple[Path, ...] = ()
    keep: tuple[str, ...] = ()
    keep_names: bool = True
    # issue 26: how formats read (XLSX sheet names, PDF OCR); in the output's record
    translate_sheet_names: bool = False
    ocr: bool = False

    def __post_init__(self) -> None:
        if isinstance(self.models, str | os.PathLike):  # a str is as good as a Path here
            object.__setattr__(self, "models", Path(self.models))
        for name, kind in (("glossary", Path), ("keep", str)):  # one value, or a list
            value = getattr(self, name)
            values = [value] if isinstance(value, str | Path) else list(value or ())
            object.__setattr__(self, name, tuple(kind(v) for v in values))
        _check_types(self)
        for name, least in _AT_LEAST.items():
            value = getattr(self, name)
            if value is not None and value < least:
                raise OptionValueError(name, f"'{name}' must be an integer of at least "
                                       f"{least}, got {value!r}")
        check_language(self.target, "--to", "target")
        if self.source != "auto":
            check_language(self.source, "--from", "source")
        if self.device not in DEVICES:
            raise OptionValueError("device", f"unknown device '{self.device}'",
                                   f"valid choices: {', '.join(DEVICES)}")
        if self.method not in SUMMARY_METHODS:
            raise OptionValueError("method", f"unknown summary method '{self.method}'",
                                   f"valid choices: {', '.join(SUMMARY_METHODS)}")
        if self.min_words is not None and self.min_words > self.max_words:
            raise OptionValueError("min_words", f"--min-words ({self.min_words}) must be "
                                   f"between 1 and --max-words ({self.max_words})")

    def replace(self, **changes: Any) -> Options:
        """A copy with ``changes`` (validated again)."""
        return dataclasses.replace(self, **changes)

    def model_overrides(self) -> dict[str, Any]:
        """The model settings this run sets (the others keep the registry's)."""
        return {name: getattr(self, name) for name in MODEL_SETTINGS
                if getattr(self, name) is not None}


_NAMES = {str: "a string", bool: "True or False", int: "an integer", float: "a number",
          Path: "a path"}


def _check_types(options: Options) -> None:
    """Raise ``OptionTypeError`` naming the first field whose value has the wrong type."""
    optional = _optional_fields()
    for name, kind in field_types().items():
        value = getattr(options, name)
        if value is None and name in optional:
            continue
        if name in _tuple_fields():  # several values, each of ``kind`` (made a tuple above)
            ok = isinstance(value, tuple) and all(isinstance(v, kind) for v in value)
        elif kind is bool:
            ok = isinstance(value, bool)
        elif kind is int:
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif kind is float:
            ok = isinstance(value, int | float) and not isinstance(value, bool)
        else:
            ok = isinstance(value, kind)
        if ok:
            continue
        if name in _AT_LEAST:
            raise OptionTypeError(name, f"'{name}' must be an integer of at least "
                                  f"{_AT_LEAST[name]}, got {value!r}")
        wanted = _NAMES.get(kind, kind.__name__) + (" or None" if name in optional else "")
        raise OptionTypeError(name, f"'{name}' must be {wanted}, got "
                              f"{type(value).__name__} {value!r}")


@functools.cache
def _tuple_fields() -> frozenset[str]:
    hints = typing.get_type_hints(Options)
    return frozenset(f.name for f in dataclasses.fields(Options)
                     if typing.get_origin(hints[f.name]) is tuple)


@functools.cache
def _optional_fields() -> frozenset[str]:
    hints = typing.get_type_hints(Options)
    return frozenset(f.name for f in dataclasses.fields(Options)
                     if type(None) in typing.get_args(hints[f.name]))


def check_language(code: object, flag: str, field: str) -> None:
    """Refuse a language code that is not shaped like a BCP 47 tag.

    Raises:
        OptionValueError: ``code`` is not a tag (``en``, ``pt-BR``, ``zh-Hant``).
    """
    if not isinstance(code, str) or LANGUAGE_TAG.fullmatch(code) is None:
        raise OptionValueError(field, f"{flag} {code!r}: not a language code (BCP 47: a "
                               "2- or 3-letter language, then an optional script and region)",
                               "use a code such as en, it, pt-BR or zh-Hant")


@functools.cache
def field_types() -> dict[str, type]:
    """Each field's value type without ``None`` (``int | None`` -> ``int``)."""
    hints = typing.get_type_hints(Options)
    out: dict[str, type] = {}
    for field in dataclasses.fields(Options):
        args = [a for a in typing.get_args(hints[field.name]) if a is not type(None)]
        out[field.name] = args[0] if args else hints[field.name]
    return out


def layer_fields(*layers: str) -> tuple[str, ...]:
    """The fields that reach any of ``layers``, in ``Options``' order.

    Raises:
        ValueError: a layer that is not in ``LAYERS``.
    """
    unknown = set(layers) - set(LAYERS)
    if unknown:
        raise ValueError(f"unknown layer(s): {', '.join(sorted(unknown))}")
    return tuple(f.name for f in dataclasses.fields(Options)
                 if set(FIELD_LAYERS[f.name]) & set(layers))


def layer_values(options: Options, *layers: str) -> dict[str, Any]:
    """The values of the fields that reach ``layers`` (a lower layer's settings)."""
    return {name: getattr(options, name) for name in layer_fields(*layers)}


def layer_key(options: Options, *layers: str) -> tuple[tuple[str, Any], ...]:
    """A hashable key of everything in ``options`` that reaches ``layers``.

    Pools and caches of objects built for those layers (routers, summarisers) are keyed
    by it, so a new field in their layers changes the key without anyone listing it.
    """
    return tuple(layer_values(options, *layers).items())


def field_for(where: str, name: str) -> str | None:
    """The field a flag (``where`` = command) or job key (``where="job"``) sets.

    Returns:
        The field name, ``!field`` for a negated flag, or ``None``: not a setting.
    """
    alias = ALIASES.get((where, name))
    if alias is not None:
        return alias
    return name if name in field_types() else None
