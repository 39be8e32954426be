"""Per-segment quality checks, the stronger retry settings, and choosing a candidate.

A check looks at one source segment and its translation and answers with short stable
codes (``CODES``); an empty answer means nothing suspicious was found. The checks are
deterministic and offline (language identification is py3langid's bundled model), and
every threshold is a field of ``QualityOptions``, named as its key in the ``[quality]``
table of models.toml. A segment that fails is generated once more with ``RetryOptions``
(the ``[retry]`` table); ``choose`` keeps the better candidate; what still fails is
flagged in the report and on the review page, never hidden.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from translate.formats import restore
from translate.formats.inline import TOKEN
from translate.text import entities
from translate.text.detect import DEFAULT_LANGUAGES, is_ambiguous, probability

# Stable codes (they go into caches, reports and review pages) and what each means.
CODES: dict[str, str] = {
    "repeat": "a word or phrase repeats far more often than in the source (a loop)",
    "copy": "the output is (almost) a copy of the source",
    "wrong-lang": "the output is not in the target language",
    "numbers": "a number of the source is missing or altered",
    "urls": "a URL of the source is missing or altered",
    "emails": "an e-mail address of the source is missing or altered",
    "dates": "a date of the source is missing or altered",
    "placeholders": "a placeholder such as {name} or %s is missing or altered",
    "markup": "inline formatting (<x1>...</x1>) was lost, duplicated or misnested",
    "length": "the output is empty, or much shorter or longer than usual for this pair",
    "truncated": "generation stopped at max_new_tokens: the output may be cut short",
    "roundtrip": "translated back, the output reads far from the source (low chrF)",
    "term": "a glossary term of the source is in the segment, its target not in the output",
    "names": "a protected name or kept span is missing or altered in the output",
    "untranslated": "words the engine marked unknown were left in the source or pivot "
                    "language",
}
# Bump when a check changes what it flags: entries checked by an older version are
# checked again (``translate.translation.checking``).
CHECKS_VERSION = "2"  # 2: term, names, untranslated


# Words only: punctuation runs ("...", "!!!") are how many writers type, not loops.
_TOKEN = re.compile(r"\w+")


@dataclass(frozen=True)
class QualityOptions:
    """Thresholds of the checks; each field is a key of models.toml ``[quality]``.

    Attributes:
        repeat_max_n: Longest word n-gram examined for loops.
        repeat_min_run: Back-to-back repeats of one n-gram that make a loop
            (``the the the``), when the source has fewer.
        repeat_min_count: Occurrences of one n-gram (n >= 3), anywhere in the output,
            that make a loop ...
        repeat_ratio: ... when also this many times the source's most repeated n-gram.
        copy_min_words: Sources shorter than this (in words) are never called copied:
            names, numbers and one-word headings are legitimately left as they are.
        copy_max_overlap: Share of the output's word bigrams also found in the source
            above which the output counts as a copy.
        wrong_lang_min_confidence: Confidence that the output is not in the target
            language (``1 - P(target)``) from which it is flagged (ambiguous, short
            outputs are not judged).
        length_min_chars: Sources shorter than this are not length-checked.
        length_ratio: Allowed output/source length band (characters), any pair.
        length_ratio_by_pair: Bands for given pairs, e.g. ``(("ru-en", 0.6, 2.2),)``.
        check_min_chrf: Lowest chrF on the golden sentences for ``translate models
            check`` to pass a model (``translate/model_check.py``).
        roundtrip_min_chrf: Lowest sentence chrF of a segment's back-translation
            against its source (``--check-roundtrip``); below it the segment is flagged
            ``roundtrip``.
    """

    repeat_max_n: int = 4
    repeat_min_run: int = 3
    repeat_min_count: int = 4
    repeat_ratio: float = 2.0
    copy_min_words: int = 4
    copy_max_overlap: float = 0.7
    wrong_lang_min_confidence: float = 0.9
    length_min_chars: int = 30
    length_ratio: tuple[float, float] = (0.5, 2.0)
    length_ratio_by_pair: tuple[tuple[str, float, float], ...] = ()
    check_min_chrf: float = 40.0
    roundtrip_min_chrf: float = 30.0

    def length_band(self, source_lang: str, target_lang: str) -> tuple[float, float]:
        """The allowed length ratio band for one language pair."""
        pair = f"{source_lang}-{target_lang}"
        for name, low, high in self.length_ratio_by_pair:
            if name == pair:
                return low, high
        return self.length_ratio


@dataclass(frozen=True)
class RetryOptions:
    """Stronger generation settings for a second try; keys of models.toml ``[retry]``."""

    num_beams: int = 8
    no_repeat_ngram_size: int = 4
    repetition_penalty: float = 1.2

    def generation_kwargs(self) -> dict[str, Any]:
        """The settings as ``model.generate()`` keyword arguments (same names)."""
        return {"num_beams": self.num_beams, "no_repeat_ngram_size": self.no_repeat_ngram_size,
                "repetition_penalty": self.repetition_penalty}


@dataclass(frozen=True)
class Candidate:
    """One translation of a segment with its model score and the codes it failed."""

    output: str
    score: float | None
    flags: tuple[str, ...]


def choose(candidates: Sequence[Candidate]) -> Candidate:
    """The better candidate: fewer failed checks first, then the higher score.

    A candidate without a score loses a tie to one with a score; among equals the
    earliest wins, so a retry replaces the first output only when it is better.

    Raises:
        ValueError: With no candidates.
    """
    if not candidates:
        raise ValueError("choose() needs at least one candidate")

    def key(item: tuple[int, Candidate]) -> tuple[int, int, float, int]:
        index, cand = item
        has_score = cand.score is not None
        return (len(cand.flags), 0 if has_score else 1,
                -(cand.score if cand.score is not None else 0.0), index)

    return min(enumerate(candidates), key=key)[1]


def _tokens(text: str) -> list[str]:
    return [t.casefold() for t in _TOKEN.findall(text)]


def _longest_run(tokens: list[str], max_n: int) -> int:
    """Most back-to-back repeats of any n-gram (n <= ``max_n``); O(len * max_n)."""
    best = 1 if tokens else 0
    for n in range(1, max_n + 1):
        matches = 0
        for i in range(n, len(tokens) - n + 1):
            # tokens[i:i+n] equals the n tokens before it: the period-n stretch grows.
            matches = matches + 1 if tokens[i:i + n] == tokens[i - n:i] else 0
            if matches:
                # m matches in a row span m + 2n - 1 tokens: that many whole copies.
                best = max(best, 2 + (matches - 1) // n)
    return best


def _most_common(tokens: list[str], max_n: int) -> int:
    """Occurrences of the most frequent word n-gram (3 <= n <= ``max_n``).

    Bigrams are left out: ``of the`` occurs four times in many a sound long sentence.
    """
    best = 0
    for n in range(3, max_n + 1):
        counts = Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))
        if counts:
            best = max(best, counts.most_common(1)[0][1])
    return best


def is_loop(source: str, output: str, options: QualityOptions) -> bool:
    """Whether ``output`` repeats an n-gram far more than ``source`` does."""
    src, out = _tokens(source), _tokens(output)
    run = _longest_run(out, options.repeat_max_n)
    if run >= options.repeat_min_run and run > _longest_run(src, options.repeat_max_n):
        return True
    count = _most_common(out, options.repeat_max_n)
    return (count >= options.repeat_min_count
            and count >= options.repeat_ratio * max(1, _most_common(src, options.repeat_max_n)))


def is_copy(source: str, output: str, options: QualityOptions) -> bool:
    """Whether ``output`` is (nearly) ``source`` left untranslated."""
    words = [t for t in _tokens(source) if t.isalpha()]
    if len(words) < options.copy_min_words:
        return False
    out = [t for t in _tokens(output) if t.isalpha()]
    if out == words:
        return True
    out_bigrams = list(pairwise(out))
    if not out_bigrams:
        return False
    src_bigrams = set(pairwise(words))
    shared = sum(b in src_bigrams for b in out_bigrams)
    return shared / len(out_bigrams) > options.copy_max_overlap


def is_wrong_language(output: str, target_lang: str, options: QualityOptions,
                      source_lang: str | None = None) -> bool:
    """Whether the identifier is confident that ``output`` is not in the target language.

    Confidence is ``1 - P(target)``, not the top language's probability: text in a
    language outside the candidates (Catalan, say) spreads its probability over its
    neighbours (Spanish, French, Italian), none of them confident, while English still
    gets next to none of it (benchmarks/quality_flags.py).
    """
    if is_ambiguous(output):
        return False
    languages = set(DEFAULT_LANGUAGES)
    if source_lang:
        languages.add(source_lang)
    return 1 - probability(output, target_lang, languages) >= options.wrong_lang_min_confidence


def _entity_codes(source: str, output: str, source_lang: str, target_lang: str) -> list[str]:
    codes = []
    if entities.urls(source) - entities.urls(output):
        codes.append("urls")
    if entities.emails(source) - entities.emails(output):
        codes.append("emails")
    src_dates, src_rest = entities.dates(entities.without_links(source), source_lang)
    out_dates, _ = entities.dates(entities.without_links(output), target_lang)
    # Source numbers outside dates must appear somewhere in the output, dates included:
    # a date the source pattern missed still keeps its digits in the output.
    if entities.numbers(src_rest) - entities.numbers(entities.without_links(output)):
        codes.append("numbers")
    if entities.missing_dates(src_dates, out_dates):
        codes.append("dates")
    if entities.placeholders(source) - entities.placeholders(output):
        codes.append("placeholders")
    return codes


def _bad_length(source: str, output: str, source_lang: str, target_lang: str,
                options: QualityOptions) -> bool:
    src, out = len(source.strip()), len(output.strip())
    if out == 0:  # nothing at all for a source with words is never a translation
        return any(ch.isalpha() for ch in source)
    if src < options.length_min_chars:
        return False
    low, high = options.length_band(source_lang, target_lang)
    return not low <= out / src <= high


def check_segment(source: str, output: str, *, source_lang: str, target_lang: str,
                  hit_length_limit: bool = False,
                  options: QualityOptions | None = None) -> tuple[str, ...]:
    """The codes of every check that ``output`` fails as a translation of ``source``.

    Args:
        source: The source segment.
        output: Its translation.
        source_lang: Source language code (``it``).
        target_lang: Target language code (``en``).
        hit_length_limit: Whether generation stopped at ``max_new_tokens``.
        options: Thresholds; the defaults when ``None``.

    Returns:
        Codes from ``CODES``, in that order; empty when the segment looks sound.
    """
    options = options or QualityOptions()
    found: set[str] = set()
    if not source.strip():
        return ()
    markup = False
    if TOKEN.search(source) or TOKEN.search(output):
        # The tokens' digits are no numbers of the text: the other checks read it bare.
        markup = restore.damaged(source, output)
        source, output = TOKEN.sub("", source), TOKEN.sub("", output)
    if is_loop(source, output, options):
        found.add("repeat")
    if source_lang != target_lang:
        if is_copy(source, output, options):
            found.add("copy")
        if is_wrong_language(output, target_lang, options, source_lang):
            found.add("wrong-lang")
    found.update(_entity_codes(source, output, source_lang, target_lang))
    if _bad_length(source, output, source_lang, target_lang, options):
        found.add("length")
    if hit_length_limit:
        found.add("truncated")
    if markup:
        found.add("markup")
    return tuple(code for code in CODES if code in found)
