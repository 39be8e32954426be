"""Bilingual review pages: source and translation side by side, flagged rows marked.

A page is one self-contained HTML file (inline CSS, no script, no network; a Content
Security Policy forbids scripts and remote loads even if a browser met one) built only
from data the cache and manifests hold, so no model is loaded to write it. Every piece
of document text is escaped: a document about ``<script>`` shows the word, never runs it.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path

from translate.quality.checks import CODES
from translate.review.style import CSS

REVIEW_SUFFIX = ".review.html"
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'"


@dataclass(frozen=True)
class ReviewRow:
    """One segment: its source, its translation, the paragraph it belongs to, its flags."""

    source: str
    translation: str
    paragraph: int
    flags: tuple[str, ...] = ()
    score: float | None = None
    retried: bool = False
    # translation memory (translate.review.memory): where the translation came from
    # ('' : a model; human, import), and fuzzy matches as (score, target, origin)
    origin: str = ""
    suggestions: tuple[tuple[float, str, str], ...] = ()


@dataclass(frozen=True)
class SummarySentence:
    """A summary sentence and the rows (0-based) it came from."""

    text: str
    rows: tuple[int, ...] = ()


@dataclass(frozen=True)
class ReviewSummary:
    """A document summary; ``exact`` when its links are exact (extractive method)."""

    sentences: tuple[SummarySentence, ...]
    method: str
    exact: bool


@dataclass(frozen=True)
class ReviewHeader:
    """What produced the translation, for the page's header."""

    input_name: str
    output_name: str
    source_lang: str
    target_lang: str
    model: str
    revision: str
    signature: str


@dataclass(frozen=True)
class ReviewPage:
    """Everything a review page shows.

    Attributes:
        header: Model, revision and settings.
        rows: The segments in document order.
        summary: The summary shown on top, if one exists.
        edited_output: The output file's current text when it was edited by hand
            after the tool wrote it (shown as it is, and said so); else ``None``.
    """

    header: ReviewHeader
    rows: tuple[ReviewRow, ...]
    summary: ReviewSummary | None = None
    edited_output: str | None = None
    notes: tuple[str, ...] = field(default=())


def review_path(input_path: Path) -> Path:
    """Where the review page of ``input_path`` goes: ``X.txt`` -> ``X.txt.review.html``.

    The whole input name is kept, so ``X.txt`` and ``X.md`` never share a page.
    """
    return input_path.with_name(input_path.name + REVIEW_SUFFIX)


# What a served page puts in a row's translation cell instead of the text (an editor).
Cell = Callable[[int, "ReviewRow"], str]


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _header(page: ReviewPage) -> str:
    h = page.header
    flagged = sum(bool(r.flags) for r in page.rows)
    retried = sum(r.retried for r in page.rows)
    paragraphs = len({r.paragraph for r in page.rows})
    meta = [("Input", h.input_name), ("Output", h.output_name),
            ("Languages", f"{h.source_lang} → {h.target_lang}"), ("Model", h.model),
            ("Revision", h.revision)]
    items = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in meta)
    items += f"<dt>Settings</dt><dd><code>{_e(h.signature)}</code></dd>"
    bad = ' class="bad"' if flagged else ""
    counts = (f'<ul class="counts"><li>{len(page.rows)} segments</li>'
              f"<li>{paragraphs} paragraphs</li><li{bad}>{flagged} flagged</li>"
              f"<li>{retried} retried</li></ul>")
    notes = "".join(f"<p>{_e(n)}</p>" for n in page.notes)
    return (f"<header><h1>Review: {_e(h.input_name)}</h1>"
            f'<dl class="meta">{items}</dl>{counts}{notes}</header>')


def _summary(summary: ReviewSummary | None) -> str:
    if summary is None or not summary.sentences:
        return ""
    how = "exact source sentences" if summary.exact else "closest source sentences (lexical)"
    items = []
    for sentence in summary.sentences:
        links = "".join(f'<a href="#s{i + 1}">[{i + 1}]</a>' for i in sentence.rows)
        items.append(f"<li>{_e(sentence.text)}{links}</li>")
    return (f'<section class="summary"><h2>Summary</h2><p class="score">{_e(summary.method)}; '
            f"links go to the {how}.</p><ol>{''.join(items)}</ol></section>")


def _edited(page: ReviewPage) -> str:
    if page.edited_output is None:
        return ""
    return ('<section class="edited"><p class="notice"><strong>Edited by hand:</strong> '
            f"{_e(page.header.output_name)} changed after the tool wrote it. Its current "
            "text is shown here; the rows below show the translation as the tool wrote it."
            f'</p><div class="file">{_e(page.edited_output)}</div></section>')


def _reasons(row: ReviewRow) -> str:
    if not row.flags and not row.retried:
        return ""
    items = [f"<li><code>{_e(code)}</code> {_e(CODES.get(code, ''))}</li>" for code in row.flags]
    if row.retried:
        items.append("<li>retried with stronger settings"
                     + ("; the better candidate was kept</li>" if not row.flags
                        else "; still failing</li>"))
    return f'<ul class="reasons">{"".join(items)}</ul>'


def _row(number: int, row: ReviewRow, header: ReviewHeader, source_label: str,
         target_label: str, cell: Cell | None = None) -> str:
    classes = "seg flagged" if row.flags else "seg"
    score = (f'<div class="score">score {row.score:.2f}</div>'
             if row.score is not None else "")
    return (f'<div class="{classes}" id="s{number}">'
            f'<div class="num"><a href="#s{number}">{number}</a>{score}</div>'
            f'<div class="src" lang="{_e(header.source_lang)}" data-label="{_e(source_label)}">'
            f"{_e(row.source)}</div>"
            f'<div class="tgt" lang="{_e(header.target_lang)}" data-label="{_e(target_label)}">'
            f"{cell(number, row) if cell else _e(row.translation)}{_memory(row)}</div>"
            f"{_reasons(row)}</div>")


def _memory(row: ReviewRow) -> str:
    """The row's origin when the memory gave it, and the memory's suggestions."""
    origin = (f'<div class="origin">from memory ({_e(row.origin)})</div>'
              if row.origin else "")
    items = "".join(f"<li>{score:.0f}% ({_e(where)}): {_e(text)}</li>"
                    for score, text, where in row.suggestions)
    return origin + (f'<ul class="suggestions" title="translation memory: similar '
                     f'sources, never used without you">{items}</ul>' if items else "")


def _rows(page: ReviewPage, cell: Cell | None = None) -> str:
    h = page.header
    source_label = f"Source ({h.source_lang})"
    target_label = (f"Translation as written ({h.target_lang})" if page.edited_output is not None
                    else f"Translation ({h.target_lang})")
    parts = [f'<div class="colhead"><div></div><div>{_e(source_label)}</div>'
             f"<div>{_e(target_label)}</div></div>"]
    numbered: Iterable[tuple[int, ReviewRow]] = enumerate(page.rows, 1)
    for _, group in groupby(numbered, key=lambda item: item[1].paragraph):
        rows = "".join(_row(n, row, h, source_label, target_label, cell) for n, row in group)
        parts.append(f'<section class="para">{rows}</section>')
    return f"<main>{''.join(parts)}</main>"


def render_review(page: ReviewPage, cell: Cell | None = None, top: str = "") -> str:
    """The review page as one self-contained HTML document.

    Args:
        page: What the page shows.
        cell: Renders a row's translation cell (HTML) instead of its escaped text: the
            served page's editor (``translate serve``).
        top: HTML put before the header (the served page's notices).
    """
    flagged = any(r.flags for r in page.rows)
    toggle = ('<input type="checkbox" id="only-flagged">'
              '<label class="controls" for="only-flagged">Show only flagged segments</label>'
              if flagged else "")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
        f"<title>Review: {_e(page.header.input_name)}</title>"
        f"<style>{CSS}</style></head><body>"
        f"{top}{_header(page)}{_summary(page.summary)}{_edited(page)}{toggle}"
        f"{_rows(page, cell)}"
        "</body></html>\n")


