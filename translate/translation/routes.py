"""Running routes over segments: through the caches, then the models, leg by leg.

A route is one or more translators (a pivot has two legs). The segments of many
documents that share a route go through it together: each leg answers what its
caches hold and runs the model over the rest (``generate_cached``), and the outputs
of one leg are the inputs of the next. Hits, misses and tokens are counted for the
report, per file.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence

from translate.cache.store import Cache, Entry, signature_id
from translate.formats.base import Parsed
from translate.models.routing import Route, Router
from translate.models.translator import Translator
from translate.text.segment import Segmented
from translate.translation.cached import CachedOutputs, generate_cached
from translate.translation.checking import Checking, combine
from translate.translation.planning import Plan, unavailable
from translate.translation.protecting import Protection
from translate.translation.report import FileResult, Progress, RunReport
from translate.translation.runner import Runner

# What one document asks of the routes: its segments, each one's route, its cache.
Segments = Segmented | Parsed  # anything with the segments in order
Docs = dict[int, tuple[Segments, list[Route], Cache | None]]
Outputs = dict[tuple[Route, str], str]


class RouteRunner:
    """Runs routes for a pipeline and counts what the caches and models did.

    Args:
        router: Gives the routes.
        runner: Runs a model over misses (in this process, or on a cluster).
        plan: The run's plan; models found missing are added to it.
        report: Receives the counts.
        progress: Told of every finished batch.
        target: The target language.
        force: Ignore cache hits.
        dry_run: Count only; run no model.
        checking: Checks and retry of new translations (``None``: none).
        protection: Terms and names kept through the routes (``translate.translation.protecting``).

    Attributes:
        in_flight: Segments of the route in progress that the model finished (and
            that the cache holds): counted when a run is interrupted.
        signals: After ``run``, each (route, segment)'s signals, its legs' combined.
    """

    def __init__(self, router: Router, runner: Runner, plan: Plan, report: RunReport,
                 progress: Progress, *, target: str, force: bool, dry_run: bool,
                 checking: Checking | None = None, protection: Protection | None = None,
                 ) -> None:
        self.router = router
        self.runner = runner
        self.plan = plan
        self.report = report
        self.progress = progress
        self.target = target
        self.force = force
        self.dry_run = dry_run
        self.in_flight = 0
        self.checking = checking
        self.signals: dict[tuple[Route, str], Entry] = {}
        self.protection = protection if protection is not None and protection.active else None

    def signatures(self, languages: Iterable[str]) -> dict[str, str]:
        """Signature ids of every model on the routes from ``languages`` to the target."""
        return {t.spec.key: self._signature_id(t) for lang in languages
                for t in self.router.route(lang, self.target)}

    def _signature_id(self, translator: Translator) -> str:
        """The signature id of ``translator``; in a dry run, ``missing`` for a missing model."""
        if self.dry_run and self.unavailable(translator):
            return "missing"
        return signature_id(translator.signature())

    def unavailable(self, translator: Translator) -> bool:
        """Whether ``translator``'s model is missing (remembered for the report)."""
        key = translator.spec.key
        if key not in self.plan.missing:
            problem = unavailable(translator, fetchable_only=True)
            if problem is None:
                return False
            self.plan.missing[key] = problem
        return True

    def run(self, docs: Docs, results: dict[int, FileResult] | None = None) -> Outputs:
        """Outputs for every (route, segment) of ``docs``, through cache and models.

        Args:
            docs: What each document asks for, by a key of the caller's.
            results: The file results to count hits, misses and tokens in, by the same key.
        """
        if self.protection is not None:  # terms and names as placeholders around it all
            outputs, self.signals = self.protection.around(self._run, docs, results,
                                                           lambda: self.signals)
            return outputs
        return self._run(docs, results)

    def _run(self, docs: Docs, results: dict[int, FileResult] | None) -> Outputs:
        needs: dict[Route, dict[Cache | None, set[str]]] = defaultdict(lambda: defaultdict(set))
        for seg, routes, cache in docs.values():
            for route, text in zip(routes, seg.segments, strict=True):
                needs[route][cache].add(text)
        outputs: Outputs = {}
        self.signals = {}
        for route, by_cache in needs.items():
            current = {t: t for texts in by_cache.values() for t in texts}
            legs: dict[str, list[Entry]] = {t: [] for t in current}
            # each segment's first leg the caches could not answer, and that leg's input
            missed: dict[str, tuple[Translator, str]] = {}
            for leg_no, translator in enumerate(route):
                step = {c: {current[t] for t in ts if t in current} for c, ts in by_cache.items()}
                got = self._generate(translator, step, leg_no)
                for src, mid in current.items():
                    if mid in got.entries:
                        legs[src].append(got.entries[mid])
                    if mid in got.misses:
                        missed.setdefault(src, (translator, mid))
                # a leg's input is the last leg's output: in a dry run a segment the last
                # leg missed has none, so the next legs cannot be looked up (never with the
                # source text in its place) and it stays counted as a miss
                current = {src: got.outputs[mid] for src, mid in current.items()
                           if mid in got.outputs}
            if self.dry_run:
                current.update({src: src for src in missed})
            outputs.update({(route, src): out for src, out in current.items()})
            self.signals.update({(route, src): combine(legs[src]) for src in current
                                 if route and len(legs[src]) == len(route)})
            hits = set(legs) - set(missed) if route else set()
            self._account(docs, results, route, hits, missed)
            self.in_flight = 0
        return outputs

    def _generate(self, translator: Translator, needs: dict[Cache | None, set[str]],
                  leg_no: int) -> CachedOutputs:
        if self.dry_run and self.unavailable(translator):
            texts = set().union(*needs.values())  # no signature: nothing can be a hit
            return CachedOutputs({}, set(), texts)
        return generate_cached(translator, needs, self.runner, force=self.force,
                               dry_run=self.dry_run,
                               on_batch=self._batch_done if leg_no == 0 else None,
                               checking=self.checking)

    def _batch_done(self, segments: int) -> None:
        self.in_flight += segments
        self.progress.batch_done(segments, 0)

    def _account(self, docs: Docs, results: dict[int, FileResult] | None, route: Route,
                 hits: set[str], missed: dict[str, tuple[Translator, str]]) -> None:
        """Count hits, misses and (dry run) tokens per file.

        A hit is a segment every leg's cache answered, each leg looked up with its own
        input; a miss needs a model at some leg, and its tokens are that leg's input's.
        """
        if not results or not route:
            return
        misses = set(missed)
        tokens = self._leg_tokens(missed) if self.dry_run else {}
        self.report.model_segments += len(misses)
        self.report.model_tokens += sum(tokens.values())
        for key, (seg, routes, _) in docs.items():
            mine = {t for r, t in zip(routes, seg.segments, strict=True) if r == route}
            result = results[key]
            result.cache_hits += sum(1 for r, t in zip(routes, seg.segments, strict=True)
                                     if r == route and t in hits)
            result.model_segments += len(mine & misses)
            result.model_tokens += sum(tokens.get(t, 0) for t in mine & misses)

    def _leg_tokens(self, missed: dict[str, tuple[Translator, str]]) -> dict[str, int]:
        """Input tokens of each missed segment at the leg that missed it."""
        by_leg: dict[int, tuple[Translator, set[str]]] = {}
        for translator, text in missed.values():
            by_leg.setdefault(id(translator), (translator, set()))[1].add(text)
        counted = {id(t): self._miss_tokens(t, texts) for t, texts in by_leg.values()}
        return {src: counted[id(t)][text] for src, (t, text) in missed.items()}

    def _miss_tokens(self, translator: Translator, misses: set[str]) -> dict[str, int]:
        texts = sorted(misses)
        if self.unavailable(translator):  # no tokenizer on this machine: estimate
            self.report.tokens_estimated = True
            return {text: estimate_tokens(text) for text in texts}
        return dict(zip(texts, translator.count_tokens(texts), strict=True)) if texts else {}


def outputs_of(seg: Segments, routes: Sequence[Route], outputs: Outputs) -> list[str] | int:
    """Each segment's output in order, or how many segments have none."""
    pairs = list(zip(routes, seg.segments, strict=True))
    missing = sum(1 for pair in pairs if pair not in outputs)
    return missing if missing else [outputs[pair] for pair in pairs]


def estimate_tokens(text: str) -> int:
    """A model-free guess of a text's input tokens (a dry run without the tokenizer).

    SentencePiece vocabularies of opus-mt models give about 1.5 tokens per word of a
    European language, plus the end-of-sentence token.
    """
    return math.ceil(len(text.split()) * 1.5) + 1
