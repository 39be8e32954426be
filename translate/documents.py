"""Reading and writing documents: encodings, BOMs, output naming, atomic writes."""

from __future__ import annotations

import contextlib
import fnmatch
import hashlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from translate.encoding import decode
from translate.errors import InputError

SUMMARY_TAG = "summary"
# What a folder contributes when no --glob is given: text files, not images or PDFs.
TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown", ".rst"})


@dataclass(frozen=True)
class Document:
    """A decoded text file and how to write text back in the same form.

    Attributes:
        text: The decoded text, line endings untouched (CRLF stays CRLF).
        encoding: The encoding it was read with (``utf-8``, ``cp1252``, ...).
        bom: The byte-order mark it started with, written back in front of outputs.

    """

    text: str
    encoding: str = "utf-8"
    bom: bytes = b""

    @property
    def is_blank(self) -> bool:
        """Whether there is nothing but whitespace to translate."""
        return not self.text.strip()


def decode_bytes(data: bytes, where: str = "<input>", encoding: str | None = None) -> Document:
    """Decode file contents; the rules are in ``translate.encoding``.

    A BOM, else strict UTF-8, else a legacy encoding only when its guess is clear.

    Args:
        data: The file's bytes.
        where: The file's name, for messages.
        encoding: Force this codec (``--encoding``) instead of detecting one.

    Raises:
        InputError: binary data, UTF-8 with errors, or an unclear or wrong encoding.
        UsageError: ``encoding`` is not a known codec.

    """
    decoded = decode(data, where, encoding)
    return Document(decoded.text, decoded.encoding, decoded.bom)


def read_document(path: Path) -> Document:
    """Read and decode one text file.

    Raises:
        InputError: if it cannot be read or is not text.

    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    return decode_bytes(data, str(path))


def encode_text(text: str, like: Document) -> bytes:
    """Encode output text: UTF-8 (or the input's UTF-16), keeping the input's BOM."""
    encoding = like.encoding if like.encoding.startswith("utf-16") else "utf-8"
    bom = like.bom if encoding == like.encoding else b""
    return bom + text.encode(encoding)


def sha256(data: bytes) -> str:
    """The hex SHA-256 of file contents (manifests record inputs and outputs by it)."""
    return hashlib.sha256(data).hexdigest()


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file and a rename.

    A crash leaves either the old file or the new one, never half of one.
    """
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are ordinary files
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def output_path(source: Path, target_lang: str, tag: str | None = None) -> Path:
    """Where the output for ``source`` goes: ``X.txt`` -> ``X.en.txt`` (``X.en.summary.txt``)."""
    suffix = source.suffix
    parts = [source.stem if suffix else source.name, target_lang]
    if tag:
        parts.append(tag)
    return source.with_name(".".join(parts) + suffix)


def is_own_output(path: Path, languages: Iterable[str]) -> bool:
    """Whether ``path`` looks like a file this tool wrote: ``X.<lang>[.summary].ext``.

    It counts as ours only when the source it was made from (``X.ext``) sits beside it,
    so a user's own ``notes.it.txt`` is still translated.
    """
    suffix = path.suffix
    stem = path.stem if suffix else path.name
    pieces = stem.split(".")
    if len(pieces) >= 3 and pieces[-1] == SUMMARY_TAG:
        pieces = pieces[:-1]
    if len(pieces) < 2 or pieces[-1] not in set(languages):
        return False
    source = path.with_name(".".join(pieces[:-1]) + suffix)
    return source != path and source.exists()


def _skip_dir(name: str) -> bool:
    return name.startswith(".") or name in {"__pycache__", "node_modules"}


def iter_input_files(root: Path, pattern: str | None) -> Iterator[Path]:
    """Files under ``root``, recursively and sorted, hidden folders and files skipped.

    Args:
        root: The folder to walk.
        pattern: A glob on file names (``--glob``); without one, text suffixes
            (``TEXT_SUFFIXES``) are taken.

    """
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not _skip_dir(d))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            if pattern and not fnmatch.fnmatch(name, pattern):
                continue
            if not pattern and Path(name).suffix.lower() not in TEXT_SUFFIXES:
                continue
            yield Path(dirpath) / name
