"""Reading and writing documents: encodings, BOMs, output naming, atomic writes."""

from __future__ import annotations

import contextlib
import errno
import fnmatch
import hashlib
import os
import stat
import tempfile
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path

from translate.errors import InputError, UsageError
from translate.text.encoding import decode

SUMMARY_TAG = "summary"
# Text files: what a folder gives a caller that reads text only (runs take every
# format's suffixes, ``formats.base.default_suffixes``).
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
    """Decode file contents; the rules are in ``translate.text.encoding``.

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
        data = read_regular(path)
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


def storable(text: str) -> str:
    r"""``text`` as UTF-8 can hold it: undecodable bytes of a name written ``\xff``.

    A file name that is not UTF-8 (``bad\xffname.txt``) is read with surrogate escapes
    on POSIX; its undecodable bytes become ``\xff`` here.

    For where a lone surrogate cannot go: SQLite, a UTF-8 file, a hash of text.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return text


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file and a rename.

    A crash leaves either the old file or the new one, never half of one.
    """
    # Locked while written: ``outputs.remove_own_temporaries`` removes only a file whose
    # writer is gone (and whose content proves it the tool's own).
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.translate-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            with contextlib.suppress(ImportError, OSError):
                import fcntl

                fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
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


# Formats written in another format: a PDF's text layer becomes Markdown.
OUTPUT_SUFFIXES = {".pdf": ".md"}


def output_path(source: Path, target_lang: str, tag: str | None = None) -> Path:
    """Where the output for ``source`` goes: ``X.txt`` -> ``X.en.txt`` (``X.en.summary.txt``).

    Raises:
        UsageError: ``target_lang`` could make another output's name or leave the
            folder (a dot, a slash: ``en.summary``, ``../x``).
    """
    if not target_lang or any(c in target_lang for c in "./\\\0") or target_lang == tag:
        raise UsageError(f"{target_lang!r} is not a language code an output can be named by",
                         "use a code such as en, it or pt-BR")
    suffix = source.suffix
    parts = [source.stem if suffix else source.name, target_lang]
    suffix = OUTPUT_SUFFIXES.get(suffix.lower(), suffix)  # X.pdf -> X.en.md
    if tag:
        parts.append(tag)
    return source.with_name(".".join(parts) + suffix)


def output_twin(source: Path) -> Path | None:
    """Another input whose output is ``source``'s too (``X.md`` for ``X.pdf``), if one exists."""
    suffix = OUTPUT_SUFFIXES.get(source.suffix.lower())
    if suffix is None:
        return None
    twin = source.with_suffix(suffix)
    return twin if twin.is_file() else None


def summary_path(source: Path, lang: str) -> Path:
    """Where the summary of ``source`` in ``lang`` goes; always plain text.

    ``X.txt`` -> ``X.en.summary.txt``; any other suffix stays in the name, so that the
    summaries of ``X.md`` and ``X.docx`` cannot collide: ``X.en.summary.md.txt``,
    ``X.en.summary.docx.txt``.
    """
    if source.suffix.lower() in ("", ".txt"):
        return output_path(source, lang, SUMMARY_TAG)
    return source.with_name(f"{source.stem}.{lang}.{SUMMARY_TAG}{source.suffix}.txt")


def _skip_dir(name: str) -> bool:
    return name.startswith(".") or name in {"__pycache__", "node_modules"}


def iter_input_files(root: Path, pattern: str | None,
                     suffixes: Collection[str] = TEXT_SUFFIXES,
                     unlisted: list[tuple[Path, OSError]] | None = None) -> Iterator[Path]:
    """Entries under ``root`` that are candidate inputs, recursively and sorted.

    Hidden files and folders are skipped. Links to folders are not followed but are
    yielded (so the caller can say why they were skipped); named pipes, devices and
    broken or looping links are yielded too, for the same reason: ``entry_problem``
    tells which entries are not regular files.

    Args:
        root: The folder to walk.
        pattern: A glob on file names (``--glob``); without one, files with these
            ``suffixes`` (lower case) are taken.
        suffixes: The suffixes taken without a pattern (runs: every document format's).
        unlisted: Gets each folder that could not be listed, with its error (else such
            folders are skipped silently).

    """
    def note(exc: OSError) -> None:
        if unlisted is not None:
            unlisted.append((Path(exc.filename or root), exc))

    for dirpath, dirnames, filenames in os.walk(root, onerror=note):
        linked = [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]
        dirnames[:] = sorted(d for d in dirnames if not _skip_dir(d) and d not in linked)
        for name in sorted([*filenames, *linked]):
            if name.startswith("."):
                continue
            if pattern and not fnmatch.fnmatch(name, pattern):
                continue
            if not pattern and Path(name).suffix.lower() not in suffixes:
                continue
            yield Path(dirpath) / name


# What a run adds to an input's path for the files it writes: the record
# (``.translate-outputs/<24 hex>.json`` and its temporary file) and the outputs'
# temporary files (``.X.en.summary.txt.translate-<16 hex>.tmp``).
_PATH_MARGIN = 96
_NAME_MARGIN = 48


def path_problem(path: Path) -> str | None:
    """Why the files a run writes for ``path`` cannot have names, or ``None``.

    The system limits a path (``PATH_MAX``, 4096 bytes on Linux) and a name
    (``NAME_MAX``, 255): an input near them has outputs and records beyond them.
    """
    try:
        full = os.fsencode(os.path.abspath(path))
        path_max = os.pathconf(path.parent if str(path.parent) else ".", "PC_PATH_MAX")
        name_max = os.pathconf(path.parent if str(path.parent) else ".", "PC_NAME_MAX")
    except (OSError, ValueError):
        path_max, name_max = 4096, 255
        full = os.fsencode(os.path.abspath(path))
    name = len(os.fsencode(path.name))
    if len(full) + _PATH_MARGIN > path_max:
        return (f"path too long: {len(full):,} bytes, and its outputs' paths would pass the "
                f"system's limit of {path_max:,} (hint: move the folder nearer the root or "
                "shorten folder names)")
    if name + _NAME_MARGIN > name_max:
        return (f"file name too long: {name} bytes, and its outputs' names would pass the "
                f"system's limit of {name_max} (hint: shorten the file name)")
    return None


def folder_problem(exc: OSError) -> str:
    """Why a folder could not be listed, in words (never a guess at permissions)."""
    if exc.errno == errno.ENAMETOOLONG:
        return ("cannot list this folder: its path is longer than the system allows "
                "(hint: move the folder nearer the root or shorten folder names)")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "cannot list this folder: permission denied (hint: make it readable)"
    return f"cannot list this folder: {exc.strerror or exc}"


def entry_problem(path: Path) -> str | None:
    """Why ``path`` cannot be an input, or ``None`` for a regular file (or a link to one).

    Only regular files are read: a named pipe would block the run forever, a link to
    ``/dev/zero`` would never end, and a link loop cannot be resolved.
    """
    try:
        info = os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symbolic link loop"
        if exc.errno == errno.ENOENT:
            return "broken symbolic link" if os.path.islink(path) else "no such file or folder"
        return f"cannot read: {exc.strerror or exc}"
    mode = info.st_mode
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "symbolic link to a folder (not followed)"
    kinds = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
             (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))
    kind = next((label for test, label in kinds if test(mode)), "not a regular file")
    return f"{kind}, not a regular file"


def read_regular(path: Path) -> bytes:
    """Read a regular file's bytes, never blocking on a pipe or reading a device.

    Raises:
        InputError: ``path`` is not a regular file (checked on the open file itself,
            so a file swapped for a pipe after the walk is caught too).
        OSError: it cannot be read.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise InputError(f"{path}: not a regular file", "pass regular text files only")
        return handle.read()
