"""The names of the files a run writes: ``X.en.txt``, ``X.en.summary.txt``; storable names."""

from __future__ import annotations

from pathlib import Path

from translate.errors import UsageError

SUMMARY_TAG = "summary"


# Formats written in another format: a PDF's text layer becomes Markdown.
OUTPUT_SUFFIXES = {".pdf": ".md"}


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
