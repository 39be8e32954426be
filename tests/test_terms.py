"""Glossaries, kept spans and names: parsing, matching, name rule, placeholders (no model)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from translate.cli.app import app
from translate.errors import UsageError
from translate.text.terms import (
    Glossary,
    Matcher,
    Term,
    check_glossaries,
    find_names,
    load_glossary,
    parse_glossary,
    plurals,
)
from translate.translation.protecting import Protection, restore_spans, starts_sentence


def names(text: str, lang: str = "it") -> list[str]:
    return [text[a:b] for a, b in find_names(text, lang)]


def matched(terms: list[Term], text: str, lang: str = "it") -> list[str]:
    return [text[a:b] for a, b, _ in Matcher(terms, lang).find(text)]


# -- parsing ----------------------------------------------------------------------------

def test_tsv_with_header_comments_and_flags(tmp_path) -> None:
    text = ("source\ttarget\tflags\n# a comment\n\ncapo della NATO\tNATO chief\n"
            "Duma\tDuma\tcase\nKremlin\t\tkeep\n")
    terms, problems = parse_glossary(tmp_path / "g.tsv", text)
    assert problems == []
    assert [(t.source, t.target, t.case, t.keep) for t in terms] == [
        ("capo della NATO", "NATO chief", False, False), ("Duma", "Duma", True, False),
        ("Kremlin", "Kremlin", False, True)]
    assert terms[0].origin == f"{tmp_path / 'g.tsv'}:4"


def test_csv_with_quotes(tmp_path) -> None:
    terms, problems = parse_glossary(tmp_path / "g.csv",
                                     'source,target\n"capo, della NATO",NATO chief\n')
    assert problems == [] and terms[0].source == "capo, della NATO"
    # a quote left open does not swallow the next lines: each line is read alone
    terms, problems = parse_glossary(tmp_path / "g.csv", 'a,"b\nc",d\nx,y\n')
    assert [t.origin.rsplit(":", 1)[1] for t in terms] == ["1", "2", "3"]


@pytest.mark.parametrize(("line", "message"), [
    ("\tNATO chief", "empty source cell"),
    ("capo\t", "empty target cell"),
    ("capo\tchief\tloud", "unknown flag 'loud'"),
    ("capo\tchief\tcase\textra", "4 columns"),
    ("capo\tchief\tkeep", "flagged keep but has another target"),
    ("capo", "expected source<TAB>target"),
    ("capo\t<x1/>", "inline placeholder"),
])
def test_bad_lines_are_errors_with_their_line(tmp_path, line, message) -> None:
    _, problems = parse_glossary(tmp_path / "g.tsv", f"# header comment\n{line}\n")
    assert len(problems) == 1 and problems[0].error
    assert message in problems[0].message and problems[0].where.endswith("g.tsv:2")


def test_duplicates_warn_and_conflicts_fail(tmp_path) -> None:
    _, problems = parse_glossary(tmp_path / "g.tsv", "capo\tchief\nCapo\tchief\nCAPO\thead\n")
    assert [(p.where.rsplit(":", 1)[1], p.error) for p in problems] == [("2", False),
                                                                        ("3", True)]
    assert "conflicting targets: 'chief' (line 2) and 'head'" in problems[1].message


def test_later_glossary_wins_and_says_where_terms_come_from(tmp_path) -> None:
    first, second = tmp_path / "a.tsv", tmp_path / "b.tsv"
    first.write_text("capo\tchief\nguerra\twar\n")
    second.write_text("capo\thead\n")
    glossary, problems = load_glossary([first, second])
    assert problems == []
    assert glossary.terms["capo"].target == "head"
    assert glossary.terms["capo"].origin == f"{second}:1"
    assert glossary.terms["guerra"].origin == f"{first}:2"
    assert [(o.origin, n.origin) for o, n in glossary.overridden] == [(f"{first}:1",
                                                                      f"{second}:1")]


def test_a_term_that_is_kept_or_a_name(tmp_path) -> None:
    path = tmp_path / "g.tsv"
    path.write_text("NATO\tOTAN\nMark Rutte\tMarco Rutte\n")
    _, problems = load_glossary([path], keep=["NATO"])
    assert [(p.where, p.error) for p in problems] == [(f"{path}:1", True), (f"{path}:2", False)]
    with pytest.raises(UsageError, match=r"g.tsv:1: error: 'NATO' is also a kept span"):
        check_glossaries([path], keep=["NATO"])
    with pytest.raises(UsageError, match="glossary not found"):
        check_glossaries([tmp_path / "missing.tsv"])
    (tmp_path / "latin1.tsv").write_bytes("caffè\tcoffee\n".encode("latin-1"))
    with pytest.raises(UsageError, match="not UTF-8"):
        check_glossaries([tmp_path / "latin1.tsv"])


def test_glossary_check_command(tmp_path) -> None:
    good, bad = tmp_path / "good.tsv", tmp_path / "bad.tsv"
    good.write_text("capo della NATO\tNATO chief\ncapo della NATO\tNATO chief\n")
    bad.write_text("capo\tchief\ncapo\thead\n\tchief\n")
    runner = CliRunner()
    ok = runner.invoke(app, ["glossary", "check", str(good)])
    assert ok.exit_code == 0, ok.output
    assert "good.tsv:2: warning: 'capo della NATO' repeats line 1" in ok.output
    assert "1 terms from 1 files: 0 errors, 1 warnings" in ok.output
    failed = runner.invoke(app, ["glossary", "check", str(good), str(bad)])
    assert failed.exit_code == 2
    assert "bad.tsv:2: error: 'capo' has conflicting targets" in failed.output
    assert "bad.tsv:3: error: empty source cell" in failed.output
    missing = runner.invoke(app, ["glossary", "check", str(tmp_path / "nope.tsv")])
    assert missing.exit_code == 2 and "glossary not found" in missing.output


def test_a_bad_glossary_stops_the_run_before_any_work(tmp_path) -> None:
    (tmp_path / "a.txt").write_text("Il capo della NATO ha parlato.\n")
    (tmp_path / "g.tsv").write_text("capo\t\n")
    result = CliRunner().invoke(app, [str(tmp_path / "a.txt"), "--glossary",
                                      str(tmp_path / "g.tsv"), "--engine", "apertium",
                                      "--from", "it"])
    assert result.exit_code == 2
    assert "g.tsv:1: error: empty target cell" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "g.tsv"]


# -- matching ---------------------------------------------------------------------------

def test_word_boundaries_and_case() -> None:
    nato = [Term("NATO", "NATO", case=True)]
    assert matched(nato, "la NATO e la NATOnale, nato a Roma") == ["NATO"]
    loose = [Term("capo della NATO", "NATO chief")]
    assert matched(loose, "Il Capo  della nato ha detto") == ["Capo  della nato"]
    assert matched(loose, "il sottocapo della NATO") == []


def test_italian_and_spanish_plurals() -> None:
    assert plurals("capo", "it") == ["capi"] and plurals("banca", "it") == ["banche"]
    assert plurals("amico", "it") == ["amichi", "amici"] and plurals("nave", "it") == ["navi"]
    assert plurals("nación", "es") == ["naciones"] and plurals("luz", "es") == ["luces"]
    assert plurals("casa", "es") == ["casas"] and plurals("papel", "es") == ["papeles"]
    assert plurals("città", "it") == [] and plurals("NATO", "it") == []
    assert plurals("capo", "de") == []
    term = [Term("guerra fredda", "cold war")]
    assert matched(term, "le guerre fredde e la guerra fredda") == ["guerre fredde",
                                                                      "guerra fredda"]
    assert matched([Term("capi", "chiefs")], "il capo") == []  # no singular of a plural
    assert matched(term, "las guerras", "es") == []  # Spanish rules on an Italian term


def test_elided_articles() -> None:
    agency = [Term("agenzia di stampa", "news agency")]
    assert matched(agency, "L'agenzia di stampa e dell'agenzia di stampa, nell’agenzia "
                   "di stampa") == ["agenzia di stampa"] * 3


def test_not_across_formatting_or_inside_tokens() -> None:
    protection = Protection(Glossary({"capo della nato": Term("capo della NATO", "NATO chief")}),
                            keep=["x1"], keep_names=False)
    assert protection.spans("il capo della <x1>NATO</x1>", "it") == []
    shielded = protection.shield("il <x1>capo della NATO</x1> ha", "it")
    assert shielded.text == "il <x1><x2/></x1> ha"


# -- names ------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "kept"), [
    ("Kim Jong Un incontra il ministro.", ["Kim Jong Un"]),
    ("Il leader della Corea del Nord Kim Jong Un ha incontrato Alexander Kozlov.",
     ["Kim Jong Un", "Alexander Kozlov"]),
    ("L'agenzia KCNA ha riferito.", ["KCNA"]),
    ("il capo della NATO Mark Rutte ha detto", ["NATO", "Mark Rutte"]),
    ("il ministro Kim Yong-Hyun avverte", ["Kim Yong-Hyun"]),
    ("Mark Rutte ha detto che l'iPhone e il G7 e il Su-57 sono qui.",
     ["Mark Rutte", "iPhone", "G7", "Su-57"]),
    ("La Corea del Nord e la Russia, Mosca e la Germania.", []),
    ("Il Cremlino ha risposto. Questo Paese no.", []),
    ("ATTENZIONE ALLA NUOVA LEGGE", []),
    ("dove Kim ha espresso gratitudine", []),
])
def test_the_name_rule(text, kept) -> None:
    assert names(text) == kept


def test_known_false_positives_are_what_the_readme_says() -> None:
    assert names("una delegazione dell'Accademia militare del Generale Russo") == [
        "Generale Russo"]
    assert names("Nuove Sanzioni Contro Mosca") == ["Nuove Sanzioni Contro Mosca"]


# -- placeholders -----------------------------------------------------------------------

def protection(**kw: object) -> Protection:
    terms = {"capo della nato": Term("capo della NATO", "NATO chief"),
             "presidente del consiglio": Term("presidente del consiglio", "prime minister"),
             "kremlin": Term("Cremlino", "Cremlino", keep=True)}
    return Protection(Glossary({t.key: t for t in terms.values()}), **kw)  # type: ignore[arg-type]


def test_spans_become_numbered_atoms_after_the_formats_own() -> None:
    shielded = protection(keep=["FooBar"]).shield(
        "Il <x1>presidente del consiglio</x1> e Mark Rutte usano FooBar.", "it")
    assert shielded.text == "Il <x1><x2/></x1> e <x3/> usano <x4/>."
    assert [(s.kind, s.value) for s in shielded.spans.values()] == [
        ("term", "prime minister"), ("name", "Mark Rutte"), ("keep", "FooBar")]


def test_restore_puts_values_back_with_sentence_capitals() -> None:
    shielded = protection().shield("Presidente del consiglio e Mark Rutte. Il capo della "
                                   "NATO.", "it")
    out, codes = restore_spans(shielded, "<x1/> and <x2/>. The <x3/>.")
    assert out == "Prime minister and Mark Rutte. The NATO chief." and codes == set()
    out, codes = restore_spans(shielded, "The < x1 /> and <x2/> <x2/>.")
    assert out == "The prime minister and Mark Rutte ." and codes == {"names", "term"}
    assert starts_sentence('Yes. "<x1/>', 6) and not starts_sentence("and <x1/>", 4)


def test_glossary_wins_over_names_and_keep_names_off() -> None:
    text = "il capo della NATO Mark Rutte e il Cremlino"
    on = protection().shield(text, "it")
    assert [s.source for s in on.spans.values()] == ["capo della NATO", "Mark Rutte",
                                                     "Cremlino"]
    off = protection(keep_names=False).shield(text, "it")
    assert [s.source for s in off.spans.values()] == ["capo della NATO", "Cremlino"]
    assert not Protection(Glossary(), keep_names=False).active


def test_the_signature_changes_with_any_entry() -> None:
    base = protection().signature()
    assert protection(keep_names=False).signature() != base
    assert protection(keep=["X"]).signature() != base
    other = protection()
    other.glossary.add(Term("capo della NATO", "head of NATO"))
    assert other.signature() != base


def test_options_take_one_value_or_several() -> None:
    from translate.options import Options

    options = Options(glossary="a.tsv", keep=("NATO", "FooBar"))  # type: ignore[arg-type]
    assert options.glossary == (Path("a.tsv"),) and options.keep == ("NATO", "FooBar")
