"""Human-readable rendering of a run report (on standard error)."""

from __future__ import annotations

import typer

from translate.translation.memory import memory_counts
from translate.translation.report import RunReport, Status


def echo(text: str) -> None:
    """Print one line on standard error (``printable``: one line it stays)."""
    typer.echo(printable(text), err=True)


def printable(text: str) -> str:
    r"""``text`` with what a terminal would not show as it is escaped, never raw.

    A newline, a tab or an escape sequence in a file name (or in a message naming one)
    becomes ``\n``, ``\t``, ``\x1b``, so one file cannot fake lines of a run's
    summary; the bytes of a name that is not UTF-8 (surrogate escapes) show as ``\xff``.
    """
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else _escape(ch) for ch in text)


def shown(path: str) -> str:
    """A path as printed: as it is, or quoted with its odd characters escaped."""
    return path if path.isprintable() else f"'{printable(path)}'"


def _escape(ch: str) -> str:
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return ch.encode("unicode_escape", "backslashreplace").decode("ascii")


def render_report(report: RunReport, quiet: bool = False, kind: str = "files",
                  failures_shown: bool = False) -> None:
    """Print failures, warnings and, unless ``quiet``, a summary of the run.

    Args:
        report: The run's report.
        quiet: Print only warnings and failures.
        kind: ``files`` for translations, ``summaries`` for a summary report.
        failures_shown: The progress display already printed each failure.
    """
    for warning in report.warnings:
        echo(f"warning: {warning}")
    for missing in report.missing_models:  # a dry run's plan: shown even with --quiet
        echo(f"model missing for {missing['pair']}: fetch it with `{missing['fetch']}` "
             "(or see --help for --model and --engine)")
    failed = [f for f in report.files if f.status in (Status.FAILED, Status.CONFLICT)]
    for result in [] if failures_shown else failed:
        echo(f"{result.status}: {shown(result.path)}: {result.reason}")
    if quiet:
        return
    for notice in report.notices:
        echo(f"notice: {notice}")
    for result in report.files:
        if result.status == Status.SKIPPED:
            echo(f"skipped: {shown(result.path)}: {result.reason}")
        elif result.status == Status.UP_TO_DATE and result.reason:
            echo(f"kept: {shown(result.path)}: {result.reason}")
    if kind == "summaries":
        _render_summaries(report)
    else:
        _render_totals(report)


def _render_totals(report: RunReport) -> None:
    """A translation run's totals: files, segments, quality, models and time."""
    t = report.totals()
    rate = "n/a" if t["cache_hit_rate"] is None else f"{t['cache_hit_rate']:.0%}"
    verb = "would translate" if t["planned"] else "translated"
    extra = "".join(f"{t[key]} {label}, " for key, label in
                    (("conflict", "in conflict"), ("interrupted", "interrupted")) if t[key])
    echo(f"{_plural(t['files'], 'file')}: {t['translated'] or t['planned']} {verb}, "
         f"{t['up-to-date']} up to date, {t['skipped']} skipped, {extra}{t['failed']} failed")
    if t["own_outputs"]:
        echo(f"({_plural(t['own_outputs'], 'file')} in these folders written by earlier runs: "
             "outputs, not inputs)")
    echo(f"{_plural(t['segments'], 'segment')}: {t['cache_hits']} from cache ({rate}), "
         f"{t['model_segments']} to the model"
         + (f" ({_plural(t['model_tokens'], 'token')}"
            + (", estimated: no tokenizer here)" if report.tokens_estimated else ")")
            if t["planned"] else "")
         + f"; {t['resplit_segments']} re-split, {_plural(t['truncated_tokens'], 'token')} "
           "truncated")
    memory = memory_counts(report.files)
    if memory:
        echo(f"{_plural(sum(memory.values()), 'segment')} from memory ("
             + ", ".join(f"{n} {origin}" if len(memory) > 1 else origin
                         for origin, n in memory.items()) + "): no model for them")
    if not t["planned"] and t["segments"]:
        echo(f"quality: {_plural(t['flagged_segments'], 'segment')} flagged, "
             f"{t['retried_segments']} retried"
             + (" (--report lists them by file and line; --review shows them)"
                if t["flagged_segments"] else ""))
    if t["length_limited_outputs"]:
        echo(f"warning: {_plural(t['length_limited_outputs'], 'output')} stopped at "
             "--max-new-tokens and may be incomplete; raise --max-new-tokens")
    if t["unknown_words"]:
        echo(f"{_plural(t['unknown_words'], 'word')} the rule-based engine did not know "
             "(marked in its output; the marks removed where the source had no such "
             "character, and always inside URLs, e-mail addresses and numbers)")
    if t["redone_segments"]:
        echo(f"warning: {_plural(t['redone_segments'], 'segment')} redone one at a time "
             "after its batch came back with a different count")
    if report.models_loaded:
        echo(f"models loaded: {', '.join(report.models_loaded)}")
    if report.interrupted:
        echo("interrupted: finished batches are cached; run the same command to resume")
    echo(f"time: {report.elapsed_s:.2f}s")


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _render_summaries(report: RunReport) -> None:
    written = [f for f in report.files if f.status == Status.TRANSLATED]
    chunks = sum(f.details.get("chunks", 0) for f in written)
    levels = max((f.details.get("reduce_levels", 0) for f in written), default=0)
    fallbacks = sum(1 for f in written if f.details.get("fallback"))
    files = len(report.files)
    conflicts = report.count(Status.CONFLICT)
    model = (f"; {_plural(chunks, 'chunk')}, at most {_plural(levels, 'reduce level')}, "
             f"{_plural(report.batch.truncated_tokens, 'input token')} truncated") if chunks else ""
    echo(f"{files} {'summary' if files == 1 else 'summaries'}: {len(written)} written, "
         f"{report.count(Status.UP_TO_DATE)} up to date, {report.count(Status.SKIPPED)} "
         f"skipped, " + (f"{conflicts} in conflict, " if conflicts else "")
         + f"{report.count(Status.FAILED)} failed{model}")
    if report.batch.length_limited:
        echo(f"warning: {_plural(report.batch.length_limited, 'summariser output')} stopped "
             "at the token limit and may be incomplete; raise --max-words")
    if fallbacks:
        echo(f"warning: {fallbacks} of the written summaries are extractive (TextRank over "
             "the chunk summaries): the model's summaries did not get shorter")
    echo(f"time: {report.elapsed_s:.2f}s")
