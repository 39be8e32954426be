"""What a run did: per-file results, totals, and the progress interface."""

from __future__ import annotations

import os
import time
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from translate.models.engines.base import BatchStats

# Marks a JSON file as a report this tool wrote: only such a file may be replaced by
# ``--report``.
REPORT_TOOL = "translate"


class Status(StrEnum):
    """The outcome for one input file."""

    TRANSLATED = "translated"
    UP_TO_DATE = "up-to-date"
    SKIPPED = "skipped"
    FAILED = "failed"
    CONFLICT = "conflict"  # an output exists that the tool may not overwrite
    INTERRUPTED = "interrupted"  # the run stopped before this file was done
    PLANNED = "planned"  # --dry-run


@dataclass
class FileResult:
    """One input file's outcome.

    Attributes:
        path: The input file (``-`` for stdin).
        status: What happened.
        output: The file written, if any.
        reason: Why it was skipped or failed.
        language: The detected (or given) source language.
        segments: Segments in the document.
        cache_hits: Segments answered from the cache.
        model_segments: Distinct segments that went to the model.
        model_tokens: Input tokens those segments had (``--dry-run``: to translate).
        flagged: Segments whose translation still fails a quality check.
        retried: Segments generated a second time with the retry settings.

    """

    path: str
    status: Status
    output: str | None = None
    reason: str | None = None
    language: str | None = None
    segments: int = 0
    cache_hits: int = 0
    model_segments: int = 0
    model_tokens: int = 0
    flagged: int = 0
    retried: int = 0
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class RunReport:
    """The report of one run (``--report FILE.json`` writes ``as_dict()``)."""

    files: list[FileResult] = field(default_factory=list)
    batch: BatchStats = field(default_factory=BatchStats)
    started: float = field(default_factory=time.time)
    elapsed_s: float = 0.0
    interrupted: bool = False
    models_loaded: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    distributed: dict[str, Any] | None = None
    model_segments: int = 0  # distinct segments sent (or, dry run, to send) to a model
    model_tokens: int = 0  # their input tokens (counted in dry runs)
    own_outputs: int = 0  # files in the folders that the tool wrote (not inputs)
    missing_models: list[dict[str, Any]] = field(default_factory=list)  # dry runs list them
    tokens_estimated: bool = False  # a dry run counted without the tokenizer
    notices: list[str] = field(default_factory=list)
    # every flagged segment: file, segment number, input line (1-based), codes, score
    flagged: list[dict[str, Any]] = field(default_factory=list)

    def count(self, status: Status) -> int:
        """How many files ended with ``status``."""
        return sum(1 for f in self.files if f.status == status)

    @property
    def failed(self) -> bool:
        """Whether any file failed or is in conflict (exit code 1)."""
        return self.count(Status.FAILED) + self.count(Status.CONFLICT) > 0

    def totals(self) -> dict[str, Any]:
        """Aggregate counters over all files."""
        segments = sum(f.segments for f in self.files)
        hits = sum(f.cache_hits for f in self.files)
        return {
            "files": len(self.files),
            **{s.value: self.count(s) for s in Status},
            "segments": segments,
            "cache_hits": hits,
            "cache_hit_rate": round(hits / segments, 4) if segments else None,
            "model_segments": self.model_segments,
            "model_tokens": self.model_tokens,
            "resplit_segments": self.batch.resplit,
            "truncated_tokens": self.batch.truncated_tokens,
            "length_limited_outputs": self.batch.length_limited,
            "generate_calls": self.batch.batches,
            "own_outputs": self.own_outputs,
            "unknown_words": self.batch.unknown_words,
            "redone_segments": self.batch.redone_segments,
            "flagged_segments": sum(f.flagged for f in self.files),
            "retried_segments": sum(f.retried for f in self.files),
        }

    def as_dict(self) -> dict[str, Any]:
        """The whole report as JSON-ready data."""
        return {
            "tool": REPORT_TOOL,
            "totals": self.totals(),
            "elapsed_s": round(self.elapsed_s, 3),
            "interrupted": self.interrupted,
            "models_loaded": self.models_loaded,
            "warnings": self.warnings,
            "notices": self.notices,
            "missing_models": self.missing_models,
            "tokens_estimated": self.tokens_estimated,
            "distributed": self.distributed,
            "files": [asdict(f) for f in self.files],
            "flagged": self.flagged,
        }


class Progress(Protocol):
    """Receives progress events; the CLI renders them, tests may count them."""

    def start(self, total_files: int) -> None:
        """The run starts with ``total_files`` inputs."""

    def file_done(self, result: FileResult) -> None:
        """One file finished (in any status)."""

    def batch_done(self, segments: int, tokens: int) -> None:
        """One model batch finished."""

    def close(self) -> None:
        """The run ended."""


class NoProgress:
    """A progress sink that shows nothing (``--quiet``, library use)."""

    def start(self, total_files: int) -> None:
        """Ignore."""

    def file_done(self, result: FileResult) -> None:
        """Ignore."""

    def batch_done(self, segments: int, tokens: int) -> None:
        """Ignore."""

    def close(self) -> None:
        """Ignore."""


def relative(path: Path) -> str:
    """``path`` relative to the working directory when it is below it."""
    try:  # the name the user gave: a link is not shown as its target
        return str(Path(os.path.abspath(path)).relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)
