"""Progress display: a live bar on a terminal, periodic log lines otherwise."""

from __future__ import annotations

import os
import sys
import time
from typing import Any, TextIO

from translate.cli.render import printable, shown
from translate.translation.report import FileResult, NoProgress, Progress, Status


class LogProgress:
    """Plain progress lines every ``interval`` seconds (for logs and pipes)."""

    def __init__(self, stream: TextIO | None = None, interval: float | None = None) -> None:
        self.stream = stream or sys.stderr
        self.interval = (interval if interval is not None
                         else float(os.environ.get("TRANSLATE_PROGRESS_INTERVAL", "10")))
        self.total = 0
        self.done = 0
        self.segments = 0
        self.started = time.monotonic()
        self.last = self.started

    def start(self, total_files: int) -> None:
        """Remember the total for the percentage."""
        self.total = total_files

    def file_done(self, result: FileResult) -> None:
        """Count a file; print a failure at once; print a line when due."""
        self.done += 1
        if result.status in (Status.FAILED, Status.CONFLICT):
            print(printable(f"{result.status}: {shown(result.path)}: {result.reason}"),
                  file=self.stream, flush=True)
        self._maybe_print()

    def batch_done(self, segments: int, tokens: int) -> None:
        """Count translated segments."""
        self.segments += segments
        self._maybe_print()

    def _maybe_print(self) -> None:
        now = time.monotonic()
        if now - self.last < self.interval:
            return
        self.last = now
        elapsed = now - self.started
        rate = self.segments / elapsed if elapsed else 0.0
        eta = ""
        if self.done and self.total > self.done:
            eta = f", eta {elapsed / self.done * (self.total - self.done):.0f}s"
        print(f"progress: {self.done}/{self.total} files, {self.segments} segments translated "
              f"({rate:.1f}/s){eta}", file=self.stream, flush=True)

    def close(self) -> None:
        """Nothing to tear down."""


class RichProgress:
    """A live progress bar: files, segments per second and ETA."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.console = Console(stderr=True)
        self.bar: Any = Progress(
            TextColumn("[bold]translating"), BarColumn(), MofNCompleteColumn(),
            TextColumn("files"), TextColumn("{task.fields[segments]} segments"),
            TextColumn("{task.fields[rate]:.1f} seg/s"), TimeElapsedColumn(),
            TimeRemainingColumn(), console=self.console, transient=True)
        self.task: Any = None
        self.segments = 0
        self.started = time.monotonic()

    def start(self, total_files: int) -> None:
        """Show the bar."""
        self.bar.start()
        self.task = self.bar.add_task("files", total=total_files, segments=0, rate=0.0)

    def file_done(self, result: FileResult) -> None:
        """Advance by one file; print failures above the bar."""
        if result.status in (Status.FAILED, Status.CONFLICT):
            from rich.markup import escape

            line = escape(printable(f"{shown(result.path)}: {result.reason}"))
            self.console.print(f"[red]{result.status}[/red] {line}", markup=True,
                               highlight=False)
        self.bar.advance(self.task)

    def batch_done(self, segments: int, tokens: int) -> None:
        """Update the segment counter and rate."""
        self.segments += segments
        rate = self.segments / max(time.monotonic() - self.started, 1e-9)
        self.bar.update(self.task, segments=self.segments, rate=rate)

    def close(self) -> None:
        """Remove the bar."""
        self.bar.stop()


def make_progress(quiet: bool) -> Progress:
    """A live bar on a terminal, log lines otherwise, nothing with ``--quiet``."""
    if quiet:
        return NoProgress()
    return RichProgress() if sys.stderr.isatty() else LogProgress()
