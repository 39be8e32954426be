"""The engine interface, and the batching that every engine shares.

``iter_translations`` is the preprocess -> forward -> postprocess loop: dedupe,
split what is too long, sort by length, batch under a token budget, generate, rejoin
the pieces and hand results back as each batch finishes, in order (so callers can
store them as they come). An engine with ``workers > 1`` (CTranslate2 on several
CPUs) gets that many batches at once from ``generate_ahead``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol

from translate.text.sentences import split_long


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

    def generate(self, texts: Sequence[str]) -> list[Generated]:
        """Run the model on one batch (already sized to fit) and decode."""
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
    """

    text: str
    hit_length_limit: bool = False
    tokens: int = 0
    marks: int = 0
    redone: bool = False


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

    def as_dict(self) -> dict[str, Any]:
        """The counters as a plain dict (for reports)."""
        return dict(vars(self))


@dataclass
class _Pending:
    """One distinct text on its way through the batches: its pieces, their outputs so far."""

    text: str
    pieces: list[str] = field(default_factory=list)
    outputs: dict[int, str] = field(default_factory=dict)


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


def generate_ahead(engine: Engine, batches: Iterator[list[str]], workers: int,
                   ) -> Iterator[list[Generated]]:
    """``engine.generate`` over ``batches``, yielding outputs in the batches' order.

    With ``workers > 1``, up to ``workers + 1`` batches are in flight on a thread pool
    (the engine releases the GIL while it computes), so the workers stay busy while the
    caller stores a finished batch. Memory stays bounded by that depth; an interruption
    loses at most those batches. With one worker it is a plain loop.
    """
    if workers <= 1:
        for texts in batches:
            yield engine.generate(texts)
        return
    pool = ThreadPoolExecutor(workers, thread_name_prefix="translate-batch")
    ahead: deque[Future[list[Generated]]] = deque()
    try:
        for texts in batches:
            ahead.append(pool.submit(engine.generate, texts))
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
    for batch, outputs in zip(batches, generate_ahead(engine, texts_of, workers), strict=True):
        stats.batches += 1
        done: dict[str, str] = {}
        for index, result in zip(batch, outputs, strict=True):
            job, piece = flat[index]
            job.outputs[piece] = result.text
            stats.length_limited += result.hit_length_limit
            stats.output_tokens += result.tokens
            stats.unknown_words += result.marks
            stats.redone_segments += result.redone
            if len(job.outputs) == len(job.pieces):
                done[job.text] = " ".join(job.outputs[i] for i in range(len(job.pieces)))
        if done:
            yield done
