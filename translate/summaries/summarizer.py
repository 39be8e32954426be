"""The summariser: chunks of many documents through one model, cached chunk by chunk.

``Summarizer`` makes summaries of English texts (abstractive through a model, or
extractive); ``translation.summary`` applies it to the files of a run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from translate.cache.store import Cache
from translate.errors import UsageError
from translate.models.engines.base import BatchStats
from translate.models.engines.codecs import load_codec, position_limit
from translate.models.registry import ModelSpec
from translate.models.routing import Router
from translate.models.translator import Translator
from translate.options import Options, layer_values
from translate.summaries.summarize import (
    Lengths,
    Summary,
    SummaryOptions,
    fit_words,
    map_reduce_many,
    summarize_extractive,
)
from translate.text.sentences import split_long
from translate.translation.cached import LimitTracker, generate_cached
from translate.translation.runner import LocalRunner, Runner
from translate.version import __version__


def summary_settings(options: Options) -> tuple[SummaryOptions, str | None, bool]:
    """The fields of ``options`` that reach the ``summary`` layer.

    Returns:
        The summary's method and length, the summariser model (``None``: the
        registry's) and whether cached summaries are ignored (``force``).
    """
    values = layer_values(options, "summary")
    model, force = values.pop("summary_model"), values.pop("force")
    return SummaryOptions(**values), model, force


def summarizer_spec(router: Router, model: str | None) -> ModelSpec:
    """The summariser's registry entry, with ``--model`` applied."""
    spec = router.registry.summarizer
    if spec is None and model is None:
        raise UsageError(f"no [summarizer] in {', '.join(router.registry.sources)}",
                         "add one to models.toml, or pass --model / --summary-model")
    spec = spec or ModelSpec(key="summarizer", model=str(model))
    return spec.replace(model=model) if model else spec


def length_overrides(length: Lengths) -> dict[str, int] | None:
    """``generate()`` settings of a chunk summary's share of the length (``None``: own)."""
    return None if length is None else {"min_new_tokens": length[0],
                                        "max_new_tokens": length[1]}


class Summarizer:
    """Summarises English texts with one model (or none, for extractive methods)."""

    def __init__(self, router: Router, options: SummaryOptions, model: str | None = None,
                 force: bool = False, runner: Runner | None = None) -> None:
        self.router = router
        self.runner: Runner = runner or LocalRunner(router.pool)
        self.options = options
        self.force = force
        low, high = options.token_limits()
        spec = summarizer_spec(router, model) if not options.extractive else None
        self.translator = (Translator(spec.replace(min_new_tokens=low, max_new_tokens=high),
                                      router.settings.for_models(), task="summarize")
                           if spec else None)
        self._input_limit: int | None = None
        self._fitted = False
        self.warnings: list[str] = []  # settings this model could not hold, for the report

    @classmethod
    def from_options(cls, router: Router, options: Options,
                     runner: Runner | None = None) -> Summarizer:
        """The summariser of ``options`` (its ``summary`` layer) over ``router``."""
        summary, model, force = summary_settings(options)
        return cls(router, summary, model, force=force, runner=runner)

    def signature(self) -> dict[str, Any]:
        """Everything that changes a summary."""
        self._fit_output()
        model = self.translator.signature() if self.translator else None
        return {"task": "summarize", "options": asdict(self.options), "model": model,
                "version": __version__}

    def input_limit(self) -> int:
        """The chunk limit, in tokens.

        The least of the registry's ``max_input_tokens`` and the model's own limits (its
        tokenizer's length and position table), so that a ``--model`` with a shorter
        input than the registry entry's gets chunks it reads whole. Read from the
        model's folder when it has a ``config.json`` (no weights loaded), else from
        the loaded engine.
        """
        assert self.translator is not None
        if self._input_limit is not None:
            return self._input_limit
        translator = self.translator
        limits = [translator.spec.max_input_tokens]
        folder = Path(translator.resolved.location)
        if translator.loaded or not (folder / "config.json").is_file():
            limits.append(self.router.pool.use(translator).max_input_tokens)
        if (folder / "config.json").is_file():
            limits += [load_codec(folder).model_max_length, position_limit(folder)]
        self._input_limit = min(limit for limit in limits if limit)
        return self._input_limit

    def _fit_output(self) -> None:
        """Cap the summary's length to what the model's input window holds (once).

        A chunk summary is summarised again with others, so the window must hold at
        least two of them: a model with a short window (``max_position_embeddings``
        256) gets shorter summaries, with a warning, rather than none.

        Raises:
            UsageError: the window cannot hold even two one-token summaries.
        """
        if self.translator is None or self._fitted:
            return
        self._fitted = True
        old = self.translator
        limit, wanted = self.input_limit(), old.spec.generation.max_new_tokens
        if limit >= 2 * wanted:
            return
        high = limit // 2
        if high < 1:
            raise UsageError(f"the summariser's input limit ({limit} tokens) is too short to "
                             "summarise anything", "use a model with a longer input")
        low = min(old.spec.generation.min_new_tokens, high)
        self.translator = Translator(old.spec.replace(min_new_tokens=low, max_new_tokens=high),
                                     self.router.settings.for_models(), task="summarize")
        self.translator.stats = old.stats  # one model's counters, whichever settings
        self.warnings.append(
            f"the summariser reads at most {limit} tokens, which must hold two summaries: "
            f"summaries are capped at {high} tokens instead of {wanted} (lower --max-words, "
            "or use a model with a longer input)")

    def summarize(self, text: str, cache: Cache | None) -> Summary:
        """Summarise one English text (chunk summaries go through ``cache``)."""
        return self.summarize_many([text], [cache])[0]

    def summarize_many(self, texts: Sequence[str], caches: Sequence[Cache | None],
                       ) -> list[Summary]:
        """Summarise English texts together: their chunks share sorted batches.

        Each level of every document goes to the model in one pass, so short chunks
        of many documents fill a batch together and a chunk that several documents
        (or levels) share is summarised once. Each summary equals the one the text
        gets alone wherever the engine's output for a chunk does not depend on the
        batch it is in (float32, tested); int8 arithmetic can differ in its last bits
        with the batch, which on a near tie changes a token, as within one text.

        Args:
            texts: The documents.
            caches: The cache of each document's chunk summaries (``None``: none).
        """
        if self.translator is None:
            return [summarize_extractive(text, self.options) for text in texts]
        translator = self.translator
        self._fit_output()
        translator = self.translator
        limit = self.input_limit()
        tracker = LimitTracker(self.runner)
        made: list[set[str]] = [set() for _ in texts]  # chunks the model made, per text

        def summarize_all(wanted: dict[int, list[str]],
                          lengths: dict[int, Lengths]) -> dict[int, list[str]]:
            outputs: dict[int, list[str]] = {}
            for length in dict.fromkeys(lengths.values()):  # one pass per length, in order
                part = {i: chunks for i, chunks in wanted.items() if lengths[i] == length}
                needs: dict[Cache | None, set[str]] = {}
                for index, chunks in part.items():
                    needs.setdefault(caches[index], set()).update(chunks)
                got = generate_cached(translator, needs, tracker, force=self.force,
                                      overrides=length_overrides(length))
                for index, chunks in part.items():
                    made[index].update(got.misses.intersection(chunks))
                    outputs[index] = [got.outputs[c] for c in chunks]
            return outputs

        generation = translator.spec.generation
        results = map_reduce_many(texts, summarize_all, translator.count_tokens, limit,
                                  max_words=self.options.max_words,
                                  summary_tokens=generation.max_new_tokens,
                                  least_tokens=generation.min_new_tokens)
        summaries = []
        for result, chunks in zip(results, made, strict=True):
            fitted, trimmed = fit_words(result.text, self.options.max_words)
            # What the engine could not re-split within its limit (at least ``limit``) it
            # cuts: counted against ``limit``, an upper bound, 0 whenever chunking worked.
            pieces = [p for c in sorted(chunks) for p in split_long(c, translator.count_tokens,
                                                                    limit)]
            over = sum(max(0, n - limit) for n in translator.count_tokens(pieces)) if (
                pieces) else 0  # an empty batch is no work
            summaries.append(replace(result, text=fitted, trimmed=trimmed, truncated_tokens=over,
                                     length_limited=tracker.limited_among(chunks)))
        return summaries

    def stats(self, since: BatchStats | None = None) -> BatchStats:
        """The summariser model's counters (all zero for extractive methods).

        Args:
            since: Earlier counters to subtract: the result is what happened after them.
        """
        now = replace(self.translator.stats) if self.translator else BatchStats()
        if since is not None:
            for name, value in vars(since).items():
                setattr(now, name, getattr(now, name) - value)
        return now
