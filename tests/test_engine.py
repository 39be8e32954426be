from __future__ import annotations

from pathlib import Path

import pytest
import torch
from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

from tests.conftest import SAMPLES
from tests.fakes import LOG, FakeEngine
from translate.models.engines.base import BatchStats, iter_translations, plan_batches
from translate.models.engines.hf import TransformersEngine
from translate.models.hub import resolve_model
from translate.models.registry import GenerationOptions, ModelSpec
from translate.text.segment import segment
from translate.text.sentences import split_long


@pytest.mark.parametrize(("lengths", "size", "budget"), [
    ([5, 1, 9, 3, 3, 7, 2, 8], 3, 100), ([10] * 20, 32, 45), ([1, 50, 2, 49], 8, 60), ([], 4, 10),
])
def test_plan_batches_covers_each_index_once_within_budget(lengths, size, budget) -> None:
    batches = plan_batches(lengths, size, budget)
    flat = [i for b in batches for i in b]
    assert sorted(flat) == list(range(len(lengths)))
    for batch in batches:
        assert len(batch) <= size
        assert len(batch) == 1 or max(lengths[i] for i in batch) * len(batch) <= budget
    assert [lengths[i] for i in flat] == sorted(lengths, reverse=True)


def test_dedupe_sort_and_reorder_with_counting_engine() -> None:
    engine = FakeEngine(ModelSpec("it-en", "x"), "fake")
    texts = ["b b b", "a", "b b b", "c c", "a"]
    stats = BatchStats()
    out: dict[str, str] = {}
    for done in iter_translations(engine, texts, batch_size=2, max_batch_tokens=100,
                                  stats=stats):
        out.update(done)
    assert sorted(LOG.segments) == ["a", "b b b", "c c"]
    assert LOG.batches[0] == ["b b b", "c c"]  # longest first
    assert out == {t: f"<it-en>[{t}]" for t in texts}
    assert stats.segments == 3 and stats.batches == 2


@pytest.fixture(scope="module")
def reference(tiny_marian: Path):  # type: ignore[no-untyped-def]
    tokenizer = AutoTokenizer.from_pretrained(tiny_marian)
    model = AutoModelForSeq2SeqLM.from_pretrained(tiny_marian).eval()

    def translate_one(text: str, gen: GenerationOptions) -> str:
        with torch.inference_mode():
            ids = model.generate(**tokenizer([text], return_tensors="pt"),
                                 **gen.generate_kwargs())
        return tokenizer.decode(ids[0], skip_special_tokens=True).strip()

    return translate_one


def _engine(tiny_marian: Path, gen: GenerationOptions, max_input_tokens: int | None = None,
            ) -> TransformersEngine:
    spec = ModelSpec("it-en", str(tiny_marian), generation=gen, max_input_tokens=max_input_tokens)
    return TransformersEngine(resolve_model(spec), spec, "cpu")


@pytest.mark.parametrize("num_beams", [1, 3])
def test_batched_pipeline_equals_per_segment_generate(tiny_marian, reference, seed_text,
                                                      num_beams) -> None:
    """Batching, sorting, padding, dedupe and reordering change nothing."""
    gen = GenerationOptions(num_beams=num_beams, max_new_tokens=10)
    engine = _engine(tiny_marian, gen)
    texts = list(segment(seed_text).segments) + SAMPLES + SAMPLES[:2]
    out: dict[str, str] = {}
    for done in iter_translations(engine, texts, batch_size=6, max_batch_tokens=400):
        out.update(done)
    expected = {t: reference(t, gen) for t in dict.fromkeys(texts)}
    assert len(set(expected.values())) > len(expected) // 2  # the model is input-dependent
    assert out == expected


def test_overlong_sentence_is_resplit_and_fully_translated(tiny_marian, reference) -> None:
    gen = GenerationOptions(num_beams=1, max_new_tokens=6)
    engine = _engine(tiny_marian, gen, max_input_tokens=24)
    long_text = ", ".join(SAMPLES * 3)
    assert engine.count_tokens([long_text])[0] > 24
    stats = BatchStats()
    out: dict[str, str] = {}
    for done in iter_translations(engine, [long_text], 4, 1000, stats):
        out.update(done)
    pieces = split_long(long_text, engine.count_tokens, 24)
    assert len(pieces) > 1
    assert out[long_text] == " ".join(reference(p, gen) for p in pieces)
    assert stats.resplit == 1 and stats.truncated_tokens == 0
    assert stats.pieces == len(pieces)


def test_length_limit_is_reported(tiny_marian) -> None:
    engine = _engine(tiny_marian, GenerationOptions(num_beams=1, max_new_tokens=3))
    results = engine.generate(SAMPLES[:2])
    assert all(r.hit_length_limit for r in results)


def test_source_prefix_reaches_the_model(tiny_marian, reference) -> None:
    gen = GenerationOptions(num_beams=1, max_new_tokens=8)
    spec = ModelSpec("en-pt", str(tiny_marian), generation=gen, source_prefix=">>pt<< ")
    engine = TransformersEngine(resolve_model(spec), spec, "cpu")
    text = SAMPLES[0]
    assert engine.generate([text])[0].text == reference(">>pt<< " + text, gen)
    assert engine.generate([text])[0].text != reference(text, gen)
    assert engine.count_tokens([text])[0] > engine.count_tokens([""])[0]


def test_safetensors_are_preferred_over_pickled_weights(tmp_path, tiny_marian, reference) -> None:
    import shutil

    model_dir = tmp_path / "both"
    shutil.copytree(tiny_marian, model_dir)
    other = AutoModelForSeq2SeqLM.from_pretrained(tiny_marian)
    with torch.no_grad():
        for param in other.parameters():
            param.mul_(-1.0)  # different weights in the pickled copy
    torch.save(other.state_dict(), model_dir / "pytorch_model.bin")
    gen = GenerationOptions(num_beams=1, max_new_tokens=8)
    spec = ModelSpec("it-en", str(model_dir), generation=gen)
    engine = TransformersEngine(resolve_model(spec), spec, "cpu")
    assert [r.text for r in engine.generate(SAMPLES)] == [reference(t, gen) for t in SAMPLES]
