"""The format interface, placeholders and their repair (with a fake that damages them)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from translate.errors import InputError, UsageError
from translate.formats import format_for, placeholder_damage
from translate.formats.base import formats, need

DATA = Path(__file__).parent / "data" / "formats"


@pytest.mark.parametrize(("name", "expected"), [
    ("a.md", "markdown"), ("a.MARKDOWN", "markdown"), ("a.html", "html"), ("a.htm", "html"),
    ("a.docx", "docx"), ("a.srt", "subtitles"), ("a.vtt", "subtitles"), ("a.txt", "text"),
    ("a.rst", "text"), ("README", "text"), ("a.log", "text"),
])
def test_format_by_suffix(name, expected) -> None:
    assert format_for(Path(name)).name == expected


def test_every_format_module_registers_itself() -> None:
    assert {f.name for f in formats().values()} == {
        "text", "markdown", "html", "docx", "subtitles", "pptx", "xlsx", "opendocument",
        "epub", "pdf"}


def test_pdf_has_a_format_now_and_an_unsupported_suffix_would_still_be_refused(
        monkeypatch) -> None:
    assert format_for(Path("scan.PDF")).name == "pdf"
    from translate.formats import base

    monkeypatch.setitem(base.UNSUPPORTED, ".xps", "convert it to PDF first")
    with pytest.raises(InputError) as caught:
        format_for(Path("doc.xps"))
    assert "not supported" in caught.value.message and "convert" in (caught.value.hint or "")


@pytest.mark.parametrize(("module", "name", "extra"), [
    ("lxml.etree", "a.html", "formats"), ("docx", "a.docx", "formats"),
    ("lxml.etree", "a.pptx", "office"), ("lxml.etree", "a.xlsx", "office"),
    ("lxml.etree", "a.odt", "office"), ("lxml.etree", "a.epub", "office"),
    ("pdfminer", "a.pdf", "pdf")])
def test_missing_optional_dependency_names_the_extra(monkeypatch, module, name, extra) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # import now raises ImportError
    with pytest.raises(UsageError) as caught:
        format_for(Path(name)).read(b"<p>x</p>" if name.endswith("html") else b"PK", name)
    assert f"[{extra}]" in (caught.value.hint or "")
    assert need("json", "formats") is sys.modules["json"]


@pytest.mark.parametrize(("output", "damaged"), [
    ("Il <x1>rosso</x1> e <x2/>.", False),
    ("<x2/> e il <x1>rosso</x1>.", False),  # siblings may move with the words
    ("< x1 >rosso</ x1> e <x2 />.", False),  # spaces inside tokens are tolerated
    ("Il rosso e <x2/>.", True),  # a pair dropped
    ("Il <x1>rosso</x1> e.", True),  # an atom dropped
    ("Il <x1>rosso</x1> <x1>e</x1> <x2/>.", True),  # duplicated
    ("Il </x1>rosso<x1> e <x2/>.", True),  # closed before opened
    ("Il <x1>rosso e <x2/></x1><x3/>.", True),  # invented
    ("Il <x2>rosso</x2> e <x1/>.", True),  # kinds swapped
])
def test_placeholder_damage(output, damaged) -> None:
    assert placeholder_damage("The <x1>red</x1> and <x2/>.", output) is damaged


def test_crossing_pairs_are_damage() -> None:
    source = "<x1>a <x2>b</x2></x1>"
    assert not placeholder_damage(source, "<x1>a <x2>b</x2></x1>")
    assert placeholder_damage(source, "<x1>a <x2>b</x1></x2>")


class Damaging:
    """A fake engine: identity, but it drops, duplicates or reorders placeholders."""

    def __init__(self, mode: str) -> None:
        self.mode = mode

    def __call__(self, text: str) -> str:
        import re

        if self.mode == "drop":
            return re.sub(r"</?x1/?>", "", text)
        if self.mode == "duplicate":
            return re.sub(r"(<x1/?>)", r"\1\1", text, count=1)
        if self.mode == "reorder":  # every closing token moved before its opening one
            return re.sub(r"<x(\d)>(.*?)</x\1>", r"</x\1>\2<x\1>", text)
        return text


FILES = ["guide.md", "page.html", "film.srt", "lecture.vtt"]


def _words(data: bytes) -> list[str]:
    import re

    return re.findall(r"[^\W\d_]{3,}", data.decode("utf-8"))


@pytest.mark.parametrize("mode", ["drop", "duplicate", "reorder"])
@pytest.mark.parametrize("name", FILES)
def test_damaged_placeholders_keep_all_text_and_are_reported(name, mode) -> None:
    fmt = format_for(Path(name))
    data = (DATA / name).read_bytes()
    parsed = fmt.read(data, name)
    engine = Damaging(mode)
    outputs = [engine(s) for s in parsed.segments]
    written = fmt.write(parsed, outputs, "en")
    marked = [i for i, s in enumerate(parsed.segments) if "<x1" in s]
    assert marked, "the corpus file has inline markup"
    expected = [i for i in marked if placeholder_damage(parsed.segments[i], outputs[i])]
    assert expected and list(written.damaged) == expected
    # Never lose text: every word of every segment is in the output.
    out_words = _words(written.data)
    for segment in parsed.segments:
        for word in _words(segment.encode()):
            if not word.startswith("x"):
                assert word in out_words, (word, segment)
    assert b"<x1" not in written.data and b"</x1" not in written.data
    again = fmt.read(written.data, name)  # the output is a well-formed file of its format
    assert len(again.segments) > 0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", " ", "<x1>", "</x1>", "<x2/>", "<x1/>", "<x9>"]),
                max_size=12))
def test_damage_check_never_crashes_and_accepts_the_source(tokens) -> None:
    output = "".join(tokens)
    source = "<x1>a</x1> <x2/>"
    assert placeholder_damage(source, source) is False
    assert isinstance(placeholder_damage(source, output), bool)


@st.composite
def _pieces(draw: st.DrawFn) -> list[object]:
    """A block: words and sentence ends, with well-nested pairs, atoms and breaks."""
    from translate.formats.inline import Tag, protect

    out: list[object] = []
    stack: list[Tag] = []
    for choice in draw(st.lists(st.sampled_from(["word", "end", "open", "close", "atom", "br",
                                                 "space", "mark"]), max_size=30)):
        if choice == "word":
            out += protect(draw(st.sampled_from(["Ciao", "casa", "Roma", "e", "il", "<x1>"])))
        elif choice == "end":
            out.append(draw(st.sampled_from([". ", "! ", "? ", ".", "… "])))
        elif choice == "space":
            out.append(" ")
        elif choice == "open":
            stack.append(Tag("open", "<"))
            out.append(stack[-1])
        elif choice == "close" and stack:
            out.append(Tag("close", ">", pair=stack.pop()))
        elif choice == "atom":
            out.append(Tag("atom", "@"))
        elif choice == "br":
            out.append(Tag("break", "\n"))
        elif choice == "mark":
            out.append(Tag("mark", "m"))
    while stack:
        out.append(Tag("close", ">", pair=stack.pop()))
    return out


@settings(max_examples=150, deadline=None)
@given(_pieces())
def test_splitter_keeps_pairs_whole_and_identity_restores_every_piece(pieces) -> None:
    from translate.formats.inline import Splitter, Tag
    from translate.formats.restore import fill

    splitter = Splitter("it")
    layout = splitter.block(pieces, 0)
    for segment in splitter.segments:
        assert not placeholder_damage(segment, segment)
    damaged: set[int] = set()
    out = fill(layout, splitter.units, splitter.segments, damaged)
    assert damaged == set()

    def flat(items: list[object]) -> list[object]:
        merged: list[object] = []
        for item in items:
            if isinstance(item, Tag) and item.kind == "text":
                item = item.value  # restored as the text it stood for
            if isinstance(item, str) and merged and isinstance(merged[-1], str):
                merged[-1] += item
            elif isinstance(item, Tag) and item.kind == "close":
                merged.append(("close", id(item.pair)))
            elif item != "":
                merged.append(item if isinstance(item, str) else id(item))
        return merged

    assert flat(out) == flat(pieces)
    replay = Splitter("it", splitter.spans)
    assert replay.block(pieces, 0) == layout and replay.segments == splitter.segments


def test_plain_text_round_trip_keeps_encoding_and_bom(seed_text) -> None:
    fmt = format_for(Path("a.txt"))
    for data in (seed_text.encode(), "\ufeffCiao, mondo.\r\nCome va?".encode("utf-16")):
        parsed = fmt.read(data, "a.txt")
        assert parsed.segments
        assert fmt.write(parsed, parsed.segments, "en").data == data


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
               max_size=120))
def test_plain_text_round_trips_any_text(text) -> None:
    fmt = format_for(Path("a.txt"))
    data = text.encode()
    try:
        parsed = fmt.read(data, "a.txt")
    except InputError:
        return  # e.g. control characters read as binary
    assert fmt.write(parsed, parsed.segments, "en").data == data


def _corpus() -> list[tuple[str, bytes]]:
    from tests.formats_corpus import build_docx

    return [(name, (DATA / name).read_bytes()) for name in FILES] + [("r.docx", build_docx())]


def test_a_parsed_document_can_be_written_again_and_again() -> None:
    for name, data in _corpus():
        fmt = format_for(Path(name))
        parsed = fmt.read(data, name)
        first = fmt.write(parsed, [s.replace("a", "4") for s in parsed.segments], "en").data
        identity = fmt.write(parsed, parsed.segments, "en").data
        assert fmt.write(parsed, [s.replace("a", "4") for s in parsed.segments], "en").data == first
        assert first != identity, name
        with pytest.raises(ValueError):
            fmt.write(parsed, parsed.segments[1:], "en")


def test_the_suffix_table_names_every_format_module() -> None:
    """``SUFFIXES`` (what a run imports lazily) is what discovering the modules finds."""
    from translate.formats.base import SUFFIXES

    found = {suffix: type(fmt).__module__.rsplit(".", 1)[1] for suffix, fmt in formats().items()}
    assert found == SUFFIXES


def test_control_characters_from_a_model_never_break_xml_formats() -> None:
    for name, data in _corpus():
        if not name.endswith((".html", ".docx")):
            continue
        fmt = format_for(Path(name))
        parsed = fmt.read(data, name)
        outputs = [s + "\x00\x0b\ufffe" for s in parsed.segments]
        again = fmt.read(fmt.write(parsed, outputs, "en").data, name)
        assert len(again.segments) == len(parsed.segments)
