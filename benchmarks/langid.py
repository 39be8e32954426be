"""Language identification: accuracy and speed of candidate packages on our own texts.

Texts: ``benchmarks/langid_texts.tsv`` (seven languages, long and short sentences).
Every identifier chooses among the same seven languages. Packages that are not
installed are skipped (``pip install lingua-language-detector`` to include lingua).

    python benchmarks/langid.py
"""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Callable
from pathlib import Path

LANGS = ["it", "en", "de", "fr", "es", "pt", "nl"]
DATA = [line.split("\t", 1) for line in
        (Path(__file__).with_name("langid_texts.tsv")).read_text("utf-8").splitlines() if line]


def py3langid() -> Callable[[str], str]:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ident.set_languages(LANGS)
    return lambda text: str(ident.classify(text)[0])


def lingua() -> Callable[[str], str]:
    from lingua import Language, LanguageDetectorBuilder

    names = {"it": "ITALIAN", "en": "ENGLISH", "de": "GERMAN", "fr": "FRENCH",
             "es": "SPANISH", "pt": "PORTUGUESE", "nl": "DUTCH"}
    detector = LanguageDetectorBuilder.from_languages(
        *[getattr(Language, names[code]) for code in LANGS]).build()
    codes = {getattr(Language, name): code for code, name in names.items()}
    return lambda text: codes[detector.detect_language_of(text)]


def main() -> None:
    print(f"{len(DATA)} texts, {len(LANGS)} languages")
    print("| package | load s | accuracy (all) | accuracy (<= 4 words) | texts/s |")
    print("|---|---|---|---|---|")
    for name, factory, module in (("py3langid", py3langid, "py3langid"),
                                  ("lingua", lingua, "lingua")):
        if importlib.util.find_spec(module) is None:
            print(f"| {name} | not installed | | | |")
            continue
        started = time.perf_counter()
        classify = factory()
        classify(DATA[0][1])  # lingua loads its models lazily, on the first call
        load = time.perf_counter() - started
        started = time.perf_counter()
        guesses = [classify(text) for _, text in DATA * 10][: len(DATA)]  # 10 passes
        rate = len(DATA) * 10 / (time.perf_counter() - started)
        right = [g == lang for g, (lang, _) in zip(guesses, DATA, strict=True)]
        short = [ok for ok, (_, text) in zip(right, DATA, strict=True) if len(text.split()) <= 4]
        print(f"| {name} | {load:.2f} | {sum(right) / len(right):.1%} | "
              f"{sum(short) / len(short):.1%} | {rate:.0f} |")


if __name__ == "__main__":
    main()
