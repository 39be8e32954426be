"""What a translation must carry over unchanged: numbers, dates, URLs, e-mails, placeholders.

Each extractor returns comparable keys, so a check is a multiset difference: a key of the
source missing from the output means the item was dropped or altered. Keys are
normalised across languages: ``10.000`` (Italian) and ``10,000`` (English) are both
``10000``, ``6 novembre 2024`` and ``November 6, 2024`` are both the date 6/11/2024.
Every pattern is tried once per position, so extraction is linear in the text.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

_URL = re.compile(r"(?:\b(?:https?|ftp)://|\bwww\.)[^\s<>\"]+")
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_TRAILING = ".,;:!?)]}\"'»”’"
# Digits joined by decimal or grouping marks form one number; a plain space does not
# (``3 4`` is two numbers), but the no-break spaces used for grouping do.
_NUMBER = re.compile(r"\d+(?:[.,'\u00a0\u202f]\d+)*")
# "6 pm" is how English writes the 18 of a 24-hour clock.
_PM = re.compile(r"\b(\d{1,2})(?:[:.]\d{2})?\s*p\.?\s?m\b", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"\{\w{0,30}\}|%(?:\d+\$)?[sdif]|\$\{\w{1,30}\}")

_MONTHS = {
    "it": "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre "
          "novembre dicembre",
    "en": "january february march april may june july august september october november "
          "december",
    "de": "januar februar märz april mai juni juli august september oktober november "
          "dezember",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre "
          "décembre",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre "
          "diciembre",
    "pt": "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro "
          "dezembro",
    "nl": "januari februari maart april mei juni juli augustus september oktober november "
          "december",
    "ru": "января февраля марта апреля мая июня июля августа сентября октября ноября "
          "декабря",
}
_EXTRA_MONTHS = {"jänner": 1, "setiembre": 9, "jan": 1, "feb": 2, "mar": 3, "apr": 4,
                 "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11,
                 "dec": 12}
MONTHS: dict[str, int] = {name: n for names in _MONTHS.values()
                          for n, name in enumerate(names.split(), 1)} | _EXTRA_MONTHS
_MONTH = "(?:" + "|".join(sorted(map(re.escape, MONTHS), key=len, reverse=True)) + r")\b"
_DATE = re.compile(
    # 6 novembre 2024, 6. November 2024, 1er mai, 5 de mayo de 2024, 16th of October
    rf"\b(?P<d1>\d{{1,2}})(?:\.|º|°|er|st|nd|rd|th)?\s+(?:de\s+|of\s+)?(?P<m1>{_MONTH})"
    r"(?:\.?,?\s+(?:de\s+)?(?P<y1>\d{4}))?"
    # November 6, 2024 / November 6th 2024
    rf"|\b(?P<m2>{_MONTH})\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\b"
    r"(?:,?\s+(?P<y2>\d{4}))?"
    # 2024-11-06
    r"|\b(?P<y3>\d{4})-(?P<m3>\d{1,2})-(?P<d3>\d{1,2})\b"
    # 06/11/2024, 6.11.24 (day first, or month first in English)
    r"|\b(?P<a4>\d{1,2})(?P<sep>[./-])(?P<b4>\d{1,2})(?P=sep)(?P<y4>\d{4}|\d{2})\b",
    re.IGNORECASE)


@dataclass(frozen=True)
class Date:
    """A calendar date as written: the year may be absent or given with two digits."""

    day: int
    month: int
    year: int | None

    def same(self, other: Date) -> bool:
        """Whether ``other`` names this date (a two-digit year matches its century)."""
        if (self.day, self.month) != (other.day, other.month):
            return False
        if self.year is None or other.year is None:
            return self.year is None
        return self.year % 100 == other.year % 100 if min(self.year, other.year) < 100 \
            else self.year == other.year


def urls(text: str) -> Counter[str]:
    """The URLs in ``text``, without trailing punctuation."""
    return Counter(m.group().rstrip(_TRAILING) for m in _URL.finditer(text))


def emails(text: str) -> Counter[str]:
    """The e-mail addresses in ``text``, lower-cased (their case carries no meaning)."""
    return Counter(m.group().rstrip(_TRAILING).lower() for m in _EMAIL.finditer(text))


def placeholders(text: str) -> Counter[str]:
    """Format placeholders (``{name}``, ``%s``, ``%1$d``, ``${var}``) in ``text``."""
    return Counter(m.group() for m in _PLACEHOLDER.finditer(text))


def _mask(pattern: re.Pattern[str], text: str) -> str:
    # Same length, so spans found afterwards still index the original text.
    return pattern.sub(lambda m: " " * len(m.group()), text)


def without_links(text: str) -> str:
    """``text`` with URLs and e-mail addresses blanked (their digits are not numbers)."""
    return _mask(_EMAIL, _mask(_URL, text))


def _readings(match: re.Match[str], month_first: bool) -> list[Date]:
    """The dates a match can mean (a numeric date may be day- or month-first)."""
    g = match.groupdict()
    if g["m1"] or g["m2"]:
        day, month, year = ((g["d1"], g["m1"], g["y1"]) if g["m1"]
                            else (g["d2"], g["m2"], g["y2"]))
        return [Date(int(day), MONTHS[month.lower()], int(year) if year else None)]
    if g["y3"]:
        pairs = [(int(g["d3"]), int(g["m3"]))]
        year = int(g["y3"])
    else:
        a, b = int(g["a4"]), int(g["b4"])
        pairs = [(a, b), (b, a)] if month_first else [(a, b)]
        year = int(g["y4"])
    return [Date(d, m, year) for d, m in pairs if 1 <= d <= 31 and 1 <= m <= 12]


def dates(text: str, language: str) -> tuple[list[list[Date]], str]:
    """The dates in ``text`` and the text with them blanked.

    Args:
        text: The text to search (URLs and e-mails already blanked).
        language: Its language: numeric dates read month-first too in English.

    Returns:
        One list of possible readings per date found, and ``text`` with each date
        replaced by spaces (so its digits are not counted again as numbers).
    """
    found: list[list[Date]] = []
    for match in _DATE.finditer(text):
        readings = _readings(match, month_first=language == "en")
        if readings:
            found.append(readings)
    return found, _DATE.sub(lambda m: " " * len(m.group()), text)


def numbers(text: str) -> Counter[str]:
    """The numbers in ``text`` as digit strings: marks and leading zeros removed.

    ``3,5`` and ``3.5`` are both ``35``: decimal and grouping marks swap between
    languages, and what matters here is that no digit was lost or changed. An hour
    written ``6 pm`` also counts as ``18``, as a 24-hour source writes it.
    """
    keys = Counter(re.sub(r"\D", "", m.group()).lstrip("0") or "0"
                   for m in _NUMBER.finditer(text))
    keys.update(str(int(m.group(1)) + 12) for m in _PM.finditer(text)
                if 1 <= int(m.group(1)) <= 11)
    return keys


def missing_dates(source: list[list[Date]], output: list[list[Date]]) -> int:
    """How many source dates have no reading matched by any date of the output."""
    readings = [d for found in output for d in found]
    return sum(not any(s.same(o) for s in found for o in readings) for found in source)
