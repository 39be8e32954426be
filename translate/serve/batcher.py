"""One model thread, and a micro-batcher that feeds it the segments of many requests.

Requests from many clients arrive at once; running the model once per request wastes
it (a batch of 32 sentences costs little more than one). Every request hands its
segments to ``ModelWorker.translate``; the worker thread takes the first waiting
request, waits at most ``wait_s`` for more (up to ``max_segments``), and runs the
library over all of them at once, through the cache of the served folder, so hits
never reach the model and what the model makes is stored before anyone is answered.
All model and cache work (files, saved corrections) runs on this one thread: the
session's models and the SQLite connection are never used from two threads.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from translate.api import Session
from translate.cache.store import Cache, find_cache_root
from translate.errors import TranslateError
from translate.translation.job_options import job_options
from translate.translation.pipeline import Pipeline

log = logging.getLogger("translate.serve")
# A batch waits for requests still being read at most this many times the usual wait.
ARRIVING_WAITS = 10


@dataclass
class _Segments:
    segments: list[str]
    languages: list[str]
    target: str
    future: Future[list[str]] = field(default_factory=Future)


@dataclass
class _Call:
    function: Callable[..., Any]
    args: tuple[Any, ...]
    future: Future[Any] = field(default_factory=Future)


@dataclass
class Counters:
    """What the worker did since it started (``/health`` shows them)."""

    requests: int = 0
    segments: int = 0
    batches: int = 0
    largest_batch: int = 0
    model_s: float = 0.0  # seconds the model thread spent translating batches


class ModelWorker:
    """The thread that owns the session's models and the cache connection.

    Args:
        session: The library session (its model pool is the server's).
        root: The served folder; its cache serves every request (``None``: no cache).
        wait_s: The longest wait for more requests before running a batch.
        max_segments: The most segments in one batch.
        in_flight: How many requests the server is handling; those not yet handed to
            the worker are still being read, and the batch waits for them too, up to
            ``ARRIVING_WAITS`` times ``wait_s``: under load a batch then takes every
            client's request instead of splitting them into cohorts.
    """

    def __init__(self, session: Session, root: Path | None, wait_s: float = 0.01,
                 max_segments: int = 256, in_flight: Callable[[], int] | None = None) -> None:
        self.session = session
        self.in_flight = in_flight or (lambda: 0)
        self.root = root
        self.wait_s = wait_s
        self.max_segments = max_segments
        self.counters = Counters()
        self.cache: Cache | None = None
        self._queue: queue.Queue[_Segments | _Call | None] = queue.Queue()
        self._pipelines: dict[str, Pipeline] = {}
        self._thread = threading.Thread(target=self._loop, name="translate-model", daemon=True)
        self._started = False

    def start(self) -> None:
        """Start the thread (once)."""
        if not self._started:
            self._started = True
            self._thread.start()

    def close(self) -> None:
        """Finish the work queued, stop the thread, close the cache."""
        if self._started:
            self._queue.put(None)
            self._thread.join()

    def translate(self, segments: list[str], languages: list[str],
                  target: str) -> Future[list[str]]:
        """Each segment's translation into ``target``, batched with other requests'."""
        job = _Segments(segments, languages, target)
        self._queue.put(job)
        return job.future

    def call(self, function: Callable[..., Any], *args: Any) -> Future[Any]:
        """Run ``function(*args)`` on the model thread (anything that uses models or cache)."""
        job = _Call(function, args)
        self._queue.put(job)
        return job.future

    def pipeline(self, target: str) -> Pipeline:
        """The library's pipeline into ``target`` (model thread only)."""
        if target not in self._pipelines:
            options = self.session.options.replace(target=target)
            self._pipelines[target] = Pipeline(self.session.router(options),
                                               job_options(options))
        return self._pipelines[target]

    # -- the thread ----------------------------------------------------------------------

    def _loop(self) -> None:
        if self.root is not None and self.session.options.use_cache:
            try:
                self.cache = Cache.open(find_cache_root(self.root))
            except TranslateError as exc:  # served without a cache, and said so
                log.warning("translate serve: no cache: %s", exc.message)
        try:
            held: _Segments | _Call | None = None
            while True:
                job = held if held is not None else self._queue.get()
                held = None
                if job is None:
                    break
                if isinstance(job, _Call):
                    _run_call(job)
                    continue
                batch, held = self._collect(job)
                self._run_batch(batch)
        finally:
            if self.cache is not None:
                self.cache.close()

    def _collect(self, first: _Segments) -> tuple[list[_Segments], _Segments | _Call | None]:
        """``first`` and the requests that arrive within ``wait_s`` (a bounded wait)."""
        batch, count = [first], len(first.segments)
        start = time.monotonic()
        deadline, longest = start + self.wait_s, start + self.wait_s * ARRIVING_WAITS
        while count < self.max_segments:
            now = time.monotonic()
            arriving = self.in_flight() - len(batch) - self._queue.qsize()
            if now >= deadline and arriving > 0:
                deadline = min(now + self.wait_s, longest)
            left = deadline - now
            try:
                job = self._queue.get(timeout=left) if left > 0 else self._queue.get_nowait()
            except queue.Empty:
                break
            if not isinstance(job, _Segments):
                return batch, job  # a call, or the stop: after this batch
            batch.append(job)
            count += len(job.segments)
        return batch, None

    def _run_batch(self, batch: list[_Segments]) -> None:
        by_target: dict[str, list[_Segments]] = defaultdict(list)
        for job in batch:
            if job.future.set_running_or_notify_cancel():  # not given up (timed out)
                by_target[job.target].append(job)
        for target, jobs in by_target.items():
            jobs = [job for job in jobs if self._routable(job, target)]
            if not jobs:
                continue
            texts = [t for job in jobs for t in job.segments]
            langs = [lang for job in jobs for lang in job.languages]
            started = time.perf_counter()
            try:
                outputs = self.pipeline(target).translate_segments(texts, langs, self.cache)
            except Exception as exc:  # every request of the batch hears why
                for job in jobs:
                    job.future.set_exception(exc)
                continue
            finally:
                self.counters.model_s += time.perf_counter() - started
            self._count(jobs, len(texts))
            start = 0
            for job in jobs:
                job.future.set_result(outputs[start:start + len(job.segments)])
                start += len(job.segments)

    def _routable(self, job: _Segments, target: str) -> bool:
        """Whether every language of ``job`` has a route (else it alone fails)."""
        router = self.pipeline(target).router
        try:
            for lang in set(job.languages):
                router.route(lang, target)
        except TranslateError as exc:
            job.future.set_exception(exc)
            return False
        return True

    def _count(self, jobs: list[_Segments], segments: int) -> None:
        self.counters.requests += len(jobs)
        self.counters.segments += segments
        self.counters.batches += 1
        self.counters.largest_batch = max(self.counters.largest_batch, segments)

    def model_segments(self) -> int:
        """Segments the models translated so far (cache hits are not among them)."""
        translators = {id(t): t for p in list(self._pipelines.values())
                       for t in p.router.translators()}  # routers are shared by targets
        return sum(t.stats.segments for t in translators.values())


def _run_call(job: _Call) -> None:
    if not job.future.set_running_or_notify_cancel():
        return
    try:
        job.future.set_result(job.function(*job.args))
    except BaseException as exc:
        job.future.set_exception(exc)
