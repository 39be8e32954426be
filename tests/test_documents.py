from __future__ import annotations

import os
from pathlib import Path

import pytest

from translate.cache.outputs import is_recorded, write_record
from translate.errors import InputError
from translate.files.names import output_path
from translate.files.walking import iter_input_files
from translate.files.writing import write_atomic
from translate.text.documents import decode_bytes, encode_text


def test_utf8_bom_is_kept() -> None:
    doc = decode_bytes(b"\xef\xbb\xbfCiao\r\n")
    assert (doc.text, doc.bom) == ("Ciao\r\n", b"\xef\xbb\xbf")
    assert encode_text("Hello\r\n", doc) == b"\xef\xbb\xbfHello\r\n"


def test_utf16_with_bom() -> None:
    raw = "\ufeffCittà".encode("utf-16-le")
    doc = decode_bytes(raw)
    assert doc.text == "Città" and doc.encoding == "utf-16-le"
    assert encode_text("City", doc) == "\ufeffCity".encode("utf-16-le")


def test_cp1252_is_detected_and_output_is_utf8() -> None:
    raw = "Perché è così? L’euro “forte”.".encode("cp1252")
    doc = decode_bytes(raw)
    assert doc.encoding == "cp1252" and doc.text == "Perché è così? L’euro “forte”."
    assert encode_text("Why", doc) == b"Why"


def test_binary_is_a_clear_error() -> None:
    with pytest.raises(InputError, match="binary"):
        decode_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "img.png")


@pytest.mark.parametrize(("name", "expected"), [
    ("a.txt", "a.en.txt"), ("notes.md", "notes.en.md"), ("README", "README.en"),
    ("x.tar.txt", "x.tar.en.txt"),
])
def test_output_naming(name: str, expected: str) -> None:
    assert output_path(Path("/d") / name, "en").name == expected


def test_own_outputs_are_the_recorded_ones(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / "a.en.txt").write_text("x")
    (tmp_path / "notes.it.txt").write_text("x")
    write_record(tmp_path / "a.en.txt", {"output_sha256": "0"})
    assert is_recorded(tmp_path / "a.en.txt")
    assert not is_recorded(tmp_path / "notes.it.txt")  # looks like an output, is not one
    assert not is_recorded(tmp_path / "a.txt")


def test_walk_skips_hidden_and_non_text(tmp_path: Path) -> None:
    for rel in ["a.txt", "sub/b.md", ".hidden/c.txt", "sub/.d.txt", "img.png", "sub/e.txt"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    names = [p.relative_to(tmp_path).as_posix() for p in iter_input_files(tmp_path, None)]
    assert names == ["a.txt", "sub/b.md", "sub/e.txt"]
    globbed = [p.name for p in iter_input_files(tmp_path, "*.png")]
    assert globbed == ["img.png"]


def test_atomic_write_leaves_old_file_on_failure(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "out.txt"
    target.write_bytes(b"old")

    def boom(src, dst):  # type: ignore[no-untyped-def]
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_atomic_write_permissions(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    write_atomic(target, b"data")
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask
