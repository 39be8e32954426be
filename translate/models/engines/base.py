"""The engine interface, and the batching that every engine shares.

``iter_translations`` is the preprocess -> forward -> postprocess loop: dedupe,
split what is too long, sort by length, batch under a token budget, generate, rejoin
the pieces and hand results back as each batch finishes, in order (so callers can
store them as they come). An engine with ``workers > 1`` (CTranslate2 on several
CPUs) gets that many batches at once from ``generate_ahead``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol

from translate.errors import ConfigError
from translate.text.sentences import split_long

# generate() settings a caller may override for one call (models.toml ``[retry]``):
# every GenerationOptions field, plus the repetition penalty.
OVERRIDE_NAMES = ("num_beams", "max_new_tokens", "min_new_tokens", "no_repeat_ngram_size",
                  "length_penalty", "repetition_penalty")


def check_overrides(overrides: Mapping[str, Any] | None) -> dict[str, Any]:
    """``overrides`` as a dict, after checking every name is one ``OVERRIDE_NAMES`` has.

    Raises:
        ConfigError: an unknown setting name (a typo in models.toml ``[retry]``).
    """
    unknown = sorted(set(overrides or {}) - set(OVERRIDE_NAMES))
    if unknown:
        raise ConfigError(f"unknown generation setting(s): {', '.join(unknown)}",
                          f"use one of: {', '.join(OVERRIDE_NAMES)}")
    return dict(overrides or {})


class Engine(Protocol):
    """What the pipeline needs from a loaded model.

    Attributes:
        name: The backend's name (``transformers``, ``ctranslate2``, ...).
        max_input_tokens: The longest input, in tokens, that ``generate`` accepts whole.

    An engine may also have ``workers``: how many ``generate`` calls it runs at once
    from several threads (1 when absent).

    """

    name: str
    max_input_tokens: int

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """The model input length of each text, special tokens included."""
        ...

    def generate(self, texts: Sequence[str],
                 overrides: Mapping[str, Any] | None = None) -> list[Generated]:
        """Run the model on one batch (already sized to fit) and decode.

        Args:
            texts: The batch.
            overrides: ``generate()`` settings for this call only, named as in
                models.toml (``num_beams``, ``no_repeat_ngram_size``,
                ``repetition_penalty`` or any ``GenerationOptions`` field); engines
                without such settings ignore them.
        """
        ...

    def score(self, sources: Sequence[str], outputs: Sequence[str]) -> list[float | None]:
        """The mean log-probability per token (EOS included) of each given output.

        Forced decoding under the base settings: the same definition as
        ``Generated.score``, so candidates generated under other settings compare.
        ``None`` for an engine without model probabilities.
        """
        ...


@dataclass(frozen=True)
class Generated:
    """One model output.

    Attributes:
        text: The decoded text.
        hit_length_limit: Whether generation stopped at ``max_new_tokens``.
        tokens: How many tokens were generated (special tokens excluded).
        marks: Unknown-word and generation marks removed from the text (Apertium).
        redone: Whether the text was redone alone after its batch came back miscounted.
        unknown: Words the engine marked as unknown and left untranslated (Apertium's
            ``*word``), lower-case ones only: a capitalised unknown word is most often a
            name, rightly left as it is.
        score: The model's confidence: the mean log-probability per generated token,
            the final EOS included (``sum(log p) / count``), from the log-softmax of
            the model's logits; ``None`` for engines without probabilities (Apertium).
    """

    text: str
    hit_length_limit: bool = False
    tokens: int = 0
    marks: int = 0
    redone: bool = False
    score: float | None = None
    unknown: tuple[str, ...] = ()


def merge_pieces(pieces: Sequence[Generated]) -> Generated:
    """One segment's result from the results of its pieces (``split_long``).

    Texts are joined with a space; the score is the mean of the pieces' scores
    weighted by their scored tokens (``tokens + 1``: the EOS each piece ends with),
    so it stays a mean per token; ``None`` if any piece has none.
    """
    if len(pieces) == 1:
        return pieces[0]
    scores = [p.score for p in pieces if p.score is not None]
    score = None
    if len(scores) == len(pieces):
        weights = [p.tokens + 1 for p in pieces]
        score = sum(w * s for w, s in zip(weights, scores, strict=True)) / sum(weights)
    return Generated(" ".join(p.text for p in pieces),
                     hit_length_limit=any(p.hit_length_limit for p in pieces),
                     tokens=sum(p.tokens for p in pieces), marks=sum(p.marks for p in pieces),
                     redone=any(p.redone for p in pieces), score=score,
                     unknown=tuple(w for p in pieces for w in p.unknown))


@dataclass
class BatchStats:
    """Counters of one run through ``iter_translations`` (they add up across runs)."""

    segments: int = 0
    pieces: int = 0
    resplit: int = 0
    batches: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    truncated_tokens: int = 0
    length_limited: int = 0
    unknown_words: int = 0
    redone_segments: int = 0

    def add(self, other: BatchStats) -> None:
        """Add another run's counters to these."""
        for name, value in vars(other).items():
            setattr(self, name, getattr(self, name) + value)

    def since(self, earlier: BatchStats | None) -> BatchStats:
        """What these counters gained since ``earlier`` (a copy taken then)."""
        if earlier is None:
            return BatchStats(**vars(self))
        return BatchStats(**{k: v - getattr(earlier, k) for k, v in vars(self).items()})

    def as_dict(self) -> dict[str, Any]:
        """The counters as a plain dict (for reports)."""
        return dict(vars(self))


@dataclass
class _Pending:
    """One distinct text on its way through the batches: its pieces, their outputs so far."""

    text: str
    pieces: list[str] = field(default_factory=list)
    outputs: dict[int, Generated] = field(default_factory=dict)


def plan_batches(lengths: Sequence[int], batch_size: int, max_batch_tokens: int,
                 ) -> list[list[int]]:
    """Group indices into batches, longest first, under a padded-token budget.

    A batch's cost is ``len(batch) * longest``, since every row is padded to the
    longest. Sorting by length keeps padding (wasted compute) small.

    Returns:
        Lists of indices into ``lengths``; every index appears exactly once.

    """
    order = sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))
    batches: list[list[int]] = []
    current: list[int] = []
    longest = 0
    for index in order:
        size = lengths[index]
        width = max(longest, size)
        full = len(current) >= batch_size or width * (len(current) + 1) > max_batch_tokens
        if current and full:
            batches.append(current)
            current, width = [], size
        current.append(index)
        longest = width
    if current:
        batches.append(current)
    return batches


def spread(batches: list[list[int]], workers: int) -> list[list[int]]:
    """Split the largest batches until every worker has one (when there are enough rows).

    A short run (one document: one batch) would otherwise keep all but one worker idle.
    Halves of a length-sorted batch stay sorted, so padding does not grow.
    """
    batches = list(batches)
    while len(batches) < workers:
        largest = max(range(len(batches)), key=lambda i: len(batches[i]), default=None)
        if largest is None or len(batches[largest]) < 2:
            break
        rows = batches[largest]
        half = (len(rows) + 1) // 2
        batches[largest:largest + 1] = [rows[:half], rows[half:]]
    return batches


def generate_ahead(generate: Callable[[list[str]], list[Generated]],
                   batches: Iterator[list[str]], workers: int,
                   ) -> Iterator[list[Generated]]:
    """``generate`` (one engine call) over ``batches``, yielding outputs in the batches' order.

    With ``workers > 1``, up to ``workers + 1`` batches are in flight on a thread pool
    (the engine releases the GIL while it computes), so the workers stay busy while the
    caller stores a finished batch. Memory stays bounded by that depth; an interruption
    loses at most those batches. With one worker it is a plain loop.
    """
    if workers <= 1:
        for texts in batches:
            yield generate(texts)
        return
    pool = ThreadPoolExecutor(workers, thread_name_prefix="translate-batch")
    ahead: deque[Future[list[Generated]]] = deque()
    try:
        for texts in batches:
            ahead.append(pool.submit(generate, texts))
            if len(ahead) > workers:
                yield ahead.popleft().result()
        while ahead:
            yield ahead.popleft().result()
    finally:  # on an early exit, drop what has not started rather than wait for it
        pool.shutdown(wait=False, cancel_futures=True)


def iter_translations(engine: Engine, texts: Sequence[str], batch_size: int,
                      max_batch_tokens: int, stats: BatchStats | None = None,
                      ) -> Iterator[dict[str, str]]:
    """Translate ``texts``, yielding ``{source: output}`` for texts completed by each batch.

    Identical texts are translated once. A text longer than ``engine.max_input_tokens``
    is split (``split_long``) and its pieces' outputs joined with a space, so no input
    token is ever truncated.
    """
    for done in iter_generated(engine, texts, batch_size, max_batch_tokens, stats):
        yield {source: result.text for source, result in done.items()}


def iter_generated(engine: Engine, texts: Sequence[str], batch_size: int,
                   max_batch_tokens: int, stats: BatchStats | None = None,
                   overrides: Mapping[str, Any] | None = None,
                   ) -> Iterator[dict[str, Generated]]:
    """Like ``iter_translations``, yielding each text's ``Generated`` (pieces merged).

    ``overrides`` go to every ``engine.generate`` call of this run only (see
    ``Engine.generate``); split texts are merged by ``merge_pieces``.
    """
    stats = stats if stats is not None else BatchStats()
    pending = {text: _Pending(text) for text in dict.fromkeys(texts)}
    stats.segments += len(pending)
    limit = engine.max_input_tokens
    flat: list[tuple[_Pending, int]] = []
    for job in pending.values():
        job.pieces = split_long(job.text, engine.count_tokens, limit)
        stats.resplit += len(job.pieces) > 1
        flat.extend((job, i) for i in range(len(job.pieces)))
    if not flat:
        return
    pieces = [job.pieces[i] for job, i in flat]
    lengths = engine.count_tokens(pieces)
    stats.pieces += len(pieces)
    stats.input_tokens += sum(lengths)
    stats.truncated_tokens += sum(max(0, n - limit) for n in lengths)
    workers = getattr(engine, "workers", 1)
    batches = spread(plan_batches(lengths, batch_size, max_batch_tokens), workers)
    texts_of = ([pieces[i] for i in batch] for batch in batches)

    def generate(batch_texts: list[str]) -> list[Generated]:
        # Engines written before overrides existed take one argument.
        return (engine.generate(batch_texts, overrides) if overrides
                else engine.generate(batch_texts))

    for batch, outputs in zip(batches, generate_ahead(generate, texts_of, workers),
                              strict=True):
        stats.batches += 1
        done: dict[str, Generated] = {}
        for index, result in zip(batch, outputs, strict=True):
            job, piece = flat[index]
            job.outputs[piece] = result
            stats.length_limited += result.hit_length_limit
            stats.output_tokens += result.tokens
            stats.unknown_words += result.marks
            stats.redone_segments += result.redone
            if len(job.outputs) == len(job.pieces):
                done[job.text] = merge_pieces([job.outputs[i] for i in range(len(job.pieces))])
        if done:
            yield done
