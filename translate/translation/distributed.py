"""Running the model on a Ray cluster: Ray Data ``map_batches`` over an actor pool.

Only the model steps are distributed: first generations, the retries of segments that
fail a check (the ``[retry]`` settings travel with the call) and the scoring of both
candidates. The driver lists the inputs, answers cache hits
before anything is shipped, streams the misses through a pool of actors (each loads
the model once, with ``num_gpus`` when the cluster has GPUs), and writes every batch
that comes back to the cache itself: one writer, so no entry is lost or corrupted, and
an interrupted run resumes from the cache like a local one. Actors run the same engine
and the same batching code as a local run, so outputs are byte-identical and cache
entries are shared both ways.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any

from translate.errors import UsageError
from translate.models.engines.base import BatchStats, Generated
from translate.models.pool import ModelPool
from translate.models.registry import ModelSpec
from translate.models.translator import RunSettings, Translator

_STATS = [f.name for f in fields(BatchStats)]
# The models of this process when it hosts actors: a worker process Ray gives a later
# actor of the same model loads nothing again.
ACTOR_POOL = ModelPool(max_loaded=1)


class TranslateActor:
    """A Ray Data callable class: loads the model once, translates or scores batches of rows.

    A batch with a ``hyp`` column is scored (``score`` column); any other is translated
    with the actor's ``overrides`` (``output``, ``score``, ``limit`` columns).
    """

    def __init__(self, spec: ModelSpec, settings: RunSettings, task: str, cpus: float,
                 overrides: str = "") -> None:
        os.environ.setdefault("TRANSLATE_THREADS", str(max(1, int(cpus))))
        self.translator = Translator(spec, settings, task=task)
        self.overrides: dict[str, Any] | None = json.loads(overrides) if overrides else None
        ACTOR_POOL.use(self.translator)  # load once, when the actor starts
        self.worker = f"{os.uname().nodename}:{os.getpid()}"

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        """Translate the ``text`` column (or score ``hyp`` against it); add counters."""
        texts = [str(t) for t in batch["text"]]
        if "hyp" in batch:
            scores = _score(self.translator, texts, [str(h) for h in batch["hyp"]])
            return {"index": batch["index"], "score": _floats(scores)}
        before = replace(self.translator.stats)
        done = dict(_generate(self.translator, texts, self.overrides))
        rows: dict[str, Any] = {"text": texts, "output": [done[t].text for t in texts],
                                "score": _floats([done[t].score for t in texts]),
                                "limit": [done[t].hit_length_limit for t in texts],
                                # words the engine did not know, one a line ("": none)
                                "unknown": ["\n".join(done[t].unknown) for t in texts],
                                "worker": [self.worker] * len(texts)}
        for name in _STATS:  # the batch's counters ride on its first row
            spent = getattr(self.translator.stats, name) - getattr(before, name)
            rows[f"stat_{name}"] = [spent] + [0] * (len(texts) - 1)
        return rows


def _generate(translator: Translator, texts: list[str], overrides: dict[str, Any] | None,
              ) -> Iterator[tuple[str, Generated]]:
    ACTOR_POOL.use(translator)
    for part in translator.translate_scored(texts, overrides):
        yield from part.items()


def _score(translator: Translator, sources: list[str], outputs: list[str]) -> list[float | None]:
    ACTOR_POOL.use(translator)
    return translator.score(sources, outputs)


def _floats(scores: Sequence[float | None]) -> list[float]:
    """Scores as a float column (``None`` travels as NaN)."""
    return [math.nan if s is None else float(s) for s in scores]


def _score_of(value: Any) -> float | None:
    number = float(value)
    return None if math.isnan(number) else number


@dataclass
class RayRunner:
    """Runs translators' misses on Ray; plugs in where ``Router.translate`` would.

    Attributes:
        address: ``local`` starts a Ray instance on this machine; ``auto`` or
            ``ray://host:10001`` joins an existing cluster.
        actors: Actors in the pool (each holds one copy of the model).
        cpus_per_actor: CPUs each actor reserves (and uses as threads).
        gpus_per_actor: GPUs each actor reserves; ``None``: one if the cluster has GPUs.
    """

    address: str = "local"
    actors: int = 2
    cpus_per_actor: float = 1.0
    gpus_per_actor: float | None = None
    workers: set[str] = field(default_factory=set)

    def start(self) -> None:
        """Connect to (or start) Ray."""
        try:
            import ray
        except ImportError as exc:
            raise UsageError("Ray is not installed",
                             "pip install 'folder-translate[ray]'") from exc
        if not ray.is_initialized():
            kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False,
                                      "ignore_reinit_error": True}
            if self.address != "local":
                kwargs["address"] = self.address
            ray.init(**kwargs)
        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = False
        # Dispatch only once every actor holds its model, so work spreads over all of them.
        context.wait_for_min_actors_s = 3600

    def _gpus(self) -> float:
        if self.gpus_per_actor is not None:
            return self.gpus_per_actor
        import ray

        return 1.0 if ray.cluster_resources().get("GPU", 0) >= 1 else 0.0

    def _map(self, translator: Translator, rows: list[dict[str, Any]],
             overrides: Mapping[str, Any] | None = None) -> Any:
        """``rows`` through a pool of actors of ``translator``'s model."""
        import ray

        self.start()
        size = max(1, min(4 * translator.spec.batch_size, math.ceil(len(rows) / self.actors)))
        dataset = ray.data.from_items(rows, override_num_blocks=max(1, math.ceil(
            len(rows) / size)))
        return dataset.map_batches(
            TranslateActor, batch_size=size, batch_format="numpy",
            fn_constructor_kwargs={"spec": translator.spec, "settings": translator.settings,
                                   "task": translator.task, "cpus": self.cpus_per_actor,
                                   "overrides": json.dumps(dict(overrides or {}),
                                                           sort_keys=True)},
            compute=ray.data.ActorPoolStrategy(size=self.actors,
                                               max_tasks_in_flight_per_actor=1),
            num_cpus=self.cpus_per_actor, num_gpus=self._gpus())

    def __call__(self, translator: Translator, texts: Sequence[str],
                 overrides: Mapping[str, Any] | None = None,
                 ) -> Iterator[dict[str, Generated]]:
        """Translate ``texts`` on the actor pool, yielding results as batches return."""
        rows = [{"text": t} for t in dict.fromkeys(texts)]
        for batch in self._map(translator, rows, overrides).iter_batches(
                batch_size=None, batch_format="numpy"):
            stats = BatchStats(**{n: int(sum(batch[f"stat_{n}"])) for n in _STATS})
            translator.stats.add(stats)
            self.workers.update(str(w) for w in batch["worker"])
            yield {str(t): Generated(str(o), bool(lim), score=_score_of(s),
                                     unknown=tuple(w for w in str(u).split("\n") if w))
                   for t, o, s, lim, u in zip(batch["text"], batch["output"], batch["score"],
                                              batch["limit"], batch["unknown"], strict=True)}

    def score(self, translator: Translator, sources: Sequence[str],
              outputs: Sequence[str]) -> list[float | None]:
        """Score ``outputs`` as translations of ``sources`` on the actor pool."""
        rows = [{"index": i, "text": s, "hyp": o}
                for i, (s, o) in enumerate(zip(sources, outputs, strict=True))]
        found: dict[int, float | None] = {}
        if rows:
            for batch in self._map(translator, rows).iter_batches(batch_size=None,
                                                                  batch_format="numpy"):
                found.update({int(i): _score_of(s)
                              for i, s in zip(batch["index"], batch["score"], strict=True)})
        return [found[i] for i in range(len(rows))]
