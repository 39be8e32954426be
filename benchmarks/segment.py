"""Segmentation and extractive-summary speed on inputs that grow: is the time linear?

Segmentation: 1, 2, 4 and 8 MB of Italian-like text on a single line (no line break
at all, the worst case for the sentence splitter), cut with ``segment`` and checked
to reassemble byte for byte. Prints MB/s per size and time(8 MB) / time(1 MB): a
linear segmenter gives about 8 (goal: at most 9).

Extractive summary: TextRank over documents of 500 and 5,000 English-like sentences.

    python benchmarks/segment.py                     # everything (minutes: pysbd is slow)
    python benchmarks/segment.py --sizes 0.25 0.5    # smaller segmentation inputs, in MB
    python benchmarks/segment.py --only summary
"""

from __future__ import annotations

import argparse
import random
import time

from translate.summaries.textrank import textrank
from translate.text.segment import reassemble, segment

ITALIAN = ("il governo ha approvato la legge di bilancio per il prossimo anno dopo una lunga "
           "discussione in aula gli studenti hanno manifestato a Roma contro la riforma della "
           "scuola e il ministro ha risposto che le tensioni nella politica mondiale aumentano "
           "mentre il leader della Corea del Nord incontra il ministro russo delle risorse "
           "naturali").split()
ENGLISH = ("the government approved the budget law for next year after a long debate in "
           "parliament students demonstrated in Rome against the school reform and the "
           "minister answered that tensions in world politics are rising while the leader "
           "met the Russian minister of natural resources on trade energy and security").split()
EXTRAS = ["n. 5", "pag. 3", "art. 12", "sig. Rossi", "www.example.it", "«davvero»"]


def italian_line(size: int, seed: int = 0) -> str:
    """About ``size`` characters of Italian-like sentences on one line."""
    rng = random.Random(seed)
    parts: list[str] = []
    total = 0
    while total < size:
        words = rng.choices(ITALIAN, k=rng.randint(6, 24))
        if rng.random() < 0.3:
            words.insert(rng.randrange(len(words)), rng.choice(EXTRAS))
        sentence = " ".join(words).capitalize() + rng.choice(".....!?;")
        parts.append(sentence)
        total += len(sentence) + 1
    return " ".join(parts)[:size]


def english_doc(sentences: int, seed: int = 0) -> str:
    """``sentences`` English-like sentences in paragraphs of five."""
    rng = random.Random(seed)
    lines = [" ".join(rng.choices(ENGLISH, k=rng.randint(6, 24))).capitalize() + "."
             for _ in range(sentences)]
    return "\n\n".join(" ".join(lines[i:i + 5]) for i in range(0, len(lines), 5))


def bench_segment(sizes_mb: list[float]) -> None:
    """Segment each size; print wall and CPU time (CPU: fair on a shared machine)."""
    times: dict[float, float] = {}
    for mb in sizes_mb:
        text = italian_line(int(mb * 1_000_000))
        start, cpu = time.perf_counter(), time.process_time()
        doc = segment(text, "it")
        elapsed, used = time.perf_counter() - start, time.process_time() - cpu
        assert reassemble(doc, doc.segments) == text, "reassembly is not byte-exact"
        times[mb] = used
        print(f"segment {mb:g} MB: {elapsed:7.1f} s wall, {used:7.1f} s CPU, "
              f"{mb / used:6.3f} MB/s (CPU), {len(doc.segments)} segments", flush=True)
    if len(times) > 1:
        low, high = min(times), max(times)
        print(f"CPU time({high:g} MB) / time({low:g} MB) = {times[high] / times[low]:.2f} "
              f"(size ratio {high / low:g}; linear: about the size ratio)")


def bench_summary(counts: list[int]) -> None:
    """TextRank over ``counts`` sentences; sentence splitting is part of the time."""
    for count in counts:
        text = english_doc(count)
        start, cpu = time.perf_counter(), time.process_time()
        summary = textrank(text, 120)
        elapsed, used = time.perf_counter() - start, time.process_time() - cpu
        print(f"textrank {count} sentences: {elapsed:6.2f} s wall, {used:6.2f} s CPU "
              f"({len(summary.split())} words)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[1, 2, 4, 8],
                        help="segmentation input sizes in MB")
    parser.add_argument("--sentences", type=int, nargs="+", default=[500, 5000])
    parser.add_argument("--only", choices=["segment", "summary"])
    args = parser.parse_args()
    if args.only != "summary":
        bench_segment(args.sizes)
    if args.only != "segment":
        bench_summary(args.sentences)


if __name__ == "__main__":
    main()
