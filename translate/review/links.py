"""Link each summary sentence to the document sentences it came from.

Extractive summaries copy sentences, so their links are exact (same text, whitespace
aside). Abstractive summaries rewrite, so each sentence links to the sentence sharing
the most words with it (F1 of word overlap), a best lexical match and said to be so.
Both run in time linear in the text: candidate sentences come from a word index.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence

from translate.review.page import SummarySentence

_WORD = re.compile(r"\w+")
# Words this short are mostly function words: they say little about where a sentence
# came from and would make every sentence a candidate.
_MIN_WORD = 4


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.casefold()) if len(w) >= _MIN_WORD}


def exact_links(summary: Sequence[str], sentences: Sequence[str]) -> tuple[SummarySentence, ...]:
    """Links of an extractive summary: the sentences with the same text.

    A summary sentence that joins several document sentences links to each of them
    (found in order inside it); one found nowhere gets no link rather than a guess.
    """
    where: dict[str, list[int]] = defaultdict(list)
    for i, text in enumerate(sentences):
        where[_norm(text)].append(i)
    out = []
    for text in summary:
        key = _norm(text)
        if key in where:
            out.append(SummarySentence(text, (where[key][0],)))
            continue
        inside = tuple(i for i, s in enumerate(sentences) if _norm(s) and _norm(s) in key)
        out.append(SummarySentence(text, inside))
    return tuple(out)


def lexical_links(summary: Sequence[str],
                  sentences: Sequence[str]) -> tuple[SummarySentence, ...]:
    """Links of an abstractive summary: the sentence with the best word-overlap F1."""
    bags = [_words(s) for s in sentences]
    index: dict[str, list[int]] = defaultdict(list)
    for i, bag in enumerate(bags):
        for word in bag:
            index[word].append(i)
    out = []
    for text in summary:
        words = _words(text)
        shared = Counter(i for w in words for i in index.get(w, ()))
        best, best_f1 = -1, 0.0
        for i, common in sorted(shared.items()):
            f1 = 2 * common / (len(words) + len(bags[i]))
            if f1 > best_f1:
                best, best_f1 = i, f1
        out.append(SummarySentence(text, (best,) if best >= 0 else ()))
    return tuple(out)


def link_summary(summary: Sequence[str], sentences: Sequence[str],
                 exact: bool) -> tuple[SummarySentence, ...]:
    """Exact links for extractive methods, best lexical matches for abstractive ones."""
    return exact_links(summary, sentences) if exact else lexical_links(summary, sentences)
