"""Python API benchmark: ``translate_text`` of 20 texts one at a time against one list.

A list is one run: the segments of every text share the model's batches (one
``generate()`` pass, one Apertium process per leg), where 20 separate calls make 20 runs.
Prints the seconds of each way, their ratio, and whether the outputs are the same.
Not a test: figures only.

    python benchmarks/api_texts.py                    # Apertium (real Italian -> English)
    python benchmarks/api_texts.py --engine tiny      # a tiny random-weight Marian model
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import translate  # noqa: E402

TEXTS = [f"Il governo numero {i} ha approvato la legge di bilancio dopo un lungo dibattito "
         f"in Parlamento. Gli studenti hanno manifestato a Roma il {i + 1} novembre."
         for i in range(20)]


def _options(engine: str, folder: Path) -> translate.Options:
    if engine == "apertium":
        return translate.Options(engine="apertium", source="it")
    from tests.model_factory import build_marian

    model = build_marian(folder / "marian")
    registry = folder / "models.toml"
    registry.write_text(f'[pairs.it-en]\nmodel = "{model}"\nnum_beams = 1\n'
                        'max_new_tokens = 16\n', encoding="utf-8")
    return translate.Options(models=registry, engine="transformers", source="it",
                             retry=False, device="cpu")


def main() -> None:
    """Time both ways in one process (the model loaded once, before either)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--engine", choices=["apertium", "tiny"], default="apertium")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, translate.Session(
            _options(args.engine, Path(tmp))) as session:
        session.translate_text(TEXTS[0])  # load the model: neither way pays for it
        start = time.perf_counter()
        alone = [session.translate_text(text) for text in TEXTS]
        separate = time.perf_counter() - start
        start = time.perf_counter()
        together = session.translate_text(TEXTS)
        listed = time.perf_counter() - start
    print(f"engine {args.engine}: 20 texts one at a time {separate:.2f}s, as one list "
          f"{listed:.2f}s ({separate / listed:.1f}x); same outputs: {alone == together}")


if __name__ == "__main__":
    main()
