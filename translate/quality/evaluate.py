"""Score translations against reference translations: BLEU and chrF with sacrebleu.

Hypothesis and reference files are aligned line by line (the tool keeps every line of
its input in place). Folders are matched by relative path; a hypothesis named like the
tool's outputs (``a.en.txt``) also matches a reference ``a.txt``. Scores are sacrebleu's
own, with its signature, so they can be compared with published figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from translate.errors import UsageError

_TEXT_SUFFIXES = {".txt", ".md"}


class EvaluationError(UsageError):
    """Hypotheses and references that cannot be paired or aligned."""


@dataclass(frozen=True)
class Scores:
    """BLEU and chrF (0..100) of some hypothesis lines against their references."""

    bleu: float
    chrf: float
    lines: int

    def as_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return {"bleu": round(self.bleu, 2), "chrf": round(self.chrf, 2), "lines": self.lines}


@dataclass(frozen=True)
class FileScores:
    """The scores of one hypothesis file against its reference file."""

    hypothesis: Path
    reference: Path
    scores: Scores


@dataclass(frozen=True)
class EvalReport:
    """Per-file and corpus scores with the sacrebleu signatures that define them."""

    files: tuple[FileScores, ...]
    corpus: Scores
    bleu_signature: str
    chrf_signature: str
    unmatched: tuple[Path, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        """Plain data for ``translate eval --json``."""
        return {
            "signatures": {"bleu": self.bleu_signature, "chrf": self.chrf_signature},
            "corpus": self.corpus.as_dict(),
            "files": [{"hypothesis": str(f.hypothesis), "reference": str(f.reference),
                       **f.scores.as_dict()} for f in self.files],
            "unmatched": [str(p) for p in self.unmatched],
        }


def _text_files(folder: Path) -> dict[str, Path]:
    return {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*"))
            if p.is_file() and p.suffix in _TEXT_SUFFIXES and not p.name.startswith(".")}


def _reference_name(name: str, refs: dict[str, Path]) -> str | None:
    if name in refs:
        return name
    # The tool writes X.txt -> X.en.txt: drop a two- or three-letter language tag.
    stem, _, suffix = name.rpartition(".")
    base, dot, tag = stem.rpartition(".")
    if dot and 2 <= len(tag) <= 3 and tag.isalpha() and f"{base}.{suffix}" in refs:
        return f"{base}.{suffix}"
    return None


def pair_files(hyp: Path, ref: Path) -> tuple[list[tuple[Path, Path]], list[Path]]:
    """Pairs of (hypothesis, reference) files, and the hypotheses left without one.

    Raises:
        EvaluationError: When a path is missing, a file is paired with a folder, or no
            hypothesis in a folder has a reference.
    """
    for path in (hyp, ref):
        if not path.exists():
            raise EvaluationError(f"{path} does not exist")
    if hyp.is_file() and ref.is_file():
        return [(hyp, ref)], []
    if hyp.is_file() or ref.is_file():
        raise EvaluationError(f"cannot pair {hyp} with {ref}",
                              hint="give two files, or two folders matched by file name")
    hyps, refs = _text_files(hyp), _text_files(ref)
    pairs, unmatched = [], []
    for name, path in hyps.items():
        match = _reference_name(name, refs)
        if match is None:
            unmatched.append(path)
        else:
            pairs.append((path, refs[match]))
    if not pairs:
        raise EvaluationError(f"no file in {hyp} has a reference of the same name in {ref}")
    return pairs, unmatched


def _read_lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise EvaluationError(f"{path} is not UTF-8 text (byte {exc.start})",
                              hint="convert it to UTF-8 first") from None
    except OSError as exc:
        raise EvaluationError(f"cannot read {path}: {exc.strerror}") from None


def _aligned_lines(hyp: Path, ref: Path) -> tuple[list[str], list[str]]:
    hyps, refs = _read_lines(hyp), _read_lines(ref)
    if len(hyps) != len(refs):
        raise EvaluationError(
            f"{hyp} has {len(hyps)} lines but its reference {ref} has {len(refs)}",
            hint="hypothesis and reference must be aligned line by line")
    # Lines blank on both sides are paragraph breaks, not sentences to score.
    kept = [(h, r) for h, r in zip(hyps, refs, strict=True) if h.strip() or r.strip()]
    return [h for h, _ in kept], [r for _, r in kept]


def _metrics() -> tuple[Any, Any]:
    from sacrebleu.metrics.bleu import BLEU
    from sacrebleu.metrics.chrf import CHRF

    return BLEU(), CHRF()


def score_lines(hyps: Sequence[str], refs: Sequence[str],
                metrics: tuple[Any, Any] | None = None) -> Scores:
    """Corpus BLEU and chrF (sacrebleu defaults) of aligned lines, one reference each."""
    bleu, chrf = metrics or _metrics()
    return Scores(bleu=bleu.corpus_score(list(hyps), [list(refs)]).score,
                  chrf=chrf.corpus_score(list(hyps), [list(refs)]).score, lines=len(hyps))


def evaluate(hyp_paths: Sequence[Path], ref_paths: Sequence[Path]) -> EvalReport:
    """Score hypotheses against references, per file and over the whole corpus.

    Args:
        hyp_paths: Hypothesis files or folders.
        ref_paths: As many reference files or folders, in the same order.

    Returns:
        The report; the corpus scores pool every line (not an average of file scores).

    Raises:
        EvaluationError: On unequal argument counts, unpairable paths or misaligned files.
    """
    if len(hyp_paths) != len(ref_paths) or not hyp_paths:
        raise EvaluationError("give one reference path for each hypothesis path")
    metrics = _metrics()
    files, unmatched = [], []
    all_hyps: list[str] = []
    all_refs: list[str] = []
    for hyp, ref in zip(hyp_paths, ref_paths, strict=True):
        pairs, missing = pair_files(Path(hyp), Path(ref))
        unmatched += missing
        for hyp_file, ref_file in pairs:
            hyps, refs = _aligned_lines(hyp_file, ref_file)
            if not hyps:  # both empty: nothing to score, and no score to give
                unmatched.append(hyp_file)
                continue
            files.append(FileScores(hyp_file, ref_file, score_lines(hyps, refs, metrics)))
            all_hyps += hyps
            all_refs += refs
    if not all_hyps:
        raise EvaluationError("nothing to score: the hypotheses and references hold no text "
                              "(empty or blank files)",
                              hint="pass translations and their reference translations")
    corpus = score_lines(all_hyps, all_refs, metrics)
    # A signature records the settings of a metric that has scored (it names nrefs).
    bleu, chrf = metrics
    return EvalReport(tuple(files), corpus, str(bleu.get_signature()),
                      str(chrf.get_signature()), tuple(unmatched))


def format_report(report: EvalReport) -> str:
    """The report as plain text lines for the terminal (signatures last, as sacrebleu)."""
    rows = [f"{f.hypothesis}  BLEU {f.scores.bleu:5.1f}  chrF {f.scores.chrf:5.1f}  "
            f"({f.scores.lines} lines)" for f in report.files]
    rows.append(f"corpus  BLEU {report.corpus.bleu:5.1f}  chrF {report.corpus.chrf:5.1f}  "
                f"({report.corpus.lines} lines, {len(report.files)} files)")
    rows += [f"not scored (no reference, or no text): {p}" for p in report.unmatched]
    rows += [f"BLEU signature: {report.bleu_signature}",
             f"chrF signature: {report.chrf_signature}"]
    return "\n".join(rows)
