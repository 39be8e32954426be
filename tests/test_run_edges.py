"""What a hostile tester broke in the run flow (issue 22's review round), each held here."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from translate.cache.store import CACHE_DIR, DB_NAME
from translate.cli.app import app


def translate(*args: str) -> Any:
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def fake(registry_file: Path) -> tuple[str, ...]:
    return ("--models", str(registry_file), "--engine", "fake", "--from", "it")


def test_a_dry_run_leaves_the_cache_database_as_it_was(tmp_path, registry_file) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Il gatto è sul tavolo.\n", "utf-8")
    assert translate(str(docs), *fake(registry_file)).exit_code == 0
    db = docs / CACHE_DIR / DB_NAME
    before = db.read_bytes()
    (docs / "b.txt").write_text("Una frase nuova.\n", "utf-8")
    assert translate(str(docs), *fake(registry_file), "--dry-run").exit_code == 0
    assert db.read_bytes() == before


def test_an_input_named_through_a_link_keeps_its_name_and_gets_its_page(
        tmp_path, registry_file, monkeypatch) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "target.txt").write_text("Il gatto è sul tavolo.\n", "utf-8")
    (tmp_path / "link.txt").symlink_to(tmp_path / "real" / "target.txt")
    monkeypatch.chdir(tmp_path)
    report = tmp_path / "r.json"
    result = translate("link.txt", *fake(registry_file), "--review", "--report", str(report))
    assert result.exit_code == 0, result.output
    data = json.loads(report.read_text("utf-8"))
    assert [f["path"] for f in data["files"]] == ["link.txt"]
    assert not [w for w in data["warnings"] if "review page" in w]
    assert (tmp_path / "link.en.txt").is_file() and (tmp_path / "link.txt.review.html").is_file()


def test_a_summary_not_in_utf8_never_stops_the_review_pages(tmp_path, registry_file) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "u16.txt").write_bytes(b"\xff\xfe" + "Il caffè è già pronto. Il tè no.\n"
                                   .encode("utf-16-le"))
    report = tmp_path / "r.json"
    result = translate(str(docs), *fake(registry_file), "--summarize", "--method",
                       "extractive", "--review", "--report", str(report))
    assert result.exit_code == 0, result.output
    assert (docs / "u16.txt.review.html").is_file()
    # a summary edited by hand into bytes that are not UTF-8: the page goes without it
    summary = next(docs.glob("u16.*.summary.txt"))
    summary.write_bytes(b"caff\xe8 pronto\n")
    again = translate(str(docs), *fake(registry_file), "--review", "--report", str(report))
    assert again.exit_code == 0, again.output
    assert json.loads(report.read_text("utf-8"))["files"][0]["status"] == "up-to-date"


@pytest.mark.parametrize("where", ["inside_a_file", "name_too_long"])
def test_a_report_path_that_cannot_be_written_is_refused_before_any_work(
        tmp_path, registry_file, where) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Il gatto è sul tavolo.\n", "utf-8")
    (tmp_path / "plain.txt").write_text("not a folder\n", "utf-8")
    report = (tmp_path / "plain.txt" / "r.json" if where == "inside_a_file"
              else tmp_path / ("x" * 300 + ".json"))
    result = translate(str(docs), *fake(registry_file), "--report", str(report))
    assert result.exit_code == 2, result.output
    assert "--report" in result.output and "internal error" not in result.output
    assert not (docs / "a.en.txt").exists()  # refused before any work


def test_manifests_of_a_cache_that_cannot_be_opened_for_writing_are_still_read(
        tmp_path, registry_file, monkeypatch) -> None:
    """A cache folder that cannot be written: its WAL database opens only immutable."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Il gatto è sul tavolo.\n", "utf-8")
    assert translate(str(docs), *fake(registry_file)).exit_code == 0
    for record in (docs / ".translate-outputs").iterdir():
        record.unlink()
    db = sqlite3.connect(docs / CACHE_DIR / DB_NAME)
    digest = {name: hashlib.sha256((docs / name).read_bytes()).hexdigest()
              for name in ("a.txt", "a.en.txt")}
    with db:
        db.execute("INSERT INTO manifests VALUES (?, ?)", ("a.en.txt", json.dumps(
            {"input_sha256": digest["a.txt"], "output_sha256": digest["a.en.txt"]})))
    db.close()
    import translate.cache.outputs as outputs

    real_connect = sqlite3.connect

    def only_immutable(database: str, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        if "immutable=1" not in str(database):
            raise sqlite3.OperationalError("unable to open database file")
        return real_connect(database, *args, **kwargs)

    monkeypatch.setattr(outputs.sqlite3, "connect", only_immutable)
    result = translate(str(docs), *fake(registry_file), "--no-cache")
    assert result.exit_code == 0, result.output
    assert not (docs / "a.en.en.txt").exists()


def test_a_moved_manifest_never_replaces_a_record_written_meanwhile(tmp_path) -> None:
    from translate.cache.outputs import read_record, record_path, write_record

    output = tmp_path / "a.en.txt"
    output.write_text("Done.\n", "utf-8")
    write_record(output, {"input_sha256": "new"})  # another run's, newer
    write_record(output, {"input_sha256": "old"}, replace=False)  # the 0.1 manifest's
    record = read_record(output)
    assert record is not None and record["input_sha256"] == "new"
    assert sorted(p.name for p in record_path(output).parent.iterdir()) == [
        record_path(output).name]  # nothing staged is left behind
    (record_path(output)).unlink()
    write_record(output, {"input_sha256": "old"}, replace=False)
    assert read_record(output)["input_sha256"] == "old"  # type: ignore[index]


def test_a_correction_saves_into_a_document_whose_names_were_kept(tmp_path) -> None:
    """The correction loader is the review page's: protected names restored, not missing."""
    from tests.system_tools import require_program
    from translate.review.correct import read_document, save_correction

    require_program("apertium", "apertium apertium-cat-ita apertium-eng-cat")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Il leader Kim Jong Un ha incontrato Mark Rutte a Mosca.\n\n"
                                "La NATO ha risposto ieri.\n", "utf-8")
    result = translate(str(docs), "--engine", "apertium", "--from", "it")
    assert result.exit_code == 0, result.output
    paragraphs = (docs / "a.en.txt").read_text("utf-8").strip().split("\n\n")
    assert read_document(docs / "a.txt").translations == paragraphs  # "Kim Jong Un" kept
    save_correction(docs / "a.txt", 2, "NATO answered yesterday.")
    assert (docs / "a.en.txt").read_text("utf-8").split("\n\n") == [
        paragraphs[0], "NATO answered yesterday.\n"]
