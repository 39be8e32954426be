"""Summary benchmark: the old ``pipeline("summarization")`` way vs the project's summary path.

Builds the distilbart-cnn-12-6 architecture offline with random weights (BartConfig:
12 encoder and 6 decoder layers, d_model 1024, 16 heads, FFN 4096, gelu, 1024 learned
positions, vocabulary 50264 as the real model's) and a byte-level BPE tokenizer trained
on English text written here (its vocabulary padded to the model's size); generates
English news-like documents; forces every side to emit the same number of tokens per
output it asks for (EOS suppressed until then, no forced EOS; counted and printed);
runs each side in its own process (peak RSS: ``VmHWM`` of that process) at beam 4 with
the summariser's settings (no_repeat_ngram_size 3, length_penalty 2.0), and prints
documents/s, generated tokens/s, load time, peak RSS and the ratios. Two comparisons:

- same work: documents of 250 to 600 words, each within the 1,024-token window, so
  both sides read every token and write one summary each;
- whole documents: 400 to 1,500 words; the baseline truncates at 1,024 tokens (the
  input tokens it never reads are counted and printed), the project reads them all
  (chunks, then a reduce level or the chunk summaries joined).

Sides:

- baseline: what a user of the old ``pipeline("summarization")`` got: transformers
  float32, one document at a time, beam 4, the input truncated at 1024 tokens;
- project: the default engine (``--engine auto``: CTranslate2 int8 on CPU, float16 on
  CUDA; its conversion cached and timed apart) through the real summary path,
  ``SummaryRun``: files read, chunked (no truncation), chunks of all documents batched
  together, chunk summaries sized as shares of the summary, cache and files written;
- with ``--before``, also ``project-old`` on the whole documents: every chunk summary
  at the full length and always a reduce pass (the summary path before sizing);
  with ``--unbatched``, ``project-unbatched``: one document at a time;
- with ``--fp16``, also ``baseline-fp16`` (transformers float16: for ``--device cuda``).

``--profile`` adds, per side, the seconds its encoder takes over the same inputs (the
rest of a generate call is the decoder and beam search).

    python benchmarks/summarize.py --quick            # 6 + 6 documents, 64 tokens
    python benchmarks/summarize.py                    # 16 + 16 documents, 128 tokens
    python benchmarks/summarize.py --docs 2 --tokens 8   # a smoke run

The last line is ``speedup same_work=<x> whole=<y> rss_ratio=<z>`` (documents/s of the
project over the baseline's on each set; the project's peak RSS over the baseline's,
the larger of the two sets each).
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
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

VOCAB = 50264  # distilbart-cnn-12-6's
POSITIONS = 1024
THREADS = 2
SIDES = ("baseline", "project", "project-unbatched")

SUBJECTS = ["The prime minister", "The European Commission", "The finance minister",
            "The mayor of the capital", "The central bank", "A government spokesman",
            "The union of metal workers", "The chief executive of the company",
            "Prosecutors in Milan", "The opposition leader", "Local residents",
            "Health officials", "The football federation", "Scientists at the university"]
VERBS = ["announced", "confirmed", "rejected", "presented", "criticised", "defended",
         "postponed", "approved", "questioned", "welcomed", "described"]
OBJECTS = ["a new plan for roads and railways", "the pension reform",
           "the trade agreement with neighbouring countries", "figures on youth employment",
           "an investment of ten billion euros", "next year's budget law",
           "measures against rising energy prices", "the project for a high-speed line",
           "a report on hospital waiting lists", "the results of the regional election",
           "a proposal to cut taxes for small firms", "the decision to close the plant"]
TAILS = ["after a long meeting in the capital", "despite protests from the opposition",
         "at a press conference called in the evening", "according to sources close to the talks",
         "while markets remain cautious", "ahead of the European summit in December",
         "with the support of business groups", "amid criticism from economists",
         "as thousands gathered in the main square", "in a statement released on Tuesday"]


def sentence(rng: random.Random) -> str:
    """One English news sentence (about 15 to 30 words)."""
    text = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(TAILS)}"
    if rng.random() < 0.5:
        text += f", {rng.choice(TAILS)}"
    if rng.random() < 0.3:
        text += f", with {rng.randint(2, 950)} people involved in {rng.randint(1990, 2026)}"
    return text + "."


def documents(count: int, seed: int = 0, low: int = 400, high: int = 1500) -> list[str]:
    """``count`` distinct news-like documents of ``low`` to ``high`` words in paragraphs."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        target = rng.randint(low, high)
        paragraphs: list[str] = []
        words = 0
        while True:
            para = " ".join(sentence(rng) for _ in range(rng.randint(2, 5)))
            if paragraphs and words + len(para.split()) > high:
                break
            paragraphs.append(para)
            words += len(para.split())
            if words >= target:
                break
        out.append("\n\n".join(paragraphs))
    return out


SETS = {"same": (250, 600, 7), "whole": (400, 1500, 0)}  # words low, high; seed


def workset(name: str, count: int) -> list[str]:
    """The documents of one comparison (``same``: each fits the window)."""
    low, high, seed = SETS[name]
    return documents(count, seed, low, high)


def build_model(path: Path) -> Path:
    """distilbart-cnn-12-6's architecture with random weights and a trained BPE."""
    import torch
    from tokenizers import ByteLevelBPETokenizer
    from transformers import BartConfig, BartForConditionalGeneration, BartTokenizer

    if (path / "model.safetensors").exists():
        return path
    path.mkdir(parents=True, exist_ok=True)
    bpe = ByteLevelBPETokenizer()
    lines = [p for doc in documents(300, seed=1) for p in doc.split("\n\n")]
    bpe.train_from_iterator(lines, vocab_size=8000, min_frequency=2,
                            special_tokens=["<s>", "<pad>", "</s>", "<unk>", "<mask>"],
                            show_progress=False)
    bpe.save_model(str(path))
    vocab = json.loads((path / "vocab.json").read_text())
    # Padded to the real vocabulary (its output layer is a large part of decoding):
    # the extra entries decode to short words, never produced by the encoder.
    for index in range(len(vocab), VOCAB):
        vocab[f"\u0120w{index}"] = index
    (path / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False))
    tokenizer = BartTokenizer(str(path / "vocab.json"), str(path / "merges.txt"),
                              model_max_length=POSITIONS)
    config = BartConfig(
        vocab_size=VOCAB, d_model=1024, encoder_layers=12, decoder_layers=6,
        encoder_attention_heads=16, decoder_attention_heads=16, encoder_ffn_dim=4096,
        decoder_ffn_dim=4096, activation_function="gelu", max_position_embeddings=POSITIONS,
        scale_embedding=False, pad_token_id=1, bos_token_id=0, eos_token_id=2,
        decoder_start_token_id=2, forced_bos_token_id=None, forced_eos_token_id=None)
    torch.manual_seed(0)
    BartForConditionalGeneration(config).eval().save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


def baseline(model: Path, docs: list[str], tokens: int, device: str = "cpu",
             dtype: str = "float32", profile: bool = False) -> dict[str, Any]:
    """The old ``pipeline("summarization")`` way: one document at a time, truncated."""
    import torch
    import transformers
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    torch.set_num_threads(THREADS)
    transformers.logging.set_verbosity_error()  # the over-long input notice, each time
    started = time.perf_counter()
    tokenizer = AutoTokenizer.from_pretrained(model)
    net = AutoModelForSeq2SeqLM.from_pretrained(model, dtype=getattr(torch, dtype))
    net = net.to(device).eval()
    load = time.perf_counter() - started
    counts, dropped, read = [], 0, 0
    t0 = time.perf_counter()
    for doc in docs:
        length = len(tokenizer(doc)["input_ids"])
        dropped += max(0, length - POSITIONS)
        read += min(length, POSITIONS)
        batch = tokenizer([doc], return_tensors="pt", truncation=True,
                          max_length=POSITIONS).to(device)
        with torch.inference_mode():
            ids = net.generate(**batch, num_beams=4, min_new_tokens=tokens,
                               max_new_tokens=tokens, no_repeat_ngram_size=3,
                               length_penalty=2.0, do_sample=False)
        counts.append(sum(1 for t in ids[0].tolist()[1:] if t not in tokenizer.all_special_ids))
    _sync(device)
    result = {"seconds": time.perf_counter() - t0, "load_s": load, "outputs": len(docs),
              "output_tokens": sum(counts), "per_output": sorted(set(counts)),
              "truncated_tokens": dropped, "input_tokens": read,
              "engine": f"transformers {dtype}"}
    if profile:
        t0 = time.perf_counter()
        batches = [tokenizer([d], return_tensors="pt", truncation=True,
                             max_length=POSITIONS).to(device) for d in docs]
        result["tokenize_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        with torch.inference_mode():
            for batch in batches:
                net.get_encoder()(**batch)
        _sync(device)
        result["encoder_s"] = time.perf_counter() - t0
    return result


def _sync(device: str) -> None:
    if device.startswith("cuda"):
        import torch

        torch.cuda.synchronize()


def project(model: Path, docs: list[str], tokens: int, work: Path, name: str,
            device: str = "cpu", profile: bool = False) -> dict[str, Any]:
    """The default engine through ``SummaryRun`` (files in, summaries and cache out)."""
    os.environ["TRANSLATE_THREADS"] = str(THREADS)
    import translate.summaries.files as summary
    import translate.summaries.summarizer as summarizer_module
    from translate.models.registry import load_registry
    from translate.models.routing import Router
    from translate.models.translator import RunSettings, Translator
    from translate.summaries.summarize import SummaryOptions
    from translate.translation.job_options import JobOptions

    folder = work / f"docs-{name}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for index, doc in enumerate(docs):
        (folder / f"doc{index:03d}.txt").write_text(doc + "\n")
    registry = work / "models.toml"
    registry.write_text(f'[summarizer]\nmodel = "{model}"\nnum_beams = 4\n'
                        "no_repeat_ngram_size = 3\nlength_penalty = 2.0\n"
                        "max_input_tokens = 1024\nbatch_size = 8\n")
    if name.endswith("-old"):  # the summary path before sizing: full-length chunk summaries
        sized = summarizer_module.map_reduce_many
        summarizer_module.map_reduce_many = (  # type: ignore[assignment]
            lambda *a, **k: sized(*a, **{**k, "summary_tokens": None}))
    if name.endswith("-unbatched"):  # one file per group: each document on its own
        summary.GROUP_BYTES = 1
    router = Router(load_registry(registry), settings=RunSettings(engine="auto", device=device))
    summarizer = summary.Summarizer(router, SummaryOptions(max_words=120))
    assert summarizer.translator is not None
    spec = summarizer.translator.spec  # forced length: exactly `tokens` per output
    summarizer.translator = Translator(spec.replace(min_new_tokens=tokens, max_new_tokens=tokens),
                                       router.settings.for_models(), task="summarize")
    t0 = time.perf_counter()
    router.pool.use(summarizer.translator)
    load = time.perf_counter() - t0
    t0 = time.perf_counter()
    _, report = summary.SummaryRun(router, JobOptions(target="en", source="en"),
                                   summarizer).run([str(folder)])
    seconds = time.perf_counter() - t0
    stats = report.batch
    details = [f.details for f in report.files]
    assert all(f.status.value == "translated" for f in report.files), report.files
    written = [(folder / f"doc{i:03d}.en.summary.txt").read_text() for i in range(len(docs))]
    result = {"seconds": seconds, "load_s": load, "outputs": stats.segments,
              "summaries": written,
              "output_tokens": stats.output_tokens, "generate_calls": stats.batches,
              "chunks": sum(d["chunks"] for d in details),
              "reduce_levels": sum(d["reduce_levels"] for d in details),
              "input_tokens": stats.input_tokens,
              "truncated_tokens": stats.truncated_tokens, "length_limited": stats.length_limited,
              "engine": f"{summarizer.translator.info.name} {summarizer.translator.compute_type}"}
    if profile:
        result.update(_profile_project(summarizer, docs))
    return result


def _profile_project(summarizer: Any, docs: list[str]) -> dict[str, float]:
    """Seconds to tokenize the documents' first-level chunks and to encode them.

    The encoder is timed as CTranslate2 runs it: ``translate_batch`` over the same
    chunks, in batches as the engine makes them, stopped after one decoding step.
    """
    from translate.summaries.summarize import chunk_units, paragraphs

    engine = summarizer.translator.engine
    limit = summarizer.input_limit()
    chunks = [c for d in docs for c in chunk_units(paragraphs(d), engine.count_tokens, limit)]
    chunks.sort(key=len, reverse=True)
    t0 = time.perf_counter()
    tokens = engine.codec.tokens(chunks)
    tokenize = time.perf_counter() - t0
    if not hasattr(engine, "translator"):
        return {"tokenize_s": tokenize}
    t0 = time.perf_counter()
    for start in range(0, len(tokens), engine.batch_size):
        engine.translator.translate_batch(tokens[start:start + engine.batch_size],
                                          beam_size=1, max_decoding_length=1)
    return {"tokenize_s": tokenize, "encoder_s": time.perf_counter() - t0}


def peak_rss_mb() -> float:
    """This process's peak RSS (``VmHWM``: unlike ``ru_maxrss``, not the parent's peak
    inherited across fork and exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(side: str, model: Path, count: int, tokens: int, work: Path, out: Path,
           device: str, profile: bool) -> None:
    """Run one side on one set (``side`` is ``SET:SIDE``); write its figures as JSON."""
    which, name = side.split(":")
    docs = workset(which, count)
    if name.startswith("baseline"):
        dtype = "float16" if name.endswith("fp16") else "float32"
        result = baseline(model, docs, tokens, device, dtype, profile)
    else:
        result = project(model, docs, tokens, work, f"{which}-{name}", device, profile)
    result["rss_mb"] = peak_rss_mb()
    result["documents"] = len(docs)
    result["words"] = sum(len(d.split()) for d in docs)
    out.write_text(json.dumps(result))


def run_side(side: str, model: Path, count: int, tokens: int, work: Path, device: str,
             profile: bool) -> dict[str, Any]:
    """Run ``worker`` in a fresh process (so its peak RSS is its own)."""
    out = work / f"result-{side.replace(':', '-')}.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TRANSLATE_CT2_CACHE": str(work / "ct2")}
    subprocess.run([sys.executable, __file__, "--worker", side, "--model", str(model),
                    "--docs", str(count), "--tokens", str(tokens), "--workdir", str(work),
                    "--out", str(out), "--device", device, *(["--profile"] if profile else [])],
                   check=True, env=env)
    return json.loads(out.read_text())


def convert(model: Path, work: Path, device: str) -> float:
    """Convert the model for CTranslate2 once, timed, in a subprocess (cached after)."""
    shutil.rmtree(work / "ct2", ignore_errors=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TRANSLATE_CT2_CACHE": str(work / "ct2")}
    quantization = "float16" if device.startswith("cuda") else "int8"
    code = ("import time; from translate.models.registry import ModelSpec; "
            "from translate.models.hub import resolve_model; "
            "from translate.models.engines.ct2 import converted_model; "
            "t = time.perf_counter(); "
            f"converted_model(resolve_model(ModelSpec('summarizer', {str(model)!r})), "
            f"{quantization!r}); print(time.perf_counter() - t)")
    out = subprocess.run([sys.executable, "-c", code], check=True, env=env,
                         capture_output=True, text=True).stdout
    return float(out.strip().splitlines()[-1])


def table(which: str, results: dict[str, dict[str, Any]]) -> dict[str, float]:
    """Print one comparison's table; return each side's documents/s."""
    base = results["baseline"]
    rate = {side: r["documents"] / r["seconds"] for side, r in results.items()}
    print(f"\n{which}: {base['documents']} documents, {base['words']} words")
    print("| side | engine | docs/s | generated tok/s | x docs/s | outputs | generate calls "
          "| input tokens read | load s | peak RSS MB |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for side, r in results.items():
        print(f"| {side} | {r['engine']} | {rate[side]:.3f} | "
              f"{r['output_tokens'] / r['seconds']:.1f} | {rate[side] / rate['baseline']:.2f} | "
              f"{r['outputs']} | {r.get('generate_calls', r['outputs'])} | "
              f"{r['input_tokens']} | {r['load_s']:.1f} | {r['rss_mb']:.0f} |")
    print(f"  baseline: {base['truncated_tokens']} input tokens truncated (never read)")
    for side, r in results.items():
        if not side.startswith("baseline"):
            print(f"  {side}: {r['chunks']} chunks, {r['reduce_levels']} reduce levels, "
                  f"{r['truncated_tokens']} tokens truncated, {r['output_tokens']} tokens "
                  f"generated in {r['outputs']} outputs")
        if "encoder_s" in r:
            other = r["seconds"] - r["encoder_s"] - r["tokenize_s"]
            print(f"  profile {side}: {r['seconds']:.1f} s = encoder {r['encoder_s']:.1f} s "
                  f"+ tokenization {r['tokenize_s']:.2f} s + decoder, beam search and the "
                  f"rest {other:.1f} s")
    if "project-unbatched" in results:
        batched = results["project"]["summaries"]
        alone = results["project-unbatched"]["summaries"]
        same = sum(a == b for a, b in zip(batched, alone, strict=True))
        print(f"  summaries equal, batched and one document at a time: {same}/{len(batched)}")
    return rate


def report(results: dict[str, dict[str, Any]], tokens: int, device: str) -> None:
    """Print both tables, the counts and the speedup line."""
    print(f"\n{tokens} forced tokens per summary asked for, beam 4, device {device}"
          f"{f', {THREADS} threads' if device == 'cpu' else ''}")
    rates = {}
    for which in SETS:
        rows = {side.split(":")[1]: r for side, r in results.items()
                if side.startswith(which + ":")}
        rates[which] = table(which, rows)
    peaks = {kind: max(r["rss_mb"] for side, r in results.items()
                       if side.split(":")[1] == kind) for kind in ("baseline", "project")}
    print(f"speedup same_work={rates['same']['project'] / rates['same']['baseline']:.2f} "
          f"whole={rates['whole']['project'] / rates['whole']['baseline']:.2f} "
          f"rss_ratio={peaks['project'] / peaks['baseline']:.2f}")


def sides(before: bool, unbatched: bool, fp16: bool) -> list[str]:
    """``SET:SIDE`` names to run, in order."""
    names = ["baseline", *(["baseline-fp16"] if fp16 else []), "project"]
    out = [f"{which}:{name}" for which in SETS for name in names]
    return (out + (["whole:project-old"] if before else [])
            + (["whole:project-unbatched"] if unbatched else []))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="6 documents, 64 tokens")
    parser.add_argument("--docs", type=int,
                        help="documents per set (default 16; 6 with --quick)")
    parser.add_argument("--tokens", type=int,
                        help="forced tokens per output (default 128; 64 with --quick)")
    parser.add_argument("--before", action="store_true",
                        help="also the summary path before sizing (whole documents)")
    parser.add_argument("--unbatched", action="store_true",
                        help="also the project one document at a time (whole documents)")
    parser.add_argument("--fp16", action="store_true", help="also transformers float16")
    parser.add_argument("--profile", action="store_true", help="encoder seconds per side")
    parser.add_argument("--device", default="cpu", help="cpu (default) or cuda")
    parser.add_argument("--json", type=Path, help="also write every side's figures here")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/translate-bench-summary"))
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--model", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    count = args.docs or (6 if args.quick else 16)
    tokens = args.tokens or (64 if args.quick else 128)
    if args.worker:
        worker(args.worker, args.model, count, tokens, args.workdir, args.out, args.device,
               args.profile)
        return
    args.workdir.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    model = build_model(args.workdir / "distilbart-cnn-12-6-random")
    print(f"model: distilbart-cnn-12-6 shape, random weights, built in "
          f"{time.perf_counter() - t0:.1f} s")
    print(f"one-time CTranslate2 conversion: {convert(model, args.workdir, args.device):.1f} s")
    results = {side: run_side(side, model, count, tokens, args.workdir, args.device,
                              args.profile)
               for side in sides(args.before, args.unbatched, args.fp16)}
    if args.json:
        args.json.write_text(json.dumps({"device": args.device, "tokens": tokens,
                                         "results": results}))
    report(results, tokens, args.device)


if __name__ == "__main__":
    main()
