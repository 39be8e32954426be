"""The checks on real English (Apertium's): clean output passes, damaged output is caught.

benchmarks/quality_flags.py prints the same figures for every kind of damage.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.system_tools import apertium_it_en, require_program
from tests.test_quality import sentences
from translate.quality.checks import check_segment

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
NEWS = ROOT / "tests/data/quality/it_news.txt"


def check(src: str, out: str, limit: bool = False) -> tuple[str, ...]:
    return check_segment(src, out, source_lang="it", target_lang="en", hit_length_limit=limit)


def apertium(mode: str, texts: list[str]) -> list[str]:
    """One Apertium mode over ``texts`` (unknown-word marks dropped), one output each."""
    require_program("apertium", "apertium apertium-cat-ita apertium-eng-cat")
    run = subprocess.run(["apertium", "-u", mode], input="\n\n".join(texts) + "\n",
                         capture_output=True, text=True, check=True, timeout=120)
    outputs = [part.strip() for part in run.stdout.strip().split("\n\n")]
    assert len(outputs) == len(texts), "apertium merged or split sentences"
    return outputs


@pytest.fixture(scope="module")
def corpus() -> tuple[list[str], list[str]]:
    """Italian segments of the news article and every seed, and Apertium's English."""
    sources = sentences(NEWS) + [s for path in SEEDS for s in sentences(path)]
    return sources, apertium_it_en(sources)


def test_apertium_english_of_every_seed_is_rarely_flagged() -> None:
    assert SEEDS
    sources = [s for path in SEEDS for s in sentences(path)]
    outputs = apertium_it_en(sources)
    flagged = [(s, o, check(s, o)) for s, o in zip(sources, outputs, strict=True) if check(s, o)]
    assert len(sources) >= 10 and len(flagged) <= 0.05 * len(sources), flagged


def test_loops_copies_lost_numbers_and_truncation_are_all_caught(
        corpus: tuple[list[str], list[str]]) -> None:
    sources, outputs = corpus
    with_numbers = 0
    for src, out in zip(sources, outputs, strict=True):
        words = out.split()
        assert "repeat" in check(src, " ".join(words[:3] + words[1:3] * 4 + words[3:]))
        assert "copy" in check(src, src)
        assert "truncated" in check(src, out[:len(out) // 2], limit=True)
        number = re.search(r"\s*\d[\d.,]*", out)
        if number:
            with_numbers += 1
            found = check(src, out[:number.start()] + out[number.end():])
            assert {"numbers", "dates"} & set(found), out  # a day number is a date's
    assert with_numbers >= 10


def test_output_in_another_language_is_caught(corpus: tuple[list[str], list[str]]) -> None:
    """Italian reworded (not a copy) always; Catalan, outside the candidates, nearly always.

    Catalan spreads the identifier's probability over Spanish, French and Italian, none
    of them confident: only ``1 - P(English)`` tells that it is not English.
    """
    sources, _ = corpus
    catalan = apertium("ita-cat", sources)
    italian = apertium("cat-ita", catalan)
    assert all("wrong-lang" in check(s, o) for s, o in zip(sources, italian, strict=True))
    caught = sum("wrong-lang" in check(s, o) for s, o in zip(sources, catalan, strict=True))
    assert caught >= 0.9 * len(sources), f"{caught}/{len(sources)}"
