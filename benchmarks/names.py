"""Precision and recall of the name rule on sentences written for it (names_texts.txt).

Each line of ``names_texts.txt`` marks with ``[[...]]`` the spans the rule should keep;
the rule (``translate.text.terms.find_names``) runs on the line without the marks. A
found span counts as right only when it is exactly a marked span.

    python benchmarks/names.py
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from translate.text.terms import find_names  # noqa: E402

MARK = re.compile(r"\[\[(.+?)\]\]")


def spans(line: str) -> tuple[str, set[tuple[int, int]]]:
    """The line without marks, and the marked spans in it."""
    text, gold, last, shift = [], set(), 0, 0
    for match in MARK.finditer(line):
        text.append(line[last:match.start()])
        start = match.start() - shift
        gold.add((start, start + len(match.group(1))))
        text.append(match.group(1))
        shift += 4
        last = match.end()
    text.append(line[last:])
    return "".join(text), gold


def main() -> None:
    """Print every miss and false alarm, then the figures of each part and of all."""
    text = (ROOT / "benchmarks" / "names_texts.txt").read_text(encoding="utf-8")
    tuned, held = text.split("# Held out", 1)
    totals = [0, 0, 0, 0]
    for name, part in (("written first (the rule was tuned on it)", tuned),
                       ("held out", held)):
        lines = [line for line in part.splitlines()[1 if part is held else 0:]
                 if line.strip() and not line.startswith("#")]
        counts = score(lines)
        print(f"{name}: {figures(len(lines), *counts)}")
        totals = [a + b for a, b in zip(totals, [len(lines), *counts], strict=True)]
    print(f"all: {figures(*totals)}")


def figures(lines: int, right: int, found: int, wanted: int) -> str:
    """One line of figures."""
    return (f"{lines} sentences, {wanted} names marked, {found} found, {right} right: "
            f"precision {right / found:.2f}, recall {right / wanted:.2f}")


def score(lines: list[str]) -> tuple[int, int, int]:
    """Right, found and marked spans over ``lines``; prints each miss and false alarm."""
    right = found = wanted = 0
    for line in lines:
        text, gold = spans(line)
        got = set(find_names(text, "it"))
        right += len(got & gold)
        found += len(got)
        wanted += len(gold)
        for a, b in sorted(got - gold):
            print(f"false alarm: {text[a:b]!r} in {text!r}")
        for a, b in sorted(gold - got):
            print(f"missed:      {text[a:b]!r} in {text!r}")
    return right, found, wanted


if __name__ == "__main__":
    main()
