from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import warnings
from pathlib import Path

import pytest

from tests import fakes
from tests.model_factory import build_bart, build_marian

os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
# Converted CTranslate2 models go to a throw-away folder, never the user's cache.
os.environ["TRANSLATE_CT2_CACHE"] = tempfile.mkdtemp(prefix="translate-ct2-")
atexit.register(shutil.rmtree, os.environ["TRANSLATE_CT2_CACHE"], True)
warnings.filterwarnings("ignore", message="Recommended: pip install sacremoses")
fakes.register()

SEED_DIR = Path(__file__).resolve().parent.parent / "seeds"
SAMPLES = [
    "Il leader della Corea del Nord ha incontrato il ministro russo.",
    "Le tensioni nella politica mondiale aumentano.",
    "Il governo ha approvato la legge di bilancio.",
    "Gli studenti hanno manifestato a Roma.",
]


def assert_input_dependent(path: Path, texts: list[str]) -> None:
    """Fail unless the model at ``path`` gives a different output for every text.

    A random model with a small init often emits the same tokens whatever the input;
    then an equivalence test would prove nothing.
    """
    import torch
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(path)
    model = AutoModelForSeq2SeqLM.from_pretrained(path).eval()
    outputs = set()
    for text in texts:
        with torch.inference_mode():
            ids = model.generate(**tokenizer([text], return_tensors="pt"), max_new_tokens=8,
                                 num_beams=1)
        outputs.add(tuple(ids[0].tolist()))
    assert len(outputs) == len(texts), f"the fixture model at {path} ignores its input"


@pytest.fixture(scope="session")
def tiny_marian(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random Marian model whose output depends on its input (checked here)."""
    path = build_marian(tmp_path_factory.mktemp("models") / "tiny-it-en")
    assert_input_dependent(path, SAMPLES)
    return path


@pytest.fixture(scope="session")
def tiny_bart(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random BART summariser whose output depends on its input (checked here)."""
    path = build_bart(tmp_path_factory.mktemp("models") / "tiny-bart")
    assert_input_dependent(path, ["The leader met the minister.",
                                  "Students demonstrated in Rome.",
                                  "The government approved the budget law."])
    return path


@pytest.fixture
def registry_file(tmp_path: Path, tiny_marian: Path, tiny_bart: Path) -> Path:
    """A models.toml whose pairs and summariser are tiny models, kept short and fast."""
    path = tmp_path / "models.toml"
    path.write_text(f"""
[defaults]
num_beams = 1
max_new_tokens = 8
batch_size = 8

[pairs.it-en]
model = "{tiny_marian}"

[pairs.de-en]
model = "{tiny_marian}"
num_beams = 2

[pairs.en-it]
model = "{tiny_marian}"

[summarizer]
model = "{tiny_bart}"
num_beams = 2
no_repeat_ngram_size = 3
max_input_tokens = 64
batch_size = 4
""")
    return path


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No user registry, no stray hub cache, a clean fake-engine log."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.delenv("TRANSLATE_MODELS", raising=False)
    fakes.LOG.reset()


@pytest.fixture
def seed_text() -> str:
    return next(SEED_DIR.glob("*.txt")).read_text(encoding="utf-8")
