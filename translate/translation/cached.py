"""One model over texts from several caches: hits first, then batched misses, stored per batch."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from translate.cache.store import Cache, Entry, signature_id
from translate.models.engines.base import Generated
from translate.models.translator import Translator
from translate.translation.checking import Checking, check_batch, checked, settle_entries
from translate.translation.runner import Runner

__all__ = ["CachedOutputs", "LimitTracker", "generate_cached"]


@dataclass
class CachedOutputs:
    """Outputs for every requested text, and which came from the cache.

    Attributes:
        outputs: Output of each text (misses are absent after a dry run).
        hits: Texts answered by a cache.
        misses: Texts that needed (or, in a dry run, would need) the model.
        entries: Each output with its quality signals.
    """

    outputs: dict[str, str]
    hits: set[str]
    misses: set[str]
    entries: dict[str, Entry] = field(default_factory=dict)


def generate_cached(translator: Translator, needs: Mapping[Cache | None, set[str]],
                    run: Runner, *, force: bool = False, dry_run: bool = False,
                    on_batch: Callable[[int], None] | None = None,
                    checking: Checking | None = None,
                    overrides: Mapping[str, Any] | None = None) -> CachedOutputs:
    """Answer ``needs`` (texts per cache) from the caches, then the model.

    Each text goes to the model at most once, even when several caches lack it; every
    finished batch is checked (and its failures retried) with ``checking``, then stored
    in each cache that asked for its texts before the next batch starts, so an
    interruption loses at most the batch in flight.

    Args:
        translator: The model (loaded only if there are misses).
        needs: For each cache (``None``: no cache), the texts wanted.
        run: Runs the model over texts, yielding results batch by batch.
        force: Ignore cached entries (they are overwritten).
        dry_run: Look up only; never run the model.
        on_batch: Called with the number of texts each finished batch completed.
        checking: Checks and retry of translations (``None``: none, e.g. summaries).
        overrides: ``generate()`` settings for these outputs only (a chunk summary's
            share of the length); part of their cache signature.
    """
    signature = translator.signature()
    if overrides:
        signature = {**signature, "generation": {**signature["generation"], **overrides}}
    sig_id = signature_id(signature)
    checking = checking if checking is not None and checked(translator) else None
    entries: dict[str, Entry] = {}
    missing: dict[Cache, set[str]] = {}
    wanted: set[str] = set()
    for cache, texts in needs.items():
        wanted |= texts
        if cache is None:
            continue
        cache.register(signature)
        found = {} if force else cache.get_entries(sig_id, texts)
        if checking is not None:
            found, again = settle_entries(translator, found, checking)
            if again and not dry_run:
                cache.put_many(sig_id, again)
        entries.update(found)
        missing[cache] = texts - found.keys()
    hits = set(entries)
    misses = wanted - hits
    if misses and not dry_run:
        for batch in run(translator, sorted(misses), overrides):
            done = (check_batch(translator, batch, checking, run) if checking is not None
                    else {k: Entry(g.text, g.score) for k, g in batch.items()})
            for cache, lacking in missing.items():
                cache.put_many(sig_id, {k: v for k, v in done.items() if k in lacking})
            entries.update(done)
            if on_batch:
                on_batch(len(done))
    if not dry_run:  # texts one cache lacked but another cache had
        for cache, lacking in missing.items():
            borrowed = {k: entries[k] for k in lacking & hits}
            if borrowed:
                cache.put_many(sig_id, borrowed)
    return CachedOutputs({k: e.output for k, e in entries.items()}, hits, misses, entries)


class LimitTracker:
    """A runner that notes which outputs stopped at the length limit (``max_new_tokens``).

    Each ``Generated`` says whether it stopped there, so the count per text is exact.
    """

    def __init__(self, runner: Runner) -> None:
        self.runner = runner
        self.limited: dict[str, bool] = {}

    def __call__(self, translator: Translator, texts: Sequence[str],
                 overrides: Mapping[str, Any] | None = None,
                 ) -> Iterator[dict[str, Generated]]:
        """The runner, noting each output's length-limit flag."""
        for batch in self.runner(translator, texts, overrides):
            self.limited.update({text: g.hit_length_limit for text, g in batch.items()})
            yield batch

    def score(self, translator: Translator, sources: Sequence[str],
              outputs: Sequence[str]) -> list[float | None]:
        """The runner's scores (``Runner.score``)."""
        return self.runner.score(translator, sources, outputs)

    def limited_among(self, texts: set[str]) -> int:
        """How many of ``texts`` stopped at the length limit in this tracker's runs."""
        return sum(self.limited.get(text, False) for text in texts)
