"""``--check-roundtrip``: translate each output back, flag those that read far from the source.

The back-translation runs through the caches like any translation (a re-run loads no
model), on the route the router gives from the target back to the source language;
its outputs are not checked themselves. A segment whose back-translation scores
below ``[quality] roundtrip_min_chrf`` (sentence chrF against the source, sacrebleu)
gets the ``roundtrip`` code. Without a route or model back, the run goes on and a
notice says which languages were not checked.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

from translate.cache.store import Cache, Entry
from translate.errors import TranslateError
from translate.models.routing import Route, Router
from translate.quality.checks import CODES
from translate.translation.cached import generate_cached
from translate.translation.checking import Checking
from translate.translation.planning import unavailable
from translate.translation.report import RunReport
from translate.translation.runner import Runner
from translate.translation.writing import Work

Signals = dict[tuple[Route, str], Entry]


class RoundTrip:
    """Back-translates a run's outputs and adds the ``roundtrip`` code where they drift.

    Args:
        router: Gives the routes back.
        runner: Runs the models.
        report: Receives the notices (a language that could not be checked).
        target: The run's target language.
        checking: The run's checking: whether to check, and the lowest chrF that passes.
        force: Ignore cached back-translations.
    """

    def __init__(self, router: Router, runner: Runner, report: RunReport, target: str,
                 checking: Checking, force: bool = False) -> None:
        self.router = router
        self.runner = runner
        self.report = report
        self.target = target
        self.enabled = checking.roundtrip
        self.threshold = checking.quality.roundtrip_min_chrf
        self.force = force
        self.segments = 0  # back-translated (from cache or model), for the cost figure
        self._told: set[str] = set()

    def flag(self, works: Sequence[Work], signals: Signals) -> None:
        """Add ``roundtrip`` to the signals of ``works``' segments that fail it (if enabled)."""
        if not self.enabled:
            return
        needs: dict[str, dict[Cache | None, set[str]]] = defaultdict(lambda: defaultdict(set))
        pairs: dict[str, list[tuple[tuple[Route, str], str]]] = defaultdict(list)
        for work in works:
            for route, source in zip(work.routes, work.seg.segments, strict=True):
                entry = signals.get((route, source))
                if not route or entry is None:
                    continue
                lang = route[0].spec.key.split("-")[0]
                needs[lang][work.cache].add(entry.output)
                pairs[lang].append(((route, source), entry.output))
        from sacrebleu.metrics.chrf import CHRF

        chrf = CHRF()
        for lang, by_cache in needs.items():
            back = self._back(lang, by_cache)
            if back is None:
                continue
            self.segments += len(pairs[lang])
            for key, output in pairs[lang]:
                score = chrf.sentence_score(back[output], [key[1]]).score
                if score < self.threshold:
                    entry = signals[key]
                    codes = {*entry.flags, "roundtrip"}
                    signals[key] = replace(entry, flags=tuple(c for c in CODES if c in codes))

    def _back(self, lang: str, needs: dict[Cache | None, set[str]]) -> dict[str, str] | None:
        """Each output translated back into ``lang`` (``None``: no way back, told once)."""
        try:
            route = self.router.route(self.target, lang)
            missing = next((leg for leg in route if unavailable(leg) is not None), None)
        except TranslateError as exc:
            self._cannot(lang, exc.message)
            return None
        if missing is not None:
            self._cannot(lang, f"the model for {missing.spec.key} is not on this machine "
                               f"(`translate models pull {missing.spec.key}`)")
            return None
        current = {t: t for texts in needs.values() for t in texts}
        for leg in route:
            step = {cache: {current[t] for t in texts} for cache, texts in needs.items()}
            got = generate_cached(leg, step, self.runner, force=self.force)
            current = {out: got.outputs[mid] for out, mid in current.items()}
        return current

    def _cannot(self, lang: str, why: str) -> None:
        if lang not in self._told:
            self._told.add(lang)
            self.report.notices.append(
                f"round trip not checked for '{lang}' sources: no way back from "
                f"'{self.target}' ({why})")
