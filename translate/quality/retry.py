"""Check every translated segment, retry the failing ones once, keep the better candidate.

The retry is one batch with the stronger ``[retry]`` settings (the caller's
``regenerate`` applies them); each failing segment then keeps whichever candidate
``quality.choose`` prefers. Whatever still fails keeps its codes: it is flagged in the
report and on the review page, never hidden or replaced by the source.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from translate.quality.checks import Candidate, QualityOptions, check_segment, choose

# What a model returns for one segment: output, score (mean log-probability, or None),
# and whether generation stopped at max_new_tokens.
Generated = tuple[str, float | None, bool]
Regenerate = Callable[[list[str]], list[Generated]]
# Scores given outputs of given sources under the base settings (forced decoding).
Rescore = Callable[[list[str], list[str]], list[float | None]]


@dataclass(frozen=True)
class Checked:
    """The translation kept for one segment, its remaining flags, and whether it was retried."""

    output: str
    score: float | None
    flags: tuple[str, ...]
    retried: bool = False


def check_and_retry(sources: Sequence[str], generated: Sequence[Generated],
                    regenerate: Regenerate | None, *, source_lang: str, target_lang: str,
                    options: QualityOptions | None = None,
                    rescore: Rescore | None = None) -> list[Checked]:
    """Check each output; regenerate the failing segments once; choose per segment.

    Args:
        sources: Source segments.
        generated: The first generation, one per source.
        regenerate: Translates a batch with the retry settings; ``None``: no retry. A
            segment it returns no output for (``None``) keeps its first output.
        source_lang: Source language code.
        target_lang: Target language code.
        options: Check thresholds.
        rescore: Scores both candidates of each retried segment again under the base
            settings, since generation with other settings scores on another scale;
            ``None``: the generation scores are compared.

    Raises:
        ValueError: When a generation's length differs from the sources'.
    """
    if len(generated) != len(sources):
        raise ValueError(f"{len(sources)} sources but {len(generated)} outputs")

    def candidate(source: str, gen: Generated) -> Candidate:
        output, score, hit_limit = gen
        flags = check_segment(source, output, source_lang=source_lang, target_lang=target_lang,
                              hit_length_limit=hit_limit, options=options)
        return Candidate(output, score, flags)

    first = [candidate(s, g) for s, g in zip(sources, generated, strict=True)]
    kept = [Checked(c.output, c.score, c.flags) for c in first]
    failing = [i for i, c in enumerate(first) if c.flags]
    if not failing or regenerate is None:
        return kept
    second = regenerate([sources[i] for i in failing])
    if len(second) != len(failing):
        raise ValueError(f"retry of {len(failing)} segments gave {len(second)} outputs")
    pairs = [(first[i], candidate(sources[i], gen)) for i, gen in zip(failing, second,
                                                                      strict=True)]
    if rescore is not None:
        texts = [sources[i] for i in failing]
        scores = rescore(texts + texts, [a.output for a, _ in pairs] + [b.output for _, b in pairs])
        pairs = [(replace(a, score=scores[n]), replace(b, score=scores[len(pairs) + n]))
                 for n, (a, b) in enumerate(pairs)]
    for i, (old, new) in zip(failing, pairs, strict=True):
        best = choose([old, new])
        kept[i] = Checked(best.output, best.score, best.flags, retried=True)
    return kept
