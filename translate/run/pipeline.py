"""Files -> segments -> cache lookup -> batched misses -> store -> reassemble -> write.

Files are streamed in chunks: segments from every file of a chunk share batches, and
memory stays bounded whatever the number of files. Each finished batch is stored in
the cache before the next starts, so an interrupted run resumes where it stopped.
"""

from __future__ import annotations

import math
import os
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from translate.cache.caches import CacheSet
from translate.cache.outputs import (
    Decision,
    OutputPlan,
    may_still_write,
    plan_output,
    remove_stale_temporaries,
    settle,
    write_record,
)
from translate.cache.store import Cache, signature_id
from translate.errors import (
    InputError,
    ModelUnavailableError,
    TranslateError,
    UsageError,
)
from translate.models.routing import Route, Router
from translate.models.translator import Translator
from translate.run.cached import CachedOutputs, Runner, generate_cached
from translate.run.inputs import Languages, collect_inputs, plan_languages
from translate.run.planning import Plan, find_languages, find_missing, missing_error, unavailable
from translate.run.report import FileResult, NoProgress, Progress, RunReport, Status, relative
from translate.text.documents import (
    Document,
    decode_bytes,
    encode_text,
    output_path,
    read_regular,
    sha256,
    write_atomic,
)
from translate.text.segment import Segmented, reassemble, segment


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
        encoding: Read inputs with this codec instead of detecting one (``--encoding``).

    """

    target: str = "en"
    source: str = "auto"
    glob: str | None = None
    use_cache: bool = True
    force: bool = False
    dry_run: bool = False
    chunk_segments: int = 4096
    encoding: str | None = None


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
    plan: OutputPlan



class Pipeline:
    """Translates documents with a ``Router``, the caches next to them and a progress sink."""

    def __init__(self, router: Router, options: JobOptions | None = None,
                 progress: Progress | None = None, runner: Runner | None = None,
                 also_needs: Sequence[Translator] = ()) -> None:
        self.router = router
        # Runs the model over misses: in this process (the router) or on a cluster.
        self.runner: Runner = runner or router.translate
        self.options = options or JobOptions()
        self.progress: Progress = progress or NoProgress()
        self.caches = CacheSet(self.options.use_cache, self.options.dry_run)
        self._tidied: set[Path] = set()
        self._in_flight = 0  # segments of the route in progress that the model finished
        self._planned = Plan()
        self._also_needs = also_needs  # e.g. the summariser: checked before any work too
        self.report = RunReport()

    # -- public entry points -------------------------------------------------------------

    def run(self, paths: Sequence[str | Path]) -> RunReport:
        """Translate every input; return the report (also when interrupted)."""
        inputs = collect_inputs(paths, self.options.glob)
        self._start(inputs.files)
        self.report.own_outputs = inputs.own_outputs
        self.progress.start(len(inputs.files) + len(inputs.skipped))
        for result in inputs.skipped:
            self._finish(result)
        pending: list[_Work] = []
        left = list(reversed(inputs.files))  # popped in order; what remains was not started
        try:
            count = 0
            while left:
                work = self._prepare(left[-1])
                left.pop()
                if work is None:
                    continue
                pending.append(work)
                count += len(work.seg.segments)
                if count >= self.options.chunk_segments:
                    self._flush(pending)
                    pending, count = [], 0
            self._flush(pending)
        except KeyboardInterrupt:
            self._interrupted(pending, left)
        finally:
            self._close()
        return self.report

    def _interrupted(self, pending: list[_Work], left: list[Path]) -> None:
        """Account for the work an interruption stopped: every input stays in the report."""
        self.report.interrupted = True
        self.report.model_segments += self._in_flight  # batches finished and cached
        done = {id(r) for r in self.report.files}
        for work in pending:
            if id(work.result) not in done:
                work.result.status = Status.INTERRUPTED
                work.result.reason = "stopped before its output was written; run again to resume"
                self._finish(work.result)
        for path in reversed(left):
            self._finish(FileResult(relative(path), Status.INTERRUPTED,
                                    reason="not started; run again to resume"))

    def translate_text(self, text: str) -> str:
        """Translate one text (stdin): no cache, no files."""
        doc = Document(text)
        if doc.is_blank:
            return text
        seg, _, routes = self._plan(doc)
        outputs = self._run_routes({id(seg): (seg, routes, None)})
        texts = _outputs_of(seg, routes, outputs)
        if isinstance(texts, int):
            raise TranslateError(f"the model returned no output for {texts} segments")
        return reassemble(seg, texts)

    def translate_segments(self, texts: Sequence[str], languages: Sequence[str],
                           cache: Cache | None = None) -> list[str]:
        """Translate segments whose languages are known, through ``cache``.

        Raises:
            TranslateError: no route, a missing model, or a missing output.
        """
        target = self.options.target
        routes = [self.router.route(lang, target) for lang in languages]
        seg = Segmented(tuple(range(len(texts))), tuple(texts), tuple(range(len(texts))))
        outputs = self._run_routes({id(seg): (seg, routes, cache)})
        found = _outputs_of(seg, routes, outputs)
        if isinstance(found, int):
            raise TranslateError(f"the model returned no output for {found} segments")
        return found

    def translate_bytes(self, data: bytes) -> bytes:
        """Translate stdin bytes to stdout bytes, keeping a BOM and the encoding."""
        doc = decode_bytes(data, "<stdin>", self.options.encoding)
        return encode_text(self.translate_text(doc.text), doc)

    # -- preparation ---------------------------------------------------------------------

    def _plan(self, doc: Document, known: Languages | None = None,
              ) -> tuple[Segmented, list[str], list[Route]]:
        """Segment ``doc``; give each segment its language (``known``: found by the plan)."""
        languages = known or plan_languages(doc.text, self.options.source)
        seg = segment(doc.text, languages.document)
        langs = [languages.paragraphs[p] for p in seg.paragraphs]
        routes = {lang: self.router.route(lang, self.options.target) for lang in set(langs)}
        return seg, langs, [routes[lang] for lang in langs]

    def _start(self, files: list[Path]) -> None:
        """Plan the run; fail before any work when a model it needs is missing.

        Raises:
            UsageError: no route leads to the target language, or from ``--from``.
            ModelUnavailableError: every model the run needs that is missing (a dry
                run lists them in the report instead).
        """
        target, source = self.options.target, self.options.source
        targets = self.router.targets()
        if targets is not None and target not in targets and target != source:
            raise UsageError(
                f"no model translates into '{target}'",
                f"targets with a route: {', '.join(sorted(targets)) or 'none'}; add a "
                f"[pairs.SRC-{target}] table to models.toml, or pass --model ID_OR_PATH")
        if source != "auto":
            self.router.route(source, target)
        find_languages(self._planned, files, source=source, target=target,
                       force=self.options.force, encoding=self.options.encoding)
        find_missing(self._planned, self.router, target, self.options.dry_run)
        for translator in self._also_needs:
            problem = unavailable(translator, fetchable_only=self.options.dry_run)
            if problem is not None:
                self._planned.missing[translator.spec.key] = problem
        if self._planned.missing and not self.options.dry_run:
            raise missing_error(self._planned)

    def _prepare(self, path: Path) -> _Work | None:
        result = FileResult(relative(path), Status.FAILED)
        self._tidy(path.parent)
        try:
            data = read_regular(path)
            doc = decode_bytes(data, str(path), self.options.encoding)
        except OSError as exc:
            self._fail(result, f"cannot read: {exc.strerror or exc}")
            return None
        except InputError as exc:
            self._fail(result, exc.message.split(": ", 1)[-1], exc.hint)
            return None
        if doc.encoding != "utf-8":
            result.details["encoding"] = doc.encoding
        if doc.is_blank:
            result.status, result.reason = Status.SKIPPED, "empty or whitespace-only"
            self._finish(result)
            return None
        out = output_path(path, self.options.target)
        if not self.options.dry_run and not os.access(out.parent, os.W_OK | os.X_OK):
            self._fail(result, f"cannot write in {out.parent}: permission denied",
                       "make the folder writable, or copy the files somewhere writable")
            return None
        input_sha = sha256(data)
        try:
            cache = self.caches.for_path(path)
            legacy = cache.manifest(out) if cache is not None else None
            plan = plan_output(out, input_sha, self.options.force, legacy)
            if self._settled(plan, out, result, doc.encoding):
                return None
            detected = self._planned.detected.pop(path, None)
            known = detected[1] if detected and detected[0] == input_sha else None
            seg, seg_langs, routes = self._plan(doc, known)
            langs = sorted(set(seg_langs))
            signature = self._signatures(langs)
        except ModelUnavailableError:
            raise  # the same for every file: stop the run with one clear message
        except TranslateError as exc:
            self._fail(result, exc.message, exc.hint)
            return None
        result.language = ",".join(langs)
        result.segments = len(seg.segments)
        return _Work(path, doc, seg, routes, out, cache, result, input_sha, langs, signature,
                     plan)

    def _tidy(self, folder: Path) -> None:
        """Remove stale temporary files an interrupted run left in ``folder`` (once)."""
        if folder in self._tidied or self.options.dry_run:
            return
        self._tidied.add(folder)
        removed = remove_stale_temporaries(folder)
        if removed:
            self.report.notices.append(
                f"removed {len(removed)} stale temporary files left in {relative(folder)} "
                f"by an interrupted run: {', '.join(removed)}")

    def _signatures(self, languages: Iterable[str]) -> dict[str, str]:
        """Signature ids of every model on the routes from ``languages`` to the target."""
        return {t.spec.key: self._signature_id(t) for lang in languages
                for t in self.router.route(lang, self.options.target)}

    def _signature_id(self, translator: Translator) -> str:
        """The signature id of ``translator``; in a dry run, ``missing`` for a missing model."""
        if self.options.dry_run and self._unavailable(translator):
            return "missing"
        return signature_id(translator.signature())

    def _unavailable(self, translator: Translator) -> bool:
        """Whether ``translator``'s model is missing (remembered for the report)."""
        key = translator.spec.key
        if key not in self._planned.missing:
            problem = unavailable(translator, fetchable_only=True)
            if problem is None:
                return False
            self._planned.missing[key] = problem
        return True

    def _settled(self, plan: OutputPlan, out: Path, result: FileResult,
                 encoding: str = "utf-8") -> bool:
        """Finish ``result`` when ``plan`` needs no translation; return whether it did.

        Up to date is decided from the output's record alone: no detection,
        segmentation or model.
        """
        record = plan.record or {}
        decision = settle(plan, lambda found: {
            # the same bytes read another way (--encoding) are another text
            "encoding": encoding,
            "signatures": self._signatures(found.get("languages", []))})
        if decision == Decision.CONFLICT:
            result.status, result.reason = Status.CONFLICT, plan.reason
        elif decision != Decision.WRITE:
            result.status, result.reason = Status.UP_TO_DATE, plan.reason
            result.language = ",".join(record.get("languages", []))
            result.segments = result.cache_hits = int(record.get("segments", 0))
        else:
            return False
        result.output = relative(out)
        self._finish(result)
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
            texts = _outputs_of(work.seg, work.routes, outputs)
            if isinstance(texts, int):  # never the source text in place of a translation
                self._fail(work.result, f"the model returned no output for {texts} segments")
                continue
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
                got = self._generate(translator, step, leg_no)
                if leg_no == 0:
                    first_hits, first_misses = got.hits, got.misses
                current = {src: got.outputs.get(mid, mid)
                           for src, mid in current.items()
                           if mid in got.outputs or self.options.dry_run}
            outputs.update({(route, src): out for src, out in current.items()})
            self._account(docs, results, route, first_hits, first_misses)
            self._in_flight = 0
        return outputs

    def _generate(self, translator: Translator, needs: dict[Cache | None, set[str]],
                  leg_no: int) -> CachedOutputs:
        if self.options.dry_run and self._unavailable(translator):
            texts = set().union(*needs.values())  # no signature: nothing can be a hit
            return CachedOutputs({}, set(), texts)
        return generate_cached(translator, needs, self.runner, force=self.options.force,
                               dry_run=self.options.dry_run,
                               on_batch=self._batch_done if leg_no == 0 else None)

    def _batch_done(self, segments: int) -> None:
        self._in_flight += segments
        self.progress.batch_done(segments, 0)

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
        if self._unavailable(translator):  # no tokenizer on this machine: estimate
            self.report.tokens_estimated = True
            return {text: estimate_tokens(text) for text in texts}
        return dict(zip(texts, translator.count_tokens(texts), strict=True)) if texts else {}

    # -- results -------------------------------------------------------------------------

    def _write(self, work: _Work, text: str) -> None:
        data = encode_text(text, work.doc)
        if not may_still_write(work.output, work.plan, data, work.input_sha):
            work.result.status = Status.CONFLICT
            work.result.reason = (f"{work.output.name} changed while this run was working; "
                                  "not overwritten (run again to decide)")
            work.result.output = relative(work.output)
            self._finish(work.result)
            return
        try:
            write_atomic(work.output, data)
            write_record(work.output, {
                "kind": "translation", "source": work.path.name,
                "input_sha256": work.input_sha, "output_sha256": sha256(data),
                "signatures": work.signature, "languages": work.languages,
                "target": self.options.target, "encoding": work.doc.encoding,
                "segments": work.result.segments,
                "cache_hits": work.result.cache_hits, "written": time.time()})
        except (OSError, InputError) as exc:
            reason = exc.message if isinstance(exc, InputError) else (exc.strerror or str(exc))
            self._fail(work.result, f"cannot write {work.output}: {reason}")
            return
        work.result.status, work.result.output = Status.TRANSLATED, relative(work.output)
        self._finish(work.result)

    def _fail(self, result: FileResult, reason: str, hint: str | None = None) -> None:
        result.status = Status.FAILED
        result.reason = f"{reason} (hint: {hint})" if hint else reason
        self._finish(result)

    def _finish(self, result: FileResult) -> None:
        self.report.files.append(result)
        self.progress.file_done(result)

    def _close(self) -> None:
        self.report.missing_models = self._planned.missing_report()
        for translator in self.router.translators():
            self.report.batch.add(translator.stats)
        self.report.models_loaded = list(self.router.loads)
        hits = sum(f.cache_hits for f in self.report.files  # up to date: no cache read
                   if f.status != Status.UP_TO_DATE)
        counts = (None, None) if self.options.dry_run else (
            hits, self.report.totals()["model_segments"])
        # a cache rebuilt mid-run warns after the warnings taken when it was opened
        self.report.warnings.extend(w for w in self.caches.close(*counts)
                                    if w not in self.report.warnings)
        self.report.elapsed_s = time.time() - self.report.started
        self.progress.close()



def _outputs_of(seg: Segmented, routes: Sequence[Route],
                outputs: dict[tuple[Route, str], str]) -> list[str] | int:
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
