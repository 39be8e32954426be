"""Running the model on a Ray cluster: Ray Data ``map_batches`` over an actor pool.

Only the model step is distributed. The driver lists the inputs, answers cache hits
before anything is shipped, streams the misses through a pool of actors (each loads
the model once, with ``num_gpus`` when the cluster has GPUs), and writes every batch
that comes back to the cache itself: one writer, so no entry is lost or corrupted, and
an interrupted run resumes from the cache like a local one. Actors run the same engine
and the same batching code as a local run, so outputs are byte-identical and cache
entries are shared both ways.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from translate.errors import UsageError
from translate.models.engines.base import BatchStats, iter_translations
from translate.models.pool import ModelPool
from translate.models.registry import ModelSpec
from translate.models.translator import RunSettings, Translator

_STATS = [f.name for f in fields(BatchStats)]
# The models of this process when it hosts actors: a worker process Ray gives a later
# actor of the same model loads nothing again.
ACTOR_POOL = ModelPool(max_loaded=1)


class TranslateActor:
    """A Ray Data callable class: loads the model once, translates batches of rows."""

    def __init__(self, spec: ModelSpec, settings: RunSettings, task: str, cpus: float) -> None:
        os.environ.setdefault("TRANSLATE_THREADS", str(max(1, int(cpus))))
        self.translator = Translator(spec, settings, task=task)
        ACTOR_POOL.use(self.translator)  # load once, when the actor starts
        self.worker = f"{os.uname().nodename}:{os.getpid()}"

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        """Translate the ``text`` column; add ``output``, ``worker`` and batch counters."""
        texts = [str(t) for t in batch["text"]]
        stats = BatchStats()
        done: dict[str, str] = {}
        spec = self.translator.spec
        for part in iter_translations(ACTOR_POOL.use(self.translator), texts, spec.batch_size,
                                      spec.max_batch_tokens, stats):
            done.update(part)
        rows: dict[str, Any] = {"text": texts, "output": [done[t] for t in texts],
                                "worker": [self.worker] * len(texts)}
        for name in _STATS:  # the batch's counters ride on its first row
            rows[f"stat_{name}"] = [getattr(stats, name)] + [0] * (len(texts) - 1)
        return rows


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

    def __call__(self, translator: Translator, texts: Sequence[str],
                 ) -> Iterator[dict[str, str]]:
        """Translate ``texts`` on the actor pool, yielding results as batches return."""
        import ray

        self.start()
        texts = list(dict.fromkeys(texts))
        rows = max(1, min(4 * translator.spec.batch_size, math.ceil(len(texts) / self.actors)))
        dataset = ray.data.from_items([{"text": t} for t in texts],
                                      override_num_blocks=max(1, math.ceil(len(texts) / rows)))
        results = dataset.map_batches(
            TranslateActor, batch_size=rows, batch_format="numpy",
            fn_constructor_kwargs={"spec": translator.spec, "settings": translator.settings,
                                   "task": translator.task, "cpus": self.cpus_per_actor},
            compute=ray.data.ActorPoolStrategy(size=self.actors,
                                               max_tasks_in_flight_per_actor=1),
            num_cpus=self.cpus_per_actor, num_gpus=self._gpus())
        for batch in results.iter_batches(batch_size=None, batch_format="numpy"):
            stats = BatchStats(**{n: int(sum(batch[f"stat_{n}"])) for n in _STATS})
            translator.stats.add(stats)
            self.workers.update(str(w) for w in batch["worker"])
            yield {str(t): str(o) for t, o in zip(batch["text"], batch["output"], strict=True)}
