"""The summariser on CTranslate2 and its cross-document batching, on the tiny BART.

CTranslate2 (float32) must give transformers' tokens at greedy; summarising many
documents together must make fewer model calls than documents and the summaries each
document gets alone; a chunk that several documents share is generated once.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from tests.model_factory import ENGLISH
from translate.models.engines.base import Generated
from translate.models.registry import load_registry
from translate.models.routing import Router
from translate.models.translator import RunSettings, Translator
from translate.summaries.summarize import SummaryOptions
from translate.summaries.summarizer import Summarizer
from translate.translation.runner import LocalRunner

LINES = ENGLISH.splitlines()
# Documents of two to five paragraphs: with a 48-token input limit, most take several
# chunks and a reduce level.
DOCUMENTS = ["\n".join(LINES[i % len(LINES)] for i in range(start, start + count))
             for start, count in ((0, 5), (1, 4), (2, 3), (3, 5), (4, 2), (0, 2))]


def _registry(tmp_path: Path, model: Path, beams: int) -> Path:
    path = tmp_path / "models.toml"
    path.write_text(f"""
[summarizer]
model = "{model}"
num_beams = {beams}
max_input_tokens = 48
batch_size = 8
""")
    return path


def _summarizer(tmp_path: Path, model: Path, engine: str, beams: int = 1,
                calls: list[list[str]] | None = None) -> Summarizer:
    router = Router(load_registry(_registry(tmp_path, model, beams)),
                    settings=RunSettings(engine=engine, device="cpu", compute_type="float32"))

    local = LocalRunner(router.pool)

    class Counting:
        def __call__(self, translator: Translator, texts: Sequence[str],
                     overrides: Mapping[str, Any] | None = None,
                     ) -> Iterator[dict[str, Generated]]:
            if calls is not None:
                calls.append(list(texts))
            return local(translator, texts, overrides)

        def score(self, translator: Translator, sources: Sequence[str],
                  outputs: Sequence[str]) -> list[float | None]:
            return local.score(translator, sources, outputs)

    return Summarizer(router, SummaryOptions(max_words=8, min_words=2), runner=Counting())


def test_documents_are_distinct_and_chunked(tmp_path: Path, tiny_bart: Path) -> None:
    summarizer = _summarizer(tmp_path, tiny_bart, "transformers")
    summaries = summarizer.summarize_many(DOCUMENTS, [None] * len(DOCUMENTS))
    assert len(set(DOCUMENTS)) == len(DOCUMENTS)
    assert sum(s.chunks > 1 for s in summaries) >= 3  # several chunks, then a reduce level
    assert len({s.text for s in summaries}) == len(DOCUMENTS)  # the model reads its input


def test_ctranslate2_gives_transformers_tokens(tmp_path: Path, tiny_bart: Path) -> None:
    """Greedy, float32: the same text and number of generated tokens for every input."""
    outputs = {}
    for engine in ("transformers", "ctranslate2"):
        summarizer = _summarizer(tmp_path, tiny_bart, engine)
        assert summarizer.translator is not None
        generated = summarizer.translator.engine.generate(LINES)
        outputs[engine] = [(g.text, g.tokens, g.hit_length_limit) for g in generated]
        assert summarizer.translator.info.name == engine
    assert len({text for text, _, _ in outputs["transformers"]}) == len(LINES)
    assert outputs["ctranslate2"] == outputs["transformers"]


def test_ctranslate2_summaries_equal_transformers(tmp_path: Path, tiny_bart: Path) -> None:
    summaries = {}
    for engine in ("transformers", "ctranslate2"):
        summarizer = _summarizer(tmp_path, tiny_bart, engine)
        summaries[engine] = summarizer.summarize_many(DOCUMENTS, [None] * len(DOCUMENTS))
    assert summaries["ctranslate2"] == summaries["transformers"]


@pytest.mark.parametrize("engine", ["ctranslate2", "transformers"])
def test_batching_across_documents_changes_nothing(tmp_path: Path, tiny_bart: Path,
                                                   engine: str) -> None:
    summarizer = _summarizer(tmp_path, tiny_bart, engine, beams=2)  # no cache: no memory
    one_by_one = [summarizer.summarize(doc, None) for doc in DOCUMENTS]
    calls_alone = summarizer.stats().batches
    before = summarizer.stats()
    batched = summarizer.summarize_many(DOCUMENTS, [None] * len(DOCUMENTS))
    calls_together = summarizer.stats(since=before).batches
    assert batched == one_by_one
    assert calls_together < len(DOCUMENTS) <= calls_alone


def test_identical_chunks_are_generated_once(tmp_path: Path, tiny_bart: Path) -> None:
    documents = [DOCUMENTS[0], DOCUMENTS[1], DOCUMENTS[0], LINES[2], LINES[2]]
    calls: list[list[str]] = []
    summarizer = _summarizer(tmp_path, tiny_bart, "transformers", calls=calls)
    for doc in documents:  # one at a time: no cache, so nothing carried over
        summarizer.summarize(doc, None)
    asked = [text for call in calls for text in call]
    calls.clear()
    before = summarizer.stats()
    summaries = summarizer.summarize_many(documents, [None] * len(documents))
    generated = [text for call in calls for text in call]
    assert len(generated) == len(set(generated)) == len(set(asked)) < len(asked)
    assert summarizer.stats(since=before).segments == len(generated)
    assert summaries[0] == summaries[2] and summaries[3] == summaries[4]


def test_bart_codec_matches_auto_tokenizer(tiny_bart: Path) -> None:
    """The summariser's CTranslate2 codec (no torch) encodes and decodes as transformers."""
    import random

    from transformers import AutoTokenizer

    from translate.models.engines.codecs import TokenizersCodec, load_codec

    codec, tokenizer = load_codec(tiny_bart), AutoTokenizer.from_pretrained(tiny_bart)
    assert isinstance(codec, TokenizersCodec)
    assert codec.special == set(tokenizer.all_special_tokens)
    assert codec.model_max_length == tokenizer.model_max_length
    for text in [*DOCUMENTS, "Héllo  world , it's the U.S.A. ?! café\n\nnew", "", " lead"]:
        assert codec.tokens([text])[0] == tokenizer.convert_ids_to_tokens(tokenizer(text)[
            "input_ids"])
    rng = random.Random(0)
    for _ in range(100):
        ids = [rng.randrange(len(tokenizer)) for _ in range(rng.randint(1, 20))]
        assert codec.decode(tokenizer.convert_ids_to_tokens(ids)) == tokenizer.decode(
            ids, skip_special_tokens=True).strip()


def test_map_reduce_many_equals_map_reduce_per_document() -> None:
    """The level-by-level logic alone (a chunk's 'summary' is a function of the chunk)."""
    from tests.helpers import map_reduce
    from translate.summaries.summarize import map_reduce_many

    def count(texts: Sequence[str]) -> list[int]:
        return [len(text.split()) for text in texts]

    def shorten(chunk: str) -> str:  # a third of the words, from the chunk alone
        words = chunk.split()
        return " ".join(words[: max(1, len(words) // 3)]) + "."

    passes: list[dict[int, list[str]]] = []

    def summarize_all(wanted: dict[int, list[str]], lengths: dict[int, Any],
                      ) -> dict[int, list[str]]:
        assert set(lengths.values()) == {None}  # not sized: every level at its own settings
        passes.append(wanted)
        return {i: [shorten(c) for c in chunks] for i, chunks in wanted.items()}

    texts = [*DOCUMENTS, "", "\n\n".join(DOCUMENTS)]
    together = map_reduce_many(texts, summarize_all, count, limit=20)
    alone = [map_reduce(t, lambda cs: [shorten(c) for c in cs], count, limit=20) for t in texts]
    assert together == alone
    assert together[-2].text == "" and together[-2].chunks == 0
    assert len(passes) == 1 + max(s.reduce_levels for s in alone) < len(texts)
    assert max(s.reduce_levels for s in alone) >= 2
