"""Decoding file bytes into text: what is certain is used, what is doubtful is an error.

Order: a byte-order mark; else strict UTF-8; else, when most non-ASCII bytes already
form valid UTF-8, "UTF-8 with errors" (an error naming the bad offsets: decoding such a
file as Windows-1252 would write ``cafÃ©``); else a legacy 8-bit encoding.

Legacy encodings are guessed by charset-normalizer, which alone is not trusted: it reads
Italian Windows-1252 as Windows-1250 (``caffč``) because both decode without chaos.
Every candidate it names (plus the common Windows code pages) is decoded and checked
against two alphabets: the language the candidate text reads as, and the language of
the ASCII letters alone (the same in every candidate, so it cannot be fooled by the
reading; used when it leans clearly to one language). Letters an alphabet lacks (``č``
in Italian, ``ð`` in Russian), words mixing Latin with another script (``Perchй``) and
case flipping inside a word count against a candidate. One candidate text must be
clearly the most plausible; otherwise the file is an error that names the best guesses
and ``--encoding`` (which forces one).
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from translate.errors import InputError, UsageError

BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Characters that never occur in real text files; a few are a sign of binary data.
_CONTROL = {c for c in range(32) if c not in (9, 10, 12, 13)} | {127}
# Always tried besides the detector's candidates: the code pages most legacy files use.
_COMMON = ("cp1252", "cp1251", "cp1250")
_MAX_CANDIDATES = 10
# A winner may hold this share of its non-ASCII characters (or this many) outside its
# alphabet: a foreign name quoted in the text ("Müller" in Italian).
_MAX_ODD_SHARE = 0.05
_MIN_ODD_ALLOWED = 2
# The ASCII letters' language is used from this confidence: "Perch cos" is 0.33 Italian.
_SKELETON_MIN_CONFIDENCE = 0.25
# Candidates are scored on the start of the text: bounded work whatever the file size
# (every candidate still has to decode the whole file).
_SCORED_CHARS = 50_000
_SHOWN_OFFSETS = 5
_DROP_ASCII = dict.fromkeys(range(128))
_CYRILLIC_RU = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
# Non-ASCII letters each language writes (upper case added below); ASCII is always fine.
_ALPHABETS = {
    "it": "àèéìíîòóùú", "fr": "àâæçéèêëîïôœùûüÿ", "de": "äöüß", "es": "áéíñóúü",
    "pt": "áâãàçéêíóôõúü", "nl": "áéíóúàèëïöü", "en": "éèëïçñ", "sv": "åäöé",
    "da": "æøåé", "fi": "äöåšž", "pl": "ąćęłńóśźż", "cs": "áčďéěíňóřšťúůýž",
    "hu": "áéíóöőúüű", "ro": "ăâîșțşţ", "tr": "çğıöşüâîû",
    "ru": _CYRILLIC_RU, "uk": _CYRILLIC_RU.replace("ё", "").replace("ъ", "").replace(
        "ы", "").replace("э", "") + "ґєії",
    "el": "αβγδεζηθικλμνξοπρστυφχψωάέήίόύώϊϋΐΰς",
}
# Scripts written with far more characters than a table can hold: checked by name.
_SCRIPTS = {"zh": ("CJK",), "ja": ("CJK", "HIRAGANA", "KATAKANA"), "ko": ("HANGUL", "CJK"),
            "ar": ("ARABIC",)}
# Punctuation and symbols ordinary text uses beyond ASCII.
_COMMON_SYMBOLS = set("’‘“”„‚«»‹›–—―…€£¥¢°§©®™•·×÷±¹²³½¼¾ªº¡¿µ№\u00a0\u00ad\u2009\u202f"
                      "\u200b\ufeff")


@dataclass(frozen=True)
class Decoded:
    """Decoded text, the encoding it was read with, and the byte-order mark it had."""

    text: str
    encoding: str
    bom: bytes = b""


@dataclass(frozen=True)
class _Candidate:
    encoding: str
    text: str
    language: str
    odd: int


def check_encoding(name: str) -> str:
    """The codec name Python uses for ``name`` (``latin-1`` -> ``iso8859-1``).

    Raises:
        UsageError: ``name`` is not a text encoding Python knows.
    """
    try:
        info = codecs.lookup(name)
    except LookupError:
        info = None
    if info is None or not getattr(info, "_is_text_encoding", True):
        raise UsageError(f"unknown encoding '{name}'",
                         "use a Python codec name such as utf-8, cp1252, cp1251, latin-1 or "
                         "koi8-r; all are listed in the 'Standard Encodings' table of the "
                         "Python docs (docs.python.org/3/library/codecs.html)")
    return info.name


def decode(data: bytes, where: str = "<input>", encoding: str | None = None) -> Decoded:
    """Decode file contents, or fail naming the file and why.

    Args:
        data: The file's bytes.
        where: The file's name, for messages.
        encoding: Force this codec (``--encoding``): no detection, strict decoding.

    Raises:
        InputError: binary data, invalid bytes, UTF-8 with errors, or a doubtful guess.
        UsageError: ``encoding`` is not a known codec.
    """
    if encoding is not None:
        return _forced(data, where, check_encoding(encoding))
    for bom, name in BOMS:
        if data.startswith(bom):
            return _strict(data[len(bom):], where, name, bom,
                           f"starts with a {name} byte-order mark but is not valid {name}")
    sample = data[:65536]
    controls = sum(1 for b in sample if b in _CONTROL)
    if b"\x00" in sample or controls > max(2, len(sample) // 1000):
        raise InputError(f"{where}: looks like a binary file, not text",
                         "pass only text files, or narrow the selection with --glob '*.txt'")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    _reject_broken_utf8(data, where)
    return _legacy(data, where)


def _forced(data: bytes, where: str, name: str) -> Decoded:
    for bom, bom_name in BOMS:
        if data.startswith(bom) and codecs.lookup(bom_name).name == name:
            return _strict(data[len(bom):], where, name, bom, f"is not valid {name}")
    return _strict(data, where, name, b"", f"is not valid {name}")


def _strict(data: bytes, where: str, name: str, bom: bytes, what: str) -> Decoded:
    try:
        return Decoded(data.decode(name), name, bom)
    except UnicodeDecodeError as exc:
        raise InputError(f"{where}: {what} ({exc.reason} at byte {exc.start + len(bom)})",
                         "pass the right --encoding, or convert the file to UTF-8 with "
                         "iconv -f ENCODING -t UTF-8") from exc


def _reject_broken_utf8(data: bytes, where: str) -> None:
    """Raise when ``data`` is UTF-8 with a few bad bytes rather than a legacy encoding."""
    text = data.decode("utf-8", "replace")  # one U+FFFD per invalid sequence
    replaced = text.count("\ufffd")
    bad = replaced - data.count("\ufffd".encode())
    valid = len(text) - len(text.encode("ascii", "ignore")) - replaced
    if valid <= bad:
        return  # more stray bytes than UTF-8 characters: a legacy encoding
    offsets: list[int] = []
    view = memoryview(data)
    while len(offsets) < _SHOWN_OFFSETS:
        start = offsets[-1] + 1 if offsets else 0
        try:
            codecs.utf_8_decode(view[start:], "strict", True)
            break
        except UnicodeDecodeError as exc:
            offsets.append(start + exc.start)
    shown = ", ".join(map(str, offsets))
    more = f" and {bad - len(offsets)} more" if bad > len(offsets) else ""
    raise InputError(
        f"{where}: UTF-8 with errors: {bad} invalid sequence(s) at byte offset(s) "
        f"{shown}{more}",
        "fix or remove those bytes (the rest of the file is UTF-8), or force a reading "
        "with --encoding NAME")


def _legacy(data: bytes, where: str) -> Decoded:
    ranked = sorted(_candidates(data), key=lambda c: c.odd)  # distinct texts
    if ranked:
        best = ranked[0]
        non_ascii = len(best.text[:_SCORED_CHARS].translate(_DROP_ASCII))
        allowed = 2 * max(_MIN_ODD_ALLOWED, _MAX_ODD_SHARE * non_ascii)  # two alphabets
        clear = len(ranked) == 1 or ranked[1].odd > best.odd
        if clear and best.odd <= allowed:
            return Decoded(best.text, best.encoding)
    guesses = ", ".join(f"{c.encoding} (reads as '{c.language}', {c.odd} unlikely "
                        f"character(s))" for c in ranked[:3]) or "none"
    raise InputError(f"{where}: not UTF-8, and the encoding is doubtful; best guesses: "
                     f"{guesses}",
                     "force one with --encoding NAME (e.g. --encoding cp1252), or convert "
                     "the file to UTF-8 with iconv -f ENCODING -t UTF-8")


def _candidates(data: bytes) -> list[_Candidate]:
    """Each plausible codec's decoding, its language and its count of unlikely characters."""
    from charset_normalizer import from_bytes

    from translate.text.detect import detect

    names = [match.encoding for match in from_bytes(data)][:_MAX_CANDIDATES]
    skeleton = detect(data[:20000].decode("ascii", "ignore"))
    hint = skeleton.language if skeleton.confidence >= _SKELETON_MIN_CONFIDENCE else None
    seen: set[str] = set()
    out: dict[str, _Candidate] = {}
    # The common code pages first: when several codecs give the same text, the first
    # (best known) name is the one reported.
    for name in (*_COMMON, *names):
        codec = codecs.lookup(name).name
        if codec in seen:
            continue
        seen.add(codec)
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if text not in out:
            sample = text[:_SCORED_CHARS]
            language = detect(sample[:20000]).language
            odd = (_odd_characters(sample, language) + _odd_shapes(sample)
                   + _odd_characters(sample, hint or language))
            out[text] = _Candidate(codec, text, language, odd)
    return list(out.values())


def _odd_characters(text: str, language: str) -> int:
    """Count the non-ASCII characters ``language`` does not write.

    Letters of other alphabets, control characters, combining marks, rare symbols.
    """
    alphabet = _ALPHABETS.get(language, "")
    allowed = set(alphabet) | set(alphabet.upper())
    scripts = _SCRIPTS.get(language, ())
    odd = 0
    counts = Counter(text.translate(_DROP_ASCII))
    for ch, count in counts.items():
        if ch in allowed or ch in _COMMON_SYMBOLS:
            continue
        if scripts and unicodedata.name(ch, "").startswith(scripts):
            continue
        odd += count
    return odd


def _odd_shapes(text: str) -> int:
    """Letter pairs real text rarely has, whatever its language.

    A lower-case letter before a non-ASCII capital (``рТБЧЙФЕМШ``: KOI8-R read as
    Windows-1251 stays in the alphabet, not in the right case), and an ASCII letter next
    to a letter of another script (``Perchй``: Italian read as Windows-1251).
    """
    letters = {ch for ch in text.translate(_DROP_ASCII) if ch.isalpha()}
    upper = re.escape("".join(ch for ch in letters if ch.isupper()))
    lower = re.escape("".join(ch for ch in letters if ch.islower()))
    other = re.escape("".join(ch for ch in letters
                              if not unicodedata.name(ch, "").startswith("LATIN")))
    patterns = [f"[a-z{lower}][{upper}]"] if upper else []
    if other:
        patterns.append(f"[a-zA-Z][{other}]|[{other}][a-zA-Z]")
    return sum(len(re.findall(p, text)) for p in patterns)
