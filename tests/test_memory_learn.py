"""Learning hand edits and using them: ``translate learn``, ``--learn``, ``Session.learn``,
memory answers before any model, with real English from Apertium."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.report_schema import validate_report
from tests.system_tools import require_program
from translate import Options, Session
from translate.cache.store import Cache
from translate.cli.app import app

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
FIRST = "Le tensioni nella politica mondiale aumentano!"
FIXED_FIRST = "Tensions in world politics are rising!"
SECOND = ("Kim Jong Un incontra il ministro della Russia Kizlov della Corea del Nord, "
          "mentre le relazioni tra la Corea del Nord e la Russia stanno crescendo.")
FIXED_SECOND = "Kim Jong Un meets Russia's minister Kozlov in North Korea."


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    require_program("apertium", "apertium apertium-cat-ita apertium-eng-cat")
    folder = tmp_path / "docs"
    shutil.copytree(SEEDS, folder)
    code, out = _cli("translate", str(folder), "--engine", "apertium", "--from", "it")
    assert code == 0, out
    return folder


def _output(tree: Path) -> Path:
    """The translation of the seed article."""
    seed = next(SEEDS.glob("*.txt"))
    return tree / f"{seed.stem}.en.txt"


def _replace_sentence(path: Path, source: str, new: str) -> None:
    """Replace the translation of Italian ``source`` in ``path`` by ``new``."""
    with Cache.open(path.parent) as cache:
        written = cache.memory.written(cache.output_key(path))
    assert written is not None
    old = next(out for _, src, out, _ in written.segments if src == source)
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_end_to_end_a_correction_reaches_the_next_document(tree: Path) -> None:
    output = _output(tree)
    _replace_sentence(output, FIRST, FIXED_FIRST)
    _replace_sentence(output, SECOND, FIXED_SECOND)
    code, out = _cli("learn", str(tree))
    assert code == 0, out
    assert "2 corrections (stored, 2 new)" in out
    second = tree / "secondo.txt"
    second.write_text(f"{FIRST} Il gatto dorme sul divano.\n\nIl cane abbaia.\n",
                      encoding="utf-8")
    report = tree.parent / "report.json"
    code, out = _cli("translate", str(tree), "--engine", "apertium", "--from", "it",
                     "--report", str(report))
    assert code == 0, out
    assert "1 segment from memory (human): no model for them" in out
    english = (tree / "secondo.en.txt").read_text(encoding="utf-8")
    assert english.startswith(FIXED_FIRST + " ")
    assert "cat" in english and "dog" in english  # the rest went to the model
    data = json.loads(report.read_text())
    validate_report(data)
    files = {Path(f["path"]).name: f for f in data["files"]}
    assert files["secondo.txt"]["details"]["memory"] == {"human": 1}
    assert files["secondo.txt"]["segments"] == 3
    assert files["secondo.txt"]["model_segments"] == 2  # 0 model calls for the memory's
    # the edited output itself is kept as the person left it
    assert FIXED_SECOND in output.read_text(encoding="utf-8")


def test_learning_twice_stores_nothing_new_and_a_dry_run_stores_nothing(tree: Path) -> None:
    output = _output(tree)
    _replace_sentence(output, FIRST, FIXED_FIRST)
    code, out = _cli("learn", str(output), "--dry-run")
    assert code == 0 and "1 corrections (would store)" in out and FIXED_FIRST in out
    with Cache.open(tree) as cache:
        assert list(cache.memory.entries()) == []
    assert "1 new" in _cli("learn", str(tree))[1]
    assert "0 new" in _cli("learn", str(tree))[1]


def test_merged_paragraphs_are_skipped_and_reported_never_guessed(tree: Path) -> None:
    output = _output(tree)
    _replace_sentence(output, FIRST, FIXED_FIRST)
    lines = output.read_text(encoding="utf-8").split("\n")
    merged = [lines[0] + " " + lines[1], *lines[2:]]  # the first two lines joined
    output.write_text("\n".join(merged), encoding="utf-8")
    code, out = _cli("learn", str(tree))
    assert code == 0, out
    assert "not learned: segment 1:" in out and "not learned: segment 2:" in out
    assert "1 corrections (stored, 1 new)" in out  # the edit elsewhere is still learned
    with Cache.open(tree) as cache:
        assert [e.target for e in cache.memory.entries()] == [FIXED_FIRST]


def test_a_split_sentence_is_skipped(tree: Path) -> None:
    output = _output(tree)
    with Cache.open(tree) as cache:
        written = cache.memory.written(cache.output_key(output))
    assert written is not None
    old = next(out for _, src, out, _ in written.segments if src == SECOND)
    words = old.split(" ")
    text = output.read_text(encoding="utf-8")
    output.write_text(text.replace(old, " ".join(words[:4]) + "\n" + " ".join(words[4:])),
                      encoding="utf-8")
    _, out = _cli("learn", str(tree))
    assert "not learned: segment 2: a line break was added" in out
    assert "0 corrections" in out


def test_an_output_whose_input_changed_is_skipped_with_the_reason(tree: Path) -> None:
    output = _output(tree)
    _replace_sentence(output, FIRST, FIXED_FIRST)
    source = next(p for p in tree.glob("*.txt") if not p.name.endswith(".en.txt"))
    source.write_text(source.read_text(encoding="utf-8") + "\nUna riga nuova.\n",
                      encoding="utf-8")
    code, out = _cli("learn", str(tree))
    assert code == 1
    assert "its input changed since the output was written" in out


def test_translate_learn_learns_first_and_no_memory_turns_it_off(tree: Path) -> None:
    _replace_sentence(_output(tree), FIRST, FIXED_FIRST)
    (tree / "b.txt").write_text(f"{FIRST}\n", encoding="utf-8")
    code, out = _cli("translate", str(tree), "--engine", "apertium", "--from", "it",
                     "--no-memory", "--learn")
    assert code == 0, out
    assert "1 corrections (stored, 1 new)" in out
    assert (tree / "b.en.txt").read_text(encoding="utf-8").strip() != FIXED_FIRST
    (tree / "c.txt").write_text(f"{FIRST}\n", encoding="utf-8")
    code, out = _cli("translate", str(tree), "--engine", "apertium", "--from", "it")
    assert (tree / "c.en.txt").read_text(encoding="utf-8").strip() == FIXED_FIRST


def test_session_learn_and_the_memory_option(tree: Path) -> None:
    output = _output(tree)
    _replace_sentence(output, FIRST, FIXED_FIRST)
    with Session(Options(engine="apertium", source="it")) as session:
        report = session.learn([output])
        assert report.learned == 1 and report.files[0].stored == 1
        (tree / "d.txt").write_text(f"{FIRST}\n", encoding="utf-8")
        off = session.translate_files([tree / "d.txt"], options=Options(
            engine="apertium", source="it", memory=False))
        assert off.files[0].cache_hits == 1 and "memory" not in off.files[0].details
        assert (tree / "d.en.txt").read_text(encoding="utf-8").strip() != FIXED_FIRST
        (tree / "e.txt").write_text(f"{FIRST}\n", encoding="utf-8")
        on = session.translate_files([tree / "e.txt"])
        assert on.files[0].details["memory"] == {"human": 1}
        assert on.files[0].model_segments == 0
    assert (tree / "e.en.txt").read_text(encoding="utf-8").strip() == FIXED_FIRST


def test_the_review_page_shows_the_origin_and_suggestions(tree: Path) -> None:
    _replace_sentence(_output(tree), FIRST, FIXED_FIRST)
    _cli("learn", str(tree))
    (tree / "f.txt").write_text(f"{FIRST}\n\nLe tensioni nella politica mondiale aumentano "
                                "molto!\n", encoding="utf-8")
    code, out = _cli("translate", str(tree), "--engine", "apertium", "--from", "it",
                     "--review")
    assert code == 0, out
    page = (tree / "f.txt.review.html").read_text(encoding="utf-8")
    assert "from memory (human)" in page
    assert f"% (human): {FIXED_FIRST}</li>" in page  # the near one: a suggestion only
    assert (tree / "f.en.txt").read_text(encoding="utf-8").count(FIXED_FIRST) == 1


def test_markdown_plain_segments_are_learned_and_markup_edits_reported(tmp_path: Path) -> None:
    require_program("apertium", "apertium apertium-cat-ita apertium-eng-cat")
    doc = tmp_path / "a.md"
    doc.write_text("# Il titolo\n\nIl gatto dorme sul divano. Il cane è **molto** felice."
                   "\n\n- Una lista & altro\n- Seconda voce\n", encoding="utf-8")
    assert _cli("translate", str(tmp_path), "--engine", "apertium", "--from", "it")[0] == 0
    output = tmp_path / "a.en.md"
    with Cache.open(tmp_path) as cache:
        written = cache.memory.written(cache.output_key(output))
    assert written is not None
    outs = {src: out for _, src, out, _ in written.segments}
    text = output.read_text(encoding="utf-8")
    bold = text.index("**")  # the segment with inline markup: edited, not learnable
    text = text[:bold + 2] + "X" + text[bold + 2:]
    text = text.replace(outs["Il gatto dorme sul divano."], "The cat is asleep on the couch.")
    output.write_text(text.replace(outs["Seconda voce"], "Second item"), encoding="utf-8")
    code, out = _cli("learn", str(tmp_path))
    assert code == 0, out
    assert "2 corrections (stored, 2 new)" in out
    assert "not learned: 1 edits outside the segments that can be learned" in out
    with Cache.open(tmp_path) as cache:
        assert sorted(e.target for e in cache.memory.entries()) == [
            "Second item", "The cat is asleep on the couch."]


def test_html_segments_the_format_escapes_are_reported_the_others_learned(
        tmp_path: Path) -> None:
    require_program("apertium", "apertium apertium-cat-ita apertium-eng-cat")
    (tmp_path / "a.html").write_text(
        "<html><body><p>Il gatto &amp; il cane dormono.</p>\n<p>Il sole splende oggi.</p>"
        "\n<p>La casa è grande.</p></body></html>\n", encoding="utf-8")
    assert _cli("translate", str(tmp_path), "--engine", "apertium", "--from", "it")[0] == 0
    output = tmp_path / "a.en.html"
    with Cache.open(tmp_path) as cache:
        written = cache.memory.written(cache.output_key(output))
    assert written is not None
    outs = [out for _, _, out, _ in written.segments]
    text = output.read_text(encoding="utf-8")
    assert outs[0].replace("&", "&amp;") in text  # escaped as written
    text = text.replace(outs[0].replace("&", "&amp;"), "Cat &amp; dog are asleep.")
    text = text.replace(outs[1], "The sun is shining today.")
    output.write_text(text.replace(outs[2], "The house is large."), encoding="utf-8")
    code, out = _cli("learn", str(tmp_path))
    assert code == 0 and "2 corrections (stored, 2 new)" in out, out
    assert "edits outside the segments that can be learned" in out  # the escaped one


def test_an_output_written_before_the_memory_is_aligned_from_the_cache(tree: Path) -> None:
    import sqlite3

    output = _output(tree)
    _replace_sentence(output, FIRST, FIXED_FIRST)
    conn = sqlite3.connect(tree / ".translate-cache" / "cache.sqlite3")
    conn.execute("DELETE FROM written")  # as an output written by an older translate
    conn.commit()
    conn.close()
    code, out = _cli("learn", str(tree))
    assert code == 0 and "1 corrections (stored, 1 new)" in out, out
    assert _cli("cache", "clear", str(tree))[0] == 0  # keeps the memory, not the cache
    # another edit now: neither the memory nor the cache knows the segments as written
    output.write_text(output.read_text(encoding="utf-8") + "x", encoding="utf-8")
    code, out = _cli("learn", str(tree))
    assert code == 1 and "no longer" in out
    with Cache.open(tree) as cache:
        assert [e.target for e in cache.memory.entries()] == [FIXED_FIRST]


def test_learn_and_a_run_on_the_same_tree_at_once_lose_nothing(tree: Path) -> None:
    import os
    import subprocess
    import sys

    _replace_sentence(_output(tree), FIRST, FIXED_FIRST)
    _replace_sentence(_output(tree), SECOND, FIXED_SECOND)
    new = tree / "new"
    new.mkdir()
    for i in range(30):
        (new / f"n{i}.txt").write_text(f"Il documento numero {i} parla di Milano.\n",
                                       encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    run = subprocess.Popen([sys.executable, "-m", "translate", str(new), "--engine",
                            "apertium", "--from", "it", "-q"], env=env)
    learn = subprocess.Popen([sys.executable, "-m", "translate", "learn", str(tree)], env=env,
                             stdout=subprocess.PIPE, text=True)
    assert run.wait(timeout=300) == 0
    out, _ = learn.communicate(timeout=300)
    assert learn.returncode == 0, out
    with Cache.open(tree) as cache:
        assert sorted(e.target for e in cache.memory.entries()) == sorted(
            [FIXED_FIRST, FIXED_SECOND])
        assert all(cache.memory.written(cache.output_key(new / f"n{i}.en.txt"))
                   for i in range(30))
    assert len(list(new.glob("*.en.txt"))) == 30


def test_an_up_to_date_output_gets_a_correction_learnt_later(tree: Path) -> None:
    other = tree / "other.txt"
    other.write_text(f"{FIRST}\n\nIl cane abbaia.\n", encoding="utf-8")
    assert _cli("translate", str(tree), "--engine", "apertium", "--from", "it")[0] == 0
    assert FIXED_FIRST not in (tree / "other.en.txt").read_text(encoding="utf-8")
    code, out = _cli("translate", str(tree), "--engine", "apertium", "--from", "it")
    assert "0 translated, 2 up to date" in out  # nothing learnt: nothing made again
    _replace_sentence(_output(tree), FIRST, FIXED_FIRST)
    assert _cli("learn", str(tree))[0] == 0
    code, out = _cli("translate", str(tree), "--engine", "apertium", "--from", "it")
    assert code == 0 and "1 translated" in out and "0 to the model" in out, out
    assert (tree / "other.en.txt").read_text(encoding="utf-8").startswith(FIXED_FIRST)
    code, out = _cli("translate", str(tree), "--engine", "apertium", "--from", "it")
    assert "0 translated, 2 up to date" in out, out  # then up to date again (and kept)


def test_learn_accounts_for_every_path(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Ciao.\n", encoding="utf-8")  # not translated yet
    (tmp_path / "b.en.txt").write_text("Mine.\n", encoding="utf-8")  # a person's file
    code, out = _cli("learn", str(tmp_path / "a.txt"), str(tmp_path / "b.en.txt"))
    assert code == 0, out
    assert "0 corrections" in out and "b.en.txt" not in out  # an input, with no output
    code, out = _cli("learn", str(tmp_path / "missing"))
    assert code == 1 and "missing: no such file or folder" in out


def test_alignment_of_a_long_output_finds_each_edit_and_each_merge() -> None:
    from translate.cache.memory import Written
    from translate.translation.learning import _corrections

    count = 6000
    rows = tuple(("it", f"Frase {i}.", f"This is sentence number {i} of the text.", "model")
                 for i in range(count))
    pieces: list[str | int] = []
    for i in range(count):
        pieces += [i, "\n\n" if i % 3 == 2 else " "]
    text = "".join(rows[p][2] if isinstance(p, int) else p for p in pieces)
    edited = (text.replace("sentence number 100 of", "line 100 in")
              .replace("number 5990 of the text.", "number 5990 of this text.")
              .replace("number 3002 of the text.\n\n", "number 3002 of the text. "))
    entries, uncertain, outside = _corrections(pieces, Written("x", "en", rows), edited, "en")
    assert [(e.source, e.target) for e in entries] == [
        ("Frase 100.", "This is line 100 in the text."),
        ("Frase 5990.", "This is sentence number 5990 of this text.")]
    assert [n for n, _ in uncertain] == [3003, 3004]  # the paragraphs merged: not guessed
    assert outside == 0
