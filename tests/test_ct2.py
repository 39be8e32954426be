from __future__ import annotations

import json
from pathlib import Path

import pytest
from transformers import AutoTokenizer
from typer.testing import CliRunner

from tests.conftest import SAMPLES
from tests.fakes import LOG
from translate.cli.app import app
from translate.models.engines import ENGINES, choose_engine
from translate.models.engines.base import iter_translations
from translate.models.hub import resolve_model
from translate.models.registry import GenerationOptions, ModelSpec
from translate.text.segment import segment

ctranslate2 = pytest.importorskip("ctranslate2")  # CI installs the extra, so these run


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def ct2_cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "ct2-cache"
    monkeypatch.setenv("TRANSLATE_CT2_CACHE", str(folder))
    return folder


def test_auto_picks_ctranslate2_when_installed() -> None:
    assert choose_engine("auto").name == "ctranslate2"
    assert ENGINES["ctranslate2"].compute_type("cpu") == "int8"
    assert ENGINES["ctranslate2"].compute_type("cuda") == "float16"


def test_conversion_is_cached(tiny_marian, ct2_cache, monkeypatch) -> None:
    from translate.models.engines import ct2

    calls = []
    original = ct2._convert

    def counting(source, out, quantization):  # type: ignore[no-untyped-def]
        calls.append(quantization)
        return original(source, out, quantization)

    monkeypatch.setattr(ct2, "_convert", counting)
    CTranslate2Engine = ct2.CTranslate2Engine
    spec = ModelSpec("it-en", str(tiny_marian))
    resolved = resolve_model(spec)
    first = CTranslate2Engine(resolved, spec, "cpu", "int8")
    second = CTranslate2Engine(resolved, spec, "cpu", "int8")
    assert first.path == second.path and calls == ["int8"]
    CTranslate2Engine(resolved, spec, "cpu", "float32")
    assert calls == ["int8", "float32"]
    assert len([p for p in ct2_cache.iterdir() if not p.name.startswith(".")]) == 2


@pytest.mark.parametrize(("compute_type", "beams"), [("float32", 1), ("int8", 4)])
def test_pipeline_equals_translate_batch(tiny_marian, ct2_cache, seed_text, compute_type,
                                         beams) -> None:
    from translate.models.engines.ct2 import CTranslate2Engine

    gen = GenerationOptions(num_beams=beams, max_new_tokens=10)
    spec = ModelSpec("it-en", str(tiny_marian), generation=gen)
    engine = CTranslate2Engine(resolve_model(spec), spec, "cpu", compute_type)
    texts = list(dict.fromkeys([*segment(seed_text).segments, *SAMPLES]))
    out: dict[str, str] = {}
    for done in iter_translations(engine, texts + texts[:3], batch_size=5,
                                  max_batch_tokens=300):
        out.update(done)
    translator = ctranslate2.Translator(str(engine.path), device="cpu",
                                        compute_type=compute_type)
    tokenizer = AutoTokenizer.from_pretrained(tiny_marian)  # the model's own tokenizer
    expected = {}
    for text in texts:
        source = tokenizer.convert_ids_to_tokens(tokenizer.encode(text))
        # The fixture forces EOS (forced_eos_token_id): transformers' generate ends a
        # 10-token output with it, 9 tokens of text, and so does the engine.
        hyp = translator.translate_batch([source], beam_size=beams,
                                         max_decoding_length=9)[0].hypotheses[0]
        ids = tokenizer.convert_tokens_to_ids(hyp)
        expected[text] = tokenizer.decode(ids, skip_special_tokens=True).strip()
    assert len(set(expected.values())) > len(expected) // 2
    assert out == expected


def test_engine_and_compute_type_are_in_the_signature(tmp_path, registry_file,
                                                      ct2_cache) -> None:
    (tmp_path / "a.txt").write_text("Il governo ha approvato la legge. Gli studenti protestano.\n")
    base = [str(tmp_path / "a.txt"), "--models", str(registry_file), "--from", "it"]
    report = tmp_path / "r.json"

    def models_loaded(*extra: str) -> list[str]:
        assert run(*base, *extra, "--report", str(report)).exit_code == 0
        return json.loads(report.read_text())["models_loaded"]

    assert models_loaded("--engine", "ctranslate2") == ["it-en"]
    assert models_loaded("--engine", "ctranslate2") == []  # same engine: hits
    assert models_loaded("--engine", "ctranslate2", "--compute-type", "float32") == ["it-en"]
    assert models_loaded("--engine", "transformers") == ["it-en"]
    assert models_loaded("--engine", "auto") == []  # auto is ctranslate2 int8: cached
    assert models_loaded("--engine", "fake") == ["it-en"]
    assert models_loaded("--engine", "fake", "--compute-type", "exact2") == ["it-en"]
    assert LOG.loads == 2
    bad = run(*base, "--engine", "transformers", "--compute-type", "int4")
    assert bad.exit_code == 2 and "no compute type 'int4'" in bad.output


def test_summarizer_runs_on_ctranslate2(tmp_path, registry_file, ct2_cache) -> None:
    (tmp_path / "news.txt").write_text("The leader met the minister.\nStudents marched.\n")
    result = run("summarize", str(tmp_path), "--models", str(registry_file), "--engine",
                 "ctranslate2", "--from", "en", "--max-words", "10", "--min-words", "2")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "news.en.summary.txt").read_text().strip()


TRICKY_TEXTS = ["Il Sig. Rossi ha pagato 10.000 €, ecc.", "Emoji 🙂 e caratteri rari: ǵ ß Ω",
                "  spazi   multipli  ", ">>fra<< Una frase con codice di lingua.", "",
                "«Citazione» — trattino lungo… e ‘apostrofi’", "URL https://ex.it/a?b=1&c=2"]


def test_marian_codec_matches_marian_tokenizer(tiny_marian, seed_text) -> None:
    from translate.models.engines.codecs import MarianCodec, load_codec

    codec = load_codec(tiny_marian)
    assert isinstance(codec, MarianCodec)
    tokenizer = AutoTokenizer.from_pretrained(tiny_marian)
    texts = [*segment(seed_text).segments, *SAMPLES, *TRICKY_TEXTS]
    for text, tokens in zip(texts, codec.tokens(texts), strict=True):
        ids = tokenizer(text)["input_ids"]
        assert tokens == tokenizer.convert_ids_to_tokens(ids), text
        assert codec.decode(tokens) == tokenizer.decode(ids, skip_special_tokens=True).strip()
    assert codec.model_max_length == tokenizer.model_max_length


def test_ctranslate2_engine_does_not_import_torch(tiny_marian, tmp_path) -> None:
    import os
    import subprocess
    import sys

    code = ("import sys; from translate.models.registry import ModelSpec; "
            "from translate.models.hub import resolve_model; "
            "from translate.models.engines.ct2 import CTranslate2Engine; "
            f"spec = ModelSpec('it-en', {str(tiny_marian)!r}); "
            "e = CTranslate2Engine(resolve_model(spec), spec); "
            "print(e.generate(['Una frase.'])[0].text != '', 'torch' in sys.modules)")
    env = {**os.environ, "TRANSLATE_CT2_CACHE": str(tmp_path / "ct2"),
           "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, timeout=120)
    assert out.stdout.split() == ["True", "False"], out.stderr
