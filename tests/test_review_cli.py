"""`translate review`: pages from records and the cache, no model loaded."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from tests.fakes import LOG
from translate.cli.app import app


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args))


def test_review_page_from_cache_and_records(tmp_path: Path, registry_file: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Prima frase con 12 mele. <script>alert(1)</script> fine.\n\n"
                                "Seconda frase del documento.\n", "utf-8")
    (docs / "a.md").write_text("# Titolo\n\nUna riga.\n", "utf-8")
    assert run(str(docs), "--models", str(registry_file), "--engine", "fake",
               "--from", "it").exit_code == 0
    LOG.reset()
    result = run("review", str(docs))
    assert result.exit_code == 0, result.output
    assert LOG.loads == 0  # from the cache and the records alone
    page = (docs / "a.txt.review.html").read_text("utf-8")
    assert (docs / "a.md.review.html").is_file()  # named from the whole input name
    assert len(re.findall(r'class="seg[ "]', page)) == 3  # one row per segment
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "a.txt.review.html: 3 segments" in result.output
    again = run(str(docs), "--models", str(registry_file), "--engine", "fake", "--from", "it")
    assert "review.html" not in again.output  # never taken as an input


def test_review_marks_segments_missing_from_the_cache(tmp_path: Path, registry_file: Path,
                                                      ) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Una frase.\n", "utf-8")
    assert run(str(docs), "--models", str(registry_file), "--engine", "fake",
               "--from", "it").exit_code == 0
    assert run("cache", "clear", str(docs)).exit_code == 0
    result = run("review", str(docs))
    assert result.exit_code == 0 and "1 flagged" in result.output
    assert "not-cached" in (docs / "a.txt.review.html").read_text("utf-8")


def test_review_without_translation_fails_that_file(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("Niente.\n", "utf-8")
    result = run("review", str(tmp_path / "b.txt"))
    assert result.exit_code == 1 and "no translation written by translate" in result.output


def test_review_never_replaces_a_users_file(tmp_path: Path, registry_file: Path) -> None:
    (tmp_path / "a.txt").write_text("Una frase.\n", "utf-8")
    assert run(str(tmp_path), "--models", str(registry_file), "--engine", "fake",
               "--from", "it").exit_code == 0
    mine = tmp_path / "a.txt.review.html"
    mine.write_text("my notes\n")
    result = run("review", str(tmp_path))
    assert result.exit_code == 1 and mine.read_text() == "my notes\n"
    assert run("review", str(tmp_path), "--force").exit_code == 0
