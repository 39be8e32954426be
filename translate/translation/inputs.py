"""What a run works on: input files, and each document's segments and languages."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from translate.cache.outputs import LegacyManifests, is_recorded
from translate.errors import InputError
from translate.files.reading import entry_problem, folder_problem, path_problem
from translate.files.walking import iter_input_files
from translate.formats.base import default_suffixes, unsupported
from translate.text.detect import DOCUMENT_MIN_CONFIDENCE, detect_paragraphs, document_language
from translate.text.segment import Segmented, paragraph_texts, segment
from translate.translation.report import FileResult, Status


@dataclass
class Inputs:
    """What the paths of a run expand to.

    Attributes:
        files: Regular files to work on, each once, in order.
        skipped: A result for every named or found entry that is not worked on (missing,
            a pipe, a device, a link loop, an output the tool wrote), with its reason.
        own_outputs: Files found in folders that the tool wrote itself (not inputs).
    """

    files: list[Path] = field(default_factory=list)
    skipped: list[FileResult] = field(default_factory=list)
    own_outputs: int = 0


def collect_inputs(paths: Iterable[str | Path], glob: str | None,
                   legacy: LegacyManifests | None = None) -> Inputs:
    """Expand files and folders into input files; account for everything else.

    Without ``glob``, folders give the files of every format (``formats``), and PDFs,
    which are skipped with what to do instead. Files the tool wrote (they have a record,
    see ``outputs``) are never inputs: found in a folder they are counted, named on the
    command line they are skipped with a reason.
    Anything that is not a regular file is skipped with its reason, never read.
    ``legacy``: version 0.1's manifests (read once per tree, and moved into records).
    """
    found = Inputs()
    candidates: list[Path] = []
    legacy = legacy or LegacyManifests(migrate=False)  # only a run's pipeline moves them
    unlisted: list[tuple[Path, OSError]] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():  # named on the command line: a link to a folder is followed
            for entry in iter_input_files(path, glob, default_suffixes(), unlisted):
                if path_problem(entry):  # no record can be looked up (nor written)
                    candidates.append(entry)
                    continue
                if is_recorded(entry) or legacy.get(entry) is not None:
                    found.own_outputs += 1
                else:
                    candidates.append(entry)
            continue
        if is_recorded(path) or legacy.get(path) is not None:
            found.skipped.append(_skip(path, "an output written by translate; pass its "
                                             "source file instead"))
            continue
        candidates.append(path)
    seen: set[str] = set()
    for path in candidates:
        real = os.path.realpath(path)
        if real in seen:  # a file named twice runs (or is skipped) once
            continue
        seen.add(real)
        problem = entry_problem(path)
        unsupported_format = unsupported(path)
        if problem is None and unsupported_format is not None:  # PDF: say what to do
            found.skipped.append(_skip(path, "{} (hint: {})".format(*unsupported_format)))
            continue
        if problem is not None:
            status = Status.FAILED if problem == "no such file or folder" else Status.SKIPPED
            found.skipped.append(FileResult(str(path), status, reason=problem))
            continue
        too_long = path_problem(path)  # an input whose outputs cannot have names
        if too_long is not None:
            found.skipped.append(FileResult(str(path), Status.FAILED, reason=too_long))
            continue
        found.files.append(path)
    found.skipped += [FileResult(str(folder), Status.FAILED, reason=folder_problem(exc))
                      for folder, exc in unlisted]
    return found


def _skip(path: Path, reason: str) -> FileResult:
    return FileResult(str(path), Status.SKIPPED, reason=reason)


@dataclass(frozen=True)
class Languages:
    """A document's language and each paragraph's (keyed as ``Segmented.paragraphs``)."""

    document: str
    paragraphs: dict[int, str]


def plan_languages(text: str, source: str) -> Languages:
    """The languages of a plain-text document and its paragraphs, without segmenting it.

    Args:
        text: The document.
        source: A language code, or ``auto``: detect the document's language, then each
            paragraph's (ambiguous or unclear paragraphs inherit the document's).

    Raises:
        InputError: ``auto`` and the document's language is unclear (below
            ``DOCUMENT_MIN_CONFIDENCE``): a guess would route it to the wrong model.
    """
    return detect_languages(paragraph_texts(text), source, text)


def detect_languages(paragraphs: dict[int, str], source: str,
                     text: str | None = None) -> Languages:
    """The languages of a document given as its paragraphs' texts (``plan_languages``).

    Args:
        paragraphs: Each paragraph's text, by its id.
        source: A language code, or ``auto``.
        text: The whole document, when it is more than its paragraphs (plain text);
            else the paragraphs are the document.

    Raises:
        InputError: as ``plan_languages``.
    """
    if source != "auto":
        return Languages(source, dict.fromkeys(paragraphs, source))
    document = document_language("\n\n".join(paragraphs.values()) if text is None else text)
    if document.confidence < DOCUMENT_MIN_CONFIDENCE:
        raise InputError(
            f"cannot tell the language (best guess '{document.language}' with confidence "
            f"{document.confidence:.2f}, below {DOCUMENT_MIN_CONFIDENCE})",
            "name it with --from LANG")
    keys = sorted(paragraphs)
    found = detect_paragraphs([paragraphs[k] for k in keys], document.language)
    return Languages(document.language,
                     {k: d.language for k, d in zip(keys, found, strict=True)})


def segment_languages(text: str, source: str) -> tuple[Segmented, list[str]]:
    """Segment ``text`` and give every segment its paragraph's language (``plan_languages``).

    Raises:
        InputError: as ``plan_languages``.
    """
    languages = plan_languages(text, source)
    seg = segment(text, languages.document)
    return seg, [languages.paragraphs[p] for p in seg.paragraphs]
