"""Texts given in memory (the Python API): many texts in one run, in a format.

Every text is read with its format (``text``, ``markdown``, ``html``, ``srt``, ``vtt``),
exactly as a file of that format would be, and the segments of all of them go
through the routes together: one batched pass of each model, not one run per text,
and a segment that several texts share is translated once. Nothing is cached or
written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from translate.errors import TranslateError, UsageError
from translate.formats.base import Format, Parsed, run_format
from translate.translation.reading import decode_input, read_parsed
from translate.translation.routes import Docs, RouteRunner, outputs_of

__all__ = ["TEXT_FORMATS", "text_format", "translate_texts"]

# A format's name -> the suffix whose reader and writer it uses.
TEXT_FORMATS = {"text": ".txt", "markdown": ".md", "html": ".html", "srt": ".srt",
                "vtt": ".vtt"}


def text_format(name: object) -> Format:
    """The format called ``name`` (``text``, ``markdown``, ``html``, ``srt``, ``vtt``).

    Raises:
        UsageError: an unknown name (a ``ValueError`` too).
    """
    if not isinstance(name, str) or name.lower() not in TEXT_FORMATS:
        raise _FormatError(f"unknown format {name!r}",
                           f"valid choices: {', '.join(TEXT_FORMATS)}")
    return run_format(Path("text" + TEXT_FORMATS[name.lower()]))


class _FormatError(UsageError, ValueError):
    """An unknown ``format=``."""


def translate_texts(routes: RouteRunner, texts: Sequence[str], *, source: str, target: str,
                    format: str = "text") -> list[str]:
    """Translate every text of ``texts`` in one pass of the routes; same order.

    A blank text comes back as it is.

    Args:
        routes: The pipeline's route runner (no caches are used here).
        texts: The texts.
        source: The source language (``auto``: detect per text and paragraph).
        target: The target language.
        format: How each text is read and written (see ``TEXT_FORMATS``).

    Raises:
        TranslateError: a text is unreadable in its format or of an unclear language,
            no route, a missing model, or a missing output.
    """
    if routes.dry_run:  # a plan has no translation to return: never the source instead
        raise UsageError("a dry run plans files; translate_text has nothing to plan",
                         "drop dry_run=True, or call translate_files for a dry run")
    fmt = text_format(format)
    docs: Docs = {}
    for index, text in enumerate(texts):
        if text.strip():
            parsed, langs = _plan(fmt, text, f"text {index + 1}", source)
            docs[index] = (parsed, [routes.router.route(lang, target) for lang in langs],
                           None)
    outputs = routes.run(docs)
    results = list(texts)
    for index, (read, doc_routes, _) in docs.items():
        translated = outputs_of(read, doc_routes, outputs)
        if isinstance(translated, int):  # never the source in place of a translation
            raise TranslateError(f"text {index + 1}: the model returned no output for "
                                 f"{translated} segments")
        assert isinstance(read, Parsed)
        out = fmt.write(read, translated, target).data.decode("utf-8")
        results[index] = _unwrapped(texts[index], out) if fmt.name == "html" else out
    return results


_WRAPPER = re.compile(r"<html[^>]*><body>(.*)</body></html>(\s*)", re.S)


def _unwrapped(source: str, html: str) -> str:
    """An HTML fragment back as a fragment, without the parser's ``<html><body>``.

    A text that had either tag keeps what it had.
    """
    if re.search(r"<(html|body)\b", source, re.I):
        return html
    match = _WRAPPER.fullmatch(html)
    return match.group(1) + match.group(2) if match else html


def _plan(fmt: Format, text: str, where: str, source: str) -> tuple[Parsed, list[str]]:
    """Read one text; each segment's language (its paragraph's).

    The text is a ``str``: its bytes are UTF-8 whatever an HTML ``<meta>`` says.
    """
    data = text.encode("utf-8")
    doc = decode_input(fmt, data, where, "utf-8")
    parsed, languages = read_parsed(fmt, data, where, doc, source, "utf-8")
    return parsed, [languages.paragraphs.get(p, languages.document)
                    for p in parsed.paragraphs]

