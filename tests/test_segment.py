from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from translate.text.documents import decode_bytes, encode_text
from translate.text.segment import reassemble, segment
from translate.text.sentences import sentence_spans, split_long

TRICKY = {
    "crlf": "Primo paragrafo. Seconda frase.\r\n\r\nSecondo paragrafo.\r\n",
    "bom_text": "\ufeffTitolo con BOM\nTesto.",
    "lists": "- primo punto\n* secondo punto\n+ terzo\n1. uno\n2) due\na) lettera\n• puntino\n",
    "quotes": "> Citazione di una frase. E un'altra.\n> > Annidata.\n«Non è vero!» ha detto.\n",
    "trailing_spaces": "Frase con spazi finali.   \nAltra frase.\t\n",
    "no_final_newline": "Ultima riga senza a capo",
    "blank_lines": "Uno.\n\n\n\nDue.\n\n",
    "title": "# Il titolo dell'articolo\n\n## Sottotitolo\nCorpo del testo. Fine.\n",
    "mixed_newlines": "Riga uno.\rRiga due.\nRiga tre.\r\n",
    "indented": "    Rientro di quattro spazi.\n\tTab iniziale.\n",
    "code_fence": "Testo.\n```\ncodice. Non tradurre.\n```\nFine.\n",
    "symbols_only": "***\n---\n2024\n| --- |\n",
    "only_newlines": "\n\n\n",
    "empty": "",
    "unicode_spaces": "Spazio\u00a0non\u00a0separabile. Fine\u2003riga.\n",
}


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_identity_round_trip_is_exact(name: str) -> None:
    text = TRICKY[name]
    doc = segment(text)
    assert reassemble(doc, doc.segments) == text


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_round_trip_bytes_through_document(name: str) -> None:
    raw = TRICKY[name].encode("utf-8")
    if name == "bom_text":
        raw = b"\xef\xbb\xbf" + TRICKY[name][1:].encode()
    doc = decode_bytes(raw)
    seg = segment(doc.text)
    assert encode_text(reassemble(seg, seg.segments), doc) == raw


def test_layout_is_not_sent_to_the_model() -> None:
    doc = segment(TRICKY["lists"] + TRICKY["quotes"] + TRICKY["title"])
    for text in doc.segments:
        assert text == text.strip()
        assert not text.startswith(("- ", "* ", "> ", "# ", "1. ", "2) ", "a) ", "• "))
    assert "Il titolo dell'articolo" in doc.segments
    assert "Annidata." in doc.segments


def test_code_and_symbol_lines_are_kept_literal() -> None:
    doc = segment(TRICKY["code_fence"] + TRICKY["symbols_only"])
    assert doc.segments == ("Testo.", "Fine.")


def test_translations_land_in_place() -> None:
    text = "# Titolo\r\n\r\n- Prima frase. Seconda frase.  \r\n"
    doc = segment(text)
    out = reassemble(doc, [s.upper() for s in doc.segments])
    assert out == "# TITOLO\r\n\r\n- PRIMA FRASE. SECONDA FRASE.  \r\n"


@pytest.mark.parametrize(("text", "expected"), [
    ("Il Sig. Rossi è arrivato. Poi è ripartito.",
     ["Il Sig. Rossi è arrivato.", "Poi è ripartito."]),
    ("La S.p.A. Fiat ha chiuso in utile. I sindacati protestano.",
     ["La S.p.A. Fiat ha chiuso in utile.", "I sindacati protestano."]),
    ("Oltre 10.000 soldati, lo 0,2% del totale. Nessun commento.",
     ["Oltre 10.000 soldati, lo 0,2% del totale.", "Nessun commento."]),
    ("Il n. 5 è libero. Il 6 nov. 2024 si vota.",
     ["Il n. 5 è libero.", "Il 6 nov. 2024 si vota."]),
    ("Frutta, verdura ecc. sono in aumento. Lo dice l'Istat.",
     ["Frutta, verdura ecc. sono in aumento.", "Lo dice l'Istat."]),
    ("Visitate https://www.example.it/a.html?id=1. Scrivete a mario.rossi@example.it. Grazie.",
     ["Visitate https://www.example.it/a.html?id=1.", "Scrivete a mario.rossi@example.it.",
      "Grazie."]),
    ("«Non è vero!» ha detto il ministro. Poi se n'è andato.",
     ["«Non è vero!» ha detto il ministro.", "Poi se n'è andato."]),
    ("È successo il 6.11.2024 alle 10.30. Nessun ferito.",
     ["È successo il 6.11.2024 alle 10.30.", "Nessun ferito."]),
])
def test_italian_sentences(text: str, expected: list[str]) -> None:
    assert [text[a:b] for a, b in sentence_spans(text, "it")] == expected


def test_seed_article_segments_cover_all_letters(seed_text: str) -> None:
    doc = segment(seed_text)
    letters = "".join(ch for ch in seed_text if ch.isalpha())
    assert "".join(ch for s in doc.segments for ch in s if ch.isalpha()) == letters
    assert len(doc.segments) > 10


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab .,!?;:-*#>1)\n\r\t\u00a0«»\"'è")), max_size=120))
def test_round_trip_property(text: str) -> None:
    doc = segment(text)
    assert reassemble(doc, doc.segments) == text
    assert reassemble(doc, [f"<{s}>" for s in doc.segments]).count("<") >= len(doc.segments)


def _words(texts: list[str]) -> list[int]:
    return [len(t.split()) + 1 for t in texts]


def _chars(texts: list[str]) -> list[int]:
    return [len(t) + 1 for t in texts]


@pytest.mark.parametrize(("text", "counter", "limit"), [
    ("uno due tre, quattro cinque sei; sette otto nove dieci undici dodici tredici", _words, 4),
    ("parola " * 300, _words, 16),
    ("x" * 1000, _chars, 50),
    ("prima parte: " + "abcdefghij" * 30 + " seconda parte, terza", _chars, 40),
])
def test_split_long_fits_and_keeps_every_character(text: str, counter, limit: int) -> None:
    pieces = split_long(text, counter, limit)
    assert len(pieces) > 1
    assert all(n <= limit for n in counter(pieces))
    assert "".join("".join(p.split()) for p in pieces) == "".join(text.split())


def test_split_long_leaves_short_text_alone() -> None:
    assert split_long("breve frase.", _words, 10) == ["breve frase."]


def test_split_prefers_clause_boundaries() -> None:
    text = "la prima metà della frase è qui; la seconda metà è invece qui"
    assert split_long(text, _words, 8) == ["la prima metà della frase è qui;",
                                           "la seconda metà è invece qui"]


WRAPPED = ("Il governo ha approvato la legge di bilancio dopo\r\n"
           "un lungo dibattito in Parlamento. Gli studenti hanno\r\n"
           "  protestato davanti al ministero.  \r\n"
           "\r\n"
           "supporto militare e partenariato strategico\r\n"
           "La cooperazione militare è già in pieno svolgimento.\r\n")


def test_hard_wrapped_sentences_reach_the_model_whole() -> None:
    doc = segment(WRAPPED)
    assert doc.segments[:2] == (
        "Il governo ha approvato la legge di bilancio dopo un lungo dibattito in Parlamento.",
        "Gli studenti hanno protestato davanti al ministero.")
    # a heading without a full stop does not swallow the next (capitalised) line
    assert "supporto militare e partenariato strategico" in doc.segments
    assert reassemble(doc, doc.segments) == WRAPPED
    assert doc.paragraphs[0] == doc.paragraphs[1] == 0


def test_rewrapped_output_keeps_the_lines() -> None:
    doc = segment(WRAPPED)
    out = reassemble(doc, [s.upper().replace("E", "EE") for s in doc.segments])
    assert out.count("\r\n") == WRAPPED.count("\r\n")
    assert out.splitlines()[2].startswith("  ")  # the continuation's indentation stays
    short = reassemble(doc, ["x"] * len(doc.segments))  # fewer spaces than breaks
    assert short.count("\r\n") == WRAPPED.count("\r\n")


def test_short_lines_are_not_joined() -> None:
    doc = segment("Titolo breve\nsegue il testo dell'articolo qui.\n")
    assert doc.segments == ("Titolo breve", "segue il testo dell'articolo qui.")


_WORDS = st.sampled_from(["il", "governo", "ha", "approvato", "la", "legge", "Roma", "dopo",
                          "un", "lungo", "dibattito.", "e", "poi,", "Studenti", "10.000"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.lists(_WORDS, min_size=1, max_size=12),
                          st.sampled_from(["\n", "\r\n", " \n  ", "\n\n", "\n- "])),
                max_size=8))
def test_wrapped_round_trip_property(lines) -> None:  # type: ignore[no-untyped-def]
    text = "".join(" ".join(words) + sep for words, sep in lines)
    doc = segment(text)
    assert reassemble(doc, doc.segments) == text
    changed = reassemble(doc, [s + " in più" for s in doc.segments])
    assert changed.count("\n") == text.count("\n")
