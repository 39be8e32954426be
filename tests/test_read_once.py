"""Issue 22: every input is read once per run, and a run's review page is a later one's.

Opens are counted with a wrapper over ``os.open`` and ``io.open`` (how every reader of
the package opens files), in the CLI's own process.
"""

from __future__ import annotations

import builtins
import io
import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from translate.cli.app import app
from translate.translation.reading import InputBytes

TEXTS = {
    "a.txt": "La Corea del Nord e la Russia firmano un accordo.\n\nIl fatto è accaduto ieri.\n",
    "b.md": "# Titolo\n\nIl ministro ha parlato **a lungo** con i giornalisti.\n",
    "c.html": "<html><body><p>Il governo ha deciso di aumentare le tasse.</p></body></html>\n",
}


def make_inputs(folder: Path) -> list[Path]:
    folder.mkdir()
    for name, text in TEXTS.items():
        (folder / name).write_text(text, "utf-8")
    return [folder / name for name in TEXTS]


def count_opens(monkeypatch: pytest.MonkeyPatch, watched: list[Path]) -> Counter[str]:
    """Count the opens of ``watched`` files from here on, by file name."""
    names = {str(p.resolve()): p.name for p in watched}
    opened: Counter[str] = Counter()
    real_os_open, real_io_open = os.open, io.open

    def note(file: Any) -> None:
        if isinstance(file, str | os.PathLike):
            name = names.get(os.path.realpath(os.fspath(file)))
            if name is not None:
                opened[name] += 1

    def os_open(path: Any, *args: Any, **kwargs: Any) -> int:
        if kwargs.get("dir_fd") is None:
            note(path)
        return real_os_open(path, *args, **kwargs)

    def io_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        note(file)
        return real_io_open(file, *args, **kwargs)

    monkeypatch.setattr(os, "open", os_open)
    monkeypatch.setattr(io, "open", io_open)
    monkeypatch.setattr(builtins, "open", io_open)
    return opened


def translate(*args: str) -> Any:
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


@pytest.mark.parametrize("flags", [(), ("--review",), ("--from", "it"),
                                   ("--from", "it", "--review")])
def test_each_input_is_opened_once_per_run(tmp_path, registry_file, monkeypatch,
                                           flags) -> None:
    inputs = make_inputs(tmp_path / "docs")
    opened = count_opens(monkeypatch, inputs)
    result = translate(str(tmp_path / "docs"), "--models", str(registry_file), "--engine",
                       "fake", *flags)
    assert result.exit_code == 0, result.output
    assert all((p.parent / f"{p.stem}.en{p.suffix}").is_file() for p in inputs)
    assert dict(opened) == {p.name: 1 for p in inputs}, opened


def test_past_the_budget_an_input_is_read_again_not_kept(tmp_path) -> None:
    big, small = tmp_path / "big.txt", tmp_path / "small.txt"
    big.write_bytes(b"x" * 100)
    small.write_bytes(b"y" * 10)
    inputs = InputBytes(budget=50, keep_after_use=True)
    for _ in range(3):
        assert inputs.read(big) == b"x" * 100 and inputs.read(small) == b"y" * 10
    assert inputs.reads == {big.absolute(): 3, small.absolute(): 1}
    inputs.keep_after_use = False
    inputs.used(small)
    inputs.read(small)
    assert inputs.reads[small.absolute()] == 2


def test_review_page_of_a_run_and_of_translate_review_are_the_same_bytes(
        tmp_path, registry_file, monkeypatch) -> None:
    """The run's page uses the run's reading of each input; a later one reads it again."""
    import translate.review.build as build

    inputs = make_inputs(tmp_path / "docs")
    (tmp_path / "docs" / "d.md").write_text("# Mark Rutte a Mosca\n\nIl capo della NATO "
                                           "ha parlato con Kim Jong Un.\n", "utf-8")
    inputs.append(tmp_path / "docs" / "d.md")  # names kept: placeholders on the way
    parsed: list[str] = []
    real = build.read_parsed

    def counted(fmt: Any, data: bytes, where: str, *args: Any, **kwargs: Any) -> Any:
        parsed.append(Path(where).name)
        return real(fmt, data, where, *args, **kwargs)

    monkeypatch.setattr(build, "read_parsed", counted)
    result = translate(str(tmp_path / "docs"), "--models", str(registry_file), "--engine",
                       "fake", "--review")
    assert result.exit_code == 0, result.output
    assert parsed == []  # no input parsed, nor its language detected, again
    pages = {p: Path(f"{p}.review.html") for p in inputs}
    during = {p: page.read_bytes() for p, page in pages.items()}
    assert all(b"<html" in page for page in during.values())
    assert len(set(during.values())) == len(inputs)  # a page per input, each its own
    for page in pages.values():
        page.unlink()
    later = translate("review", *map(str, inputs), "--to", "en")
    assert later.exit_code == 0, later.output
    assert sorted(parsed) == sorted(p.name for p in inputs)  # from disk, afterwards
    assert {p: page.read_bytes() for p, page in pages.items()} == during


def test_review_pages_open_each_cache_once_for_them_all(tmp_path, registry_file,
                                                        monkeypatch) -> None:
    from translate.cache.store import Cache

    make_inputs(tmp_path / "docs")
    opened: list[Path] = []
    real_open = Cache.open.__func__  # type: ignore[attr-defined]

    def counted(cls: type[Cache], root: Path) -> Cache:
        opened.append(root)
        return real_open(cls, root)  # type: ignore[no-any-return]

    monkeypatch.setattr(Cache, "open", classmethod(counted))
    result = translate(str(tmp_path / "docs"), "--models", str(registry_file), "--engine",
                       "fake", "--review")
    assert result.exit_code == 0, result.output
    assert len(opened) == 2, opened  # the translation's, then the pages' (3 pages)
