from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.fakes import LOG, FakeEngine
from translate.cli import app
from translate.config import load_registry
from translate.detect import detect, detect_paragraphs, is_ambiguous
from translate.routing import Router
from translate.translator import RunSettings

DETECTION = [
    ("it", "Il governo ha approvato la legge di bilancio dopo un lungo dibattito."),
    ("it", "La cooperazione militare tra i due paesi è già in pieno svolgimento, secondo "
           "fonti occidentali citate dai giornali."),
    ("en", "The government approved the budget law after a long debate in parliament."),
    ("en", "Students demonstrated in front of the ministry, and the police closed the road."),
    ("de", "Die Regierung hat das Haushaltsgesetz nach einer langen Debatte verabschiedet."),
    ("de", "Die Studenten demonstrierten vor dem Ministerium, und die Polizei sperrte die "
           "Straße."),
    ("fr", "Le gouvernement a approuvé la loi de finances après un long débat au parlement."),
    ("fr", "Les étudiants ont manifesté devant le ministère et la police a fermé la rue."),
    ("es", "El gobierno aprobó la ley de presupuestos después de un largo debate."),
    ("es", "Los estudiantes se manifestaron frente al ministerio y la policía cerró la calle."),
]
FRAGMENTS = ["2024", "Kim Jong Un", "ANSA", "KCNA", "Mosca, 6 novembre", "OK", "10.000 €",
             "NOTIZIE DAL MONDO", "Alexander Kozlov"]


@pytest.mark.parametrize(("lang", "text"), DETECTION)
def test_detection_table(lang: str, text: str) -> None:
    found = detect(text)
    assert found.language == lang and found.confidence > 0.9


@pytest.mark.parametrize("fragment", FRAGMENTS)
def test_short_fragments_inherit_the_document_language(fragment: str) -> None:
    assert is_ambiguous(fragment)
    assert detect_paragraphs([fragment], "it")[0].language == "it"


def test_paragraph_languages_in_a_mixed_document() -> None:
    paras = [DETECTION[0][1], DETECTION[2][1], "Kim Jong Un", DETECTION[4][1]]
    assert [d.language for d in detect_paragraphs(paras, "it")] == ["it", "en", "it", "de"]


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


MIXED = (f"{DETECTION[0][1]}\n\n{DETECTION[2][1]}\n\nKim Jong Un\n\n{DETECTION[4][1]}\n")


def test_mixed_document_routes_each_paragraph(tmp_path, registry_file) -> None:
    (tmp_path / "mixed.txt").write_text(MIXED)
    result = run(str(tmp_path / "mixed.txt"), "--models", str(registry_file), "--engine", "fake")
    assert result.exit_code == 0, result.output
    lines = (tmp_path / "mixed.en.txt").read_text().split("\n\n")
    assert lines[0] == f"<it-en>[{DETECTION[0][1]}]"
    assert lines[1] == DETECTION[2][1]  # English passes through unchanged
    assert lines[2] == "<it-en>[Kim Jong Un]"  # inherits the document's language
    assert lines[3] == f"<de-en>[{DETECTION[4][1]}]\n"
    assert LOG.loads == 2


def test_mixed_document_with_two_tiny_models(tmp_path, registry_file) -> None:
    (tmp_path / "mixed.txt").write_text(MIXED)
    report = tmp_path / "r.json"
    result = run(str(tmp_path / "mixed.txt"), "--models", str(registry_file), "--engine",
                 "transformers", "--report", str(report))
    assert result.exit_code == 0, result.output
    data = json.loads(report.read_text())
    assert sorted(data["models_loaded"]) == ["de-en", "it-en"]
    assert data["files"][0]["language"] == "de,en,it"
    assert (tmp_path / "mixed.en.txt").read_text().split("\n\n")[1] == DETECTION[2][1]


def test_pivot_runs_both_legs_each_cached(tmp_path, registry_file) -> None:
    (tmp_path / "de.txt").write_text(DETECTION[4][1] + "\n")
    args = [str(tmp_path / "de.txt"), "--to", "it", "--from", "de", "--models",
            str(registry_file), "--engine", "fake"]
    assert run(*args).exit_code == 0
    assert (tmp_path / "de.it.txt").read_text() == f"<en-it>[<de-en>[{DETECTION[4][1]}]]\n"
    assert LOG.loads == 2
    LOG.reset()
    (tmp_path / "de.it.txt").unlink()
    assert run(*args).exit_code == 0 and LOG.loads == 0


def test_unknown_route_lists_what_exists(tmp_path, registry_file) -> None:
    (tmp_path / "a.txt").write_text(DETECTION[0][1])
    result = run(str(tmp_path / "a.txt"), "--to", "sv", "--models", str(registry_file),
                 "--engine", "fake")
    assert result.exit_code == 1
    assert "no route from 'it' to 'sv'" in result.output
    assert "configured pairs: de-en, en-it, it-en" in result.output


def test_loaded_models_are_bounded(registry_file) -> None:
    router = Router(load_registry(registry_file), settings=RunSettings(engine="fake"),
                    max_loaded=1)
    it, de = router.route("it", "en")[0], router.route("de", "en")[0]
    for translator in (it, de, it):
        list(router.translate(translator, ["Una frase."]))
    assert router.loads == ["it-en", "de-en", "it-en"]
    assert it.loaded and not de.loaded
    assert isinstance(it.engine, FakeEngine)


def test_detect_command(tmp_path) -> None:
    (tmp_path / "a.txt").write_text(DETECTION[0][1])
    (tmp_path / "b.txt").write_text(MIXED)
    result = run("detect", str(tmp_path))
    assert result.exit_code == 0
    rows = [line.split("\t") for line in result.output.strip().splitlines()]
    assert [(Path(r[0]).name, r[1]) for r in rows] == [("a.txt", "it"), ("b.txt", "it")]
    assert all(0 <= float(r[2]) <= 1 for r in rows)
    para = run("detect", str(tmp_path / "b.txt"), "--by-paragraph", "--json")
    langs = [json.loads(line)["language"] for line in para.output.strip().splitlines()]
    assert langs == ["it", "en", "it", "de"]


def test_models_list_and_pull(registry_file, tiny_marian) -> None:
    listed = run("models", "list", "--models", str(registry_file), "--json")
    rows = {r["key"]: r for r in json.loads(listed.output) if r.get("engine") != "apertium"}
    assert rows["it-en"]["local"] and rows["it-en"]["size_bytes"] > 100_000
    assert set(rows) == {"it-en", "de-en", "en-it", "summarizer"}
    pulled = run("models", "pull", "it-en", "--models", str(registry_file))
    assert pulled.exit_code == 0 and str(tiny_marian) in pulled.output
    bad = run("models", "pull", "xx-yy", "--models", str(registry_file))
    assert bad.exit_code == 2 and "valid choices" in bad.output
