"""Extractive summaries that need no weights: choose in the source, translate the choice.

``lead`` and TextRank look only at word counts and shared words, so they choose
sentences in any language. The chosen sentences alone are then translated (through the
segment cache, so sentences a translation run already did are hits), when a
translation model is on this machine. Without one, the summary is written in the source
language under a name that says so (``X.it.summary.txt``), with a notice: never
silently, and never in place of an English summary.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from translate.cache.outputs import Decision, may_still_write, plan_output, settle, write_output
from translate.cache.store import signature_id
from translate.errors import TranslateError, UsageError
from translate.files.names import summary_path
from translate.files.reading import sha256
from translate.models.signature import readable_signature
from translate.summaries.summarize import SummaryOptions
from translate.summaries.textrank import pick_sentences
from translate.text.documents import Document, encode_text
from translate.text.segment import segment
from translate.translation.inputs import Languages, collect_inputs, plan_languages
from translate.translation.pipeline import Pipeline
from translate.translation.planning import unavailable
from translate.translation.reading import text_of
from translate.translation.report import FileResult, RunReport, Status, relative
from translate.version import __version__


@dataclass(frozen=True)
class Choice:
    """Where an extractive summary of one document goes, and in which language.

    Attributes:
        language: The summary's language: the target, or the source's when no
            translation model is here.
        signature: Everything that changes the summary (method, length, the
            translators' signature ids).
        why_untranslated: Why the summary stays in the source language, or ``None``.
    """

    language: str
    signature: dict[str, Any]
    why_untranslated: str | None = None


class ExtractiveSummaries:
    """Writes extractive summaries of files, or of one text, with a ``Pipeline``'s help.

    Args:
        pipeline: Its router, cache and options translate the chosen sentences.
        options: The summary method and length.
    """

    def __init__(self, pipeline: Pipeline, options: SummaryOptions) -> None:
        self.pipeline = pipeline
        self.options = options
        self.report = RunReport()

    def choose(self, languages: Languages) -> Choice:
        """The summary's language and signature for a document in ``languages``."""
        target = self.pipeline.options.target
        signatures: dict[str, str] = {}
        why = None
        for language in sorted(set(languages.paragraphs.values()) - {target}):
            try:
                route = self.pipeline.router.route(language, target)
            except UsageError as exc:
                why = exc.message
                break
            missing = [t for t in route if unavailable(t, fetchable_only=True) is not None]
            if missing:
                keys = " ".join(t.spec.key for t in missing)
                why = (f"the model for {keys} is not on this machine; `translate models "
                       f"pull {keys}` fetches it")
                break
            signatures.update({t.spec.key: signature_id(t.signature()) for t in route})
        language = languages.document if why else target
        return Choice(language, {"task": "summarize", "options": asdict(self.options),
                                 "language": language, "translators": signatures,
                                 "version": __version__}, why)

    def summarize_text(self, text: str, languages: Languages, choice: Choice,
                       cache: Any = None) -> str:
        """The summary of ``text``: chosen sentences, translated unless ``choice`` says not."""
        seg = segment(text, languages.document)
        language_of: dict[str, str] = {}
        for sentence, paragraph in zip(seg.segments, seg.paragraphs, strict=True):
            language_of.setdefault(sentence, languages.paragraphs[paragraph])
        chosen = pick_sentences(seg.segments, self.options.method, self.options.max_words)
        if choice.why_untranslated:
            return " ".join(chosen)
        outputs = self.pipeline.translate_segments(
            chosen, [language_of[s] for s in chosen], cache)
        return " ".join(outputs)

    def run(self, paths: list[str], notify: Callable[[str], None] | None = None) -> RunReport:
        """Summarise every input of ``paths``; return the summary report."""
        inputs = collect_inputs(paths, self.pipeline.options.glob)
        self.report.own_outputs = inputs.own_outputs
        self.report.files.extend(inputs.skipped)
        try:
            for path in inputs.files:
                self.report.files.append(self._one(path))
        except KeyboardInterrupt:
            self.report.interrupted = True
        finally:
            self.report.warnings.extend(self.pipeline.caches.close())
        self.report.models_loaded = list(self.pipeline.router.loads)
        self.report.elapsed_s = time.time() - self.report.started
        return self.report

    def _one(self, path: Path) -> FileResult:
        result = FileResult(relative(path), Status.FAILED)
        options = self.pipeline.options
        try:
            data = self.pipeline.inputs.read(path)  # read once a run (planning read it)
            doc = text_of(path, data, encoding=options.encoding)  # of any format: its words
            if doc.is_blank:
                result.status, result.reason = Status.SKIPPED, "empty or whitespace-only"
                return result
            languages = plan_languages(doc.text, options.source)
            choice = self.choose(languages)
            out = summary_path(path, choice.language)
            result.output, result.language = relative(out), languages.document
            input_sha = sha256(data)
            plan = plan_output(out, input_sha, options.force)
            decision = settle(plan, lambda record: {
                "signature": signature_id(choice.signature)})
            if decision != Decision.WRITE:
                result.status, result.reason = (Status.CONFLICT if decision == Decision.CONFLICT
                                                else Status.UP_TO_DATE), plan.reason
                return result
            cache = self.pipeline.caches.for_path(path)
            text = self.summarize_text(doc.text, languages, choice, cache)
            encoded = encode_text(text + "\n", Document("", bom=doc.bom))
            if not may_still_write(out, plan, encoded, input_sha):
                result.status, result.reason = Status.CONFLICT, (
                    f"{out.name} changed while this run was working; not overwritten")
                return result
            write_output(out, encoded, {"kind": "summary", "source": path.name,
                               "input_sha256": input_sha,
                               "signature": signature_id(choice.signature),
                               "signature_text": readable_signature(choice.signature),
                               "written": time.time()})
        except (TranslateError, OSError) as exc:
            result.reason = exc.message if isinstance(exc, TranslateError) else str(exc)
            return result
        result.status = Status.TRANSLATED
        result.details = {"method": self.options.method, "words": len(text.split())}
        self._note_untranslated(result, choice)
        return result

    def _note_untranslated(self, result: FileResult, choice: Choice) -> None:
        if choice.why_untranslated is None:
            return
        result.details["untranslated"] = choice.why_untranslated
        self.report.notices.append(
            f"{result.output}: summary left in '{choice.language}' (no translation into "
            f"'{self.pipeline.options.target}' here: {choice.why_untranslated})")
