"""What a new Python user reaches for: one path, many texts, formats, words they know."""

from __future__ import annotations

from pathlib import Path

import pytest

import translate
from tests.fakes import LOG
from tests.system_tools import require_program
from translate import Options, Session
from translate.errors import UsageError

ITALIAN = "Il governo ha approvato la legge di bilancio dopo un lungo dibattito in Parlamento."


@pytest.fixture
def options(registry_file: Path) -> Options:
    return Options(models=registry_file, engine="fake")


@pytest.fixture(autouse=True)
def _fresh_default_session() -> object:
    yield
    translate.close()


# -- paths -------------------------------------------------------------------------------

@pytest.mark.parametrize("as_given", [str, Path])
def test_one_path_is_one_path_not_its_characters(options: Options, tmp_path: Path,
                                                 as_given: type, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "one.txt").write_text(ITALIAN + "\n", encoding="utf-8")
    (tmp_path / "other.txt").write_text(ITALIAN + "\n", encoding="utf-8")
    report = translate.translate_files(as_given("one.txt"), options=options)
    assert [f.path for f in report.files] == ["one.txt"]
    assert (tmp_path / "one.en.txt").exists() and not (tmp_path / "other.en.txt").exists()


@pytest.mark.parametrize(("paths", "named"), [
    (5, "paths must be a path"), (b"one.txt", "paths must be a path"),
    ({"one.txt": 1}, "paths must be a path"), (["one.txt", 3], r"paths\[1\] must be a path"),
    (None, "paths must be a path"),
])
def test_anything_else_is_a_type_error(options: Options, tmp_path: Path, monkeypatch,
                                       paths: object, named: str) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "one.txt").write_text(ITALIAN + "\n", encoding="utf-8")
    with pytest.raises(TypeError, match=named):
        translate.translate_files(paths, options=options)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=named):
        translate.summarize_files(paths, options=options)  # type: ignore[arg-type]
    assert not list(tmp_path.glob("*.en.*"))  # nothing was translated


# -- many texts: one run -----------------------------------------------------------------

def _twenty() -> list[str]:
    return [f"Il governo numero {i} ha approvato la legge {i * 7} dopo il dibattito."
            for i in range(20)]


def test_a_list_of_texts_is_one_batched_run(options: Options) -> None:
    texts = _twenty()
    together = translate.translate_text(texts, source="it", options=options)
    calls_together = len(LOG.batches)
    LOG.batches.clear()
    alone = [translate.translate_text(t, source="it", options=options) for t in texts]
    assert together == alone  # the same outputs as one at a time
    assert len(set(together)) == 20  # input-dependent
    assert len(LOG.batches) == 20
    assert calls_together == 3  # batch_size 8: 20 segments in 3 generate() calls, not 20


def test_a_list_shares_batches_with_the_real_model(registry_file: Path) -> None:
    texts = [*_twenty()[:6], "", "Gli studenti hanno manifestato a Roma."]
    with Session(Options(models=registry_file, engine="transformers", source="it",
                         retry=False)) as session:
        together = session.translate_text(texts)
        calls = session.router().translators()[0].stats.batches
        alone = [session.translate_text(t) for t in texts]
    assert together == alone and together[6] == ""
    assert len(set(together)) > 1
    assert calls == 1  # 7 segments, batch_size 8: one generate() call


def test_a_list_of_texts_with_a_wrong_item_is_a_type_error(options: Options) -> None:
    with pytest.raises(TypeError, match=r"text_or_texts\[1\] must be a str"):
        translate.translate_text(["Ciao a tutti.", 5], source="it",  # type: ignore[list-item]
                                 options=options)
    with pytest.raises(TypeError, match="text_or_texts must be a str"):
        translate.translate_text(42, source="it", options=options)  # type: ignore[call-overload]


# -- report counters per call -----------------------------------------------------------

def test_report_counters_are_this_calls_own(options: Options, tmp_path: Path) -> None:
    first, second, third = tmp_path / "first", tmp_path / "second", tmp_path / "third"
    for folder, count in ((first, 12), (second, 2), (third, 2)):
        folder.mkdir()
        for i in range(count):
            (folder / f"{i}.txt").write_text(f"Il governo numero {i} ha approvato la legge "
                                             f"{folder.name}.\n", encoding="utf-8")
    with Session(options.replace(batch_size=1, source="it")) as session:
        one = session.translate_files(first)
        two = session.translate_files(second)
    with Session(options.replace(batch_size=1, source="it")) as session:
        alone = session.translate_files(third)  # the same work in a fresh session
    calls = alone.totals()["generate_calls"]
    assert calls >= 2 and one.totals()["generate_calls"] == 6 * calls
    assert two.totals()["generate_calls"] == calls  # not the session's running total
    assert two.batch.segments == alone.batch.segments >= 2


# -- errors in Python words ---------------------------------------------------------------

def test_hints_name_the_python_parameter(options: Options) -> None:
    with pytest.raises(translate.errors.TranslateError) as caught:
        translate.translate_text("Ok, 12 34.", options=options)  # no language to tell
    text = str(caught.value)
    assert "source=" in text and "--from" not in text, text


def test_the_cli_keeps_its_flags(tmp_path: Path, registry_file: Path) -> None:
    from typer.testing import CliRunner

    from translate.cli.app import app

    (tmp_path / "a.txt").write_text("Ok, 12 34.\n", encoding="utf-8")
    result = CliRunner().invoke(app, [str(tmp_path), "--models", str(registry_file),
                                      "--engine", "fake"])
    assert "--from" in result.output and "source=" not in result.output, result.output


@pytest.mark.parametrize(("settings", "error", "named"), [
    ({"num_beams": "4"}, TypeError, "num_beams"),
    ({"num_beams": True}, TypeError, "num_beams"),
    ({"target": 5}, TypeError, "target"),
    ({"force": "yes"}, TypeError, "force"),
    ({"length_penalty": "1"}, TypeError, "length_penalty"),
    ({"models": 3}, TypeError, "models"),
    ({"num_beams": 0}, ValueError, "num_beams"),
    ({"device": "gpu"}, ValueError, "device"),
    ({"method": "magic"}, ValueError, "method"),
    ({"nope": 1}, TypeError, "nope"),
])
def test_bad_options_name_the_field(settings: dict[str, object], error: type[Exception],
                                    named: str) -> None:
    with pytest.raises(error, match=named):
        Options(**settings)  # type: ignore[arg-type]


def test_good_options_still_pass() -> None:
    good = Options(models="models.toml", length_penalty=1, num_beams=4, min_words=None)
    assert good.models == Path("models.toml") and good.length_penalty == 1
    with pytest.raises(UsageError):  # the CLI's handler still catches option errors
        Options(num_beams=0)


def test_wrong_types_at_the_calls(options: Options) -> None:
    with pytest.raises(TypeError, match=r"options must be translate\.Options"):
        translate.translate_text("Ciao.", options={"engine": "fake"})  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="source"):
        translate.translate_text("Ciao.", source=3, options=options)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="text must be a str"):
        translate.detect_language(None)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["", "   ", "12 34 56", "https://example.com/x"])
def test_detect_language_says_when_it_cannot_tell(text: str) -> None:
    found = translate.detect_language(text)
    assert (found.language, found.confidence, found.known) == ("und", 0.0, False)
    assert translate.detect_language(ITALIAN).known


# -- format= -----------------------------------------------------------------------------

MARKDOWN = ("# Il titolo\n\nUsa `x = legge(1)` e leggi *subito* "
            "[la guida](https://example.it/guida_*nuova*.html).\n")


def test_text_is_the_default_and_markdown_keeps_code_and_links(options: Options) -> None:
    as_text = translate.translate_text(MARKDOWN, source="it", options=options)
    as_markdown = translate.translate_text(MARKDOWN, source="it", options=options,
                                           format="markdown")
    assert as_text != as_markdown
    assert "[Usa `x = legge(1)`" in as_text  # text: the code goes to the model
    assert "`x = legge(1)`" in as_markdown and "[# Il titolo" not in as_markdown
    assert "(https://example.it/guida_*nuova*.html)" in as_markdown
    assert as_markdown.startswith("# &lt;it-en>[Il titolo]")  # a tag-like output escaped


def test_html_keeps_tags_and_attributes(options: Options) -> None:
    html = ('<p>Il governo ha approvato <a href="https://example.it/a*b">la legge</a> '
            'ieri.</p>')
    out = translate.translate_text(html, source="it", options=options, format="html")
    assert 'href="https://example.it/a*b"' in out and "</a>" in out
    assert "it-en" in out
    assert out.startswith("<p>") and out.endswith("</p>")  # a fragment stays a fragment
    page = translate.translate_text(f"<html><body>{html}</body></html>", source="it",
                                    options=options, format="html")
    assert page.startswith("<html") and 'lang="en"' in page  # a page stays a page


def test_many_markdown_texts_in_one_run(options: Options) -> None:
    texts = [MARKDOWN, "Un *altro* testo.\n", ""]
    together = translate.translate_text(texts, source="it", options=options,
                                        format="markdown")
    alone = [translate.translate_text(t, source="it", options=options, format="markdown")
             for t in texts]
    assert together == alone and together[2] == ""


def test_an_unknown_format_is_a_value_error(options: Options) -> None:
    with pytest.raises(ValueError, match="unknown format 'pdf'") as caught:
        translate.translate_text("Ciao.", source="it", options=options, format="pdf")
    assert "markdown" in str(caught.value)


@pytest.mark.parametrize(("fmt", "text", "url"), [
    ("text", "La legge *nuova* è su https://example.it/*legge qui.\n",
     "https://example.it/*legge"),
    ("text", "Vedi https://example.it/legge e scrivi a mario.rossi@esempio.it oggi.\n",
     "https://example.it/legge"),
    ("markdown", "La legge *nuova* è su <https://example.it/legge_nuova> e "
     "[qui](https://example.it/*legge).\n", "https://example.it/legge_nuova"),
    ("html", '<p>La legge <b>nuova</b> è su https://example.it/legge qui.</p>',
     "https://example.it/legge"),
])
def test_urls_never_changed_by_engine_marks_in_any_format(fmt: str, text: str,
                                                          url: str) -> None:
    require_program("apertium", "apertium apertium-cat-ita apertium-eng-cat")
    out = translate.translate_text(text, source="it", options=Options(engine="apertium"),
                                   format=fmt)
    assert url in out, out
    assert "legge " not in out.replace(url, ""), out  # the rest was translated



def test_a_dry_run_of_texts_is_refused_not_the_source_returned(options: Options) -> None:
    with pytest.raises(UsageError, match="dry run") as caught:
        translate.translate_text(["Ciao a tutti."], source="it",
                                 options=options.replace(dry_run=True))
    assert "dry_run=True" in (caught.value.hint or "")
    assert LOG.batches == []
