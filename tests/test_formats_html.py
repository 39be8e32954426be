"""HTML: same tag tree and attributes after a round trip; bad files; what is untouched."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from tests.helpers import identity_round_trip
from translate.errors import InputError
from translate.formats.html import FORMAT

DATA = Path(__file__).parent / "data" / "formats"
_PARSER = etree.HTMLParser(remove_comments=False, remove_pis=False, encoding="utf-8")


def _tree(data: bytes, text: bool = True) -> list[object]:
    """A comparable outline: tags, attributes (without html lang) and, optionally, text."""
    root = etree.fromstring(data, _PARSER)
    out: list[object] = []
    for element in root.iter():
        attrs = dict(element.attrib) if isinstance(element.tag, str) else {}
        if element is root:
            attrs.pop("lang", None)
        out.append((str(element.tag), sorted(attrs.items()),
                    (element.text, element.tail) if text else None))
    return out


def _round_trip(data: bytes) -> bytes:
    return identity_round_trip(FORMAT, data, "x.html")


def test_corpus_round_trip_keeps_tree_attributes_and_text() -> None:
    data = (DATA / "page.html").read_bytes()
    out = _round_trip(data)
    assert _tree(out) == _tree(data)
    assert b'<html lang="en">' in out and b"<!DOCTYPE html>" in out


def test_untouched_parts_never_reach_the_model() -> None:
    parsed = FORMAT.read((DATA / "page.html").read_bytes(), "page.html")
    joined = "\n".join(parsed.segments)
    for kept_out in ("color", "var testo", "x = 1", "preformattato", "Marchio", "NomeProdotto",
                     "commento", "/pagina", "a.png", "CDATA"):
        assert kept_out not in joined, kept_out
    for wanted in ("Titolo principale", "Vai alla pagina", "Un gatto nero", "Scrivi il tuo nome",
                   "Pagina di prova & test", "Benvenuti nel <x1>nostro</x1> sito",
                   "Testo diretto nel div", "con una coda."):
        assert wanted in parsed.segments, wanted


def test_translation_changes_text_and_translatable_attributes_only() -> None:
    data = (DATA / "page.html").read_bytes()
    parsed = FORMAT.read(data, "page.html")
    outputs = [re.sub(r"(?<![<x/])\b([^\W\d_]+)", lambda m: m.group(1).upper(), s)
               for s in parsed.segments]
    written = FORMAT.write(parsed, outputs, "en")
    assert written.damaged == ()
    before, after = _tree(data, text=False), _tree(written.data, text=False)
    assert [(t, [k for k, _ in a]) for t, a, _ in before] == \
        [(t, [k for k, _ in a]) for t, a, _ in after]
    for (_, attrs_in, _), (_, attrs_out, _) in zip(before, after, strict=True):
        for (name, value_in), (_, value_out) in zip(attrs_in, attrs_out, strict=True):
            assert (value_out == value_in.upper()) if name in ("alt", "title", "placeholder") \
                and not value_in.isupper() else value_out == value_in
    out = written.data.decode()
    assert "BENVENUTI NEL <em>NOSTRO</em> SITO" in out and "<code>x = 1</code>" in out
    assert 'var testo = "non tradurre <b>questo</b>"' in out and "Marchio registrato" in out


def test_malformed_html_is_read_tolerantly() -> None:
    data = b"<div><p>Testo <b>non chiuso <i>annidato</p></div></span><p>Altro paragrafo & fine"
    parsed = FORMAT.read(data, "rotto.html")
    assert any("non chiuso" in s for s in parsed.segments)
    out = FORMAT.write(parsed, parsed.segments, "en").data
    assert _tree(out) == _tree(FORMAT.write(parsed, parsed.segments, "en").data)
    assert b"Altro paragrafo &amp; fine" in out


@pytest.mark.parametrize("data", [b"\x00\x01\x02binary\xff\xfe" * 20, b"\xff\xd8\xff\xe0JFIF" + bytes(range(256))])
def test_binary_file_is_a_clear_error(data) -> None:
    with pytest.raises(InputError) as caught:
        FORMAT.read(data, "photo.html")
    assert "photo.html" in caught.value.message


def test_empty_and_comment_only_files() -> None:
    for data in (b"", b"  \n", b"<!-- solo un commento -->"):
        parsed = FORMAT.read(data, "x.html")
        assert parsed.segments == ()
        FORMAT.write(parsed, [], "en")


def test_legacy_encoding_is_written_back_in_it() -> None:
    text = "<html><head><meta charset='windows-1252'></head><body><p>Città è bella, però cara.</p></body></html>"
    data = text.encode("cp1252")
    parsed = FORMAT.read(data, "x.html")
    out = FORMAT.write(parsed, ["Ünïcode ≠ cp1252."], "en").data
    assert "Ünïcode &#8800; cp1252.".encode("cp1252") in out


_TEXT = st.sampled_from(["casa", "Roma è bella.", " ", "\n  ", "&amp;", "&lt;", "&nbsp;", "Ciao!",
                         "x < y", "<x1>", "città"])


def _element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    def make(args: tuple[str, list[str], str]) -> str:
        tag, inner, attr = args
        return f"<{tag}{attr}>{''.join(inner)}</{tag}>"

    return st.tuples(
        st.sampled_from(["p", "div", "b", "i", "em", "a", "span", "li", "td", "code", "h2"]),
        st.lists(children, max_size=4),
        st.sampled_from(["", ' title="Un titolo"', ' class="notranslate"', ' translate="no"',
                         ' href="/x?a=1&amp;b=2"', ' alt="alt testo"', ' id="k"']),
    ).map(make)


_NODE = st.recursive(
    st.one_of(_TEXT, st.sampled_from(["<br>", '<img src="a.png" alt="un gatto">', "<!-- c -->",
                                      "<script>if (a < b) {}</script>", '<input placeholder="Nome">'])),
    _element, max_leaves=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_NODE, min_size=1, max_size=5))
def test_generated_documents_keep_their_tree(nodes) -> None:
    data = f"<!DOCTYPE html><html><body>{''.join(nodes)}</body></html>".encode()
    assert _tree(_round_trip(data)) == _tree(data)


def test_declared_charset_is_used_when_the_bytes_are_not_utf8() -> None:
    text = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
            "</head><body><p>Perché no? Là.</p></body></html>")
    parsed = FORMAT.read(text.encode("latin-1"), "x.html")
    assert parsed.segments == ("Perché no?", "Là.")
    out = FORMAT.write(parsed, parsed.segments, "en").data
    assert "Perché no? Là.".encode("latin-1") in out


@pytest.mark.parametrize("source", [
    '<html lang="en"><body><p>Una frase.</p></body></html>\n',
    '<!DOCTYPE html>\n<html lang="en"><body><p>Con doctype.</p></body></html>\n',
])
def test_no_doctype_is_invented_and_the_end_of_file_is_kept(source) -> None:
    assert _round_trip(source.encode()).decode() == source
    after_comment = _round_trip(b"<!-- a -->\n<!doctype html><p>Con doctype.</p>").decode()
    assert after_comment.startswith("<!DOCTYPE html>")  # a doctype after a comment is kept
    fragment = _round_trip(b"<!-- nota -->\n<p>Un frammento.</p>\n\n").decode()
    assert "DOCTYPE" not in fragment and fragment.endswith("</html>\n\n")
