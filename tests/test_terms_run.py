"""Terms and names through real runs: Apertium on the seed, formats, the cache, MarianMT."""

from __future__ import annotations

import io
import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import SEED_DIR
from tests.fakes import LOG
from tests.system_tools import require_program
from translate.cli.app import app

NAMES = ("Kim Jong Un", "Kim Yong-Hyun", "KCNA", "Alexander Kozlov", "Mark Rutte")


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def apertium() -> None:
    require_program("apertium", "apertium apertium-cat-ita apertium-eng-cat")


@pytest.fixture
def seed(tmp_path: Path) -> Path:
    folder = tmp_path / "seeds"
    folder.mkdir()
    for path in SEED_DIR.glob("*.txt"):
        shutil.copy(path, folder / path.name)
    return folder


def english(folder: Path) -> str:
    return next(folder.glob("*.en.txt")).read_text(encoding="utf-8")


def test_seed_names_kept_places_translated_glossary_enforced(apertium, seed, tmp_path) -> None:
    glossary = tmp_path / "terms.tsv"
    glossary.write_text("capo della NATO\tNATO chief\n", encoding="utf-8")
    report = tmp_path / "report.json"
    result = run(str(seed), "--engine", "apertium", "--from", "it", "--glossary",
                 str(glossary), "--report", str(report), "--review")
    assert result.exit_code == 0, result.output
    text = english(seed)
    page = next(seed.glob("*.review.html")).read_text(encoding="utf-8")
    assert "not-cached" not in page and "NATO chief Mark Rutte" in page
    assert "untranslated" in page and "Kim Jong Un" in page
    source = next(p for p in seed.glob("*.txt") if ".en." not in p.name).read_text()
    for name in NAMES:
        assert text.count(name) == source.count(name) > 0, name
    assert "Kim Jong One" not in text
    for place, italian in (("North Korea", "Corea del Nord"), ("Russia", "Russia"),
                           ("Moscow", "Mosca")):
        assert place in text and (italian == place or italian not in text), place
    assert "NATO chief Mark Rutte" in text and "capo" not in text
    data = json.loads(report.read_text())
    untranslated = [f for f in data["flagged"] if "untranslated" in f["codes"]]
    assert len(untranslated) >= 3 and all(f["line"] for f in untranslated)
    lines = text.splitlines()
    assert any("succeït" in lines[f["line"] - 1] for f in untranslated)
    assert data["files"][0]["details"]["glossary"] == {
        "capo della NATO -> NATO chief": f"{glossary}:1"}
    # the same without the rule: the names are Apertium's again
    plain = run(str(seed), "--engine", "apertium", "--from", "it", "--no-keep-names",
                "--force")
    assert plain.exit_code == 0 and "Kim Jong One" in english(seed)


def test_keep_and_a_sentence_start_capital(apertium, tmp_path) -> None:
    source = tmp_path / "a.txt"
    source.write_text("Presidente del consiglio e ministro sono qui. Il governo usa "
                      "scala e Scala.\n", encoding="utf-8")
    glossary = tmp_path / "g.csv"
    glossary.write_text("source,target\npresidente del consiglio,prime minister\n")
    result = run(str(source), "--engine", "apertium", "--from", "it", "--glossary",
                 str(glossary), "--keep", "Scala")
    assert result.exit_code == 0, result.output
    text = (tmp_path / "a.en.txt").read_text()
    assert text.startswith("Prime minister and") and "Scala" in text
    assert "scale" in text.lower()  # the lower-case word is no kept span


def test_glossary_inside_markdown_html_and_docx(apertium, tmp_path) -> None:
    from docx import Document

    (tmp_path / "a.md").write_text("# Titolo\n\nIl **capo della NATO** ha parlato.\n")
    (tmp_path / "b.html").write_text('<html><body><p>Il <a href="https://nato.int">capo '
                                     'della NATO</a> ha parlato.</p></body></html>\n')
    doc = Document()
    paragraph = doc.add_paragraph("Il ")
    paragraph.add_run("capo della NATO").bold = True
    paragraph.add_run(" ha parlato.")
    doc.save(str(tmp_path / "c.docx"))
    (tmp_path / "g.tsv").write_text("capo della NATO\tNATO chief\n")
    result = run(str(tmp_path), "--engine", "apertium", "--from", "it", "--glossary",
                 str(tmp_path / "g.tsv"), "--glob", "*.*")
    assert result.exit_code == 0, result.output
    assert "**NATO chief**" in (tmp_path / "a.en.md").read_text()
    html = (tmp_path / "b.en.html").read_text()
    assert '<a href="https://nato.int">NATO chief</a>' in html
    out = Document(str(tmp_path / "c.en.docx"))
    bold = [r.text for p in out.paragraphs for r in p.runs if r.bold]
    assert bold == ["NATO chief"]
    with zipfile.ZipFile(io.BytesIO((tmp_path / "c.en.docx").read_bytes())) as z:
        assert "x1" not in z.read("word/document.xml").decode()


def _folder(tmp_path: Path) -> Path:
    """200 segments in 10 files; 'capo della NATO' in 7 of them, 'guerra' in 6 others."""
    folder = tmp_path / "docs"
    folder.mkdir()
    for f in range(10):
        lines = []
        for s in range(20):
            n = f * 20 + s
            if n % 29 == 3:
                lines.append(f"Il capo della NATO ha parlato {n} volte.")
            elif n % 37 == 5:
                lines.append(f"La guerra dura da {n} giorni.")
            else:
                lines.append(f"Frase numero {n} senza termini.")
        (folder / f"f{f}.txt").write_text("\n\n".join(lines) + "\n")
    return folder


def test_editing_one_entry_sends_only_its_segments(tmp_path, registry_file) -> None:
    folder = _folder(tmp_path)
    glossary = tmp_path / "g.tsv"
    base = [str(folder), "--models", str(registry_file), "--engine", "fake", "--from", "it",
            "--glossary", str(glossary)]
    glossary.write_text("capo della NATO\tNATO chief\n")
    assert run(*base).exit_code == 0
    assert len(LOG.segments) == 200
    nato = [t for t in LOG.segments if "<x1/>" in t]
    assert len(nato) == 7 and not any("capo" in t for t in LOG.segments)
    LOG.reset()
    glossary.write_text("capo della NATO\thead of NATO\n")  # a new target: no model at all
    assert run(*base).exit_code == 0
    assert LOG.segments == []
    text = "".join(p.read_text() for p in folder.glob("*.en.txt"))
    assert text.count("head of NATO") == 7 and "NATO chief" not in text
    explained = run("cache", "stats", "--explain", str(folder / "f0.txt"), "--models",
                    str(registry_file), "--engine", "fake", "--glossary", str(glossary))
    assert "terms: same glossary" in explained.output
    glossary.write_text("capo della NATO\thead of NATO\nguerra\twar\n")  # a new term
    explained = run("cache", "stats", "--explain", str(folder), "--models",
                    str(registry_file), "--engine", "fake", "--glossary", str(glossary))
    assert "glossary entry 'guerra' added (guerra -> war)" in explained.output
    explained = run("cache", "stats", "--explain", str(folder / "f1.txt"), "--models",
                    str(registry_file), "--engine", "fake", "--glossary", str(glossary))
    assert "glossary entries this file does not contain changed" in explained.output
    glossary.write_text("capo della NATO\tNATO boss\nguerra\twar\n")
    explained = run("cache", "stats", "--explain", str(folder / "f0.en.txt"), "--models",
                    str(registry_file), "--engine", "fake", "--glossary", str(glossary))
    assert ("glossary entry 'capo della nato' changed: capo della NATO -> head of NATO => "
            "capo della NATO -> NATO boss") in explained.output
    LOG.reset()
    assert run(*base).exit_code == 0
    guerra = sum(1 for n in range(200) if n % 29 != 3 and n % 37 == 5)
    assert len(LOG.segments) == guerra == 6
    assert all(re.fullmatch(r"La <x1/> dura da \d+ giorni\.", t) for t in LOG.segments)
    text = "".join(p.read_text() for p in folder.glob("*.en.txt"))
    assert text.count("NATO boss") == 7 and text.count("war dura") == 6


def test_job_file_and_models_toml_glossaries(tmp_path, registry_file) -> None:
    (tmp_path / "terms").mkdir()
    (tmp_path / "terms" / "a.tsv").write_text("ministro\tminister\n")
    (tmp_path / "terms" / "b.tsv").write_text("legge\tlaw\n")
    models = tmp_path / "terms" / "models.toml"
    models.write_text('glossary = "a.tsv"\n' + registry_file.read_text()
                      + '\n[keep]\nterms = ["Frase"]\n')
    (tmp_path / "doc.txt").write_text("Frase del ministro sulla legge.\n")
    jobs = tmp_path / "jobs.toml"
    jobs.write_text(f'[[job]]\ninputs = ["doc.txt"]\nfrom = "it"\nengine = "fake"\n'
                    f'models = "{models}"\nglossary = ["terms/b.tsv"]\n')
    result = run("run", str(jobs))
    assert result.exit_code == 0, result.output
    assert LOG.segments == ["<x1/> del <x2/> sulla <x3/>."]
    assert (tmp_path / "doc.en.txt").read_text() == "<it-en>[Frase del minister sulla law.]\n"
    bad = tmp_path / "bad.toml"
    bad.write_text('[[job]]\ninputs = ["doc.txt"]\nkeep = [1]\n')
    refused = run("run", str(bad))
    assert refused.exit_code == 2 and "'keep' must be a string or a list" in refused.output


@pytest.mark.parametrize("engine", ["transformers", "ctranslate2"])
def test_tiny_marian_placeholders_round_trip(tmp_path, registry_file, engine,
                                             monkeypatch) -> None:
    if engine == "ctranslate2":
        pytest.importorskip("ctranslate2")
    monkeypatch.setenv("TRANSLATE_CT2_CACHE", str(tmp_path / "ct2"))
    outputs = {}
    for keep_names in (True, False):
        folder = tmp_path / f"{engine}-{keep_names}"
        folder.mkdir()
        (folder / "a.txt").write_text("Il capo della NATO Mark Rutte ha incontrato Kim "
                                      "Jong Un. Il governo ha approvato la legge.\n")
        (tmp_path / "g.tsv").write_text("governo\tgovernment\n")
        report = folder / "r.json"
        extra = [] if keep_names else ["--no-keep-names"]
        result = run(str(folder / "a.txt"), "--models", str(registry_file), "--engine",
                     engine, "--compute-type", "float32", "--from", "it", "--glossary",
                     str(tmp_path / "g.tsv"), "--report", str(report), *extra)
        assert result.exit_code == 0, result.output
        text = (folder / "a.en.txt").read_text()
        assert "<x" not in text and "x1" not in text
        flagged = {f["segment"]: f["codes"] for f in json.loads(report.read_text())["flagged"]}
        if keep_names:  # each name is in the output verbatim, or its segment is flagged
            for name in ("Mark Rutte", "Kim Jong Un"):
                assert name in text or "names" in flagged.get(1, [])
            assert "government" in text or "term" in flagged.get(2, [])
        outputs[keep_names] = (text, flagged)
    assert outputs[True] != outputs[False]
    (tmp_path / f"{engine}.json").write_text(json.dumps(outputs[True]))


def test_transformers_and_ctranslate2_agree(tmp_path, registry_file, monkeypatch) -> None:
    pytest.importorskip("ctranslate2")
    monkeypatch.setenv("TRANSLATE_CT2_CACHE", str(tmp_path / "ct2"))
    texts = {}
    for engine in ("transformers", "ctranslate2"):
        folder = tmp_path / engine
        folder.mkdir()
        (folder / "a.txt").write_text("Il capo della NATO Mark Rutte ha incontrato Kim Jong "
                                      "Un.\n\nLa KCNA ha riferito che Kim Yong-Hyun avverte.\n")
        (tmp_path / "g.tsv").write_text("capo della NATO\tNATO chief\n")
        result = run(str(folder / "a.txt"), "--models", str(registry_file), "--engine",
                     engine, "--compute-type", "float32", "--from", "it", "--glossary",
                     str(tmp_path / "g.tsv"), "--no-retry")  # greedy only: no retry beams
        assert result.exit_code == 0, result.output
        texts[engine] = (folder / "a.en.txt").read_text()
    assert texts["transformers"] == texts["ctranslate2"]
    assert len(set(texts["ctranslate2"].split("\n\n"))) == 2  # input-dependent


def test_a_lost_name_goes_through_the_retry_then_is_flagged(tmp_path, registry_file) -> None:
    (tmp_path / "a.txt").write_text("Mark Rutte ha parlato.\n\nIl capo della NATO ha riso.\n")
    (tmp_path / "g.tsv").write_text("capo della NATO\tNATO chief\n")
    LOG.crafted["<x1/> ha parlato."] = ("He spoke.", "<x1/> spoke.")  # retry brings it back
    LOG.crafted["Il <x1/> ha riso."] = ("The laughed.", "The boss laughed.")  # never back
    report = tmp_path / "r.json"
    result = run(str(tmp_path / "a.txt"), "--models", str(registry_file), "--engine", "fake",
                 "--from", "it", "--glossary", str(tmp_path / "g.tsv"), "--report",
                 str(report))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "a.en.txt").read_text() == "Mark Rutte spoke.\n\nThe laughed.\n"
    assert sorted(t for texts, _ in LOG.retries for t in texts) == ["<x1/> ha parlato.",
                                                                    "Il <x1/> ha riso."]
    data = json.loads(report.read_text())
    assert [(f["segment"], f["codes"]) for f in data["flagged"]] == [(2, ["term"])]
    assert data["files"][0]["retried"] == 2
