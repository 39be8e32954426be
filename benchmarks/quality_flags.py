"""Quality checks: how often they flag real machine translation, how often they catch damage.

Real English: Apertium (Italian -> Catalan -> English) of an Italian news article
(tests/data/quality/it_news.txt) and of seeds/. Damage: each output corrupted in one
way (a loop, the source copied, a number changed, cut in half / to a third); a check
"catches" a corruption when the corrupted output gets a code the clean one did not.

    python benchmarks/quality_flags.py
"""

from __future__ import annotations

import re
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


def cut(fraction: float) -> Callable[[str, str], str | None]:
    def damage(src: str, out: str) -> str | None:
        return out[:int(len(out) * fraction)] if len(src) >= 30 else None
    return damage


DAMAGE: dict[str, Callable[[str, str], str | None]] = {
    "loop": loop, "copy of source": lambda src, out: src, "number changed": change_number,
    "cut to 1/2": cut(0.5), "cut to 1/3": cut(1 / 3),
}


def main() -> None:
    """Print the flag rate on clean output and the catch rate per kind of damage."""
    sources = (sentences(ROOT / "tests/data/quality/it_news.txt")
               + sentences(sorted((ROOT / "seeds").glob("*.txt"))[0]))
    outputs = apertium_it_en(sources)

    def check(src: str, out: str) -> tuple[str, ...]:
        return check_segment(src, out, source_lang="it", target_lang="en")

    check(sources[0], outputs[0])  # loads the language identifier once
    start = time.perf_counter()
    clean = [check(s, o) for s, o in zip(sources, outputs, strict=True)]
    per_segment = (time.perf_counter() - start) / len(sources)
    codes = Counter(code for found in clean for code in found)
    flagged = sum(bool(found) for found in clean)
    print(f"clean Apertium output: {flagged}/{len(sources)} segments flagged "
          f"({100 * flagged / len(sources):.1f}%) {dict(codes)}; "
          f"{1000 * per_segment:.2f} ms per segment")
    for name, damage in DAMAGE.items():
        caught = tried = 0
        for src, out, before in zip(sources, outputs, clean, strict=True):
            bad = damage(src, out)
            if bad is None:
                continue
            tried += 1
            caught += bool(set(check(src, bad)) - set(before))
        print(f"{name:16s} caught {caught}/{tried} ({100 * caught / max(tried, 1):.0f}%)")


if __name__ == "__main__":
    main()
