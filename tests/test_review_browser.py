"""Review pages in a real browser: headless Chromium driven over the DevTools protocol."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cdp import Browser
from tests.review_pages import HOSTILE_OUTPUT, HOSTILE_SOURCE, hostile_page
from tests.system_tools import require_program
from translate.review.page import render_review

pytestmark = pytest.mark.slow
SEGMENTS = 14


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    chromium = require_program("chromium", "chromium")
    instance = Browser(chromium)
    try:
        yield instance
    finally:
        instance.close()


@pytest.fixture
def page_file(tmp_path: Path) -> Path:
    path = tmp_path / "notizie.txt.review.html"
    path.write_text(render_review(hostile_page(SEGMENTS)), encoding="utf-8")
    return path


def without_csp(path: Path) -> Path:
    """A copy without the Content Security Policy: escaping alone must keep scripts out."""
    text = path.read_text(encoding="utf-8")
    start = text.index('<meta http-equiv="Content-Security-Policy"')
    copy = path.with_name("no-csp-" + path.name)
    copy.write_text(text[:start] + text[text.index(">", start) + 1:], encoding="utf-8")
    return copy


def test_rows_and_flagged_class(browser: Browser, page_file: Path) -> None:
    browser.open(page_file, 1280, 900)
    assert browser.evaluate("document.querySelectorAll('main .seg').length") == SEGMENTS
    flagged = browser.evaluate("[...document.querySelectorAll('.seg.flagged')].map(e => e.id)")
    assert flagged == ["s1", "s6", "s11"]


def test_no_script_runs_from_document_content(browser: Browser, page_file: Path) -> None:
    for path in (page_file, without_csp(page_file)):
        browser.open(path, 1280, 900)
        assert browser.evaluate("document.title") == "Review: notizie <b>.txt"
        assert browser.evaluate("document.querySelectorAll('script, img, b').length") == 0
        text = browser.evaluate("document.body.innerText")
        assert HOSTILE_SOURCE in text and HOSTILE_OUTPUT in text


def test_no_horizontal_overflow_on_a_phone(browser: Browser, page_file: Path) -> None:
    browser.open(page_file, 390, 800)
    width = browser.evaluate("[document.documentElement.scrollWidth, "
                             "document.documentElement.clientWidth]")
    assert width[1] == 390 and width[0] <= width[1]
    # Stacked: the translation sits below its source, not beside it.
    src, tgt = browser.evaluate(
        "[...document.querySelectorAll('#s2 .src, #s2 .tgt')]"
        ".map(e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.bottom]; })")
    assert tgt[1] >= src[2] - 1


def test_two_columns_side_by_side_on_a_wide_screen(browser: Browser, page_file: Path) -> None:
    browser.open(page_file, 1280, 900)
    boxes = browser.evaluate(
        "[...document.querySelectorAll('#s2 .src, #s2 .tgt')]"
        ".map(e => { const r = e.getBoundingClientRect(); return [r.left, r.right, r.top]; })")
    (s_left, s_right, s_top), (t_left, t_right, t_top) = boxes
    assert s_right <= t_left and abs(s_top - t_top) < 1
    assert s_right - s_left > 400 and t_right - t_left > 400
    assert browser.evaluate("document.documentElement.scrollWidth") <= 1280


def test_only_flagged_toggle_works_without_script(browser: Browser, page_file: Path) -> None:
    browser.open(page_file, 1280, 900)
    visible = "[...document.querySelectorAll('main .seg')].filter(e => e.offsetParent).length"
    assert browser.evaluate(visible) == SEGMENTS
    browser.evaluate("document.querySelector('label[for=only-flagged]').click()")
    assert browser.evaluate(visible) == 3


def test_print_layout_hides_controls(browser: Browser, page_file: Path) -> None:
    browser.open(page_file, 1280, 900)
    browser.send("Emulation.setEmulatedMedia", media="print")
    assert browser.evaluate(
        "getComputedStyle(document.querySelector('label.controls')).display") == "none"
    assert browser.evaluate("document.querySelectorAll('main .seg').length") == SEGMENTS
