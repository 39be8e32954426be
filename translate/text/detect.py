"""Offline language identification (py3langid ships its own model).

Documents get one language; paragraphs get their own only when they are long and
clear enough. Short or ambiguous fragments (numbers, names, one-word lines, all-caps
headings) inherit the document's language instead of being mis-detected. URLs, e-mail
addresses and numbers are masked first: their letters (``wykop.pl/zwyk``) say nothing
about the language of the text around them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

# Languages the identifier chooses among by default: the opus-mt languages a user is
# most likely to have, which also keeps short texts from being called e.g. Latin.
DEFAULT_LANGUAGES = ("it", "en", "de", "fr", "es", "pt", "nl", "ru", "pl", "sv", "da", "ro",
                     "cs", "fi", "hu", "el", "tr", "uk", "ar", "zh", "ja", "ko")
MIN_LETTERS = 25
MIN_WORDS = 4
# Paragraphs detected below this keep the document's language.
MIN_CONFIDENCE = 0.9
# Documents detected below this take the language of their confident paragraphs; with
# none, the language is unknown (the pipeline then asks for --from).
DOCUMENT_MIN_CONFIDENCE = 0.5
UNDETERMINED = "und"  # BCP 47's code for a language that cannot be told
_MASK = re.compile(
    r"(?:\b(?:https?|ftp)://|\bwww\.)\S+"          # URLs
    r"|(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"    # e-mails (tried once per word: linear)
    r"|\d+(?:[.,:/-]\d+)*")                         # numbers, dates, times


@dataclass(frozen=True)
class Detection:
    """A detected language and the identifier's confidence (0..1).

    ``language`` is ``und`` (BCP 47: undetermined) with confidence 0 for a text without
    a letter to go by (empty, numbers, URLs only).
    """

    language: str
    confidence: float

    @property
    def known(self) -> bool:
        """Whether the language is known for sure (``DOCUMENT_MIN_CONFIDENCE`` or more)."""
        return self.language != UNDETERMINED and self.confidence >= DOCUMENT_MIN_CONFIDENCE


@functools.lru_cache(maxsize=4)
def _identifier(languages: tuple[str, ...]) -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ident.set_languages(list(languages))
    return ident


def mask(text: str) -> str:
    """``text`` with URLs, e-mail addresses and numbers replaced by spaces."""
    return _MASK.sub(" ", text)


def detect(text: str, languages: Iterable[str] = DEFAULT_LANGUAGES) -> Detection:
    """The language of ``text`` among ``languages`` (URLs, e-mails, numbers masked)."""
    lang, confidence = _identifier(tuple(sorted(set(languages)))).classify(mask(text))
    return Detection(str(lang), round(float(confidence), 4))


def probability(text: str, language: str, languages: Iterable[str] = DEFAULT_LANGUAGES,
                ) -> float:
    """The identifier's probability (0..1) that ``text`` is in ``language``.

    ``language`` is added to ``languages``; the probabilities over them sum to 1.
    """
    ranked = _identifier(tuple(sorted({*languages, language}))).rank(mask(text))
    return float(dict(ranked)[language])


def is_ambiguous(text: str) -> bool:
    """Too short, or shaped like a name or heading, to trust a detection on its own.

    Counted after masking, so a line of links with one word in front is ambiguous.
    """
    text = mask(text)
    letters = sum(ch.isalpha() for ch in text)
    words = len(text.split())
    return letters < MIN_LETTERS or words < MIN_WORDS or text.isupper()


def detect_paragraphs(paragraphs: Sequence[str], document: str,
                      languages: Iterable[str] = DEFAULT_LANGUAGES) -> list[Detection]:
    """A language for each paragraph; ambiguous or unclear ones inherit ``document``."""
    langs = tuple(languages)
    out = []
    for text in paragraphs:
        if is_ambiguous(text):
            out.append(Detection(document, 0.0))
            continue
        found = detect(text, langs)
        out.append(found if found.confidence >= MIN_CONFIDENCE else Detection(document, 0.0))
    return out


def document_language(text: str, languages: Iterable[str] = DEFAULT_LANGUAGES) -> Detection:
    """The language of a whole document.

    The whole text's detection when it reaches ``DOCUMENT_MIN_CONFIDENCE``; else the
    language holding most letters among the paragraphs detected with ``MIN_CONFIDENCE``
    (a document split evenly between two languages); else the whole text's best guess,
    still below the floor, which callers must treat as unknown.
    """
    if not any(c.isalpha() for c in mask(text)):
        return Detection(UNDETERMINED, 0.0)  # nothing to tell a language by
    langs = tuple(languages)
    whole = detect(text, langs)
    if whole.confidence >= DOCUMENT_MIN_CONFIDENCE:
        return whole
    letters: dict[str, int] = {}
    best: dict[str, float] = {}
    for para in _paragraphs(text):
        if is_ambiguous(para):
            continue
        found = detect(para, langs)
        if found.confidence >= MIN_CONFIDENCE:
            letters[found.language] = letters.get(found.language, 0) + len(para)
            best[found.language] = max(best.get(found.language, 0.0), found.confidence)
    if not letters:
        return whole
    language = max(letters, key=lambda lang: letters[lang])
    return Detection(language, best[language])


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def detect_document(text: str, by_paragraph: bool = False,
                    languages: Iterable[str] = DEFAULT_LANGUAGES,
                    ) -> list[tuple[int | None, Detection]]:
    """The document's language, or each non-empty paragraph's (numbered from 1).

    Returns:
        ``[(None, detection)]`` for the document, or ``[(line_number, detection), ...]``.
    """
    langs = tuple(languages)
    document = document_language(text, langs) if text.strip() else Detection("und", 0.0)
    if not by_paragraph:
        return [(None, document)]
    numbered = [(n, line.strip()) for n, line in enumerate(text.splitlines(), 1)
                if line.strip()]
    found = detect_paragraphs([line for _, line in numbered], document.language, langs)
    return [(n, d) for (n, _), d in zip(numbered, found, strict=True)]
