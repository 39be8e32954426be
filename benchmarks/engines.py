"""Engine benchmark: naive transformers vs the project's engines, on opus-mt-it-en's shape.

Builds the opus-mt-it-en architecture offline with random weights (MarianConfig: vocab
80035, d_model 512, 6+6 layers, 8 heads, FFN 2048, swish, static sinusoidal positions,
scaled shared embeddings, pad/decoder start 80034, eos 0) and a SentencePiece tokenizer
trained on Italian text written here; generates a workload of Italian news sentences;
forces every engine to emit the same number of tokens per sentence (EOS suppressed until
then, checked by counting); runs each engine in its own process (for honest peak RSS)
at greedy and beam 4, and prints sentences/s, target tokens/s, load time, peak RSS and
ratios to naive transformers from the same run.

    python benchmarks/engines.py --quick     # < 5 minutes on 2 cores
    python benchmarks/engines.py             # 256 sentences for every engine
    python benchmarks/engines.py --apertium  # only the Apertium row (seconds)
    python benchmarks/engines.py --device cuda --fp16 --no-extras   # benchmarks/gpu.sh

Every row is timed alike: an untimed warm-up on a few of its sentences, then the best
of ``--repeats`` (3) passes over the same sentences, tokenization and decoding inside
(the raw CTranslate2 row too, so ``vs_raw_ct2`` compares like with like). Peak RSS is
``VmHWM`` of the row's own fresh process (``ru_maxrss`` is inherited over fork and exec).

The Apertium row (rule-based, when the Debian packages are installed) runs the same
Italian sentences through it -> ca -> en with no forced length (it has no decoder to
force) and no beams, so its figure is sentences/s only.

The last line is ``speedup greedy=<x> beam4=<y> rss_ratio=<z>`` (the default engine
against naive transformers; rss_ratio = default peak RSS / naive peak RSS).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

VOCAB = 80035
TOKENS = 32  # target tokens every engine must emit per sentence
ENGINES = {  # name -> (project engine or None for naive, compute type)
    "naive transformers (one sentence at a time)": (None, "float32"),
    "transformers, project pipeline (batched, sorted)": ("transformers", "float32"),
    "default engine (auto), project pipeline": ("auto", "auto"),
    "ctranslate2 float32, project pipeline": ("ctranslate2", "float32"),
    "raw CTranslate2 int8, best thread layout (2 workers x 1 thread, async)": ("raw", "int8"),
}
NAIVE, REFERENCE, DEFAULT = list(ENGINES)[:3]
RAW = list(ENGINES)[4]
FP16 = "naive transformers float16 (one sentence at a time)"  # --fp16 (for CUDA)
ENGINES[FP16] = (None, "float16")

SUBJECTS = ["Il presidente del Consiglio", "La Commissione europea", "Il ministro dell'Economia",
            "Il sindaco di Roma", "La Banca d'Italia", "Il segretario del partito",
            "Un portavoce del governo", "La procura di Milano", "Il sindacato dei metalmeccanici",
            "L'amministratore delegato della società"]
VERBS = ["ha annunciato", "ha confermato", "ha respinto", "ha presentato", "ha criticato",
         "ha difeso", "ha rinviato", "ha approvato"]
OBJECTS = ["il nuovo piano per le infrastrutture", "la riforma delle pensioni",
           "l'accordo sul commercio con i paesi vicini", "i dati sull'occupazione giovanile",
           "un investimento di dieci miliardi di euro", "la legge di bilancio per il prossimo anno",
           "le misure contro il caro energia", "il progetto per la rete ferroviaria del Sud"]
TAILS = ["dopo una lunga riunione a Palazzo Chigi", "nonostante le proteste delle opposizioni",
         "in una conferenza stampa convocata in serata", "secondo fonti vicine al dossier",
         "mentre i mercati restano prudenti", "in vista del vertice europeo di dicembre",
         "con il sostegno delle associazioni di categoria", "tra le critiche degli economisti"]


def workload(count: int, seed: int = 0) -> list[str]:
    """``count`` distinct Italian news sentences (about 20 to 30 words)."""
    rng = random.Random(seed)
    out: list[str] = []
    while len(out) < count:
        sentence = (f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} "
                    f"{rng.choice(TAILS)}, {rng.choice(TAILS)}.")
        if sentence not in out:
            out.append(sentence)
    return out


def build_model(path: Path) -> Path:
    """The opus-mt-it-en architecture with random weights and a trained SentencePiece."""
    import sentencepiece as spm
    import torch
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    from tests.model_factory import ITALIAN

    if (path / "model.safetensors").exists():
        return path
    path.mkdir(parents=True, exist_ok=True)
    text = ITALIAN.splitlines() + workload(2000, seed=1)
    proto = _train(text)
    (path / "source.spm").write_bytes(proto)
    (path / "target.spm").write_bytes(proto)
    sp = spm.SentencePieceProcessor(model_proto=proto)
    vocab = {sp.id_to_piece(i): i for i in range(sp.get_piece_size())}
    for i in range(len(vocab), VOCAB - 1):  # the real model's vocabulary size
        vocab[f"<extra_{i}>"] = i
    vocab["<pad>"] = VOCAB - 1
    (path / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False))
    tokenizer = MarianTokenizer(str(path / "source.spm"), str(path / "target.spm"),
                                str(path / "vocab.json"), model_max_length=512)
    config = MarianConfig(
        vocab_size=VOCAB, d_model=512, encoder_layers=6, decoder_layers=6,
        encoder_attention_heads=8, decoder_attention_heads=8, encoder_ffn_dim=2048,
        decoder_ffn_dim=2048, activation_function="swish", static_position_embeddings=True,
        scale_embedding=True, share_encoder_decoder_embeddings=True, max_position_embeddings=512,
        pad_token_id=VOCAB - 1, decoder_start_token_id=VOCAB - 1, eos_token_id=0,
        forced_eos_token_id=None, bad_words_ids=[[VOCAB - 1]])
    torch.manual_seed(0)
    MarianMTModel(config).eval().save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


def _train(lines: list[str]) -> bytes:
    import io

    import sentencepiece as spm

    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines), model_writer=buffer, vocab_size=4000,
        hard_vocab_limit=False, model_type="unigram", character_coverage=1.0, pad_id=-1,
        bos_id=-1, unk_id=1, eos_id=0, unk_piece="<unk>", eos_piece="</s>", minloglevel=2)
    return buffer.getvalue()


def best_of(run: Callable[[], dict[str, Any]], repeats: int) -> dict[str, Any]:
    """``run()`` timed ``repeats`` times; the fastest pass's result with its ``seconds``.

    Every row is timed the same way: after an untimed warm-up on a few of the same
    sentences (the caller's), the best of ``repeats`` full passes over all of them.
    """
    best: dict[str, Any] = {}
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = run()
        seconds = time.perf_counter() - t0
        if not best or seconds < best["seconds"]:
            best = {**result, "seconds": seconds}
    return best


def peak_rss_mb() -> float:
    """This process's peak RSS (``VmHWM``: unlike ``ru_maxrss``, not the parent's peak
    inherited across fork and exec, which overstates small rows)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(name: str, model: Path, count: int, out: Path, device: str, repeats: int) -> None:
    """Run one engine at greedy and beam 4; write figures and outputs as JSON."""
    os.environ.setdefault("TRANSLATE_THREADS", "2")
    sentences = workload(count)
    engine_name, compute = ENGINES[name]
    results: dict[str, Any] = {}
    if engine_name == "raw":
        load = raw_ct2(model, sentences, results, device, repeats)
    elif engine_name is None:
        load = naive(model, sentences, results, device, compute, repeats)
    else:
        load = project_row(model, sentences, results, device, engine_name, compute, repeats)
    results["load_s"] = load
    results["rss_mb"] = peak_rss_mb()
    results["count"] = len(sentences)
    out.write_text(json.dumps(results))


def naive(model: Path, sentences: list[str], results: dict[str, Any], device: str,
          dtype: str, repeats: int) -> float:
    """Naive transformers: one sentence at a time; fill ``results``; return the load time."""
    import torch
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    torch.set_num_threads(2)
    started = time.perf_counter()
    tokenizer = AutoTokenizer.from_pretrained(model)
    net = AutoModelForSeq2SeqLM.from_pretrained(model, dtype=getattr(torch, dtype))
    net = net.to(device).eval()
    load = time.perf_counter() - started
    results["engine"] = f"transformers {dtype}"

    def run(beams: int, batch: list[str]) -> dict[str, Any]:
        texts, tokens = [], []
        for sentence in batch:
            with torch.inference_mode():
                ids = net.generate(**tokenizer([sentence], return_tensors="pt").to(device),
                                   num_beams=beams, min_new_tokens=TOKENS,
                                   max_new_tokens=TOKENS, do_sample=False)
            row = [t for t in ids[0].tolist()[1:] if t not in tokenizer.all_special_ids]
            tokens.append(len(row))
            texts.append(tokenizer.decode(ids[0], skip_special_tokens=True).strip())
        return {"texts": texts, "tokens": tokens}

    for beams in (1, 4):
        run(beams, sentences[:2])  # warm-up
        results[str(beams)] = best_of(lambda beams=beams: run(beams, sentences), repeats)
    return load


def project_row(model: Path, sentences: list[str], results: dict[str, Any], device: str,
                engine_name: str, compute: str, repeats: int) -> float:
    """A project engine through ``iter_translations``; fill ``results``; return load time."""
    from translate.models.engines.base import BatchStats, iter_translations
    from translate.models.registry import GenerationOptions, ModelSpec
    from translate.models.translator import RunSettings, Translator

    settings = RunSettings(engine=engine_name, device=device, compute_type=compute)
    load = 0.0
    for beams in (1, 4):
        spec = ModelSpec("it-en", str(model), batch_size=32, max_batch_tokens=8192,
                         generation=GenerationOptions(num_beams=beams, min_new_tokens=TOKENS,
                                                      max_new_tokens=TOKENS))
        translator = Translator(spec, settings)
        t_load = time.perf_counter()
        translator.engine  # noqa: B018  (load and, for ctranslate2, convert once)
        load = load or time.perf_counter() - t_load
        results["engine"] = f"{translator.info.name} {translator.compute_type}"

        def run(batch: list[str], translator: Translator = translator) -> dict[str, Any]:
            stats = BatchStats()
            done: dict[str, str] = {}
            for part in iter_translations(translator.engine, batch, 32, 8192, stats):
                done.update(part)
            return {"texts": [done[s] for s in batch], "output_tokens": stats.output_tokens}

        run(sentences[:8])  # warm-up
        results[str(beams)] = best_of(lambda run=run: run(sentences), repeats)
        translator.unload()
    return load


def raw_ct2(model: Path, sentences: list[str], results: dict[str, Any], device: str,
            repeats: int) -> float:
    """The raw CTranslate2 row: fill ``results`` per beam size; return the load time.

    Timed as the project rows: warm-up, best of ``repeats``, tokenization inside.
    """
    import ctranslate2
    import sentencepiece as spm

    from translate.models.engines.ct2 import converted_model
    from translate.models.hub import resolve_model
    from translate.models.registry import ModelSpec

    compute = "int8" if device == "cpu" else "float16"
    path = converted_model(resolve_model(ModelSpec("it-en", str(model))), compute)
    t0 = time.perf_counter()
    workers = 2 if device == "cpu" else 1
    translator = ctranslate2.Translator(str(path), device=device, compute_type=compute,
                                        inter_threads=workers, intra_threads=1)
    sp = spm.SentencePieceProcessor(model_file=str(model / "source.spm"))
    load = time.perf_counter() - t0
    results["engine"] = f"ctranslate2 {compute}"

    def run(beams: int, batch: list[str]) -> dict[str, Any]:
        tokens = [[*pieces, "</s>"] for pieces in sp.encode(batch, out_type=str)]
        order = sorted(range(len(tokens)), key=lambda i: -len(tokens[i]))
        futures = []
        for start in range(0, len(order), 32):
            futures += translator.translate_batch(
                [tokens[i] for i in order[start:start + 32]], beam_size=beams,
                min_decoding_length=TOKENS, max_decoding_length=TOKENS, asynchronous=True)
        texts: list[str] = [""] * len(batch)
        count = 0
        for index, future in zip(order, futures, strict=True):
            hypothesis = [tok for tok in future.result().hypotheses[0]
                          if tok not in ("</s>", "<pad>", "<unk>")]
            count += len(hypothesis)
            texts[index] = sp.decode_pieces(hypothesis).replace("\u2581", " ").strip()
        return {"texts": texts, "output_tokens": count}

    for beams in (1, 4):
        run(beams, sentences[:8])  # warm-up
        results[str(beams)] = best_of(lambda beams=beams: run(beams, sentences), repeats)
    return load


def convert(model: Path, work: Path, device: str) -> dict[str, float]:
    """Convert the model for CTranslate2 once per compute type (timed, in a subprocess).

    Conversion is a one-time cost (the converted model is cached), so it is kept out of
    the engines' load time and peak memory, and reported on its own.
    """
    shutil.rmtree(work / "ct2", ignore_errors=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TRANSLATE_CT2_CACHE": str(work / "ct2")}
    times = {}
    for compute in ("int8", "float32", *(("float16",) if device != "cpu" else ())):
        code = ("import sys, time; from translate.models.registry import ModelSpec; "
                "from translate.models.hub import resolve_model; "
                "from translate.models.engines.ct2 import converted_model; "
                "t = time.perf_counter(); "
                f"converted_model(resolve_model(ModelSpec('it-en', {str(model)!r})), "
                f"{compute!r}); print(time.perf_counter() - t)")
        out = subprocess.run([sys.executable, "-c", code], check=True, env=env,
                             capture_output=True, text=True).stdout
        times[compute] = float(out.strip().splitlines()[-1])
    return times


def run_worker(name: str, model: Path, count: int, work: Path, device: str,
               repeats: int) -> dict[str, Any]:
    """Run ``worker`` in a fresh process (so its peak RSS, ``VmHWM``, is its own)."""
    out = work / f"result-{list(ENGINES).index(name)}.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TRANSLATE_CT2_CACHE": str(work / "ct2")}
    subprocess.run([sys.executable, __file__, "--worker", name, "--model", str(model),
                    "--count", str(count), "--out", str(out), "--device", device,
                    "--repeats", str(repeats)], check=True, env=env)
    return json.loads(out.read_text())


def rerun_seeds(model: Path, work: Path, fresh: bool) -> tuple[float, float]:
    """Cold and warm wall time of `translate seeds/` through the CLI (default engine).

    ``fresh``: nothing cached at all (the model is converted in the cold run), as on a
    new machine; otherwise the converted model is already cached.
    """
    folder = work / ("seeds-fresh" if fresh else "seeds")
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(ROOT / "seeds", folder)
    ct2 = work / ("ct2-fresh" if fresh else "ct2")
    if fresh:
        shutil.rmtree(ct2, ignore_errors=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TRANSLATE_CT2_CACHE": str(ct2)}
    times = []
    for _ in range(2):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "translate", str(folder), "--to", "en",
                        "--model", str(model), "--max-new-tokens", str(TOKENS), "--quiet",
                        # random weights run every output to the length limit, which
                        # the checks flag: no retry, as in the rows above
                        "--no-retry"],
                       check=True, env=env)
        times.append(time.perf_counter() - t0)
    return times[0], times[1]


def apertium_row(count: int) -> str | None:
    """The Apertium table row: it -> ca -> en over ``workload(count)``, or ``None``."""
    if shutil.which("apertium") is None:
        return None
    from translate.models.registry import Registry
    from translate.models.routing import Router
    from translate.models.translator import RunSettings

    sentences = workload(count)
    router = Router(Registry(("bench",), {}), settings=RunSettings(engine="apertium"))
    t0 = time.perf_counter()
    current = {s: s for s in sentences}
    for leg in router.route("it", "en"):
        done: dict[str, str] = {}
        for batch in router.translate(leg, sorted(set(current.values()))):
            done.update(batch)
        current = {s: done[m] for s, m in current.items()}
    seconds = time.perf_counter() - t0
    legs = "+".join(leg.spec.model.removeprefix("apertium:") for leg in router.route("it", "en"))
    return (f"| apertium {legs} (rule-based; no forced length, no beams) | {count} | "
            f"{count / seconds:.2f} | - | - | - | - | - | - | - |")


def signals_overhead(model: Path, work: Path, count: int, repeats: int = 3) -> str:
    """The cost of per-segment signals on the default engine, as a run pays it.

    The same workload through the default engine (ctranslate2 int8 on CPU) with model
    scores off and on, plus ``check_segment`` on every output (its language model loaded
    before timing: a one-time cost). This benchmark forces the output length, so the
    ``length`` and ``truncated`` checks are exempted (``length_min_chars`` out of reach,
    ``hit_length_limit=False``). Off and on alternate; the best of ``repeats`` counts.
    Retries are not timed here (they run only for flagged segments).
    """
    saved = {name: os.environ.get(name) for name in ("TRANSLATE_THREADS", "TRANSLATE_CT2_CACHE")}
    os.environ["TRANSLATE_THREADS"] = os.environ.get("TRANSLATE_THREADS") or "2"
    os.environ["TRANSLATE_CT2_CACHE"] = str(work / "ct2")
    try:
        return _signals_overhead(model, count, repeats)
    finally:  # later steps (the seeds/ re-run) read the environment as it was
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _signals_overhead(model: Path, count: int, repeats: int) -> str:
    from translate.models.engines.base import iter_generated
    from translate.models.registry import GenerationOptions, ModelSpec
    from translate.models.translator import RunSettings, Translator
    from translate.quality.checks import QualityOptions, check_segment

    sentences = workload(count)
    exempt = QualityOptions(length_min_chars=10**9)
    check_segment(sentences[0], sentences[0], source_lang="it", target_lang="en")
    lines = []
    for beams in (1, 4):
        spec = ModelSpec("it-en", str(model), batch_size=32, max_batch_tokens=8192,
                         generation=GenerationOptions(num_beams=beams, min_new_tokens=TOKENS,
                                                      max_new_tokens=TOKENS))
        translator = Translator(spec, RunSettings(engine="auto", device="cpu"))
        engine: Any = translator.engine
        best = {"off": float("inf"), "on": float("inf"), "checks": float("inf")}
        flagged = 0
        list(iter_generated(engine, sentences[:8], 32, 8192))  # warm-up, untimed
        for _ in range(repeats):
            for mode in ("off", "on"):
                engine.scores = mode == "on"
                t0 = time.perf_counter()
                done = {k: v for batch in iter_generated(engine, sentences, 32, 8192)
                        for k, v in batch.items()}
                best[mode] = min(best[mode], time.perf_counter() - t0)
            assert all(g.score is not None for g in done.values())
            t0 = time.perf_counter()
            flagged = sum(bool(check_segment(s, done[s].text, source_lang="it", target_lang="en",
                                             options=exempt)) for s in sentences)
            best["checks"] = min(best["checks"], time.perf_counter() - t0)
        overhead = (best["on"] + best["checks"]) / best["off"] - 1
        lines.append(f"  {translator.info.name} {translator.compute_type} beam {beams}, "
                     f"{count} sentences: scores off {best['off']:.2f} s, on "
                     f"{best['on']:.2f} s, checks {best['checks']:.3f} s "
                     f"({flagged} flagged): {overhead:+.1%}")
    return ("\nsignals (model scores + checks) on the default engine:\n" + "\n".join(lines)
            + f"\nsignals overhead: {overhead * 100:+.1f}%  (beam 4, the default settings)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer sentences (< 5 min)")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/translate-bench"))
    parser.add_argument("--apertium", action="store_true", help="only the Apertium row")
    parser.add_argument("--device", default="cpu", help="cpu (default) or cuda")
    parser.add_argument("--fp16", action="store_true", help="also naive transformers float16")
    parser.add_argument("--count", type=int,
                        help="sentences per row (default 256; --quick: 64, naive 16)")
    parser.add_argument("--repeats", type=int, default=3,
                        help="timed passes per row after a warm-up; the best counts (3)")
    parser.add_argument("--no-extras", action="store_true",
                        help="only the table (no signals, Apertium or seeds/ re-run)")
    parser.add_argument("--json", type=Path, help="also write every row's figures here")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--model", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.model, args.count, args.out, args.device, args.repeats)
        return
    if args.apertium:
        print(apertium_row(64 if args.quick else 256) or "apertium is not installed")
        return
    args.workdir.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    model = build_model(args.workdir / "opus-mt-it-en-random")
    print(f"model: opus-mt-it-en shape, random weights, built in {time.perf_counter() - t0:.1f} s")
    conversions = convert(model, args.workdir, args.device)
    print("one-time CTranslate2 conversion: " + ", ".join(
        f"{k} {v:.1f} s" for k, v in conversions.items()))
    rows = [name for name in ENGINES if name != FP16 or args.fp16]
    counts = {name: args.count or ((16 if name in (NAIVE, FP16) else 64) if args.quick else 256)
              for name in rows}
    results = {name: run_worker(name, model, counts[name], args.workdir, args.device,
                                args.repeats) for name in rows}
    if args.json:
        args.json.write_text(json.dumps({"device": args.device, "tokens": TOKENS,
                                         "results": results}))
    if not args.no_extras:
        print(signals_overhead(model, args.workdir, counts[DEFAULT]))  # before the last line
    report(results, model, args.workdir, extras=not args.no_extras)


def report(results: dict[str, dict[str, Any]], model: Path, work: Path,
           extras: bool = True) -> None:
    """Print the table, token counts, agreement, the seeds re-run and the speedup line."""
    print(f"\n{TOKENS} target tokens per sentence, 2 threads; ratios against naive greedy/beam 4;"
          " every row: warm-up, then the best of its timed passes over the same sentences"
          " (tokenization inside); peak RSS: VmHWM of the row's own process")
    print("| engine | sentences | greedy sent/s | beam4 sent/s | greedy tok/s | beam4 tok/s "
          "| x greedy | x beam4 | load s | peak RSS MB |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    naive = results[NAIVE]
    rate = {name: {b: r["count"] / r[b]["seconds"] for b in ("1", "4")}
            for name, r in results.items()}
    for name, r in results.items():
        label = f"{name} [{r['engine']}]" if "engine" in r else name
        print(f"| {label} | {r['count']} | {rate[name]['1']:.2f} | {rate[name]['4']:.2f} | "
              f"{rate[name]['1'] * TOKENS:.0f} | {rate[name]['4'] * TOKENS:.0f} | "
              f"{rate[name]['1'] / rate[NAIVE]['1']:.1f} | "
              f"{rate[name]['4'] / rate[NAIVE]['4']:.1f} | {r['load_s']:.1f} | "
              f"{r['rss_mb']:.0f} |")
    row = apertium_row(max(r["count"] for r in results.values())) if extras else ""
    print(row if row is not None else "| apertium: not installed (apt-get install apertium "
          "apertium-cat-ita apertium-eng-cat) |")
    print("\ntokens generated per sentence (must all equal the forced count):")
    for name, r in results.items():
        per = {b: (sum(r[b]["tokens"]) / len(r[b]["tokens"]) if "output_tokens" not in r[b]
                   else r[b]["output_tokens"] / r["count"]) for b in ("1", "4")}
        print(f"  {name}: greedy {per['1']:.2f}, beam4 {per['4']:.2f}")
    reference = results[REFERENCE]["1"]["texts"]
    print("\ngreedy agreement with transformers float32 (same sentences):")
    for name, r in results.items():
        if name == REFERENCE:
            continue
        texts = r["1"]["texts"]
        same = sum(a == b for a, b in zip(texts, reference[: len(texts)], strict=True))
        print(f"  {name}: {same}/{len(texts)} = {same / len(texts):.1%}")
    if extras:
        print("\nseeds/ through the CLI (default engine, beam 4, 32 tokens a sentence):")
        cold, warm = rerun_seeds(model, work, fresh=True)
        print(f"  new machine (model converted in the cold run): cold {cold:.2f} s, "
              f"warm re-run {warm:.2f} s, {cold / warm:.0f}x faster")
        cold, warm = rerun_seeds(model, work, fresh=False)
        print(f"  converted model already cached: cold {cold:.2f} s, "
              f"warm re-run {warm:.2f} s, {cold / warm:.0f}x faster")
    default = results[DEFAULT]
    versus = {b: rate[DEFAULT][b] / rate[RAW][b] for b in ("1", "4")}
    print(f"\ndefault engine against raw CTranslate2 (best layout): greedy {versus['1']:.2f}, "
          f"beam4 {versus['4']:.2f}")
    print(f"speedup greedy={rate[DEFAULT]['1'] / rate[NAIVE]['1']:.2f} "
          f"beam4={rate[DEFAULT]['4'] / rate[NAIVE]['4']:.2f} "
          f"rss_ratio={default['rss_mb'] / naive['rss_mb']:.2f} "
          f"vs_raw_ct2={min(versus.values()):.2f}")


if __name__ == "__main__":
    main()
