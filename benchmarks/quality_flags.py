"""Quality checks: how often they flag real machine translation, how often they catch damage.

Real English: Apertium (Italian -> Catalan -> English) of an Italian news article
(tests/data/quality/it_news.txt) and of every seeds/*.txt, each corpus reported apart.
Damage: each output corrupted in one way (a loop, the source copied, a number changed
or missing, the output in the wrong language (Apertium's Catalan, the pivot's own
output, and Italian reworded through Catalan and back: not a copy), cut in half / to a
third, or cut and stopped at ``max_new_tokens``); a check "catches" a corruption when
the corrupted output gets a code the clean one did not.
Cut outputs are judged twice: by the length check alone (no engine flag) and with the
engine's length-limit flag (``truncated``), as a model run reports it.

    python benchmarks/quality_flags.py
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.system_tools import apertium_it_en  # noqa: E402
from tests.test_quality import sentences  # noqa: E402
from translate.quality.checks import check_segment  # noqa: E402


def loop(src: str, out: str) -> str | None:
    words = out.split()
    return " ".join(words[:3] + words[1:3] * 4 + words[3:]) if len(words) >= 4 else None


def change_number(src: str, out: str) -> str | None:
    match = re.search(r"\d+", out)
    if not match:
        return None
    return out[:match.start()] + str(int(match.group()) + 1) + out[match.end():]


def drop_number(src: str, out: str) -> str | None:
    match = re.search(r"\s*\d[\d.,]*", out)
    if not match:
        return None
    return out[:match.start()] + out[match.end():]


def cut(fraction: float) -> Callable[[str, str], str | None]:
    def damage(src: str, out: str) -> str | None:
        return out[:int(len(out) * fraction)] if len(src) >= 30 else None
    return damage


DAMAGE: dict[str, Callable[[str, str], str | None]] = {
    "loop": loop, "copy of source": lambda src, out: src, "number changed": change_number,
    "number missing": drop_number, "cut to 1/2": cut(0.5), "cut to 1/3": cut(1 / 3),
}
# Damage that a model run reports with hit_length_limit=True (the ``truncated`` code).
AT_LIMIT = {"cut to 1/2 at max_new_tokens": cut(0.5)}


def replace_with(outputs: dict[str, str]) -> Callable[[str, str], str | None]:
    """Damage that swaps each output for a prepared one (looked up by source)."""
    return lambda src, out: outputs[src]


def apertium(mode: str, sentences: list[str]) -> list[str]:
    """One Apertium mode over ``sentences`` (``ita-cat``: fluent text in the wrong language)."""
    run = subprocess.run(["apertium", "-u", mode], input="\n\n".join(sentences) + "\n",
                         capture_output=True, text=True, check=True, timeout=120)
    outputs = [part.strip() for part in run.stdout.strip().split("\n\n")]
    assert len(outputs) == len(sentences), "apertium merged or split sentences"
    return outputs


def main() -> None:
    """Print the flag rate on clean output and the catch rate per kind of damage."""
    corpora = {"it_news.txt": sentences(ROOT / "tests/data/quality/it_news.txt"),
               "seeds/": [s for path in sorted((ROOT / "seeds").glob("*.txt"))
                          for s in sentences(path)]}
    sources = [s for found in corpora.values() for s in found]
    outputs = apertium_it_en(sources)
    catalan = apertium("ita-cat", sources)
    wrong = {"Catalan": dict(zip(sources, catalan, strict=True)),  # not among the candidates
             # the source language, reworded (Italian -> Catalan -> Italian): not a copy
             "Italian": dict(zip(sources, apertium("cat-ita", catalan), strict=True))}

    def check(src: str, out: str, limit: bool = False) -> tuple[str, ...]:
        return check_segment(src, out, source_lang="it", target_lang="en",
                             hit_length_limit=limit)

    check(sources[0], outputs[0])  # loads the language identifier once
    start = time.perf_counter()
    clean = [check(s, o) for s, o in zip(sources, outputs, strict=True)]
    per_segment = (time.perf_counter() - start) / len(sources)
    first = 0
    for name, found in corpora.items():
        part = clean[first:first + len(found)]
        first += len(found)
        codes = Counter(code for codes_found in part for code in codes_found)
        flagged = sum(bool(codes_found) for codes_found in part)
        print(f"clean Apertium output, {name}: {flagged}/{len(part)} segments flagged "
              f"({100 * flagged / len(part):.1f}%) {dict(codes)}")
    flagged = sum(bool(found) for found in clean)
    print(f"clean Apertium output, all: {flagged}/{len(sources)} segments flagged "
          f"({100 * flagged / len(sources):.1f}%); {1000 * per_segment:.2f} ms per segment")
    damages = [(name, damage, False) for name, damage in DAMAGE.items()]
    damages += [(f"wrong language ({lang})", replace_with(by_source), False)
                for lang, by_source in wrong.items()]
    damages += [(name, damage, True) for name, damage in AT_LIMIT.items()]
    for name, damage, limit in damages:
        caught = tried = 0
        for src, out, before in zip(sources, outputs, clean, strict=True):
            bad = damage(src, out)
            if bad is None or bad == out:
                continue
            tried += 1
            caught += bool(set(check(src, bad, limit)) - set(before))
        print(f"{name:30s} caught {caught}/{tried} ({100 * caught / max(tried, 1):.0f}%)")


if __name__ == "__main__":
    main()
