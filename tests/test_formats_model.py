"""Every format through the tiny real Marian model: structure kept, only text changed."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from lxml import etree

from tests.formats_corpus import build_docx
from translate.formats import format_for
from translate.formats.html import _INLINE
from translate.models.engines.base import iter_translations
from translate.models.engines.hf import TransformersEngine
from translate.models.hub import resolve_model
from translate.models.registry import GenerationOptions, ModelSpec

DATA = Path(__file__).parent / "data" / "formats"


@pytest.fixture(scope="module")
def translate_all(tiny_marian: Path):  # type: ignore[no-untyped-def]
    spec = ModelSpec("it-en", str(tiny_marian), generation=GenerationOptions(num_beams=1,
                                                                             max_new_tokens=8))
    engine = TransformersEngine(resolve_model(spec), spec, "cpu")

    def run(name: str, data: bytes) -> tuple[bytes, tuple[int, ...], list[str], list[str]]:
        fmt = format_for(Path(name))
        parsed = fmt.read(data, name)
        done: dict[str, str] = {}
        for batch in iter_translations(engine, parsed.segments, batch_size=16,
                                       max_batch_tokens=4000):
            done.update(batch)
        outputs = [done[s] for s in parsed.segments]
        written = fmt.write(parsed, outputs, "en")
        return written.data, written.damaged, list(parsed.segments), outputs

    return run


def _changed(segments: list[str], outputs: list[str]) -> None:
    assert sum(a != b for a, b in zip(segments, outputs, strict=True)) > len(segments) // 2


def test_markdown_keeps_every_marker_and_code_line(translate_all) -> None:
    data = (DATA / "guide.md").read_bytes()
    out, _, segments, outputs = translate_all("guide.md", data)
    _changed(segments, outputs)
    lines_in, lines_out = data.decode().split("\n"), out.decode().split("\n")
    assert len(lines_out) == len(lines_in)
    for before, after in zip(lines_in, lines_out, strict=True):
        if not re.search(r"[^\W\d_]{2}", before) or before.startswith(("    ", "     ", "```",
                                                                        "title:", "[rif]:", "<")):
            assert after == before  # rules, fences, code, front matter, definitions
        marker = re.match(r"[ \t>]*(?:[-*+] |\d+\. |#+ )?", before).group(0)  # type: ignore[union-attr]
        assert after.startswith(marker)
        if before.startswith("|"):
            assert after.count("|") - after.count("\\|") == before.count("|") - before.count("\\|")


def test_html_keeps_its_block_tree_and_untouched_parts(translate_all) -> None:
    data = (DATA / "page.html").read_bytes()
    out, _, segments, outputs = translate_all("page.html", data)
    _changed(segments, outputs)

    def blocks(raw: bytes) -> list[tuple[str, list[str]]]:
        root = etree.fromstring(raw, etree.HTMLParser(encoding="utf-8"))
        return [(e.tag, sorted(e.attrib)) for e in root.iter()
                if isinstance(e.tag, str) and e.tag not in _INLINE]

    assert blocks(out) == blocks(data)
    for kept in (b"<script>var testo", b"<pre>testo preformattato", b"Marchio registrato",
                 b"<code>x = 1</code>", b'href="/pagina?a=1&amp;b=2"', b"NomeProdotto"):
        assert kept in out


def test_subtitles_keep_numbers_and_timings(translate_all) -> None:
    for name in ("film.srt", "lecture.vtt"):
        data = (DATA / name).read_bytes()
        out, _, segments, outputs = translate_all(name, data)
        _changed(segments, outputs)
        pattern = re.compile(rb"^(?:\d+|.*-->.*)\r?$", re.M)
        assert pattern.findall(out) == pattern.findall(data)
        assert out.count(b"\n\n") + out.count(b"\r\n\r\n") == \
            data.count(b"\n\n") + data.count(b"\r\n\r\n")


def test_docx_keeps_paragraphs_styles_and_tables(translate_all) -> None:
    import docx

    data = build_docx()
    out, _, segments, outputs = translate_all("r.docx", data)
    _changed(segments, outputs)

    def shape(raw: bytes) -> list[object]:
        document = docx.Document(io.BytesIO(raw))
        return ([p.style.name for p in document.paragraphs]
                + [(len(t.rows), len(t.columns)) for t in document.tables]
                + [len(document.sections[0].header.paragraphs)])

    assert shape(out) == shape(data)
