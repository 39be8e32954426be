"""One table from the JSON of ``engines.py`` and ``summarize.py`` (``benchmarks/gpu.sh``).

    python benchmarks/gpu_table.py ENGINES.json SUMMARIZE.json

Names the device (the GPU's model from ``nvidia-smi`` or torch, else the CPU's), then a
row per engine and side: throughput, the ratio to plain transformers float32 and to
float16 on the same device, and peak RSS. The last line is
``gpu default_vs_fp32 greedy=<x> beam4=<y> summaries=<z>`` (goal on a GPU: >= 8).
"""

from __future__ import annotations

import json
import platform
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any


def device_name(device: str) -> str:
    """The GPU's model for a CUDA device, else the CPU's model name."""
    if device.startswith("cuda"):
        if shutil.which("nvidia-smi"):
            done = subprocess.run(["nvidia-smi", "--query-gpu=name,memory.total",
                                   "--format=csv,noheader"], capture_output=True, text=True)
            if done.returncode == 0 and done.stdout.strip():
                return done.stdout.strip().splitlines()[0]
        try:
            import torch

            return str(torch.cuda.get_device_name(0))
        except Exception:  # a name only; the figures say the rest
            return "CUDA device (name unknown)"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return f"CPU: {line.split(':', 1)[1].strip()}"
    return f"CPU: {platform.processor() or 'unknown'}"


def engine_rows(data: dict[str, Any]) -> list[tuple[str, str, float, float]]:
    """(name, engine, greedy sentences/s, beam 4 sentences/s) per engine row."""
    return [(name, r.get("engine", ""), r["count"] / r["1"]["seconds"],
             r["count"] / r["4"]["seconds"]) for name, r in data["results"].items()]


def main() -> None:
    engines = json.loads(Path(sys.argv[1]).read_text())
    summaries = json.loads(Path(sys.argv[2]).read_text())
    device = engines["device"]
    print(f"device: {device_name(device)} ({device})\n")
    rows = engine_rows(engines)
    fp32 = next(r for r in rows if r[0].startswith("naive transformers (one"))
    fp16 = next((r for r in rows if "float16" in r[0]), None)
    default = next(r for r in rows if r[0].startswith("default engine"))
    print("| benchmark | row | engine | greedy / docs per s | beam 4 per s | x fp32 | x fp16 "
          "| peak RSS MB |")
    print("|---|---|---|---|---|---|---|---|")
    for name, engine, greedy, beam in rows:
        ratio = f"{greedy / fp32[2]:.1f} / {beam / fp32[3]:.1f}"
        half = f"{greedy / fp16[2]:.1f} / {beam / fp16[3]:.1f}" if fp16 else "-"
        rss = engines["results"][name]["rss_mb"]
        print(f"| engines | {name} | {engine} | {greedy:.2f} | {beam:.2f} | {ratio} | {half} "
              f"| {rss:.0f} |")
    results = summaries["results"]
    summary_ratio = {}
    for which in ("same", "whole"):
        base = results[f"{which}:baseline"]
        half = results.get(f"{which}:baseline-fp16")
        for side in ("baseline", "baseline-fp16", "project"):
            r = results.get(f"{which}:{side}")
            if r is None:
                continue
            rate = r["documents"] / r["seconds"]
            x32 = rate / (base["documents"] / base["seconds"])
            x16 = f"{rate / (half['documents'] / half['seconds']):.1f}" if half else "-"
            summary_ratio[which] = x32
            print(f"| summaries ({which}) | {side} | {r['engine']} | {rate:.3f} | - | "
                  f"{x32:.1f} | {x16} | {r['rss_mb']:.0f} |")
    print(f"\ngpu default_vs_fp32 greedy={default[2] / fp32[2]:.2f} "
          f"beam4={default[3] / fp32[3]:.2f} summaries={summary_ratio.get('same', 0):.2f}")


if __name__ == "__main__":
    main()
