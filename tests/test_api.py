"""The public Python API: ``import translate`` and one call (with the fake engine)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import translate
from tests.fakes import LOG
from tests.system_tools import require_program
from translate import Options, Session

ITALIAN = "Il governo ha approvato la legge di bilancio dopo un lungo dibattito in Parlamento."
ENGLISH_DOC = ("The leader of North Korea met the Russian minister of natural resources. "
               "The government approved the budget law after a long debate in Parliament. "
               "Students demonstrated in front of the Ministry of Education in Rome.")


@pytest.fixture
def options(registry_file: Path) -> Options:
    return Options(models=registry_file, engine="fake")


@pytest.fixture(autouse=True)
def _fresh_default_session() -> object:
    yield
    translate.close()


def cheap_import(code: str) -> None:
    check = ("import sys; " + code + "; heavy = {'torch', 'transformers'} & set(sys.modules); "
             "assert not heavy, heavy")
    subprocess.run([sys.executable, "-c", check], check=True, timeout=60)


def test_import_loads_no_model_library() -> None:
    cheap_import("import translate")
    cheap_import("import translate; translate.Options(target='de')")
    cheap_import("import translate; translate.translate_text; translate.Session()")


def test_the_api_is_typed_and_listed() -> None:
    assert set(translate.__all__) <= set(dir(translate))
    assert translate.Report is translate.api.RunReport
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        translate.nope  # noqa: B018


def test_one_string_and_a_list(options: Options) -> None:
    assert translate.translate_text("Buongiorno a tutti.", source="it", options=options) == (
        "<it-en>[Buongiorno a tutti.]")
    texts = ["Grazie mille.", "Buongiorno a tutti.", ""]
    assert translate.translate_text(texts, source="it", options=options) == [
        "<it-en>[Grazie mille.]", "<it-en>[Buongiorno a tutti.]", ""]
    assert translate.translate_text("Guten Tag.", source="de", options=options) == (
        "<de-en>[Guten Tag.]")


def test_the_source_is_detected(options: Options) -> None:
    assert translate.translate_text(ITALIAN, options=options) == f"<it-en>[{ITALIAN}]"


def test_models_stay_loaded_until_close(options: Options) -> None:
    translate.translate_text("Buongiorno a tutti.", source="it", options=options)
    assert LOG.loads == 1
    translate.translate_text(["Grazie.", "Arrivederci."], source="it", options=options)
    assert LOG.loads == 1  # the second call loaded nothing
    translate.close()
    translate.translate_text("Grazie.", source="it", options=options)
    assert LOG.loads == 2  # closed: loaded again


def test_a_session_as_context_manager(options: Options) -> None:
    with Session(options) as session:
        assert session.translate_text("Grazie.", source="it") == "<it-en>[Grazie.]"
        router = session.router()
        assert [t.loaded for t in router.translators()] == [True]
    assert [t.loaded for t in router.translators()] == [False]
    assert LOG.loads == 1


def test_translate_files_returns_the_report(options: Options, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(ITALIAN + "\n", encoding="utf-8")
    report = translate.translate_files([docs], options=options)
    assert isinstance(report, translate.Report)
    assert [(f.status, f.language) for f in report.files] == [("translated", "it")]
    assert (docs / "a.en.txt").read_text(encoding="utf-8") == f"<it-en>[{ITALIAN}]\n"
    again = translate.translate_files([docs], options=options)
    assert [f.status for f in again.files] == ["up-to-date"]
    assert again.models_loaded == []  # this run's loads, not the session's
    with pytest.raises(translate.errors.UsageError, match="does not summarise"):
        translate.translate_files([docs], options=options.replace(summarize=True))


def test_summaries_of_a_text(options: Options) -> None:
    lead = translate.summarize_text(ENGLISH_DOC, options=options.replace(method="lead",
                                                                         max_words=15))
    assert isinstance(lead, translate.Summary)
    assert lead.text == ("The leader of North Korea met the Russian minister of natural "
                         "resources.")
    short = options.replace(max_words=20, min_words=5)
    abstract = translate.summarize_text(ENGLISH_DOC, options=short)
    assert abstract.text.startswith("The leader of North")  # the fake keeps four words
    assert len(abstract.text.split()) <= 20 and abstract.chunks >= 1
    assert LOG.loads == 1  # English: the summariser only
    translate.summarize_text(ENGLISH_DOC, options=short)
    assert LOG.loads == 1  # kept loaded


def test_summarize_files(options: Options, tmp_path: Path) -> None:
    (tmp_path / "news.txt").write_text(ENGLISH_DOC + "\n", encoding="utf-8")
    report = translate.summarize_files([tmp_path], options=options.replace(method="lead",
                                                                           max_words=15))
    assert [f.status for f in report.files] == ["translated"]
    assert (tmp_path / "news.en.summary.txt").read_text(encoding="utf-8").startswith(
        "The leader of North Korea")


def test_detect_language() -> None:
    found = translate.detect_language(ITALIAN)
    assert isinstance(found, translate.Detection)
    assert found.language == "it" and 0.5 < found.confidence <= 1


def test_the_real_model_through_the_api(registry_file: Path, tiny_marian: Path) -> None:
    """The API's output is the model's own: one generate() with the registry's settings.

    Without the retry: the tiny model's output fails the checks, and a retry would
    replace it with that of the stronger ``[retry]`` settings (tests/test_run_quality.py).
    """
    import torch
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_marian)
    model = AutoModelForSeq2SeqLM.from_pretrained(tiny_marian).eval()
    texts = ["Il governo ha approvato la legge.", "Gli studenti hanno manifestato a Roma."]
    expected = []
    for text in texts:
        with torch.inference_mode():
            ids = model.generate(**tokenizer([text], return_tensors="pt"), num_beams=1,
                                 max_new_tokens=8, do_sample=False)
        expected.append(tokenizer.decode(ids[0], skip_special_tokens=True).strip())
    options = Options(models=registry_file, engine="transformers", source="it", retry=False)
    with Session(options) as session:
        assert session.translate_text(texts) == expected


README = Path(__file__).resolve().parent.parent / "README.md"
PYTHON_BLOCK = re.compile(r"<!-- readme-test: python -->\n```python\n(.*?)```", re.S)


def test_readme_has_python_examples() -> None:
    blocks = PYTHON_BLOCK.findall(README.read_text(encoding="utf-8"))
    assert len(blocks) >= 2 and all("import translate" in b for b in blocks)


@pytest.mark.parametrize("block", PYTHON_BLOCK.findall(README.read_text(encoding="utf-8")))
def test_readme_python_example_runs(block: str, tmp_path: Path) -> None:
    """README's Python examples run as written (Apertium: real English, no download)."""
    require_program("apertium", "apertium apertium-cat-ita apertium-eng-cat")
    root = README.parent
    shutil.copytree(root / "seeds", tmp_path / "seeds")
    env = {**os.environ, "PYTHONPATH": str(root), "HF_HOME": str(tmp_path / "hf"),
           "HF_HUB_OFFLINE": "1"}
    proc = subprocess.run([sys.executable, "-c", block], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "governo" not in out and "Grazie" not in out  # translated, not copied
    assert re.search(r"\b(The|the)\b", out), out  # English words came out


def test_the_summary_engine_is_chosen_apart(options: Options, tmp_path: Path) -> None:
    short = options.replace(max_words=20, min_words=5)
    fake = translate.summarize_text(ENGLISH_DOC, options=short)
    identity = translate.summarize_text(ENGLISH_DOC,
                                        options=short.replace(summary_engine="identity"))
    assert fake.text.startswith("The leader of North")
    assert identity.text != fake.text  # another engine made it
    with pytest.raises(translate.errors.UsageError, match="unknown engine 'nope'"):
        translate.summarize_text(ENGLISH_DOC, options=short.replace(summary_engine="nope"))
