"""What the translation memory adds to a review page: each row's origin, and suggestions.

A row translated from the memory shows its origin (``human``, ``import``); its text comes
from the output's segments as written (``Memory.written``), since the cache holds only
model outputs. Fuzzy matches (``Memory.fuzzy``, rapidfuzz ``fuzz.ratio`` at or above
``FUZZY_THRESHOLD``) are shown beside the model's output as suggestions with their
score, never used in an output.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from translate.cache.memory import ANSWERING, FUZZY_THRESHOLD
from translate.cache.store import Cache
from translate.errors import CacheError

__all__ = ["FUZZY_THRESHOLD", "MemoryView", "memory_view"]

Suggestion = tuple[float, str, str]  # score (0-100), target, origin


@dataclass
class MemoryView:
    """Per row: the origin of its translation ('' : a model), the memory's text, suggestions."""

    origins: list[str] = field(default_factory=list)
    texts: list[str | None] = field(default_factory=list)
    suggestions: list[tuple[Suggestion, ...]] = field(default_factory=list)


def memory_view(cache: Cache | None, output: Path, record: dict[str, Any],
                segments: tuple[str, ...], langs: list[str], target: str) -> MemoryView:
    """The memory's part of the review page of ``output``'s input (empty: no memory).

    ``cache``: the tree's cache, which holds its memory (``None``: none there).
    """
    count = len(segments)
    view = MemoryView([""] * count, [None] * count, [()] * count)
    if cache is None:
        return view
    try:
        written = cache.memory.written(cache.output_key(output))
        if (written is not None and written.output_sha256 == record.get("output_sha256")
                and len(written.segments) == count):
            for i, (_, _, out, origin) in enumerate(written.segments):
                if origin in ANSWERING:
                    view.origins[i], view.texts[i] = origin, out
        for lang in set(langs) - {target}:
            texts = [s for s, lg in zip(segments, langs, strict=True) if lg == lang]
            near = cache.memory.fuzzy(lang, target, texts)
            for i, (seg, lg) in enumerate(zip(segments, langs, strict=True)):
                if lg == lang and seg in near and not view.origins[i]:
                    view.suggestions[i] = tuple((score, e.target, e.origin)
                                                for score, e in near[seg])
    except CacheError:
        return view  # the page shows what the cache had; the memory is left out
    return view
