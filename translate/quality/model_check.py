"""`translate models check`: translate golden sentences and compare with references.

A handful of hand-written sentence pairs per language pair ship in ``translate/golden``
(``it-en.tsv``: source, tab, reference). A model passes when the chrF of its
translations reaches ``check_min_chrf`` (``[quality]`` in models.toml); a broken model,
a wrong model for the pair or a damaged download scores far below it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources

from translate.errors import TranslateError

TranslateFn = Callable[[list[str]], list[str]]
# A source sentence, its model output and its reference, for the report.
Example = tuple[str, str, str]


@dataclass(frozen=True)
class GoldenPair:
    """A source sentence and a reference translation of it."""

    source: str
    reference: str


@dataclass(frozen=True)
class CheckResult:
    """How one model did on the golden sentences of its pair."""

    pair: str
    chrf: float
    threshold: float
    sentences: int
    worst: tuple[Example, ...]

    @property
    def passed(self) -> bool:
        """Whether chrF reached the threshold."""
        return self.chrf >= self.threshold


@dataclass(frozen=True)
class ModelsCheck:
    """Results of the pairs checked and why the others were not checked."""

    results: tuple[CheckResult, ...]
    not_checked: tuple[tuple[str, str], ...]

    @property
    def exit_code(self) -> int:
        """0 when all checked pairs pass, 1 when one fails, 2 when none could be checked."""
        if not self.results:
            return 2
        return 0 if all(r.passed for r in self.results) else 1


def golden_pairs(pair: str) -> list[GoldenPair]:
    """The golden sentence pairs of ``pair``; empty when it has none."""
    path = resources.files("translate.quality") / "golden" / f"{pair}.tsv"
    if not path.is_file():
        return []
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            source, reference = line.split("\t")
            found.append(GoldenPair(source, reference))
    return found


def _sentence_chrf(output: str, reference: str) -> float:
    from sacrebleu.metrics.chrf import CHRF

    return float(CHRF().sentence_score(output, [reference]).score)


def check_pair(translate_fn: TranslateFn, pairs: Sequence[GoldenPair], threshold: float,
               name: str = "", worst: int = 2) -> CheckResult:
    """Translate the golden sources and score them against the references (corpus chrF).

    Args:
        translate_fn: Translates a batch of sentences, one output per input.
        pairs: The golden sentence pairs.
        threshold: Lowest passing chrF (0..100).
        name: The language pair, for the report.
        worst: How many of the lowest-scoring sentences to keep as examples.

    Raises:
        ValueError: With no pairs, or when ``translate_fn`` returns a different count.
    """
    from sacrebleu.metrics.chrf import CHRF

    if not pairs:
        raise ValueError("check_pair() needs golden sentence pairs")
    sources = [p.source for p in pairs]
    references = [p.reference for p in pairs]
    outputs = list(translate_fn(sources))
    if len(outputs) != len(sources):
        raise ValueError(f"{len(sources)} sentences gave {len(outputs)} translations")
    score = CHRF().corpus_score(outputs, [references]).score
    ranked = sorted(zip(sources, outputs, references, strict=True),
                    key=lambda ex: _sentence_chrf(ex[1], ex[2]))
    return CheckResult(name, float(score), threshold, len(pairs), tuple(ranked[:worst]))


def check_models(pair_names: Sequence[str],
                 translator_for: Callable[[str], TranslateFn | None],
                 threshold: float) -> ModelsCheck:
    """Check every pair that has both golden sentences and a model present.

    Args:
        pair_names: The configured pairs to check.
        translator_for: Gives a pair's translate function, or ``None`` when its model is
            not present locally; a ``TranslateError`` it raises is a reason too.
        threshold: Lowest passing chrF.
    """
    results, not_checked = [], []
    for pair in pair_names:
        golden = golden_pairs(pair)
        if not golden:
            not_checked.append((pair, "no golden sentences for this pair"))
            continue
        try:
            translate_fn = translator_for(pair)
        except TranslateError as exc:
            not_checked.append((pair, exc.message))
            continue
        if translate_fn is None:
            not_checked.append((pair, "model not present"))
            continue
        results.append(check_pair(translate_fn, golden, threshold, name=pair))
    return ModelsCheck(tuple(results), tuple(not_checked))


def format_check(check: ModelsCheck) -> str:
    """Plain text lines for the terminal: one per pair, failures with examples."""
    rows = []
    for r in check.results:
        verdict = "ok" if r.passed else "FAILED"
        rows.append(f"{r.pair}  chrF {r.chrf:5.1f} (threshold {r.threshold:g}, "
                    f"{r.sentences} sentences)  {verdict}")
        if not r.passed:
            rows += [f"    source:    {s}\n    output:    {o}\n    reference: {ref}"
                     for s, o, ref in r.worst]
    rows += [f"{pair}  not checked: {why}" for pair, why in check.not_checked]
    return "\n".join(rows)
