"""Batch benchmark: 2,000 generated Italian articles in one run with a tiny model.

Prints files per second, segments per second and peak memory (RSS) of the translate
process, for a cold run and a warm re-run (everything cached). Not a test: figures only.

    python benchmarks/batch.py            # 2,000 files
    python benchmarks/batch.py --files 200
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.model_factory import ITALIAN, build_marian  # noqa: E402

SUBJECTS = ["Il governo", "Il sindaco di Milano", "La Banca centrale", "Il ministro",
            "L'azienda", "Il sindacato", "La Regione", "Il tribunale", "L'università"]
VERBS = ["ha annunciato", "ha approvato", "ha respinto", "ha presentato", "ha criticato"]
OBJECTS = ["il nuovo piano per la mobilità", "la legge di bilancio", "un accordo storico",
           "i dati sull'occupazione", "la riforma delle pensioni", "un investimento di 10.000 euro"]


def article(rng: random.Random, index: int) -> str:
    """One short news article: a title and three paragraphs."""
    def sentence() -> str:
        return f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}."

    title = f"Notizia {index}: {rng.choice(SUBJECTS).lower()} {rng.choice(VERBS)}"
    paragraphs = [" ".join(sentence() for _ in range(rng.randint(1, 3))) for _ in range(3)]
    return title + "\n\n" + "\n\n".join(paragraphs) + "\n"


def run_translate(folder: Path, model: Path) -> tuple[float, dict]:  # type: ignore[type-arg]
    report = folder.parent / "report.json"
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "translate", str(folder), "--to", "en",
                    "--model", str(model), "--num-beams", "1",
                    "--max-new-tokens", "16", "--quiet", "--report", str(report)],
                   check=True, cwd=ROOT)
    return time.perf_counter() - started, json.loads(report.read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=2000)
    args = parser.parse_args()
    rng = random.Random(0)
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        model = build_marian(base / "model", ITALIAN, d_model=64, layers=2, init_std=1.0)
        corpus = base / "corpus"
        corpus.mkdir()
        for i in range(args.files):
            (corpus / f"articolo-{i:05d}.txt").write_text(article(rng, i), encoding="utf-8")
        cold, report = run_translate(corpus, model)
        rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        warm, warm_report = run_translate(corpus, model)
        t = report["totals"]
        print(f"files: {t['files']} ({t['translated']} translated, {t['failed']} failed)")
        print(f"segments: {t['segments']} ({t['model_segments']} distinct to the model, "
              f"{t['generate_calls']} generate calls)")
        print(f"cold run: {cold:.1f} s, {t['files'] / cold:.1f} files/s, "
              f"{t['model_segments'] / cold:.1f} segments/s")
        print(f"warm re-run: {warm:.2f} s ({warm_report['totals']['up-to-date']} up to date), "
              f"{cold / warm:.0f}x faster")
        print(f"peak RSS of the translate process: {rss_mb:.0f} MB")


if __name__ == "__main__":
    main()
