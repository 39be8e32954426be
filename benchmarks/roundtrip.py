"""What ``--check-roundtrip`` costs: a run without it, with it, and with it fully cached.

Uses the tiny offline Marian model of the tests for both directions (it-en and en-it),
so the figures are relative (a second model pass against one), not those of a real
opus-mt model. Both runs are ``--no-retry``, so the round trip is compared with one
forward pass. Each timed run translates copies of ``seeds/`` (repeated ``--copies``
times) in one process, after a warm-up run that loads both models (loading the reverse
model, once per session, comes on top of these figures).

    python benchmarks/roundtrip.py [--copies 10] [--engine transformers]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.model_factory import build_marian  # noqa: E402
from translate.api import Session  # noqa: E402
from translate.options import Options  # noqa: E402


def corpus(folder: Path, copies: int) -> None:
    """``copies`` copies of every seed file, each line marked with its copy's number.

    The marks make every copy's segments distinct: a run translates each distinct
    segment once, so plain copies would cost no more than one.
    """
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for i in range(copies):
        for seed in sorted((ROOT / "seeds").glob("*.txt")):
            if seed.name.count(".") == 1:  # inputs, not outputs
                lines = seed.read_text("utf-8").splitlines(keepends=True)
                (folder / f"{i:03d}_{seed.name}").write_text(
                    "".join(f"{i}: {line}" if line.strip() else line for line in lines),
                    "utf-8")


def timed(session: Session, folder: Path, options: Options) -> tuple[float, int]:
    start = time.perf_counter()
    report, _ = session.run([str(folder)], options)
    assert report is not None
    return time.perf_counter() - start, report.totals()["segments"]


def main() -> None:
    """Print the seconds of each run and the round trip's share."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--engine", default="transformers")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        model = work / "tiny"
        build_marian(model)
        registry = work / "models.toml"
        registry.write_text(f'[defaults]\nnum_beams = 1\nmax_new_tokens = 16\n'
                            f'[pairs.it-en]\nmodel = "{model}"\n[pairs.en-it]\nmodel = "{model}"\n')
        # Without retries: the tiny model's English fails every check, and retries (beam 8)
        # would swamp the figure; the round trip itself is never retried.
        base = Options(models=registry, engine=args.engine, source="it", offline=True,
                       device="cpu", retry=False)
        with Session(base) as session:
            corpus(work / "warm", 1)
            # both directions loaded before timing: the figures are model passes, not loads
            timed(session, work / "warm", base.replace(use_cache=False, check_roundtrip=True))
            rows = []
            for name, options in (
                    ("without --check-roundtrip, no cache", base.replace(use_cache=False)),
                    ("with --check-roundtrip, no cache",
                     base.replace(use_cache=False, check_roundtrip=True))):
                corpus(work / "docs", args.copies)
                rows.append((name, *timed(session, work / "docs", options)))
            corpus(work / "cached", args.copies)
            timed(session, work / "cached", base.replace(check_roundtrip=True))
            for name, roundtrip in (("without --check-roundtrip, fully cached", False),
                                    ("with --check-roundtrip, fully cached", True)):
                for output in (work / "cached").glob("*.en.txt"):
                    output.unlink()  # re-run from the cache: both directions are cached
                rows.append((name, *timed(session, work / "cached",
                                          base.replace(check_roundtrip=roundtrip))))
    for name, seconds, segments in rows:
        print(f"{name:40s} {seconds:7.2f} s  {segments} segments")
    print(f"round trip adds {rows[1][1] / rows[0][1] - 1:+.0%} to an uncached run, "
          f"{rows[3][1] / rows[2][1] - 1:+.0%} to a fully cached one")


if __name__ == "__main__":
    main()
