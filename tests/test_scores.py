"""Model confidence (``Generated.score``), one-call overrides and forced scoring.

The score is the mean log-probability per generated token, the final EOS included.
The tiny random Marian never ends a sentence on its own, so ``eos_marian`` raises the
EOS logit bias until some outputs end early (others still hit the length limit):
comparing engines needs outputs that end the same way in both.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SAMPLES
from tests.model_factory import ITALIAN
from tests.system_tools import require_program
from translate.errors import ConfigError
from translate.models.engines.base import Generated, merge_pieces
from translate.models.registry import GenerationOptions, ModelSpec
from translate.models.translator import RunSettings, Translator

SENTENCES = [*ITALIAN.splitlines(), *SAMPLES, "Il treno per Milano è in ritardo.",
             "Oggi piove a Roma.", "La riunione è finita tardi.", "Il ministro ha parlato."]
LIMIT = 40
TOLERANCE = 2e-3  # float32 kernels of two libraries, means over up to 40 tokens


@pytest.fixture(scope="module")
def eos_marian(tiny_marian: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``tiny_marian`` with the EOS logit raised: outputs of 0 to 13 tokens, or the limit."""
    from transformers import AutoTokenizer, MarianMTModel

    out = tmp_path_factory.mktemp("models") / "eos-marian"
    model = MarianMTModel.from_pretrained(tiny_marian).eval()
    model.final_logits_bias[0, model.config.eos_token_id] = 7.5
    model.save_pretrained(out)
    AutoTokenizer.from_pretrained(tiny_marian).save_pretrained(out)
    return out


def translator(path: Path, engine: str, **changes: Any) -> Translator:
    generation = GenerationOptions(num_beams=1, max_new_tokens=LIMIT)
    spec = ModelSpec("it-en", str(path), generation=generation).replace(**changes)
    return Translator(spec, RunSettings(engine=engine, device="cpu", compute_type="float32"))


@pytest.fixture(scope="module")
def engines(eos_marian: Path) -> dict[str, Translator]:
    return {name: translator(eos_marian, name) for name in ("transformers", "ctranslate2")}


def test_both_engines_give_the_same_score_for_the_same_output(
        engines: dict[str, Translator]) -> None:
    hf = engines["transformers"].engine.generate(SENTENCES)
    ct2 = engines["ctranslate2"].engine.generate(SENTENCES)
    ended = [i for i in range(len(SENTENCES)) if not hf[i].hit_length_limit]
    assert len(ended) >= 5 and max(hf[i].tokens for i in ended) >= 10, \
        "the fixture must give outputs that end before the limit"
    for i in ended:
        assert ct2[i].text == hf[i].text and not ct2[i].hit_length_limit
        assert hf[i].score is not None and ct2[i].score is not None
        assert hf[i].score < 0 and math.isfinite(hf[i].score)
        assert hf[i].score == pytest.approx(ct2[i].score, abs=TOLERANCE), SENTENCES[i]


@pytest.mark.parametrize("beams", [1, 3])
def test_transformers_score_is_the_mean_log_softmax_of_its_own_generate(
        eos_marian: Path, engines: dict[str, Translator], beams: int) -> None:
    """The definition, checked against transformers' ``compute_transition_scores``.

    Raw logits, log-softmaxed (``normalize_logits``), gathered along the chosen beams.
    """
    import torch
    from transformers import AutoTokenizer, MarianMTModel

    tokenizer = AutoTokenizer.from_pretrained(eos_marian)
    model = MarianMTModel.from_pretrained(eos_marian).eval()
    with torch.inference_mode():
        out = model.generate(**tokenizer(SENTENCES, return_tensors="pt", padding=True),
                             num_beams=beams, max_new_tokens=LIMIT, do_sample=False,
                             output_logits=True, output_scores=True,
                             return_dict_in_generate=True)
        steps = model.compute_transition_scores(out.sequences, out.logits,
                                                getattr(out, "beam_indices", None),
                                                normalize_logits=True)
    got = engines["transformers"].engine.generate(SENTENCES, {"num_beams": beams})
    eos = model.config.eos_token_id
    for row, (ids, step_scores) in enumerate(zip(out.sequences.tolist(), steps, strict=True)):
        generated = ids[1:]
        length = generated.index(eos) + 1 if eos in generated else len(generated)
        expected = float(step_scores[:length].mean())
        assert got[row].score == pytest.approx(expected, abs=1e-5), SENTENCES[row]


@pytest.mark.parametrize("name", ["transformers", "ctranslate2"])
def test_forced_score_of_the_generated_text_equals_its_generation_score(
        engines: dict[str, Translator], name: str) -> None:
    import torch
    from transformers import AutoTokenizer, MarianMTModel

    engine = engines[name].engine
    results = engine.generate(SENTENCES)
    path = engines[name].spec.model
    tokenizer = AutoTokenizer.from_pretrained(path)
    with torch.inference_mode():
        ids = MarianMTModel.from_pretrained(path).eval().generate(
            **tokenizer(SENTENCES, return_tensors="pt", padding=True), num_beams=1,
            max_new_tokens=LIMIT, do_sample=False).tolist()
    eos = tokenizer.eos_token_id
    # Only texts that encode back to the generated ids can match: re-encoding a decoded
    # nonsense string may split it into other pieces.
    ended = [i for i, r in enumerate(results) if not r.hit_length_limit and r.tokens
             and tokenizer(text_target=r.text)["input_ids"]
             == ids[i][1:ids[i].index(eos, 1) + 1]]
    assert len(ended) >= 3
    forced = engine.score([SENTENCES[i] for i in ended], [results[i].text for i in ended])
    for i, value in zip(ended, forced, strict=True):
        assert value == pytest.approx(results[i].score, abs=1e-4), SENTENCES[i]


@pytest.mark.parametrize("name", ["transformers", "ctranslate2"])
def test_overrides_change_one_call_only(engines: dict[str, Translator], name: str) -> None:
    engine = engines[name].engine
    texts = SENTENCES[:6]
    base = [r.text for r in engine.generate(texts)]
    penalised = [r.text for r in engine.generate(texts, {"repetition_penalty": 5.0,
                                                         "no_repeat_ngram_size": 2})]
    shorter = engine.generate(texts, {"max_new_tokens": 5})
    assert penalised != base
    assert all(r.tokens <= 5 for r in shorter) and any(r.hit_length_limit for r in shorter)
    assert [r.text for r in engine.generate(texts)] == base
    with pytest.raises(ConfigError, match="num_beam"):
        engine.generate(texts, {"num_beam": 4})


def test_split_segments_get_the_token_weighted_mean_of_their_pieces(eos_marian: Path) -> None:
    text = " ".join(SENTENCES[:3])
    small = translator(eos_marian, "transformers", max_input_tokens=24)
    [done] = list(small.translate_scored([text]))
    assert small.stats.resplit == 1
    from translate.text.sentences import split_long

    pieces = split_long(text, small.engine.count_tokens, 24)
    assert len(pieces) > 1
    parts = small.engine.generate(pieces)
    weights = [p.tokens + 1 for p in parts]
    expected = sum(w * p.score for w, p in zip(weights, parts, strict=True)  # type: ignore[misc]
                   ) / sum(weights)
    merged = done[text]
    assert merged.text == " ".join(p.text for p in parts)
    assert merged.tokens == sum(p.tokens for p in parts)
    assert merged.hit_length_limit == any(p.hit_length_limit for p in parts)
    assert merged.score == pytest.approx(expected, abs=1e-6)
    assert list(small.translate([text])) == [{text: merged.text}]


def test_merge_pieces_weights_and_propagates_none() -> None:
    a = Generated("A", tokens=1, score=-1.0)
    b = Generated("B", hit_length_limit=True, tokens=5, score=-4.0, marks=1)
    merged = merge_pieces([a, b])
    assert merged == Generated("A B", True, 6, 1, False, (2 * -1.0 + 6 * -4.0) / 8)
    assert merge_pieces([a, Generated("C")]).score is None


class _Scoring:
    """A counting engine: score = -(length of the text) / 10; records overrides."""

    name = "scoring"
    max_input_tokens = 512

    def __init__(self) -> None:
        self.calls: list[tuple[int, Mapping[str, Any] | None]] = []

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return [len(t.split()) + 1 for t in texts]

    def generate(self, texts: Sequence[str],
                 overrides: Mapping[str, Any] | None = None) -> list[Generated]:
        self.calls.append((len(texts), overrides))
        return [Generated(t.upper(), tokens=len(t), score=-len(t) / 10) for t in texts]

    def score(self, sources: Sequence[str], outputs: Sequence[str]) -> list[float | None]:
        self.calls.append((len(sources), None))
        return [-len(o) / 10 for o in outputs]


def test_translator_passes_overrides_and_batches_scores() -> None:
    fake = _Scoring()
    spec = ModelSpec("it-en", "unused", batch_size=2)
    tr = Translator(spec, RunSettings(engine="fake"), _engine=fake)
    batches = list(tr.translate_scored(["uno", "due due", "tre"], {"num_beams": 8}))
    assert {k: v.score for b in batches for k, v in b.items()} == {
        "uno": -0.3, "due due": -0.7, "tre": -0.3}
    assert [c[1] for c in fake.calls] == [{"num_beams": 8}] * 2
    fake.calls.clear()
    assert tr.score(["a", "bb", "ccc", "d", "eeeee"], ["x", "yy", "zzz", "w", "vvvvv"]) == [
        -0.1, -0.2, -0.3, -0.1, -0.5]
    assert [c[0] for c in fake.calls] == [2, 2, 1]


def test_apertium_has_no_scores_and_ignores_overrides() -> None:
    require_program("apertium", "apertium apertium-cat-ita apertium-eng-cat")
    from translate.models.registry import Registry
    from translate.models.routing import Router

    router = Router(Registry(("x",), {}), settings=RunSettings(engine="apertium"))
    leg = router.route("it", "ca")[0]
    plain = leg.engine.generate(["Il treno è in ritardo."])
    changed = leg.engine.generate(["Il treno è in ritardo."], {"num_beams": 5})
    assert plain == changed and plain[0].text and plain[0].score is None
    assert leg.score(["Il treno è in ritardo."], [plain[0].text]) == [None]


@pytest.mark.parametrize("name", ["transformers", "ctranslate2"])
def test_an_output_longer_than_the_position_table_is_not_scored(
        engines: dict[str, Translator], name: str) -> None:
    engine = engines[name].engine
    long = " ".join(["governo"] * 300)  # over the tiny model's 256 positions
    short, too_long = engine.score(SENTENCES[:2], ["The government.", long])
    assert short is not None and short < 0
    assert too_long is None
