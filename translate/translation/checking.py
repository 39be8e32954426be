"""Quality checks inside a run: check every new translation, retry failures once, flag.

Each leg of a route is checked on its own, against its own input (a pivot's first leg
``it-en`` against the Italian, its second ``en-de`` against that English): each leg is
cached on its own, so its signals are stored with its entry, and a number lost or a
wrong language in either leg is flagged by that leg. A segment's signals are those of
its legs together (``combine``).

A failing segment is generated once more with the ``[retry]`` settings, both
candidates are scored again under the base settings (so the scores compare), and
``quality.choose`` keeps the better one; what still fails keeps its codes.

Every entry records the id of the checks and retry settings it went through
(``Checking.policy``). Changing ``[quality]``, ``[retry]`` or ``--no-retry`` does not
invalidate the whole cache: an entry checked under other settings is checked again
when next used (a few milliseconds), and only an entry that was retried, or that now
fails and would be retried, goes back to the model.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field

from translate.cache.store import Entry, signature_id
from translate.models.engines import APERTIUM
from translate.models.engines.base import Generated
from translate.models.registry import Registry
from translate.models.translator import Translator
from translate.quality.checks import (
    CHECKS_VERSION,
    CODES,
    QualityOptions,
    RetryOptions,
    check_segment,
)
from translate.quality.retry import check_and_retry
from translate.translation.runner import Runner


@dataclass(frozen=True)
class Checking:
    """The checks and the retry of a run.

    Attributes:
        quality: The thresholds (``[quality]``).
        retry: The retry settings (``[retry]``); ``None``: no retry (``--no-retry``).
        roundtrip: Whether outputs are translated back and compared (``--check-roundtrip``).
    """

    quality: QualityOptions = field(default_factory=QualityOptions)
    retry: RetryOptions | None = field(default_factory=RetryOptions)
    roundtrip: bool = False

    @classmethod
    def of(cls, registry: Registry, retry: bool, roundtrip: bool) -> Checking:
        """The checking of a run: ``registry``'s tables, ``--no-retry``, ``--check-roundtrip``."""
        return cls(registry.quality(), registry.retry() if retry else None, roundtrip)

    def retries(self, translator: Translator) -> bool:
        """Whether failing outputs of ``translator`` are generated again.

        Never for rule-based Apertium legs: they have no settings, a second run gives
        the same output.
        """
        return self.retry is not None and translator.info.name != APERTIUM

    def policy(self, translator: Translator) -> str:
        """The id stored with each entry: the checks and retry settings it went through."""
        retry = asdict(self.retry) if self.retry and self.retries(translator) else None
        return signature_id({"checks": CHECKS_VERSION, "quality": asdict(self.quality),
                             "retry": retry})

    def run_id(self) -> str:
        """The id of this run's checking, recorded with each output file."""
        return signature_id({"checks": CHECKS_VERSION, "quality": asdict(self.quality),
                             "retry": asdict(self.retry) if self.retry else None,
                             "roundtrip": self.roundtrip})


def checked(translator: Translator) -> bool:
    """Whether ``translator``'s outputs are translations to check (not summaries)."""
    return translator.task == "translate" and translator.spec.key.count("-") == 1


def _languages(translator: Translator) -> tuple[str, str]:
    source, target = translator.spec.key.split("-")
    return source, target


def settle_entries(translator: Translator, found: Mapping[str, Entry],
                   checking: Checking) -> tuple[dict[str, Entry], dict[str, Entry]]:
    """Cached entries that stand under ``checking``, and those to store again.

    An entry checked under other settings is checked again: it stands, with its new
    codes, unless it was retried or now fails and would be retried (then it is a miss).

    Returns:
        The entries that stand, and among them those re-checked (to write back).
    """
    policy = checking.policy(translator)
    source_lang, target_lang = _languages(translator)
    keep: dict[str, Entry] = {}
    again: dict[str, Entry] = {}
    for text, entry in found.items():
        if entry.checked == policy:
            keep[text] = entry
            continue
        if entry.retried or translator.info.name == APERTIUM:
            continue  # Apertium's unknown words are known only from a new run (seconds)
        flags = check_segment(text, entry.output, source_lang=source_lang,
                              target_lang=target_lang,
                              hit_length_limit="truncated" in entry.flags,
                              options=checking.quality)
        if flags and checking.retries(translator):
            continue
        if "untranslated" in entry.flags:  # the engine said so when it made the output
            flags = tuple(c for c in CODES if c in flags or c == "untranslated")
        keep[text] = again[text] = Entry(entry.output, entry.score, flags, False, policy)
    return keep, again


def check_batch(translator: Translator, batch: Mapping[str, Generated], checking: Checking,
                run: Runner) -> dict[str, Entry]:
    """Check one batch of new outputs, retry the failing ones once, keep the better.

    Args:
        translator: The model that made them (its pair gives the languages).
        batch: Each source's generation.
        checking: Thresholds and retry settings.
        run: Runs the retry and the scoring.
    """
    policy = checking.policy(translator)
    source_lang, target_lang = _languages(translator)
    texts = list(batch)
    generated = [(g.text, g.score, g.hit_length_limit) for g in batch.values()]
    first = dict(zip(texts, generated, strict=True))

    def regenerate(failing: list[str]) -> list[tuple[str, float | None, bool]]:
        assert checking.retry is not None
        second: dict[str, Generated] = {}
        for part in run(translator, failing, checking.retry.generation_kwargs()):
            second.update(part)
        # a segment the retry gave no output for keeps its first: retried to itself
        return [(g.text, g.score, g.hit_length_limit) if (g := second.get(t)) is not None
                else first[t] for t in failing]

    def rescore(sources: list[str], outputs: list[str]) -> list[float | None]:
        return run.score(translator, sources, outputs)

    kept = check_and_retry(texts, generated,
                           regenerate if checking.retries(translator) else None,
                           source_lang=source_lang, target_lang=target_lang,
                           options=checking.quality, rescore=rescore)
    return {text: Entry(c.output, c.score, _with_unknown(c.flags, batch[text]), c.retried,
                        policy) for text, c in zip(texts, kept, strict=True)}


def _with_unknown(flags: tuple[str, ...], generated: Generated) -> tuple[str, ...]:
    """``flags`` and ``untranslated`` when the engine left words it did not know."""
    if not generated.unknown:
        return flags
    return tuple(code for code in CODES if code in flags or code == "untranslated")


def combine(entries: Sequence[Entry]) -> Entry:
    """One segment's signals from those of its legs (the output is the last leg's).

    Codes are joined; the score is the lowest leg's (the weakest link); retried when
    any leg was.
    """
    flags = {code for entry in entries for code in entry.flags}
    scores = [e.score for e in entries if e.score is not None]
    return Entry(entries[-1].output, min(scores) if scores else None,
                 tuple(code for code in CODES if code in flags),
                 any(e.retried for e in entries), entries[-1].checked)
