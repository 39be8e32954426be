"""Files -> segments -> cache lookup -> batched misses -> store -> reassemble -> write.

Files are streamed in chunks: segments from every file of a chunk share batches, and
memory stays bounded whatever the number of files. Each finished batch is stored in
the cache before the next starts, so an interrupted run resumes where it stopped.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from translate.cache import CACHE_DIR, Cache, find_cache_root, signature_id
from translate.cached import Runner, generate_cached
from translate.documents import (
    Document,
    decode_bytes,
    encode_text,
    output_path,
    sha256,
    write_atomic,
)
from translate.errors import CacheError, InputError, ModelUnavailableError, TranslateError
from translate.inputs import collect_inputs, segment_languages
from translate.report import FileResult, NoProgress, Progress, RunReport, Status, relative
from translate.routing import Route, Router
from translate.segment import Segmented, reassemble
from translate.translator import Translator


@dataclass(frozen=True)
class JobOptions:
    """Per-run settings that are not model settings.

    Attributes:
        target: Target language code.
        source: Source language code, or ``auto`` to detect per document and paragraph.
        glob: File-name pattern for folders (default: text files).
        use_cache: Read and write the cache next to the inputs (``--no-cache``: off).
        force: Ignore cache hits and up-to-date outputs; translate and overwrite.
        dry_run: Plan only: count segments, hits and tokens; load no model, write nothing.
        chunk_segments: Segments gathered across files before the model runs.

    """

    target: str = "en"
    source: str = "auto"
    glob: str | None = None
    use_cache: bool = True
    force: bool = False
    dry_run: bool = False
    chunk_segments: int = 4096


@dataclass
class _Work:
    path: Path
    doc: Document
    seg: Segmented
    routes: list[Route]  # one per segment
    output: Path
    cache: Cache | None
    result: FileResult
    input_sha: str
    languages: list[str]
    signature: dict[str, str]



class Pipeline:
    """Translates documents with a ``Router``, the caches next to them and a progress sink."""

    def __init__(self, router: Router, options: JobOptions | None = None,
                 progress: Progress | None = None, runner: Runner | None = None) -> None:
        self.router = router
        # Runs the model over misses: in this process (the router) or on a cluster.
        self.runner: Runner = runner or router.translate
        self.options = options or JobOptions()
        self.progress: Progress = progress or NoProgress()
        self._caches: dict[Path, Cache] = {}
        self.report = RunReport()

    # -- public entry points -------------------------------------------------------------

    def run(self, paths: Sequence[str | Path]) -> RunReport:
        """Translate every input; return the report (also when interrupted)."""
        _, targets = self.router.registry.languages()
        files, missing = collect_inputs(paths, self.options.glob, targets | {self.options.target})
        self.progress.start(len(files) + len(missing))
        for result in missing:
            self._finish(result)
        try:
            pending: list[_Work] = []
            count = 0
            for path in files:
                work = self._prepare(path)
                if work is None:
                    continue
                pending.append(work)
                count += len(work.seg.segments)
                if count >= self.options.chunk_segments:
                    self._flush(pending)
                    pending, count = [], 0
            self._flush(pending)
        except KeyboardInterrupt:
            self.report.interrupted = True
        finally:
            self._close()
        return self.report

    def translate_text(self, text: str) -> str:
        """Translate one text (stdin): no cache, no files."""
        doc = Document(text)
        if doc.is_blank:
            return text
        seg, _, routes = self._plan(doc)
        outputs = self._run_routes({id(seg): (seg, routes, None)})
        return reassemble(seg, [outputs[(r, s)] for r, s in zip(routes, seg.segments,
                                                                 strict=True)])

    def translate_bytes(self, data: bytes) -> bytes:
        """Translate stdin bytes to stdout bytes, keeping a BOM and the encoding."""
        doc = decode_bytes(data, "<stdin>")
        return encode_text(self.translate_text(doc.text), doc)

    # -- preparation ---------------------------------------------------------------------

    def _cache_for(self, path: Path) -> Cache | None:
        if not self.options.use_cache:
            return None
        root = find_cache_root(path)
        if self.options.dry_run and not (root / CACHE_DIR).is_dir():
            return None  # a dry run creates nothing
        if root not in self._caches:
            cache = Cache.open(root)
            self.report.warnings.extend(cache.warnings)
            self._caches[root] = cache
        return self._caches[root]

    def _plan(self, doc: Document) -> tuple[Segmented, list[str], list[Route]]:
        """Segment ``doc``; give each segment its language and route."""
        seg, langs = segment_languages(doc.text, self.options.source)
        routes = {lang: self.router.route(lang, self.options.target) for lang in set(langs)}
        return seg, langs, [routes[lang] for lang in langs]

    def _prepare(self, path: Path) -> _Work | None:
        result = FileResult(relative(path), Status.FAILED)
        try:
            data = path.read_bytes()
            doc = decode_bytes(data, str(path))
        except OSError as exc:
            self._fail(result, f"cannot read: {exc.strerror or exc}")
            return None
        except InputError as exc:
            self._fail(result, exc.message.split(": ", 1)[-1], exc.hint)
            return None
        if doc.is_blank:
            result.status, result.reason = Status.SKIPPED, "empty or whitespace-only"
            self._finish(result)
            return None
        out = output_path(path, self.options.target)
        cache = self._cache_for(path)
        try:
            if self._up_to_date(cache, out, sha256(data), result):
                self._finish(result)
                return None
            seg, seg_langs, routes = self._plan(doc)
            langs = sorted(set(seg_langs))
            signature = self._signatures(langs)
        except (ModelUnavailableError, CacheError):
            raise  # the same for every file: stop the run with one clear message
        except TranslateError as exc:
            self._fail(result, exc.message, exc.hint)
            return None
        result.language = ",".join(langs)
        result.segments = len(seg.segments)
        return _Work(path, doc, seg, routes, out, cache, result, sha256(data), langs, signature)

    def _signatures(self, languages: Iterable[str]) -> dict[str, str]:
        """Signature ids of every model on the routes from ``languages`` to the target."""
        return {t.spec.key: signature_id(t.signature()) for lang in languages
                for t in self.router.route(lang, self.options.target)}

    def _up_to_date(self, cache: Cache | None, out: Path, input_sha: str,
                    result: FileResult) -> bool:
        """Whether ``out`` was made from these input bytes with today's signatures.

        Decided from the manifest alone: no detection, segmentation or model.
        """
        if cache is None or self.options.force or not out.is_file():
            return False
        manifest = cache.manifest(out)
        if not manifest or manifest.get("input_sha256") != input_sha:
            return False
        languages = manifest.get("languages", [])
        if manifest.get("signatures") != self._signatures(languages):
            return False
        if manifest.get("output_sha256") != sha256(out.read_bytes()):
            return False
        result.status, result.output = Status.UP_TO_DATE, relative(out)
        result.language = ",".join(languages)
        result.segments = result.cache_hits = int(manifest.get("segments", 0))
        return True

    # -- translation ---------------------------------------------------------------------

    def _flush(self, works: list[_Work]) -> None:
        if not works:
            return
        outputs = self._run_routes({id(w): (w.seg, w.routes, w.cache) for w in works},
                                   {id(w): w.result for w in works})
        for work in works:
            if self.options.dry_run:
                work.result.status = Status.PLANNED
                self._finish(work.result)
                continue
            texts = [outputs[(r, s)] for r, s in zip(work.routes, work.seg.segments, strict=True)]
            self._write(work, reassemble(work.seg, texts))

    def _run_routes(self, docs: dict[int, tuple[Segmented, list[Route], Cache | None]],
                    results: dict[int, FileResult] | None = None,
                    ) -> dict[tuple[Route, str], str]:
        """Outputs for every (route, segment) of ``docs``, through cache and models."""
        needs: dict[Route, dict[Cache | None, set[str]]] = defaultdict(lambda: defaultdict(set))
        for seg, routes, cache in docs.values():
            for route, text in zip(routes, seg.segments, strict=True):
                needs[route][cache].add(text)
        outputs: dict[tuple[Route, str], str] = {}
        for route, by_cache in needs.items():
            current = {t: t for texts in by_cache.values() for t in texts}
            first_hits: set[str] = set()
            first_misses: set[str] = set()
            for leg_no, translator in enumerate(route):
                step = {c: {current[t] for t in ts} for c, ts in by_cache.items()}
                got = generate_cached(translator, step, self.runner,
                                      force=self.options.force, dry_run=self.options.dry_run,
                                      on_batch=lambda n: self.progress.batch_done(n, 0))
                if leg_no == 0:
                    first_hits, first_misses = got.hits, got.misses
                current = {src: got.outputs.get(mid, mid) for src, mid in current.items()}
            outputs.update({(route, src): out for src, out in current.items()})
            self._account(docs, results, route, first_hits, first_misses)
        return outputs

    def _account(self, docs: dict[int, tuple[Segmented, list[Route], Cache | None]],
                 results: dict[int, FileResult] | None, route: Route, hits: set[str],
                 misses: set[str]) -> None:
        if not results or not route:
            return
        tokens = self._miss_tokens(route[0], misses) if self.options.dry_run else {}
        self.report.model_segments += len(misses)
        self.report.model_tokens += sum(tokens.values())
        for key, (seg, routes, _) in docs.items():
            mine = {t for r, t in zip(routes, seg.segments, strict=True) if r == route}
            result = results[key]
            result.cache_hits += sum(1 for r, t in zip(routes, seg.segments, strict=True)
                                     if r == route and t in hits)
            result.model_segments += len(mine & misses)
            result.model_tokens += sum(tokens.get(t, 0) for t in mine & misses)

    def _miss_tokens(self, translator: Translator, misses: set[str]) -> dict[str, int]:
        texts = sorted(misses)
        return dict(zip(texts, translator.count_tokens(texts), strict=True)) if texts else {}

    # -- results -------------------------------------------------------------------------

    def _write(self, work: _Work, text: str) -> None:
        data = encode_text(text, work.doc)
        try:
            write_atomic(work.output, data)
        except OSError as exc:
            self._fail(work.result, f"cannot write {work.output}: {exc.strerror or exc}")
            return
        if work.cache is not None:
            work.cache.put_manifest(work.output, {
                "source": work.result.path, "input_sha256": work.input_sha,
                "output_sha256": sha256(data), "signatures": work.signature,
                "languages": work.languages, "target": self.options.target,
                "segments": work.result.segments,
                "cache_hits": work.result.cache_hits, "written": time.time(),
            })
        work.result.status, work.result.output = Status.TRANSLATED, relative(work.output)
        self._finish(work.result)

    def _fail(self, result: FileResult, reason: str, hint: str | None = None) -> None:
        result.status = Status.FAILED
        result.reason = f"{reason} ({hint})" if hint else reason
        self._finish(result)

    def _finish(self, result: FileResult) -> None:
        self.report.files.append(result)
        self.progress.file_done(result)

    def _close(self) -> None:
        for translator in self.router.translators():
            self.report.batch.add(translator.stats)
        self.report.models_loaded = list(self.router.loads)
        totals = self.report.totals()
        for cache in self._caches.values():
            if not self.options.dry_run:
                cache.record_run(totals["cache_hits"], totals["model_segments"])
            # a cache rebuilt mid-run warns after the warnings taken when it was opened
            self.report.warnings.extend(w for w in cache.warnings
                                        if w not in self.report.warnings)
            cache.close()
        self._caches.clear()
        self.report.elapsed_s = time.time() - self.report.started
        self.progress.close()

