"""What a run works on: input files, and each document's segments and languages."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from translate.detect import DOCUMENT_MIN_CONFIDENCE, detect_paragraphs, document_language
from translate.documents import is_own_output, iter_input_files
from translate.errors import InputError
from translate.report import FileResult, Status
from translate.segment import Segmented, segment


def collect_inputs(paths: Iterable[str | Path], glob: str | None, languages: Iterable[str],
                   ) -> tuple[list[Path], list[FileResult]]:
    """Expand files and folders into input files; report paths that do not exist.

    Files this tool wrote (``X.en.txt`` beside ``X.txt``) are never taken as inputs.
    """
    langs = set(languages)
    files: list[Path] = []
    missing: list[FileResult] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = iter_input_files(path, glob)
        elif path.is_file():
            found = iter([path])
        else:
            missing.append(FileResult(str(path), Status.FAILED, reason="no such file or folder"))
            continue
        files.extend(p for p in found if not is_own_output(p, langs))
    unique = {p.resolve(): p for p in reversed(files)}  # a file named twice runs once
    return [p for p in files if unique.get(p.resolve()) is p], missing


def segment_languages(text: str, source: str) -> tuple[Segmented, list[str]]:
    """Segment ``text`` and give every segment a language.

    Args:
        text: The document.
        source: A language code, or ``auto``: detect the document's language, then each
            paragraph's (ambiguous or unclear paragraphs inherit the document's).

    Raises:
        InputError: ``auto`` and the document's language is unclear (below
            ``DOCUMENT_MIN_CONFIDENCE``): a guess would route it to the wrong model.
    """
    if source != "auto":
        seg = segment(text, source)
        return seg, [source] * len(seg.segments)
    document = document_language(text)
    if document.confidence < DOCUMENT_MIN_CONFIDENCE:
        raise InputError(
            f"cannot tell the language (best guess '{document.language}' with confidence "
            f"{document.confidence:.2f}, below {DOCUMENT_MIN_CONFIDENCE})",
            "name it with --from LANG")
    doc_lang = document.language
    seg = segment(text, doc_lang)
    paragraphs: dict[int, list[str]] = defaultdict(list)
    for sentence, para in zip(seg.segments, seg.paragraphs, strict=True):
        paragraphs[para].append(sentence)
    keys = sorted(paragraphs)
    found = detect_paragraphs([" ".join(paragraphs[k]) for k in keys], doc_lang)
    lang_of = {k: d.language for k, d in zip(keys, found, strict=True)}
    return seg, [lang_of[p] for p in seg.paragraphs]
