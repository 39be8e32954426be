"""One model over texts from several caches: hits first, then batched misses, stored per batch."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from translate.cache.store import Cache, signature_id
from translate.models.translator import Translator

Runner = Callable[[Translator, Sequence[str]], Iterator[dict[str, str]]]


@dataclass
class CachedOutputs:
    """Outputs for every requested text, and which came from the cache.

    Attributes:
        outputs: Output of each text (misses are absent after a dry run).
        hits: Texts answered by a cache.
        misses: Texts that needed (or, in a dry run, would need) the model.
    """

    outputs: dict[str, str]
    hits: set[str]
    misses: set[str]


def generate_cached(translator: Translator, needs: Mapping[Cache | None, set[str]],
                    run: Runner, *, force: bool = False, dry_run: bool = False,
                    on_batch: Callable[[int], None] | None = None) -> CachedOutputs:
    """Answer ``needs`` (texts per cache) from the caches, then the model.

    Each text goes to the model at most once, even when several caches lack it; every
    finished batch is stored in each cache that asked for its texts before the next
    batch starts, so an interruption loses at most the batch in flight.

    Args:
        translator: The model (loaded only if there are misses).
        needs: For each cache (``None``: no cache), the texts wanted.
        run: Runs the model over texts, yielding results batch by batch.
        force: Ignore cached entries (they are overwritten).
        dry_run: Look up only; never run the model.
        on_batch: Called with the number of texts each finished batch completed.
    """
    signature = translator.signature()
    sig_id = signature_id(signature)
    outputs: dict[str, str] = {}
    missing: dict[Cache, set[str]] = {}
    wanted: set[str] = set()
    for cache, texts in needs.items():
        wanted |= texts
        if cache is None:
            continue
        cache.register(signature)
        found = {} if force else cache.get_many(sig_id, texts)
        outputs.update(found)
        missing[cache] = texts - found.keys()
    hits = set(outputs)
    misses = wanted - hits
    if misses and not dry_run:
        for batch in run(translator, sorted(misses)):
            for cache, lacking in missing.items():
                cache.put_many(sig_id, {k: v for k, v in batch.items() if k in lacking})
            outputs.update(batch)
            if on_batch:
                on_batch(len(batch))
    if not dry_run:  # texts one cache lacked but another cache had
        for cache, lacking in missing.items():
            borrowed = {k: outputs[k] for k in lacking & hits}
            if borrowed:
                cache.put_many(sig_id, borrowed)
    return CachedOutputs(outputs, hits, misses)


class LimitTracker:
    """Runs a model and notes which outputs stopped at the length limit.

    The engine counts length-limited outputs per batch (``BatchStats``), not per text:
    every text of a batch in which some output stopped there is counted. That is exact
    when all of a batch's outputs stopped or none did, an upper bound otherwise (the
    report's total, from the counters themselves, stays exact).
    """

    def __init__(self, runner: Runner) -> None:
        self.runner = runner
        self.limited: dict[str, int] = {}

    def run(self, translator: Translator, texts: Sequence[str]) -> Iterator[dict[str, str]]:
        """The runner, counting each batch's length-limited outputs."""
        before = translator.stats.length_limited
        for batch in self.runner(translator, texts):
            now = translator.stats.length_limited
            self.limited.update(dict.fromkeys(batch, int(now > before)))
            before = now
            yield batch

    def limited_among(self, texts: set[str]) -> int:
        """How many of ``texts`` stopped at the length limit in this tracker's runs."""
        return sum(self.limited.get(text, 0) for text in texts)
