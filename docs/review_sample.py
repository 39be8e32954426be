"""Make docs/review-sample.png: a review page of real machine translation of seeds/.

The English comes from Apertium (Italian -> Catalan -> English, rule-based, installed
from Debian), never from a test model: the picture must show what a reader would see.
Needs apertium and chromium. Run from the repository root:

    .venv/bin/python docs/review_sample.py
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.cdp import Browser  # noqa: E402
from translate.quality.checks import check_segment  # noqa: E402
from translate.review.links import exact_links  # noqa: E402
from translate.review.page import (  # noqa: E402
    ReviewHeader,
    ReviewPage,
    ReviewRow,
    ReviewSummary,
    readable_signature,
    render_review,
)
from translate.text.segment import segment  # noqa: E402
from translate.text.extractive import textrank  # noqa: E402

APERTIUM = "apertium -u ita-cat | apertium -u cat-eng"


def apertium(sentences: list[str]) -> list[str]:
    """Apertium's English for each sentence (blank lines keep them apart)."""
    run = subprocess.run(APERTIUM, shell=True, check=True, capture_output=True, text=True,
                         input="\n\n".join(sentences) + "\n")
    outputs = [part.strip() for part in run.stdout.strip().split("\n\n")]
    if len(outputs) != len(sentences):
        raise SystemExit("apertium merged or split sentences")
    return outputs


def main() -> None:
    """Translate the first seed, render its review page and screenshot it."""
    source_path = sorted((ROOT / "seeds").glob("*.txt"))[0]
    doc = segment(source_path.read_text(encoding="utf-8"), "it")
    outputs = apertium(list(doc.segments))
    rows = tuple(ReviewRow(src, out, para, check_segment(src, out, source_lang="it",
                                                         target_lang="en"))
                 for src, out, para in zip(doc.segments, outputs, doc.paragraphs, strict=True))
    chosen = textrank("\n".join(outputs), max_words=60)
    summary_sentences = [o for o in outputs if o in chosen]
    summary = ReviewSummary(exact_links(summary_sentences, outputs),
                            "textrank (extractive), 60 words", exact=True)
    header = ReviewHeader(
        input_name=source_path.name, output_name=source_path.stem + ".en.txt",
        source_lang="it", target_lang="en", model=f"Apertium ({APERTIUM})",
        revision=subprocess.run(["dpkg-query", "-W", "-f", "${Version}", "apertium-cat-ita"],
                                capture_output=True, text=True).stdout or "unknown",
        signature=readable_signature({"engine": "apertium", "pair": "ita-cat-eng",
                                      "unknown": "dropped", "seg": "2"}))
    page = render_review(ReviewPage(header, rows, summary))
    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("chromium is not installed")
    with tempfile.TemporaryDirectory() as tmp:
        html = Path(tmp) / "sample.review.html"
        html.write_text(page, encoding="utf-8")
        browser = Browser(chromium)
        try:
            browser.open(html, 1280, 1100)
            png = browser.screenshot()
        finally:
            browser.close()
    (ROOT / "docs" / "review-sample.png").write_bytes(png)
    flagged = sum(bool(r.flags) for r in rows)
    print(f"{len(rows)} segments, {flagged} flagged -> docs/review-sample.png")


if __name__ == "__main__":
    main()
