"""Hostile inputs found by trying to break the format and quality features as a user.

Each test guards a bug found that way, and failed before its fix.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.office_corpus import build_scan_pdf
from translate.cli.app import app
from translate.errors import InputError
from translate.formats.base import format_for
from translate.translation.flags import segment_lines

MARKDOWN_ESCAPES = "Entità &amp; &copy; &#8217; e escape \\*non enfasi\\* e \\_non\\_.\n"


def _mangle(segment: str) -> str:
    """What a real engine did: words rewritten, backslashes dropped (Apertium, MarianMT)."""
    return re.sub(r"[^\W\d_]{2,}", lambda m: m.group(0).upper(), segment).replace("\\", "")


def test_markdown_entities_and_escapes_never_reach_the_model() -> None:
    # Apertium turned "&amp; &copy; \*x\*" into "&**amp; &**copy; *x*": bold text and
    # emphasis that the source did not have. Entities and escapes are kept as written.
    fmt = format_for(Path("nota.md"))
    parsed = fmt.read(MARKDOWN_ESCAPES.encode(), "nota.md", "it")
    joined = "\n".join(parsed.segments)
    for kept in ("&amp;", "&copy;", "&#8217;", "\\*", "\\_"):
        assert kept not in joined, kept
    out = fmt.write(parsed, [_mangle(s) for s in parsed.segments], "en").data.decode()
    assert out == "ENTITÀ &amp; &copy; &#8217; e ESCAPE \\*NON ENFASI\\* e \\_NON\\_.\n"
    same = fmt.write(parsed, list(parsed.segments), "en").data
    assert same == MARKDOWN_ESCAPES.encode()  # byte for byte through an identity engine


def test_markdown_escaped_table_pipe_stays_text_and_is_escaped_again() -> None:
    source = "| Voce \\| una | Due |\n|---|---|\n| a \\| b | c |\n"
    fmt = format_for(Path("t.md"))
    parsed = fmt.read(source.encode(), "t.md", "it")
    assert "Voce \\| una" in parsed.segments
    out = fmt.write(parsed, [_mangle(s) for s in parsed.segments], "en").data.decode()
    assert out.splitlines()[0] == "| VOCE \\| UNA | DUE |"


def test_a_cue_without_its_blank_line_fails_instead_of_translating_its_timing() -> None:
    # The next cue's number and timing went to the model as text, and two cues became one.
    source = ("1\n00:00:01,000 --> 00:00:02,000\nPrima frase qui.\n2\n"
              "00:00:02,500 --> 00:00:04,000\nSeconda frase qui.\n")
    with pytest.raises(InputError, match=r"line 5: a timing line inside a cue's text"):
        format_for(Path("a.srt")).read(source.encode(), "a.srt", "it")
    vtt = "WEBVTT\n\n00:01.000 --> 00:02.000\nPrima.\n00:02.000 --> 00:03.000\nSeconda.\n"
    with pytest.raises(InputError, match=r"line 5: a timing line"):
        format_for(Path("a.vtt")).read(vtt.encode(), "a.vtt", "it")
    fine = "1\n00:00:01,000 --> 00:00:02,000\nIl segno --> resta testo.\n"
    assert format_for(Path("b.srt")).read(fine.encode(), "b.srt", "it").segments


def test_markdown_footnote_labels_and_task_boxes_never_reach_the_model() -> None:
    # "[^1]" and "[ ]" went to the model as words: a model that drops or rewrites them
    # breaks the footnote link or the checkbox.
    source = ("Una frase con nota[^1] e un'altra.\n\n[^1]: Il testo della nota.\n\n"
              "* [ ] Compito da fare\n* [x] Compito fatto\n")
    fmt = format_for(Path("nota.md"))
    parsed = fmt.read(source.encode(), "nota.md", "it")
    joined = "\n".join(parsed.segments)
    for kept in ("[^1]", "[ ]", "[x]"):
        assert kept not in joined, kept
    out = fmt.write(parsed, [_mangle(s).replace(":", "") for s in parsed.segments], "en")
    assert out.data.decode() == ("UNA FRASE CON NOTA[^1] e UN'ALTRA.\n\n[^1]: IL TESTO "
                                 "DELLA NOTA.\n\n* [ ] COMPITO DA FARE\n* [x] COMPITO FATTO\n")
    assert fmt.write(parsed, list(parsed.segments), "en").data == source.encode()


def test_flagged_lines_are_found_for_segments_over_several_lines() -> None:
    # The report gave "line": null for any segment over a line break: a wrapped
    # Markdown paragraph, a quote, a sentence over two cues or two lines of one cue.
    md = ("# Titolo\n\nUna frase che va\na capo qui. Poi un'altra.\n\n"
          "> Citazione su\n> due righe.\n")
    srt = ("1\n00:00:01,000 --> 00:00:02,000\nBuongiorno a tutti,\noggi parliamo\n\n"
           "2\n00:00:02,500 --> 00:00:04,000\ndella legge.\n\n"
           "3\n00:00:05,000 --> 00:00:06,000\nSì\n\n4\n00:00:06,500 --> 00:00:07,000\ncerto.\n")
    for name, source, lines in (("a.md", md, [1, 3, 4, 6]), ("a.srt", srt, [3, 12])):
        parsed = format_for(Path(name)).read(source.encode(), name, "it")
        assert segment_lines(parsed, source) == lines, (name, parsed.segments)


def _run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def test_a_pdf_named_twice_is_listed_once(tmp_path: Path, registry_file: Path) -> None:
    (tmp_path / "scan.pdf").write_bytes(build_scan_pdf())  # skipped: no text layer
    (tmp_path / "a.md").write_text("# Il titolo del documento\n", "utf-8")
    report = tmp_path / "r.json"
    result = _run(str(tmp_path), str(tmp_path / "scan.pdf"), str(tmp_path / "a.md"),
                  "--models", str(registry_file), "--engine", "fake", "--from", "it",
                  "--report", str(report))
    assert result.exit_code == 0, result.output
    paths = [f["path"] for f in json.loads(report.read_text("utf-8"))["files"]]
    assert sorted(paths) == sorted(set(paths))  # a.md is listed once; so must scan.pdf be


def test_a_format_error_names_the_file_once(tmp_path: Path, registry_file: Path) -> None:
    (tmp_path / "rotto.srt").write_text("1\n00:00:01,000 -> 00:00:02,000\nTesto.\n", "utf-8")
    result = _run(str(tmp_path), "--models", str(registry_file), "--engine", "fake",
                  "--from", "it")
    assert result.exit_code == 1
    line = next(x for x in result.output.splitlines() if x.startswith("failed:"))
    assert line.count("rotto.srt") == 1, line


def test_strict_says_why_it_fails_even_when_quiet(tmp_path: Path, registry_file: Path) -> None:
    (tmp_path / "a.txt").write_text("Il governo ha approvato la legge di bilancio oggi.\n",
                                    "utf-8")
    result = _run(str(tmp_path), "--models", str(registry_file), "--engine", "fake",
                  "--from", "it", "--strict", "--quiet")
    assert result.exit_code == 1  # the fake engine's output is flagged
    assert "strict:" in result.output


def test_html_with_crlf_line_endings_keeps_them() -> None:
    # libxml2 turns CR LF into LF: the output had LF inside and CR LF at its end only.
    source = ("<!DOCTYPE html>\r\n<html lang=\"it\">\r\n<body>\r\n<p>Ciao a tutti\r\n"
              "da Roma.</p>\r\n</body>\r\n</html>\r\n")
    fmt = format_for(Path("a.html"))
    parsed = fmt.read(source.encode(), "a.html", "it")
    out = fmt.write(parsed, [_mangle(s) for s in parsed.segments], "en").data.decode()
    assert out == source.replace("Ciao a tutti\r\nda Roma", "CIAO a TUTTI\r\nDA ROMA") \
        .replace('lang="it"', 'lang="en"')
    lf = source.replace("\r\n", "\n")  # LF files stay LF
    parsed = fmt.read(lf.encode(), "a.html", "it")
    assert b"\r" not in fmt.write(parsed, list(parsed.segments), "en").data


XHTML = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="it" lang="it"><head><title>Titolo</title></head>
<body><p>Il caffè è buono.</p></body></html>
"""


def test_xhtml_keeps_its_xml_declaration_doctype_and_names_the_target_language() -> None:
    # The declaration came back as a comment "<!--?xml ...?-->", the doctype was dropped
    # (quirks mode), and xml:lang still said "it" beside lang="en".
    fmt = format_for(Path("a.html"))
    parsed = fmt.read(XHTML.encode(), "a.html", "it")
    out = fmt.write(parsed, list(parsed.segments), "en").data.decode()
    assert out == XHTML.replace('xml:lang="it" lang="it"', 'xml:lang="en" lang="en"')
    latin = XHTML.replace("UTF-8", "iso-8859-1").splitlines(keepends=True)
    del latin[1]  # no doctype
    data = "".join(latin).encode("latin-1")
    parsed = fmt.read(data, "a.html", "it", "latin-1")
    out = fmt.write(parsed, [_mangle(s) for s in parsed.segments], "en").data.decode("latin-1")
    assert out.startswith('<?xml version="1.0" encoding="iso-8859-1"?>\n<html ')
    assert "<p>IL CAFFÈ è BUONO.</p>" in out and "<!--" not in out


def test_deeply_nested_markdown_is_translated_or_counted_never_left_silently() -> None:
    # markdown-it's CommonMark preset stops at 20 levels: the 10th level of a list and
    # everything in 20 nested quotes stayed Italian, with the file "translated".
    fmt = format_for(Path("a.md"))
    deep_list = "".join("  " * i + f"- Voce numero {i} della lista.\n" for i in range(15))
    assert len(fmt.read(deep_list.encode(), "a.md", "it").segments) == 15
    quotes = ">" * 30 + " Frase in una citazione.\n"
    assert fmt.read(quotes.encode(), "a.md", "it").segments == ("Frase in una citazione.",)
    too_deep = ">" * 300 + " Frase troppo annidata.\n\nFrase normale.\n"
    parsed = fmt.read(too_deep.encode(), "a.md", "it")
    assert parsed.segments == ("Frase normale.",)
    assert any("nested more than" in note and note.endswith(": 1") for note in parsed.notes)
    items = "".join("  " * i + f"- Voce {i}.\n" for i in range(120))
    parsed = fmt.read(items.encode(), "a.md", "it")  # every line is translated or counted
    lost = [n for n in parsed.notes if "nested more than" in n]
    assert len(parsed.segments) + int(lost[0].rsplit(" ", 1)[1]) == 120


def test_html_past_libxml2_limits_fails_instead_of_losing_the_rest() -> None:
    # 300 unclosed <div>s: libxml2 stops at depth 256 and the output lost every word
    # from there to the end of the file, with the file reported "translated".
    fmt = format_for(Path("a.html"))
    deep = ("<html><body><p>Prima frase.</p>" + "<div>" * 300 + "<p>Il governo ha approvato."
            "</p></body></html>")
    with pytest.raises(InputError, match="too deep or too large"):
        fmt.read(deep.encode(), "a.html", "it")
    fine = deep.replace("<div>" * 300, "<div>" * 200)
    assert len(fmt.read(fine.encode(), "a.html", "it").segments) == 2
