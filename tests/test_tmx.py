"""TMX 1.4b export and import of the translation memory, checked with python-tmx too."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from translate.cache.memory import MemoryEntry
from translate.cache.store import Cache
from translate.cli.app import app

ENTRIES = [
    MemoryEntry("it", "en", "Ciao & <benvenuti> \"tutti\".", "Hello & <welcome> \"all\".",
                "human", 1_700_000_000, "a.en.txt"),
    MemoryEntry("it", "en", "Un <x1>testo</x1> in grassetto<x2/>.",
                "A <x1>bold</x1> text<x2/>.", "human", 1_700_000_100, "b.en.md"),
    MemoryEntry("it", "en", "Perché è così — già.", "Why it is so — already.", "import",
                1_700_000_200, "old.tmx"),
    MemoryEntry("de", "en", "Guten Tag.", "Good day.", "human", 1_700_000_300, "c.en.txt"),
]


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def _tree(tmp_path: Path, name: str, entries: list[MemoryEntry]) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    with Cache.open(folder) as cache:
        cache.memory.add(entries)
    return folder


def _entries(folder: Path) -> list[tuple[str, str, str, str, float]]:
    with Cache.open(folder) as cache:
        return sorted((e.source_lang, e.target_lang, e.source, e.target, e.created)
                      for e in cache.memory.entries())


def test_round_trip_export_import_export_gives_identical_entries(tmp_path: Path) -> None:
    first = _tree(tmp_path, "first", ENTRIES)
    one, two = tmp_path / "one.tmx", tmp_path / "two.tmx"
    code, out = _cli("memory", "export", str(first), "-o", str(one))
    assert code == 0 and "exported 4 units" in out, out
    empty = tmp_path / "empty"
    empty.mkdir()
    code, out = _cli("memory", "import", str(one), "--into", str(empty))
    assert code == 0 and "imported 4 units" in out and "4 new" in out, out
    assert _entries(empty) == _entries(first)
    with Cache.open(empty) as cache:  # imported entries are marked so
        assert {e.origin for e in cache.memory.entries()} == {"import"}
        assert {e.place for e in cache.memory.entries()} == {e.place for e in ENTRIES}
    assert _cli("memory", "export", str(empty), "-o", str(two))[0] == 0
    # the same units (the origin prop says import now: that is what they are)
    assert _units(one) == _units(two)


def _units(path: Path) -> list[tuple[object, ...]]:
    """The units of ``path`` as python-tmx (a maintained TMX library) reads them."""
    from lxml import etree
    from PythonTmx import utils

    tmx = utils.from_element(etree.parse(str(path)).getroot())
    return sorted((tu.srclang, tu.creationdate, tuple((v.lang, repr(v.content))
                                                      for v in tu.tuvs)) for tu in tmx.tus)


def test_the_export_reads_as_valid_tmx_with_python_tmx(tmp_path: Path) -> None:
    from lxml import etree
    from PythonTmx import Bpt, Ept, Ph, utils

    folder = _tree(tmp_path, "t", ENTRIES)
    out = tmp_path / "x.tmx"
    assert _cli("memory", "export", str(folder), "-o", str(out))[0] == 0
    raw = out.read_bytes()
    assert raw.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    tmx = utils.from_element(etree.parse(str(out)).getroot())
    utils.validate(tmx)  # raises on anything TMX 1.4b does not allow
    assert tmx.header.creationtool == "translate" and tmx.header.srclang == "*all*"
    by_source = {tu.tuvs[0].content[0]: tu for tu in tmx.tus}
    first = by_source['Ciao & <benvenuti> "tutti".']
    assert first.srclang == "it" and first.creationdate.timestamp() == 1_700_000_000
    assert [v.lang for v in first.tuvs] == ["it", "en"]
    assert first.tuvs[1].content == ['Hello & <welcome> "all".']
    assert {p.type: p.text for p in first.props} == {"x-origin": "human",
                                                     "x-place": "a.en.txt"}
    marked = by_source["Un "]
    kinds = [type(part) for part in marked.tuvs[1].content]
    assert kinds == [str, Bpt, str, Ept, str, Ph, str]


def test_a_malformed_tmx_is_one_error_with_its_line_and_nothing_is_imported(
        tmp_path: Path) -> None:
    folder = _tree(tmp_path, "t", ENTRIES[:1])
    out = tmp_path / "good.tmx"
    assert _cli("memory", "export", str(folder), "-o", str(out))[0] == 0
    text = out.read_text(encoding="utf-8")
    many = text.replace("</body>", "".join(
        f'<tu srclang="it"><tuv xml:lang="it"><seg>Frase {i}.</seg></tuv>'
        f'<tuv xml:lang="en"><seg>Sentence {i}.</seg></tuv></tu>\n' for i in range(3000))
        + "</body>")
    broken = tmp_path / "broken.tmx"
    broken.write_text(many.replace(
        "</body>", '<tu srclang="it"><tuv xml:lang="it"><seg>Rotto</tuv></body>'), encoding="utf-8")
    target = _tree(tmp_path, "target", [])
    code, out_text = _cli("memory", "import", str(broken), "--into", str(target))
    assert code == 1
    line = many.count("\n", 0, many.index("</body>")) + 1
    assert f"broken.tmx:{line}: not well-formed XML" in out_text
    assert "nothing was imported" in out_text and "Traceback" not in out_text
    assert _entries(target) == []  # the 3,001 units before the error are not in


@pytest.mark.parametrize(("unit", "message"), [
    ('<tu srclang="it"><tuv xml:lang="it"><seg>A.</seg></tuv><tuv xml:lang="en"></tuv></tu>',
     "<tuv> has no <seg>"),
    ('<tu srclang="it"><tuv><seg>A.</seg></tuv></tu>', "<tuv> has no xml:lang"),
    ('<tu srclang="it"><tuv xml:lang="en"><seg>A.</seg></tuv></tu>',
     "has 0 <tuv> in its srclang 'it'"),
    ('<tu srclang="it"><tuv xml:lang="it"><seg>A <b>x</b>.</seg></tuv></tu>',
     "<b> is not allowed inside <seg>"),
])
def test_invalid_units_are_clear_errors(tmp_path: Path, unit: str, message: str) -> None:
    path = tmp_path / "bad.tmx"
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n'
                    '<header srclang="it" creationtool="t" creationtoolversion="1" '
                    'segtype="sentence" o-tmf="x" adminlang="en" datatype="plaintext"/>\n'
                    '<body>\n<tu srclang="it"><tuv xml:lang="it"><seg>Ok.</seg></tuv>'
                    '<tuv xml:lang="en"><seg>Ok.</seg></tuv></tu>\n'
                    f"{unit}\n</body>\n</tmx>\n", encoding="utf-8")
    target = _tree(tmp_path, "t", [])
    code, out = _cli("memory", "import", str(path), "--into", str(target))
    assert code == 1 and message in out and "bad.tmx:6:" in out, out
    assert _entries(target) == []


def _tmx(body: str, srclang: str = "it") -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n'
            f'<header srclang="{srclang}" creationtool="t" creationtoolversion="1" '
            'segtype="sentence" o-tmf="x" adminlang="en" datatype="plaintext"/>\n'
            f"<body>\n{body}\n</body>\n</tmx>\n")


def test_an_unknown_language_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "lang.tmx"
    path.write_text(_tmx('<tu><tuv xml:lang="it-IT"><seg>Ciao.</seg></tuv>'
                         '<tuv xml:lang="xx-YY"><seg>Hi.</seg></tuv></tu>'), encoding="utf-8")
    target = _tree(tmp_path, "t", [])
    code, out = _cli("memory", "import", str(path), "--into", str(target))
    assert code == 1 and "unknown language 'xx-YY'" in out and "lang.tmx:5" in out, out
    assert _entries(target) == []


def test_regions_map_to_languages_and_foreign_inline_codes_are_stripped_with_a_count(
        tmp_path: Path) -> None:
    path = tmp_path / "other.tmx"
    path.write_text(_tmx(
        '<tu creationdate="20240101T120000Z"><tuv xml:lang="it-IT"><seg>Ciao <bpt i="1">'
        '&lt;b&gt;</bpt>mondo<ept i="1">&lt;/b&gt;</ept> <hi>caro</hi>.</seg></tuv>'
        '<tuv xml:lang="EN-GB"><seg>Hello <ph>{0}</ph>world dear.</seg></tuv></tu>',
        srclang="it-IT"), encoding="utf-8")
    target = _tree(tmp_path, "t", [])
    code, out = _cli("memory", "import", str(path), "--into", str(target))
    assert code == 0, out
    assert "4 inline codes of other tools stripped" in out
    assert _entries(target) == [("it", "en", "Ciao mondo caro.", "Hello world dear.",
                                 1_704_110_400.0)]


def test_entity_declarations_and_model_units(tmp_path: Path) -> None:
    path = tmp_path / "entity.tmx"
    path.write_text('<?xml version="1.0"?>\n<!DOCTYPE tmx [<!ENTITY a "aaaa">]>\n'
                    + _tmx("").split("\n", 1)[1], encoding="utf-8")
    target = _tree(tmp_path, "t", [])
    code, out = _cli("memory", "import", str(path), "--into", str(target))
    assert code == 1 and "declares an entity" in out
    model = tmp_path / "model.tmx"
    model.write_text(_tmx('<tu><prop type="x-origin">model</prop><tuv xml:lang="it"><seg>'
                          'Ciao.</seg></tuv><tuv xml:lang="en"><seg>Hi.</seg></tuv></tu>'),
                     encoding="utf-8")
    assert _cli("memory", "import", str(model), "--into", str(target))[0] == 0
    with Cache.open(target) as cache:  # a machine's translation never answers
        assert [e.origin for e in cache.memory.entries()] == ["model"]
        assert cache.memory.exact("it", "en", ["Ciao."]) == {}


def test_export_never_overwrites_a_file_without_force(tmp_path: Path) -> None:
    folder = _tree(tmp_path, "t", ENTRIES)
    out = tmp_path / "mine.tmx"
    out.write_text("my own notes", encoding="utf-8")
    code, text = _cli("memory", "export", str(folder), "-o", str(out))
    assert code == 1 and "exists; not overwritten" in text
    assert out.read_text(encoding="utf-8") == "my own notes"
    assert _cli("memory", "export", str(folder), "-o", str(out), "--force")[0] == 0
    assert "<tmx" in out.read_text(encoding="utf-8")


def test_memory_stats_list_and_remove(tmp_path: Path) -> None:
    conflict = MemoryEntry("it", "en", "Ciao & <benvenuti> \"tutti\".", "Hi all.", "human",
                           1_800_000_000, "z.en.txt")
    folder = _tree(tmp_path, "t", [*ENTRIES, conflict])
    code, out = _cli("memory", "stats", str(folder))
    assert code == 0 and "5 (4 human, 1 import, 0 model)" in out and "conflicts:   1" in out
    assert "'Hi all.' (z.en.txt)" in out
    code, out = _cli("memory", "list", str(folder), "--origin", "import")
    assert code == 0 and out.count("\n") == 1 and "Perché" in out
    code, out = _cli("memory", "remove", str(folder), "--contains", "Guten")
    assert code == 0 and "removed 1 entries" in out
    assert _cli("memory", "remove", str(folder))[0] == 2
    assert _cli("memory", "list", str(folder), "--origin", "robot")[0] == 2
    assert len(_entries(folder)) == 4
