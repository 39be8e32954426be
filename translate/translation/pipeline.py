"""Files -> segments -> cache lookup -> batched misses -> store -> reassemble -> write.

Files are streamed in chunks: segments from every file of a chunk share batches, and
memory stays bounded whatever the number of files. Each finished batch is stored in
the cache before the next starts, so an interrupted run resumes where it stopped.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from translate.cache.caches import CacheSet
from translate.cache.outputs import LegacyManifests, OutputPlan, plan_output
from translate.cache.store import Cache
from translate.errors import (
    InputError,
    ModelUnavailableError,
    TranslateError,
    attach_report,
    describe_internal_error,
    fail_softly,
)
from translate.files.names import output_path, output_twin
from translate.files.reading import sha256
from translate.formats.base import (
    Format,
    NothingToRead,
    Parsed,
    Written,
    reading_settings,
    run_format,
)
from translate.models.routing import Route, Router
from translate.models.translator import Translator
from translate.text.documents import Document, decode_bytes
from translate.text.segment import Segmented
from translate.translation.checking import Checking
from translate.translation.flags import file_flags, note_flags
from translate.translation.inputs import Languages, collect_inputs
from translate.translation.job_options import JobOptions
from translate.translation.memory import Hits, MemoryLayer
from translate.translation.notes import file_warnings, note_parsed
from translate.translation.planning import Plan, plan_run
from translate.translation.protecting import protection_of, terms_id, terms_record
from translate.translation.reading import BINARY, InputBytes, is_blank, read_parsed
from translate.translation.report import (
    FileResult,
    NoProgress,
    Progress,
    RunReport,
    Status,
    relative,
)
from translate.translation.roundtrip import RoundTrip
from translate.translation.routes import RouteRunner, Segments, outputs_of
from translate.translation.runner import LocalRunner, Runner
from translate.translation.writing import (
    OnOutput,
    Work,
    settle_translation,
    tidy,
    write_translation,
)

__all__ = ["Pipeline"]

# A file failed by a bug in translate: the run went on; the user can tell us.
BUG_HINT = ("a bug in translate, not in your file; the other files went on; run this file "
            "again with --debug (or TRANSLATE_DEBUG=1) to see the traceback, which may "
            "show its text")


class Pipeline:
    """Translates documents with a ``Router``, the caches next to them and a progress sink.

    ``on_output`` hears of each output written or up to date (the summariser's English).
    """

    def __init__(self, router: Router, options: JobOptions | None = None,
                 progress: Progress | None = None, runner: Runner | None = None,
                 also_needs: Sequence[Translator] = (), on_output: OnOutput | None = None,
                 inputs: InputBytes | None = None) -> None:
        self.router = router
        self.on_output = on_output
        # Runs the model over misses: in this process (LocalRunner) or on a cluster.
        self.runner: Runner = runner or LocalRunner(router.pool)
        self.options = options or JobOptions()
        self.checking = Checking.of(router.registry, self.options.retry,
                                    self.options.check_roundtrip)
        self.progress: Progress = progress or NoProgress()
        self.caches = CacheSet(self.options.use_cache, self.options.dry_run)
        self._tidied: set[Path] = set()
        self._planned = Plan(inputs=inputs or InputBytes())  # each input read once a run
        self.legacy = LegacyManifests(  # 0.1's manifests, read once; a run moves them
            migrate=self.options.use_cache and not self.options.dry_run)
        self._also_needs = also_needs  # e.g. the summariser: checked before any work too
        self.report = RunReport()
        # a session's translators count across its runs: the report takes this run's share
        self._stats_before = {id(t): replace(t.stats) for t in router.translators()}
        self.protection = protection_of(self.options, router.registry)  # bad glossary: exit 2
        self.routes = RouteRunner(router, self.runner, self._planned, self.report,
                                  self.progress, target=self.options.target,
                                  force=self.options.force, dry_run=self.options.dry_run,
                                  checking=self.checking, protection=self.protection)
        self.memory = MemoryLayer(self.options.target, self.options.memory,
                                  self.options.dry_run)
        self.roundtrip = RoundTrip(router, self.runner, self.report, self.options.target,
                                   self.checking, self.options.force)

    @property
    def inputs(self) -> InputBytes:
        """The run's inputs, read once (planning, translation and later stages)."""
        return self._planned.inputs

    # -- public entry points -------------------------------------------------------------

    def run(self, paths: Sequence[str | Path]) -> RunReport:
        """Translate every input; return the report (also when interrupted)."""
        inputs = collect_inputs(paths, self.options.glob, self.legacy)
        self._start(inputs.files)
        self.report.own_outputs = inputs.own_outputs
        self.progress.start(len(inputs.files) + len(inputs.skipped))
        for result in inputs.skipped:
            self._finish(result)
        pending: list[Work] = []
        left = list(reversed(inputs.files))  # popped in order; what remains was not started
        try:
            count = 0
            while left:
                work = self._prepare_isolated(left[-1])
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
        except Exception as exc:  # stops the run (a bug, a broken cache): report every input
            why = exc.message if isinstance(exc, TranslateError) else describe_internal_error(exc)
            self.report.warnings.append(f"the run stopped: {why}")
            self._interrupted(pending, left, Status.FAILED,
                              f"not translated: the run stopped ({why})")
            attach_report(exc, self.report)  # the CLI writes it, then reports the error
            raise
        finally:
            self._close()
        return self.report

    def _interrupted(self, pending: list[Work], left: list[Path],
                     status: Status = Status.INTERRUPTED, why: str | None = None) -> None:
        """Account for the work an interruption (or a bug) stopped: every input is reported."""
        self.report.interrupted = status == Status.INTERRUPTED
        self.report.model_segments += self.routes.in_flight  # batches finished and cached
        done = {id(r) for r in self.report.files}
        for work in pending:
            if id(work.result) not in done:
                work.result.status = status
                work.result.reason = why or ("stopped before its output was written; run "
                                             "again to resume")
                self._finish(work.result)
        for path in reversed(left):
            self._finish(FileResult(relative(path), status,
                                    reason=why or "not started; run again to resume"))

    def translate_text(self, text: str) -> str:
        """Translate one text (stdin): no cache, no files."""
        if not text.strip():
            return text
        return self.translate_bytes(text.encode("utf-8")).decode("utf-8")

    def translate_segments(self, texts: Sequence[str], languages: Sequence[str],
                           cache: Cache | None = None) -> list[str]:
        """Translate segments whose languages are known, through ``cache``.

        Raises:
            TranslateError: no route, a missing model, or a missing output.
        """
        target = self.options.target
        routes = [self.router.route(lang, target) for lang in languages]
        seg = Segmented(tuple(range(len(texts))), tuple(texts), tuple(range(len(texts))))
        return self._translated(seg, routes, cache)

    def _translated(self, seg: Segments, routes: list[Route], cache: Cache | None,
                    ) -> list[str]:
        found = outputs_of(seg, routes, self.routes.run({id(seg): (seg, routes, cache)}))
        if isinstance(found, int):
            raise TranslateError(f"the model returned no output for {found} segments")
        return found

    def translate_bytes(self, data: bytes) -> bytes:
        """Translate stdin bytes to stdout bytes, keeping a BOM and the encoding."""
        doc = decode_bytes(data, "<stdin>", self.options.encoding)
        if doc.is_blank:
            return data
        fmt = run_format(Path("stdin.txt"))
        parsed, _, routes = self._plan_file(fmt, data, Path("<stdin>"), doc, None)
        return fmt.write(parsed, self._translated(parsed, routes, None),
                         self.options.target).data

    # -- preparation ---------------------------------------------------------------------

    def _plan_file(self, fmt: Format, data: bytes, path: Path, doc: Document,
                   known: Languages | None) -> tuple[Parsed, list[str], list[Route]]:
        """Read ``data`` with its format; give each segment its paragraph's language."""
        parsed, languages = read_parsed(fmt, data, str(path), doc, self.options.source,
                                        self.options.encoding, known)
        self._planned.inputs.keep_reading(path, fmt, doc, parsed, languages)  # for its page
        langs = [languages.paragraphs.get(p, languages.document) for p in parsed.paragraphs]
        routes = {lang: self.router.route(lang, self.options.target) for lang in set(langs)}
        return parsed, langs, [routes[lang] for lang in langs]

    def _start(self, files: list[Path]) -> None:
        """Plan the run (``plan_run``); fail before any work when a model is missing."""
        options = self.options
        plan_run(self._planned, self.router, files, source=options.source,
                 target=options.target, force=options.force, dry_run=options.dry_run,
                 encoding=options.encoding, also_needs=self._also_needs)

    def _prepare_isolated(self, path: Path) -> Work | None:
        """``_prepare``, where a bug in handling this one file fails only this file."""
        done = len(self.report.files)
        try:
            return self._prepare(path)  # the work holds what it needs of the input
        except (TranslateError, KeyboardInterrupt):
            raise  # the same for every file (a missing model): stop with one clear message
        except Exception as exc:  # a bug: this file fails, the run goes on
            self._isolate(FileResult(relative(path), Status.FAILED), exc,
                          finished=len(self.report.files) > done)
            return None
        finally:
            self._planned.inputs.used(path)

    def _isolate(self, result: FileResult, exc: Exception, finished: bool) -> None:
        """Fail ``result`` for a bug in its handling; if it was finished, only warn."""
        line = fail_softly(exc)
        if finished:  # its output and record stand: the bug came after them
            self.report.warnings.append(f"{result.path}: after it was done: {line}")
        else:
            self._fail(result, line, BUG_HINT)

    def _prepare(self, path: Path) -> Work | None:
        result = FileResult(relative(path), Status.FAILED)
        self._tidy(path.parent)
        try:
            fmt = run_format(path, {"translate_sheet_names": self.options.translate_sheet_names,
                                    "ocr": self.options.ocr})
            data = self._planned.inputs.read(path)
            doc = self._planned.inputs.decode(path, fmt, data, self.options.encoding)
        except OSError as exc:
            self._fail(result, f"cannot read: {exc.strerror or exc}")
            return None
        except InputError as exc:  # the report names the file: not twice
            self._fail(result, exc.message.removeprefix(f"{path}: "), exc.hint)
            return None
        if doc.encoding not in ("utf-8", BINARY):
            result.details["encoding"] = doc.encoding
        if is_blank(doc):
            result.status, result.reason = Status.SKIPPED, "empty or whitespace-only"
            self._finish(result)
            return None
        out = output_path(path, self.options.target)
        twin = output_twin(path)
        if twin is not None:  # X.pdf and X.md: both would write X.en.md
            self._fail(result, f"{out.name} is also the translation of {twin.name}: not "
                       "written", f"rename one of them (for example {path.stem}-pdf{path.suffix})")
            return None
        if not self.options.dry_run and not os.access(out.parent, os.W_OK | os.X_OK):
            self._fail(result, f"cannot write in {out.parent}: permission denied",
                       "make the folder writable, or copy the files somewhere writable")
            return None
        input_sha = sha256(data)
        try:
            cache = self.caches.for_path(path)
            legacy = self.legacy.get(out)
            plan = self.memory.settle(plan_output(out, input_sha, self.options.force, legacy),
                                      cache)  # a changed memory: made again
            if self._settled(plan, path, out, result, doc.encoding, reading_settings(fmt)):
                return None
            detected = self._planned.detected.pop(path, None)
            known = detected[1] if detected and detected[0] == input_sha else None
            seg, seg_langs, routes = self._plan_file(fmt, data, path, doc, known)
            note_parsed(result, fmt, seg)
            langs = sorted(set(seg_langs))
            signature = self.routes.signatures(langs)
        except ModelUnavailableError:
            raise  # the same for every file: stop the run with one clear message
        except NothingToRead as exc:  # a scanned PDF: skipped, with what to do
            result.status = Status.SKIPPED
            result.reason = f"{exc.message.removeprefix(f'{path}: ')} (hint: {exc.hint})"
            self._finish(result)
            return None
        except TranslateError as exc:
            self._fail(result, exc.message.removeprefix(f"{path}: "), exc.hint)
            return None
        result.language = ",".join(langs)
        result.segments = len(seg.segments)
        return Work(path, doc, seg, routes, out, cache, result, input_sha, langs, signature,
                    plan, fmt, seg_langs)

    def _tidy(self, folder: Path) -> None:
        """Remove stale temporary files an interrupted run left in ``folder`` (once)."""
        if folder in self._tidied or self.options.dry_run:
            return
        self._tidied.add(folder)
        notice = tidy(folder)
        if notice:
            self.report.notices.append(notice)

    def _settled(self, plan: OutputPlan, path: Path, out: Path, result: FileResult,
                 encoding: str = "utf-8", reading: dict[str, Any] | None = None) -> bool:
        """Finish ``result`` when ``plan`` needs no translation; return whether it did."""
        if not settle_translation(plan, result, encoding, self.routes.signatures,
                                  self.checking.run_id(), terms_id(self.protection),
                                  reading):
            return False
        note_flags(result, self.report, (plan.record or {}).get("quality", {}))
        result.output = relative(out)
        self._finish(result)
        if self.on_output and result.status == Status.UP_TO_DATE:
            self.on_output(result, path.absolute(), None)
        return True

    # -- translation ---------------------------------------------------------------------

    def _flush(self, works: list[Work]) -> None:
        if not works:
            return
        memo = self.memory.answer(works)  # exact human/imported matches: no model for them
        # the model's batches are shared by many files: what stops them stops the run
        outputs = self.routes.run({id(w): (*self.memory.remaining(w, memo.get(id(w), {})),
                                           w.cache) for w in works},
                                  {id(w): w.result for w in works})
        if not self.options.dry_run:
            self.roundtrip.flag(works, self.routes.signals)  # with --check-roundtrip
        for work in works:
            done = len(self.report.files)
            try:
                self._finish_work(work, memo.get(id(work), {}), outputs)
            except (TranslateError, KeyboardInterrupt):
                raise
            except Exception as exc:  # a bug: this file fails, the run goes on
                self._isolate(work.result, exc, finished=len(self.report.files) > done)

    def _finish_work(self, work: Work, memo: Hits,
                     outputs: Mapping[tuple[Route, str], str]) -> None:
        """Assemble, write and record one file's translation (or plan it, in a dry run)."""
        if self.options.dry_run:
            work.result.status = Status.PLANNED
            self._finish(work.result)
            return
        texts = self.memory.assemble(work, memo, outputs)
        if isinstance(texts, int):  # never the source text in place of a translation
            self._fail(work.result, f"the model returned no output for {texts} segments")
            return
        record = file_flags(work, self.report, self.routes.signals, self.checking)
        record["memory"] = self.memory.generation(work.cache)
        record |= terms_record(self.protection, work)
        data = self._write(work, work.fmt.write(work.seg, texts, self.options.target), record)
        if data is not None:
            self.memory.remember(work, texts, memo, data)

    # -- results -------------------------------------------------------------------------

    def _write(self, work: Work, written: Written, record: dict[str, Any]) -> bytes | None:
        data = write_translation(work, written, self.options.target, self.router, record)
        self._finish(work.result)
        if self.on_output and data is not None:
            self.on_output(work.result, work.path.absolute(), data)
        return data

    def _fail(self, result: FileResult, reason: str, hint: str | None = None) -> None:
        result.status = Status.FAILED
        result.reason = f"{reason} (hint: {hint})" if hint else reason
        self._finish(result)

    def _finish(self, result: FileResult) -> None:
        self.report.files.append(result)
        self.report.warnings.extend(file_warnings(result))
        self.progress.file_done(result)

    def _close(self) -> None:
        self.report.missing_models = self._planned.missing_report()
        for translator in self.router.translators():
            self.report.batch.add(translator.stats.since(self._stats_before.get(id(translator))))
            cap = translator.output_cap()  # --max-new-tokens past the position table
            if cap is not None:
                self.report.warnings.append(
                    f"{translator.spec.key}: max_new_tokens "
                    f"{translator.spec.generation.max_new_tokens} is more than the model can "
                    f"write; its outputs are capped at {cap} tokens (its position table)")
        self.report.models_loaded = list(self.router.loads)
        hits = sum(f.cache_hits for f in self.report.files  # up to date: no cache read
                   if f.status != Status.UP_TO_DATE)
        counts = (None, None) if self.options.dry_run else (
            hits, self.report.totals()["model_segments"])
        # a cache rebuilt mid-run warns after the warnings taken when it was opened
        self.report.warnings.extend(w for w in [*self.caches.close(*counts),
                                                *self.memory.warnings]
                                    if w not in self.report.warnings)
        self.report.elapsed_s = time.time() - self.report.started
        self.progress.close()
