"""TMX import (and export) benchmark: units/s and peak memory (VmHWM), growing files.

Writes TMX files of 10,000 and 100,000 units (or ``--units``), imports each into an
empty tree in a fresh process, and prints units/s and that process's peak resident
memory (``VmHWM``), beside the peak of the same process before it imports anything (the
baseline: Python and translate loaded). Bounded memory shows as the same peak for 10x
the units. Not a test: figures only.

    python benchmarks/tmx_import.py
    python benchmarks/tmx_import.py --units 20000 200000
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import json, sys, time
from pathlib import Path

def hwm():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
from translate.cache.store import Cache
from translate.cache.tmx import import_tmx
baseline = hwm()
start = time.perf_counter()
with Cache.open(Path(sys.argv[2])) as cache:
    found = import_tmx(cache.memory, Path(sys.argv[1]))
elapsed = time.perf_counter() - start
peak = hwm()
from translate.cache.tmx import write_tmx_file
start = time.perf_counter()
with Cache.open(Path(sys.argv[2])) as cache:
    exported = write_tmx_file(cache.memory, Path(sys.argv[2]) / "out.tmx")
print(json.dumps({"units": found.units, "stored": found.stored, "seconds": elapsed,
                  "baseline_mib": baseline, "peak_mib": peak, "exported": exported,
                  "export_seconds": time.perf_counter() - start, "export_peak_mib": hwm()}))
"""


def write_tmx(path: Path, units: int) -> None:
    """A TMX file of ``units`` Italian-English units, some with inline placeholders."""
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n'
                  '<header creationtool="bench" creationtoolversion="1" segtype="sentence" '
                  'o-tmf="bench" adminlang="en" srclang="it" datatype="plaintext"/>\n<body>\n')
        for i in range(units):
            mark = (f'<bpt i="1">&lt;x1&gt;</bpt>{i}<ept i="1">&lt;/x1&gt;</ept>'
                    if i % 7 == 0 else str(i))
            out.write(f'<tu creationdate="20240101T000000Z"><tuv xml:lang="it"><seg>Il '
                      f'documento numero {mark} parla della città di Milano e dei suoi '
                      f'abitanti.</seg></tuv><tuv xml:lang="en"><seg>Document number {mark} '
                      'is about the city of Milan and its people.</seg></tuv></tu>\n')
        out.write("</body>\n</tmx>\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args()
    print("TMX import (one process each; the machine may be loaded by other work)")
    with tempfile.TemporaryDirectory() as tmp:
        for units in args.units:
            tmx = Path(tmp) / f"bench-{units}.tmx"
            write_tmx(tmx, units)
            tree = Path(tmp) / f"tree-{units}"
            tree.mkdir()
            run = subprocess.run([sys.executable, "-c", CHILD, str(tmx), str(tree)],
                                 capture_output=True, text=True, check=True, cwd=ROOT)
            got = json.loads(run.stdout)
            size = tmx.stat().st_size / 2**20
            rate = got["units"] / got["seconds"]
            above = got["peak_mib"] - got["baseline_mib"]
            print(f"{units:>8} units ({size:6.1f} MiB TMX): {rate:8.0f} units/s, "
                  f"{got['seconds']:6.2f} s; peak RSS (VmHWM) {got['peak_mib']:.1f} MiB, "
                  f"baseline {got['baseline_mib']:.1f} MiB (+{above:.1f}); "
                  f"{got['stored']} stored")
            print(f"{'':>8} export of {got['exported']} units: "
                  f"{got['exported'] / got['export_seconds']:8.0f} units/s; peak RSS after it "
                  f"{got['export_peak_mib']:.1f} MiB")


if __name__ == "__main__":
    main()
