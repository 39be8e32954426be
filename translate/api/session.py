"""``Session``: the registry and routers kept between calls, so models stay loaded.

Every call takes ``Options`` (or uses the session's) and builds the pipeline of the
``run`` layer from them; the CLI and the module-level functions of ``translate.api``
are thin layers over a session.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

from translate.api.arguments import as_paths, as_texts, python_names
from translate.errors import UsageError
from translate.models.engines import choose_engine
from translate.models.pool import ModelPool
from translate.models.registry import Registry, load_registry
from translate.models.routing import Router
from translate.models.translator import RunSettings
from translate.options import ROUTER_LAYERS, SUMMARIZER_LAYERS, Options, layer_key
from translate.run.flow import run_files
from translate.text.documents import decode_bytes
from translate.translation.inputs import plan_languages
from translate.translation.job_options import job_options
from translate.translation.learning import LearnReport, learn
from translate.translation.pipeline import Pipeline
from translate.translation.report import Progress, RunReport
from translate.translation.texts import translate_texts

if TYPE_CHECKING:  # a translation needs no summaries: imported when one is asked for
    from translate.summaries.summarize import Summary
    from translate.summaries.summarizer import Summarizer

__all__ = ["Session"]

Notify = Callable[[str], None]


class Session:
    """Models kept loaded between calls, and the default ``Options`` of those calls.

    Use as a context manager, or call ``close()``, to unload the models::

        with translate.Session(translate.Options(engine="apertium")) as session:
            session.translate_text("Buongiorno a tutti.", source="it")

    Args:
        options: The defaults of every call (a call's ``options`` replace them).
        max_loaded: How many models may be in memory at once (per router).
        hints: ``python``: errors name parameters and ``Options`` fields (``source=``);
            ``cli``: they name the command-line flags (``--from``).
    """

    def __init__(self, options: Options | None = None, *, max_loaded: int = 2,
                 hints: str = "python") -> None:
        if options is not None and not isinstance(options, Options):
            raise TypeError(f"options must be translate.Options, got {type(options).__name__}")
        self.options = options or Options()
        self.max_loaded = max_loaded
        self.hints = hints
        self._registries: dict[Path | None, Registry] = {}
        self._routers: dict[tuple[Any, ...], Router] = {}
        self._summarizers: dict[tuple[Any, ...], Summarizer] = {}
        self._pool = ModelPool(max_loaded)  # one owner of this session's loaded models

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def router(self, options: Options | None = None) -> Router:
        """The router for ``options`` (built once per model setting; loads no model).

        Raises:
            UsageError: an unknown or uninstalled engine, or a bad registry.
        """
        options = options or self.options
        key = layer_key(options, *ROUTER_LAYERS)
        if key not in self._routers:
            choose_engine(options.engine).compute_type("cpu", options.compute_type)
            if options.summary_engine is not None:
                choose_engine(options.summary_engine)
            if options.models not in self._registries:
                self._registries[options.models] = load_registry(options.models)
            self._routers[key] = Router(self._registries[options.models],
                                        options.model_overrides(),
                                        RunSettings.from_options(options), self.max_loaded,
                                        pool=self._pool)
        return self._routers[key]

    def summarizer(self, options: Options | None = None) -> Summarizer:
        """The summariser for ``options`` (kept, so its model stays loaded)."""
        options = options or self.options
        from translate.summaries.summarizer import Summarizer

        key = layer_key(options, *SUMMARIZER_LAYERS)
        if key not in self._summarizers:
            self._summarizers[key] = Summarizer.from_options(self.router(options), options)
        return self._summarizers[key]

    def close(self) -> None:
        """Unload every model this session loaded; the next call loads them again."""
        self._pool.close()
        self._summarizers.clear()
        self._routers.clear()
        self._registries.clear()

    # -- text ----------------------------------------------------------------------------

    @overload
    def translate_text(  # type: ignore[overload-overlap]  # a str is a Sequence[str] too
            self, text_or_texts: str, *, source: str | None = None,
                       target: str | None = None, options: Options | None = None,
                       format: str = "text") -> str: ...

    @overload
    def translate_text(self, text_or_texts: Sequence[str], *, source: str | None = None,
                       target: str | None = None, options: Options | None = None,
                       format: str = "text") -> list[str]: ...

    @python_names
    def translate_text(self, text_or_texts: str | Sequence[str], *, source: str | None = None,
                       target: str | None = None, options: Options | None = None,
                       format: str = "text") -> str | list[str]:
        """Translate a text, or each text of a list (same order); no cache, no files.

        A list is one run: the segments of all its texts share the model's batches.

        Args:
            text_or_texts: One text, or a list of texts.
            source: The source language (default: ``options.source``, ``auto``).
            target: The target language (default: ``options.target``, ``en``).
            options: The settings (default: the session's).
            format: ``text`` (the default), ``markdown``, ``html``, ``srt`` or ``vtt``:
                each text is read and written as a file of that format (Markdown code
                and link targets, HTML tags and attributes are kept).

        Raises:
            TypeError: not a ``str`` nor a list of ``str``.
            TranslateError: no route, a missing model, or a missing output.
        """
        texts, single = as_texts(text_or_texts)
        options = _with_languages(self._options(options), source, target)
        pipeline = Pipeline(self.router(options), job_options(options))
        out = translate_texts(pipeline.routes, texts, source=options.source,
                              target=options.target, format=format)
        return out[0] if single else out

    @python_names
    def summarize_text(self, text: str, *, options: Options | None = None) -> Summary:
        """Summarise ``text`` in ``options.target`` (translating it first when needed).

        Extractive methods choose sentences in the source and translate only those; when
        no model can translate them the summary stays in the source language, and a
        ``UserWarning`` says so.
        """
        from translate.summaries.extractive import ExtractiveSummaries
        from translate.summaries.summarize import Summary
        from translate.summaries.summarizer import summary_settings

        if not isinstance(text, str):
            raise TypeError(f"text must be a str, got {type(text).__name__}")
        options = self._options(options)
        router = self.router(options)
        pipeline = Pipeline(router, job_options(options))
        summary = summary_settings(options)[0]
        if summary.extractive:
            languages = plan_languages(text, options.source)
            extract = ExtractiveSummaries(pipeline, summary)
            choice = extract.choose(languages)
            if choice.why_untranslated:
                warnings.warn(f"summary left in '{choice.language}' (no translation into "
                              f"'{options.target}' here: {choice.why_untranslated})",
                              UserWarning, stacklevel=2)
            return Summary(extract.summarize_text(text, languages, choice))
        return self.summarizer(options).summarize(pipeline.translate_text(text), None)

    # -- files ---------------------------------------------------------------------------

    @python_names
    def translate_files(self, paths: str | Path | Sequence[str | Path], *,
                        target: str | None = None,
                        options: Options | None = None, progress: Progress | None = None,
                        ) -> RunReport:
        """Translate files and folders, writing ``X.en.txt`` next to each ``X.txt``.

        Args:
            paths: A file or folder (``str`` or ``Path``), or a list of them.
            target: The target language (default: ``options.target``).
            options: The settings (default: the session's).
            progress: Receives progress events.

        Raises:
            TypeError: ``paths`` is not a path nor a list of paths.
            UsageError: ``options.summarize`` is set (``summarize_files`` does both).
        """
        options = _with_languages(self._options(options), None, target)
        if options.summarize:
            raise UsageError("translate_files does not summarise",
                             "call summarize_files, or Session.run for both reports")
        translated = self.run(paths, options, progress)[0]
        assert translated is not None  # no summaries: always a translation report
        return translated

    @python_names
    def summarize_files(self, paths: str | Path | Sequence[str | Path], *,
                        options: Options | None = None,
                        progress: Progress | None = None) -> RunReport:
        """Summarise files, writing ``X.en.summary.txt``; return the summary report.

        ``paths``: a file or folder (``str`` or ``Path``), or a list of them.
        """
        options = self._options(options).replace(summarize=True)
        if options.dry_run:
            raise UsageError("a dry run plans the translation only; summaries need its outputs",
                             "call translate_files for a dry run")
        summaries = self.run(paths, options, progress, translate_first=False)[1]
        assert summaries is not None  # summarize=True, no dry run
        return summaries

    @python_names
    def run(self, paths: str | Path | Sequence[str | Path], options: Options | None = None,
            progress: Progress | None = None, translate_first: bool = True,
            ) -> tuple[RunReport | None, RunReport | None]:
        """Translate and, with ``options.summarize``, summarise; return both reports.

        Args:
            paths: Files and folders.
            options: The settings (default: the session's).
            progress: Receives progress events.
            translate_first: With an extractive method, translate whole documents too
                (``translate --summarize``); extractive summaries need no whole
                translation, they translate only the chosen sentences.

        Returns:
            The translation report (``None``: extractive summaries only) and the summary
            report (``None`` without ``summarize``, or in a dry run).
        """
        options = self._options(options)
        router = self.router(options)
        return run_files(as_paths(paths), options, router, lambda: self.summarizer(options),
                         progress, translate_first)

    # -- translation memory --------------------------------------------------------------

    def learn(self, paths: str | Path | Sequence[str | Path], *,
              options: Options | None = None, dry_run: bool | None = None) -> LearnReport:
        """Store the hand edits of the outputs of ``paths`` in their tree's memory.

        Each segment a person changed in ``X.en.txt`` since the tool wrote it becomes a
        ``human`` entry, used before any model by every later run on that tree. An edit
        that cannot be aligned to its segments for certain is skipped and reported.

        Args:
            paths: Inputs, outputs (``X.en.txt``) or folders.
            options: ``target`` and ``glob`` are used (default: the session's).
            dry_run: List what would be stored (default: ``options.dry_run``).
        """
        options = self._options(options)
        return learn(as_paths(paths), options.target, options.glob,
                     options.dry_run if dry_run is None else dry_run)

    def _options(self, options: object) -> Options:
        """A call's ``options``, or the session's."""
        if options is None:
            return self.options
        if not isinstance(options, Options):
            raise TypeError(f"options must be translate.Options, got {type(options).__name__}")
        return options

    # -- standard input ------------------------------------------------------------------

    def translate_bytes(self, data: bytes, options: Options | None = None) -> bytes:
        """Translate standard input bytes to output bytes (keeps a BOM and the encoding)."""
        options = options or self.options
        return Pipeline(self.router(options), job_options(options)).translate_bytes(data)

    def summarize_bytes(self, data: bytes, options: Options | None = None,
                        notify: Notify | None = None) -> bytes:
        """Summarise standard input bytes (``notify``: where an untranslated summary is told)."""
        options = options or self.options
        text = decode_bytes(data, "<stdin>", job_options(options).encoding).text
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            summary = self.summarize_text(text, options=options)
        for warning in caught:
            if notify is not None:
                notify(str(warning.message))
            else:
                warnings.warn_explicit(warning.message, warning.category, warning.filename,
                                       warning.lineno)
        return (summary.text + "\n").encode("utf-8")


def _with_languages(options: Options, source: str | None, target: str | None) -> Options:
    changes = {k: v for k, v in (("source", source), ("target", target)) if v is not None}
    return options.replace(**changes) if changes else options
