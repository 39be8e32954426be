"""Server benchmark: 1, 8 and 32 concurrent clients against ``translate serve`` on loopback.

Each phase sends the same number of ``POST /translate`` requests (one sentence each,
different sentences, the server started with ``--no-cache`` so every one reaches the
model); the baseline is one client sending them one at a time. Prints throughput,
p50/p95/p99 latency, errors, and the batcher's counters; stops by itself.

With no real weights here the default engine runs a random Marian model built by
``tests/model_factory.py``: by default of opus-mt's shape (6+6 layers, width 512; a
small vocabulary), so a generate() call costs about what a real one does; ``--shape
tiny`` is the tests' model, so small that the server's own work is what is measured.
Its output is nonsense. ``--engine apertium`` measures Apertium.

    python benchmarks/serve.py                 # 256 requests a phase, default engine
    python benchmarks/serve.py --requests 64 --engine apertium
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.model_factory import build_marian  # noqa: E402
from tests.serve_helpers import serving  # noqa: E402

SUBJECTS = ["Il governo", "Il sindaco di Milano", "La Banca centrale", "Il ministro",
            "L'azienda", "Il sindacato", "La Regione", "Il tribunale", "L'università"]
VERBS = ["ha annunciato", "ha approvato", "ha respinto", "ha presentato", "ha criticato"]
OBJECTS = ["il nuovo piano per la mobilità", "la legge di bilancio", "un accordo storico",
           "i dati sull'occupazione", "la riforma delle pensioni", "un investimento"]


# opus-mt-it-en is a Marian transformer of 6+6 layers, width 512, 8 heads, FFN 2048.
SHAPES: dict[str, dict[str, int]] = {
    "opus": {"d_model": 512, "layers": 6, "heads": 8, "ffn": 2048},
    "tiny": {},
}


def sentences(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} numero "
            f"{seed * 100_000 + i}." for i in range(count)]


def phase(url: str, texts: list[str], clients: int) -> dict[str, float]:
    """``clients`` concurrent clients (one connection each) sending ``texts`` between them."""
    return asyncio.run(_phase(url, texts, clients))


async def _phase(url: str, texts: list[str], clients: int) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    queue = list(reversed(texts))
    # One pool, its connections opened before the clock starts (an SSL context and a
    # TCP handshake per client would be measured otherwise, not the server).
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(timeout=300, limits=limits) as http:
        async def send(text: str) -> bool:
            try:
                answer = await http.post(url + "/translate", json={
                    "q": text, "source": "it", "target": "en"})
            except httpx.HTTPError:
                return False
            return answer.status_code == 200

        await asyncio.gather(*(send(f"Buongiorno numero {n}.") for n in range(clients)))

        async def client() -> None:
            nonlocal errors
            while queue:
                text = queue.pop()
                started = time.perf_counter()
                ok = await send(text)
                latencies.append(time.perf_counter() - started)
                errors += not ok

        started = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(clients)))
        wall = time.perf_counter() - started
    cuts = statistics.quantiles(latencies, n=100)
    return {"clients": clients, "requests": len(texts), "wall_s": wall,
            "rps": len(texts) / wall, "p50_ms": cuts[49] * 1000, "p95_ms": cuts[94] * 1000,
            "p99_ms": cuts[98] * 1000, "errors": errors}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=256, help="requests per phase")
    parser.add_argument("--engine", default="auto")
    parser.add_argument("--clients", default="1,8,32")
    parser.add_argument("--shape", choices=sorted(SHAPES), default="opus",
                        help="the random Marian model's size: opus (opus-mt's layers and "
                             "widths, a small vocabulary) or tiny (the tests' model)")
    parser.add_argument("--retry", action="store_true",
                        help="keep the quality retry on (the tiny random model never ends a "
                             "sentence, so every output is retried: that cost dominates)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        extra: list[str] = []
        if args.engine != "apertium":
            model = build_marian(base / "random-it-en", **SHAPES[args.shape])
            registry = base / "models.toml"
            registry.write_text(f'[defaults]\nnum_beams = 1\nmax_new_tokens = 16\n'
                                f'batch_size = 64\n\n[pairs.it-en]\nmodel = "{model}"\n')
            extra = ["--models", str(registry)]
        folder = base / "served"
        folder.mkdir()
        if not args.retry:
            extra.append("--no-retry")
        with serving(folder, "--engine", args.engine, "--no-cache", "--max-concurrent", "128",
                     *extra) as server:
            url = server.url
            httpx.post(url + "/translate", json={"q": "Buongiorno.", "source": "it",
                                                 "target": "en"}, timeout=300)  # load
            rows = []
            for number, clients in enumerate(int(c) for c in args.clients.split(",")):
                before = httpx.get(url + "/health").json()
                row = phase(url, sentences(args.requests, number), clients)
                after = httpx.get(url + "/health").json()
                batches = after["batches"] - before["batches"]
                row["batch_mean"] = (after["segments"] - before["segments"]) / max(batches, 1)
                row["model_s"] = after["model_s"] - before["model_s"]
                rows.append(row)
            baseline = next(r for r in rows if r["clients"] == 1)
    model_note = "" if args.engine == "apertium" else f", random Marian of shape {args.shape}"
    print(f"engine {args.engine}{model_note}; {args.requests} requests a phase, one "
          f"sentence each; retry {'on' if args.retry else 'off'}")
    print(f"{'clients':>7} {'req/s':>8} {'x base':>7} {'p50 ms':>8} {'p95 ms':>8} "
          f"{'p99 ms':>8} {'errors':>6} {'batch':>6} {'model s':>8}")
    for row in rows:
        print(f"{row['clients']:>7} {row['rps']:>8.1f} {row['rps'] / baseline['rps']:>7.2f} "
              f"{row['p50_ms']:>8.1f} {row['p95_ms']:>8.1f} {row['p99_ms']:>8.1f} "
              f"{row['errors']:>6} {row['batch_mean']:>6.1f} {row['model_s']:>8.2f}")


if __name__ == "__main__":
    main()
