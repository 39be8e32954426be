from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.fakes import LOG, FakeEngine
from translate.cli.app import app
from translate.models.registry import load_registry
from translate.models.routing import Router
from translate.models.translator import RunSettings
from translate.text.detect import (
    DOCUMENT_MIN_CONFIDENCE,
    detect,
    detect_paragraphs,
    document_language,
    is_ambiguous,
    mask,
)
from translate.translation.inputs import segment_languages

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
    assert result.exit_code == 2  # a usage error, before any work (issue 12)
    assert "no model translates into 'sv'" in result.output
    assert "targets with a route: en, it" in result.output


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


# -- URLs, e-mails and numbers; confidence floors -----------------------------------------

URL_HEAVY_ITALIAN = (
    "Il modulo si trova qui: https://www.gov.pl/web/wzory-dokumentow/wniosek-2024-wzw "
    "https://bit.ly/3xKzQwY\n\n"
    "Per le iscrizioni scrivete entro venerdì a kzwy.wsparcie@xyzw.pl, oppure chiamate il "
    "numero +48 22 123 45 67 dalle 9 alle 17.\n\n"
    "Altri link: https://t.co/ZkWq9xYzQw https://www.wykop.pl/link/7123456/zwyk "
    "http://www.szkolenia-krakow.pl/kursy/2024/11/zgloszenie.php?id=98231&wz=kk\n\n"
    "Grazie a tutti per la pazienza.\n")
POLISH = ("Rząd przyjął ustawę budżetową po długiej debacie w parlamencie. Studenci "
          "protestowali przed ministerstwem, a policja zamknęła ulicę. Więcej: "
          "https://www.gov.pl/web/finanse/budzet-2024 lub kontakt@mf.gov.pl, tel. 22 694 55 55.")
LINKS_ONLY = "Contatti: kzwy.wsparcie@xyzw.pl, https://www.wykop.pl/link/7123456/zwyk\n"


def test_mask_removes_urls_emails_and_numbers() -> None:
    masked = mask("Scrivi a a.b+c@x-y.it o vai su https://x.pl/a?b=1, www.ansa.it; "
                  "alle 9:30 del 6/11/2024 costa 10.000 euro.")
    assert masked.split() == ["Scrivi", "a", "o", "vai", "su", "alle", "del", "costa",
                              "euro."]


def test_a_line_of_links_is_ambiguous() -> None:
    line = URL_HEAVY_ITALIAN.split("\n\n")[2]
    assert is_ambiguous(line)
    assert detect_paragraphs([line], "it")[0].language == "it"


def test_polish_paragraph_with_links_is_still_polish() -> None:
    assert detect(POLISH).language == "pl" and detect(POLISH).confidence > 0.9
    assert detect_paragraphs([POLISH], "it")[0].language == "pl"


def test_url_heavy_italian_is_translated_as_italian(tmp_path, registry_file) -> None:
    (tmp_path / "links.txt").write_text(URL_HEAVY_ITALIAN)
    result = run(str(tmp_path / "links.txt"), "--models", str(registry_file), "--engine",
                 "fake")
    assert result.exit_code == 0, result.output  # was: no route from 'pl'
    paragraphs = (tmp_path / "links.en.txt").read_text().strip().split("\n\n")
    assert len(paragraphs) == 4
    assert all(p.startswith("<it-en>[") for p in paragraphs)


def test_unclear_document_fails_asking_for_from(tmp_path, registry_file) -> None:
    assert document_language(LINKS_ONLY).confidence < DOCUMENT_MIN_CONFIDENCE
    (tmp_path / "links.txt").write_text(LINKS_ONLY)
    args = [str(tmp_path / "links.txt"), "--models", str(registry_file), "--engine", "fake"]
    failed = run(*args)
    assert failed.exit_code == 1
    assert "cannot tell the language" in failed.output and "--from" in failed.output
    assert not (tmp_path / "links.en.txt").exists()
    assert run(*args, "--from", "it").exit_code == 0


def test_unclear_document_takes_the_language_of_its_paragraphs() -> None:
    # Italian, French and Spanish paragraphs: the whole text is below the floor.
    doc = "\n\n".join([DETECTION[0][1], DETECTION[6][1], DETECTION[9][1]])
    assert detect(doc).confidence < DOCUMENT_MIN_CONFIDENCE
    found = document_language(doc)
    assert found.language == "es" and found.confidence >= DOCUMENT_MIN_CONFIDENCE
    _, langs = segment_languages(doc, "auto")
    assert sorted(set(langs)) == ["es", "fr", "it"]
