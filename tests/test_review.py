"""Review pages as HTML text: escaping, structure, naming, summary links."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from tests.review_pages import HOSTILE_OUTPUT, HOSTILE_SOURCE, hostile_page
from translate.review.links import exact_links, lexical_links, link_summary
from translate.review.page import (
    ReviewRow,
    render_review,
    review_path,
)


class Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(page: str) -> Elements:
    parser = Elements()
    parser.feed(page)
    return parser


def classes(parsed: Elements, name: str) -> list[dict[str, str | None]]:
    return [a for _, a in parsed.tags if name in (a.get("class") or "").split()]


def test_document_text_is_escaped_everywhere() -> None:
    parsed = parse(render_review(hostile_page()))
    tags = {tag for tag, _ in parsed.tags}
    assert "script" not in tags and "img" not in tags and "b" not in tags
    text = "".join(parsed.text)
    assert HOSTILE_SOURCE in text and HOSTILE_OUTPUT in text
    assert not any("onerror" in attrs for _, attrs in parsed.tags)


def test_self_contained_no_network() -> None:
    page = render_review(hostile_page())
    parsed = parse(page)
    for tag, attrs in parsed.tags:
        for name in ("src", "href", "action"):
            assert attrs.get(name) is None or str(attrs[name]).startswith("#"), (tag, attrs)
    assert "<link" not in page and "@import" not in page and "url(" not in page
    csp = [a for t, a in parsed.tags if t == "meta" and a.get("http-equiv")]
    assert csp and "default-src 'none'" in str(csp[0]["content"])


def test_rows_paragraphs_flags_and_counts() -> None:
    page = hostile_page(segments=12)
    parsed = parse(render_review(page))
    assert len(classes(parsed, "seg")) == 12
    flagged = classes(parsed, "flagged")
    assert [a["id"] for a in flagged] == ["s1", "s6", "s11"]
    assert len(classes(parsed, "para")) == len({r.paragraph for r in page.rows}) == 3
    text = " ".join(parsed.text)
    assert "12 segments" in text and "3 flagged" in text and "1 retried" in text
    assert "still failing" in text and "score -0.91" in text
    assert "a number of the source is missing or altered" in text


def test_header_shows_model_revision_and_signature() -> None:
    page = hostile_page()
    parsed = parse(render_review(type(page)(page.header, page.rows, notes=("2 segments cut",))))
    assert "2 segments cut" in " ".join(parsed.text)
    assert {a.get("lang") for a in classes(parsed, "src")} == {"it"}
    assert {a.get("lang") for a in classes(parsed, "tgt")} == {"en"}
    text = " ".join(parse(render_review(hostile_page())).text)
    assert "0123456789abcdef0123456789abcdef01234567" in text
    assert "model:Helsinki-NLP/opus-mt-it-en|rev:01234567|beams:4" in text


def test_summary_on_top_links_to_rows() -> None:
    page = render_review(hostile_page())
    parsed = parse(page)
    summary_links = page[page.index('class="summary"'):page.index("</section>")]
    assert re.findall(r'href="(#s\d+)"', summary_links) == ["#s2"]
    assert page.index('class="summary"') < page.index("<main>")
    assert "exact source sentences" in " ".join(parsed.text)


def test_edited_output_is_shown_as_it_is_and_said_so() -> None:
    text = " ".join(parse(render_review(hostile_page(edited="My own <b>fixed</b> text"))).text)
    assert "Edited by hand:" in text and "My own <b>fixed</b> text" in text
    assert "Translation as written (en)" in text
    assert "Edited by hand" not in " ".join(parse(render_review(hostile_page())).text)


def test_no_flag_toggle_without_flags() -> None:
    page = hostile_page()
    clean = type(page)(page.header, tuple(ReviewRow(r.source, r.translation, r.paragraph)
                                          for r in page.rows))
    assert 'id="only-flagged"' not in render_review(clean)
    assert 'id="only-flagged"' in render_review(page)


def test_review_path_keeps_whole_name(tmp_path: Path) -> None:
    txt, md = review_path(tmp_path / "X.txt"), review_path(tmp_path / "X.md")
    assert txt != md and txt.name == "X.txt.review.html" and md.parent == tmp_path


SENTENCES = ["The mayor closed all schools in Genoa for two days.",
             "Up to 250 millimetres of rain could fall on the coast.",
             "Trains between Genoa and La Spezia were cancelled."]


def test_exact_links_for_extractive_summaries() -> None:
    links = exact_links(["Trains between  Genoa and La Spezia were cancelled.",
                         SENTENCES[0] + " " + SENTENCES[1], "Something else."], SENTENCES)
    assert [s.rows for s in links] == [(2,), (0, 1), ()]


def test_lexical_links_for_abstractive_summaries() -> None:
    links = lexical_links(["Heavy rain is expected along the coast.",
                           "Rail services to La Spezia stopped; trains cancelled.",
                           "Nothing in common."], SENTENCES)
    assert [s.rows for s in links] == [(1,), (2,), ()]
    assert link_summary(["Schools closed."], SENTENCES, exact=False)[0].rows == (0,)
    assert link_summary(["Schools closed."], SENTENCES, exact=True)[0].rows == ()

