"""Markdown: byte-exact round trips, what reaches the model, bad files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import identity_round_trip
from translate.errors import InputError
from translate.formats.markdown import FORMAT

DATA = Path(__file__).parent / "data" / "formats"


def _identity(data: bytes) -> bytes:
    return identity_round_trip(FORMAT, data, "x.md")


def test_corpus_round_trip_is_byte_exact() -> None:
    data = (DATA / "guide.md").read_bytes()
    assert _identity(data) == data
    crlf = data.replace(b"\n", b"\r\n")
    assert _identity(crlf) == crlf


def test_what_reaches_the_model_and_what_does_not() -> None:
    parsed = FORMAT.read((DATA / "guide.md").read_bytes(), "guide.md")
    joined = "\n".join(parsed.segments)
    for kept_out in ("title:", "print(", "https://", "img/a.png", "codice indentato",
                     "nota", "div", ":----", "#", "```", "rif]:", "- Primo"):
        assert kept_out not in joined, kept_out
    assert not re.search(r"(?<!\\)\|", joined)  # table pipes stay out; escaped ones are text
    for sent in ("Questo è un paragrafo con <x1>grassetto</x1>, <x2>corsivo</x2> e <x3/>.",
                 "Citazione con <x1>enfasi</x1> su due righe.",  # joined over the > marker
                 "Ultimo, con <x1>immagine di prova</x1> e <x2/>.", "Titolo Setext",
                 "Descrizione \\| con pipe", "Il <x1>secondo</x1>", "Un'altra frase.",
                 "Blocco HTML lasciato com'è."):
        assert sent in parsed.segments, sent
    assert len(set(parsed.paragraphs)) < len(parsed.paragraphs)  # sentences share blocks


def test_translation_replaces_text_only() -> None:
    data = (DATA / "guide.md").read_bytes()
    parsed = FORMAT.read(data, "guide.md")
    outputs = [re.sub(r"[^\W\d_]+", lambda m: m.group(0).upper() if m.group(0)[0] != "x"
                      else m.group(0), s) for s in parsed.segments]
    out = FORMAT.write(parsed, outputs, "en").data.decode()
    source = data.decode()
    assert out.count("\n") == source.count("\n")
    for line_in, line_out in zip(source.splitlines(), out.splitlines(), strict=True):
        # markers, pipes, code and targets identical: only letters changed case
        assert line_in.lower() == line_out.lower() or line_in.upper() == line_out.upper() \
            or re.sub(r"[^|#>*`\[\]()]", "", line_in) == re.sub(r"[^|#>*`\[\]()]", "", line_out)
    assert "**GRASSETTO**" in out and "[COLLEGAMENTO](https://example.com/a_b \"Titolo\")" in out
    assert "```python\n     print(\"codice dentro la lista\")" in out


def test_new_text_cannot_become_html() -> None:
    parsed = FORMAT.read(b"Ciao mondo.\n", "x.md")
    out = FORMAT.write(parsed, ["Hello <script>alert(1)</script> world."], "en").data
    assert out == b"Hello &lt;script>alert(1)&lt;/script> world.\n"


def test_unclosed_fence_is_a_clear_error() -> None:
    with pytest.raises(InputError) as caught:
        FORMAT.read(b"Testo.\n\n```python\nprint(1)\n\nAltro testo.\n", "note.md")
    assert "note.md: line 3" in caught.value.message and "never closed" in caught.value.message


def test_fence_closed_by_its_container_is_fine() -> None:
    data = b"> ```\n> code\n\nFuori dalla citazione.\n"
    assert _identity(data) == data


def test_front_matter_untouched_and_unclosed_front_matter_is_text() -> None:
    parsed = FORMAT.read(b"---\ntitolo: Prova\n---\nTesto qui.\n", "x.md")
    assert parsed.segments == ("Testo qui.",)
    data = b"---\nNon chiuso e tradotto.\n"
    assert "Non chiuso e tradotto." in FORMAT.read(data, "x.md").segments


_WORDS = st.sampled_from(["casa", "Roma", "bella", "il", "cane", "è", "qui", "3", "ciao."])
_INLINE = st.sampled_from(["**forte**", "*enfasi*", "_sotto_", "`co de`", "[link](http://a.b)",
                           "![alt testo](i.png)", "<b>html</b>", "&amp;", "\\*", "<http://x.y>",
                           "[rif]", "~~via~~", "*", "_", "[", "](", "<x1>", "< x2 >"])


@st.composite
def _line(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.one_of(_WORDS, _INLINE), min_size=1, max_size=8))
    text = " ".join(parts)
    prefix = draw(st.sampled_from(["", "", "# ", "## ", "- ", "  - ", "1. ", "> ", "> > ",
                                   "    ", "| ", "\t"]))
    end = draw(st.sampled_from(["", "", "  ", " |", "\\"]))
    return prefix + text + end


@st.composite
def _document(draw: st.DrawFn) -> str:
    blocks = draw(st.lists(st.one_of(
        _line(),
        st.just("```\ncodice *non* toccato\n```"),
        st.just("| a | b |\n|---|:-:|\n| uno *due* | tre |"),
        st.just("Titolo\n===="),
        st.just("[rif]: http://esempio.it"),
        st.just("<div>\nblocco html\n</div>"),
        st.just("---"),
    ), min_size=1, max_size=8))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    separators = draw(st.lists(st.sampled_from(["\n", "\n\n"]), min_size=len(blocks),
                               max_size=len(blocks)))
    return "".join(b + s for b, s in zip(blocks, separators, strict=True)).replace("\n", newline)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_document())
def test_generated_documents_round_trip(text) -> None:
    data = text.encode()
    assert _identity(data) == data


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80))
def test_any_text_round_trips_or_fails_cleanly(text) -> None:
    data = text.encode()
    try:
        parsed = FORMAT.read(data, "x.md")
    except InputError:
        return
    assert FORMAT.write(parsed, parsed.segments, "en").data == data


@pytest.mark.parametrize(("source", "translation", "expected"), [
    (b"Punto primo del testo.\n", "1. First point.", b"1\\. First point.\n"),
    (b"Un titolo qui.\n", "# A title", b"\\# A title\n"),
    (b"Citazione qui.\n", "> quoted", b"\\> quoted\n"),
    (b"Meno qui.\n", "- minus", b"\\- minus\n"),
    (b"| a | b |\n|---|---|\n| uno | due |\n", "one | two", b"| one \\| two | one \\| two |\n|---|---|\n| one \\| two | one \\| two |\n"),
    (b"Riga uno.\n", "Line\n\nbreak", b"Line break\n"),
    (b"# Titolo\n", "1. Title", b"# 1. Title\n"),  # inside a heading a marker is text
])
def test_translations_cannot_change_the_block_structure(source, translation, expected) -> None:
    parsed = FORMAT.read(source, "x.md")
    assert FORMAT.write(parsed, [translation] * len(parsed.segments), "en").data == expected


def test_a_wrapped_line_cannot_start_a_list() -> None:
    source = b"Questa frase lunga va a capo\nqui e continua fino alla fine.\n"
    parsed = FORMAT.read(source, "x.md")
    out = FORMAT.write(parsed, ["This sentence - which wraps - ends here."], "en").data
    assert out.count(b"\n") == 2 and b"\n- " not in out


def test_html_blocks_have_their_text_translated_and_their_tags_kept() -> None:
    source = (b'<div class="nota">\n  Testo <b>forte</b> qui.\n  <table><tr><td>Cella</td></tr></table>\n'
              b"</div>\n\n<script>\nvar s = 'non tradurre';\n</script>\n\n<!-- commento -->\n\n"
              b"> <div>\n> In una citazione\n> </div>\n")
    parsed = FORMAT.read(source, "x.md")
    assert parsed.segments == ("Testo <x1>forte</x1> qui.", "Cella")
    assert parsed.notes and parsed.notes[0].endswith(": 1")  # the quoted block, reported
    out = FORMAT.write(parsed, ["Text <x1>strong</x1>\n\nhere.", "Cell"], "en").data
    assert out == source.replace(b"Testo <b>forte</b> qui.", b"Text <b>strong</b> here.") \
        .replace(b"<td>Cella</td>", b"<td>Cell</td>")
