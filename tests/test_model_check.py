"""translate models check: golden sentences, chrF threshold, exit codes."""

from __future__ import annotations

import random

import pytest

from tests.helpers import golden_pair_names
from tests.system_tools import apertium_it_en
from translate.errors import ModelUnavailableError
from translate.quality.checks import QualityOptions
from translate.quality.model_check import (
    TranslateFn,
    check_models,
    check_pair,
    format_check,
    golden_pairs,
)
from translate.text.detect import detect

THRESHOLD = QualityOptions().check_min_chrf
EXPECTED_PAIRS = {"it-en", "de-en", "fr-en", "es-en", "nl-en", "ru-en", "pt-en", "en-it"}


def references_for(pair: str) -> TranslateFn:
    table = {p.source: p.reference for p in golden_pairs(pair)}
    return lambda sources: [table[s] for s in sources]


def noise(sources: list[str]) -> list[str]:
    rnd = random.Random(len(sources))
    words = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do".split()
    return [" ".join(rnd.choice(words) for _ in range(8)) for _ in sources]


def test_golden_sentences_ship_for_each_pair_in_the_right_languages() -> None:
    assert set(golden_pair_names()) >= EXPECTED_PAIRS
    for pair in EXPECTED_PAIRS:
        src, tgt = pair.split("-")
        golden = golden_pairs(pair)
        assert len(golden) >= 5
        assert detect(" ".join(p.source for p in golden)).language == src, pair
        assert detect(" ".join(p.reference for p in golden)).language == tgt, pair


@pytest.mark.parametrize("pair", sorted(EXPECTED_PAIRS))
def test_references_pass_and_noise_fails(pair: str) -> None:
    good = check_pair(references_for(pair), golden_pairs(pair), THRESHOLD, name=pair)
    assert good.passed and good.chrf == pytest.approx(100.0)
    bad = check_pair(noise, golden_pairs(pair), THRESHOLD, name=pair)
    assert not bad.passed and bad.chrf < THRESHOLD


def test_untranslated_output_fails() -> None:
    result = check_pair(lambda xs: list(xs), golden_pairs("it-en"), THRESHOLD)
    assert not result.passed


@pytest.mark.slow
def test_rough_real_machine_translation_passes() -> None:
    # Apertium through Catalan is far rougher than opus-mt: the threshold must pass it.
    result = check_pair(apertium_it_en, golden_pairs("it-en"), THRESHOLD)
    assert result.passed, result


def test_check_models_exit_codes_and_not_checked() -> None:
    def present(pair: str) -> TranslateFn | None:
        return references_for(pair) if pair == "it-en" else None

    def broken(pair: str) -> TranslateFn | None:
        if pair == "de-en":
            raise ModelUnavailableError("Helsinki-NLP/opus-mt-de-en is not downloaded")
        return noise

    ok = check_models(["it-en", "fr-en", "xx-en"], present, THRESHOLD)
    assert ok.exit_code == 0
    assert [r.pair for r in ok.results] == ["it-en"]
    assert dict(ok.not_checked) == {"fr-en": "model not present",
                                    "xx-en": "no golden sentences for this pair"}
    failed = check_models(["it-en", "de-en"], broken, THRESHOLD)
    assert failed.exit_code == 1
    assert dict(failed.not_checked) == {"de-en": "Helsinki-NLP/opus-mt-de-en is not downloaded"}
    text = format_check(failed)
    assert "it-en  chrF" in text and "FAILED" in text and "reference: " in text
    assert check_models(["fr-en"], lambda _: None, THRESHOLD).exit_code == 2


def test_wrong_count_is_an_error() -> None:
    with pytest.raises(ValueError, match="gave 1 translations"):
        check_pair(lambda xs: xs[:1], golden_pairs("it-en"), THRESHOLD)
