"""A PDF's text layer as paragraphs in reading order (pdfminer.six's layout analysis).

pdfminer groups characters into lines and lines into text boxes. Boxes are put in
reading order by columns: on each page, going down, the boxes of a band between two
full-width boxes are read left column first, then right. Lines are joined into
paragraphs, a word cut by a hyphen at a line's end joined again; a paragraph that
goes on in the next column (it ends without punctuation, the next starts in lower
case) is joined too. Boxes in the top or bottom margin whose text (digits aside)
repeats on most pages are running headers and footers: removed, and counted.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from translate.errors import InputError
from translate.formats.base import need

MAX_PAGES = 1000
_MARGIN = 0.1  # the top and bottom tenth of a page: where running headers live
_OCR = ("ocrmypdf --language ita {name} {name}.ocr.pdf (then translate the .ocr.pdf), or "
        "run again with --ocr")
_HYPHEN = re.compile(r"(?<=[^\W\d_])[-\u00ad]$")
_DIGITS = re.compile(r"\d+")


@dataclass
class Page:
    """One page's paragraphs in reading order."""

    paragraphs: list[str] = field(default_factory=list)


@dataclass
class Layer:
    """The text layer: pages, and how many running header or footer lines were removed."""

    pages: list[Page]
    running: int = 0
    empty_pages: int = 0


@dataclass(frozen=True)
class _Box:
    x0: float
    y0: float
    x1: float
    y1: float
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.lines)


def ocr_hint(where: str) -> str:
    """The command that adds a text layer to ``where``."""
    return _OCR.format(name=where.rsplit("/", 1)[-1])


def _document(data: bytes, where: str) -> Any:
    need("pdfminer", "pdf")
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1

    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise InputError(f"{where}: not a PDF (no %PDF header)",
                         "check the file; save it again as PDF")
    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)))
        count = int(resolve1(resolve1(document.catalog.get("Pages")).get("Count", 0)) or 0)
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise InputError(f"{where}: encrypted: it needs a password to be read",
                         "save a copy without a password (qpdf --decrypt --password=... "
                         "in.pdf out.pdf) and translate that") from exc
    except Exception as exc:  # pdfminer raises many types on damaged files
        raise InputError(f"{where}: not a readable PDF ({type(exc).__name__})",
                         "open and save it again as PDF") from exc
    if count > MAX_PAGES:
        raise InputError(f"{where}: {count:,} pages, more than {MAX_PAGES:,}; not read",
                         "split it (qpdf --split-pages=500 in.pdf part.pdf) and translate "
                         "the parts")
    return document


def _boxes(page: Any, depth: int = 0) -> list[_Box]:
    """The text boxes of a page, and of the forms it draws (OCR puts its text in one)."""
    from pdfminer.layout import LTFigure, LTTextBox, LTTextLine

    found: list[_Box] = []
    for item in page:
        if isinstance(item, LTFigure):
            found += _boxes(item, depth + 1) if depth < 16 else []
            continue
        if not isinstance(item, LTTextBox):
            continue
        lines = tuple(line.get_text().strip() for line in item
                      if isinstance(line, LTTextLine) and line.get_text().strip())
        if lines:
            found.append(_Box(item.x0, item.y0, item.x1, item.y1, lines))
    return found


def _order(boxes: list[_Box], width: float) -> list[_Box]:
    """Boxes in reading order: by bands between full-width boxes, left column first."""
    middle, slack = width / 2, width * 0.02
    ordered: list[_Box] = []
    left: list[_Box] = []
    right: list[_Box] = []
    for box in sorted(boxes, key=lambda b: (-b.y1, b.x0)):
        if box.x1 <= middle + slack:
            left.append(box)
        elif box.x0 >= middle - slack:
            right.append(box)
        else:  # across the middle: ends the band
            ordered += left + right + [box]
            left, right = [], []
    return ordered + left + right


def _join(lines: list[str]) -> str:
    text = ""
    for line in lines:
        if not text:
            text = line
        elif _HYPHEN.search(text) and line[:1].islower():
            text = text[:-1] + line  # "effi-" + "cienza"
        else:
            text += " " + line
    return re.sub(r"\s+", " ", text).strip()


def _paragraphs(boxes: list[_Box]) -> list[str]:
    paragraphs: list[list[str]] = []
    for box in boxes:
        last = paragraphs[-1][-1] if paragraphs else ""
        if last and not re.search(r"[.!?:;»\")\]]$", last) and box.lines[0][:1].islower():
            paragraphs[-1] += box.lines  # goes on in the next column
        else:
            paragraphs.append(list(box.lines))
    return [_join(p) for p in paragraphs]


def _running(pages: list[tuple[list[_Box], float]]) -> set[str]:
    """The margin texts (digits as ``#``) repeated on most pages: headers and footers."""
    seen: Counter[str] = Counter()
    for boxes, height in pages:
        keys = {_DIGITS.sub("#", b.text) for b in boxes
                if b.y0 >= height * (1 - _MARGIN) or b.y1 <= height * _MARGIN}
        seen.update(keys)
    needed = max(2, (len(pages) + 1) // 2)
    return {key for key, n in seen.items() if n >= needed}


def read_layer(data: bytes, where: str) -> Layer:
    """The PDF's text layer, paragraphs in reading order, running lines removed.

    Raises:
        InputError: not a PDF, damaged, encrypted, or too many pages.
        UsageError: pdfminer.six is not installed (the ``pdf`` extra).
    """
    _document(data, where)
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams

    raw: list[tuple[list[_Box], float, float]] = []
    try:
        # all_texts: text drawn inside forms (an OCR layer, a stamp) is text a reader sees
        params = LAParams(all_texts=True)
        for page in extract_pages(io.BytesIO(data), laparams=params, maxpages=MAX_PAGES):
            raw.append((_boxes(page), page.width, page.height))
    except Exception as exc:  # pdfminer raises many types on damaged files
        raise InputError(f"{where}: not a readable PDF ({type(exc).__name__})",
                         "open and save it again as PDF") from exc
    running = _running([(boxes, height) for boxes, _, height in raw])
    layer = Layer([])
    for boxes, width, height in raw:
        kept = []
        for box in boxes:
            margin = box.y0 >= height * (1 - _MARGIN) or box.y1 <= height * _MARGIN
            if margin and _DIGITS.sub("#", box.text) in running:
                layer.running += 1
            else:
                kept.append(box)
        layer.empty_pages += not boxes
        layer.pages.append(Page(_paragraphs(_order(kept, width))))
    return layer


def garbage(text: str) -> str | None:
    """Why a text layer is not real text (unmapped glyphs, few letters), or ``None``."""
    letters = sum(ch.isalpha() for ch in text)
    visible = sum(not ch.isspace() for ch in text) or 1
    unmapped = text.count("(cid:") * 6 + sum(
        ch == "\ufffd" or "\ue000" <= ch <= "\uf8ff" for ch in text)
    if unmapped > visible * 0.2:
        return "its fonts have no character map (glyph numbers instead of letters)"
    if letters < visible * 0.4:
        return f"only {100 * letters // visible}% of its characters are letters"
    return None
