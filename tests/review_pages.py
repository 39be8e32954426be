"""Review pages for tests: hostile document text, flagged rows, a summary."""

from __future__ import annotations

from translate.review.page import (
    ReviewHeader,
    ReviewPage,
    ReviewRow,
    ReviewSummary,
    SummarySentence,
)

HOSTILE_SOURCE = "Titolo <script>document.title='pwned'</script> & \"virgolette\""
HOSTILE_OUTPUT = "Title <img src=x onerror=\"document.title='pwned'\"> & 'quotes'"
LONG_URL = "https://www.example.com/" + "a" * 120


def header(**changes: str) -> ReviewHeader:
    fields = {"input_name": "notizie <b>.txt", "output_name": "notizie <b>.en.txt",
              "source_lang": "it", "target_lang": "en", "model": "Helsinki-NLP/opus-mt-it-en",
              "revision": "0123456789abcdef0123456789abcdef01234567",
              "signature": "model:Helsinki-NLP/opus-mt-it-en|rev:01234567|beams:4|max_new:512"}
    fields.update(changes)
    return ReviewHeader(**fields)


def hostile_page(segments: int = 12, edited: str | None = None) -> ReviewPage:
    rows = [ReviewRow(HOSTILE_SOURCE, HOSTILE_OUTPUT, 0, ("wrong-lang",), -0.91, True)]
    for i in range(1, segments):
        flags = ("repeat", "numbers") if i % 5 == 0 else ()
        rows.append(ReviewRow(f"Frase numero {i} con un indirizzo {LONG_URL}",
                              f"Sentence number {i} with an address {LONG_URL}", i // 4, flags,
                              -0.2 - i / 100))
    summary = ReviewSummary((SummarySentence("Sentence number 1 <script>x</script>", (1,)),
                             SummarySentence("A sentence found nowhere.", ())),
                            "textrank", exact=True)
    return ReviewPage(header(), tuple(rows), summary, edited)
