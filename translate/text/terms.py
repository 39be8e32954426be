"""Glossaries, kept spans and names: what must come out of a translation as the user says.

A glossary is a TSV (or, named ``*.csv``, a CSV) file of ``source<TAB>target`` lines
with an optional third column of flags: ``case`` (match the source's case exactly) and
``keep`` (never translate: the target is the source). ``#`` starts a comment line; a
first line ``source<TAB>target[<TAB>flags]`` is a header. Several glossaries may be
given; a later one wins per term, and every term knows the file and line it came from.

Matching (``Matcher``) is on word boundaries, case-insensitive unless ``case``. An
apostrophe is a boundary, so ``agenzia`` matches inside ``l'agenzia`` and
``dell'agenzia``. The only inflections matched are plurals with a simple rule, for
each word of a term written in lower case and of at least three letters:

- Italian (``it``): ``-o`` -> ``-i``, ``-a`` -> ``-e``, ``-e`` -> ``-i``, ``-co`` ->
  ``-chi``/``-ci``, ``-go`` -> ``-ghi``, ``-ca`` -> ``-che``, ``-ga`` -> ``-ghe``,
  ``-io`` -> ``-i`` (so ``capo della NATO`` also matches ``capi delle NATO``);
- Spanish (``es``): ``+s`` after a vowel, ``-z`` -> ``-ces``, ``-ón``/``-án``/``-ín``
  -> ``-ones``/``-anes``/``-ines``, ``+es`` after another consonant.

Nothing else is: no singular of a plural term, no verb forms, no other language's
plurals, no term across a change of formatting (``capo della **NATO**``).

Names (``find_names``) follow one rule, documented in the README: a run of two or more
capitalised words (``Kim Jong Un``, ``Kim Yong-Hyun``) where a first word that is only
capitalised because it starts the sentence and is a common function word (``Il``,
``La``, ``Questo``) does not count, nor does a run that starts with a place word
(``Stati Uniti``, ``Mar Nero``: ``PLACE_HEADS``); an all-caps acronym (``KCNA``, ``NATO``; not in a
segment that is mostly capitals); a word with an inner capital or a digit (``iPhone``,
``G7``, ``Su-57``). A single capitalised word is not a name here: place names have
English forms (``Mosca`` -> ``Moscow``).
"""

from __future__ import annotations

import csv
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from translate.errors import UsageError

FLAGS = ("case", "keep")
# Bump when matching or name detection changes what they find (it is in signatures).
RULES_VERSION = "1"
_HEADER = ("source", "target")
# What ``translate.formats.inline.TOKEN`` matches (this layer cannot import it).
_PLACEHOLDER = re.compile(r"<\s*/?\s*x\s*\d+\s*/?\s*>")
_MAX_FORMS = 64  # inflected forms of one term, at most (every combination of its words)


@dataclass(frozen=True)
class Term:
    """One glossary entry.

    Attributes:
        source: The source-language term as written.
        target: Its translation (the source itself with ``keep``).
        case: Match the source's case exactly.
        keep: Never translate the term.
        origin: ``FILE:LINE`` it came from (``--keep`` for a kept span given alone).
    """

    source: str
    target: str
    case: bool = False
    keep: bool = False
    origin: str = ""

    @property
    def key(self) -> str:
        """What identifies the term in a glossary (its source, casefolded unless ``case``)."""
        spaced = " ".join(self.source.split())
        return spaced if self.case else spaced.casefold()

    def describe(self) -> str:
        """The entry as one readable line (no origin)."""
        flags = [f for f in FLAGS if getattr(self, f)]
        return f"{self.source} -> {self.target}" + (f" [{', '.join(flags)}]" if flags else "")


@dataclass(frozen=True)
class Problem:
    """One thing wrong (``error``) or worth knowing in a glossary, with where it is."""

    where: str
    message: str
    error: bool = True

    def __str__(self) -> str:
        return f"{self.where}: {'error' if self.error else 'warning'}: {self.message}"


@dataclass
class Glossary:
    """Terms by key; the later of two files wins (``overridden`` says what it replaced)."""

    terms: dict[str, Term] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    overridden: list[tuple[Term, Term]] = field(default_factory=list)

    def add(self, term: Term) -> None:
        """Add ``term``; it replaces an earlier one with the same key."""
        old = self.terms.get(term.key)
        if old is not None and old != term:
            self.overridden.append((old, term))
        self.terms[term.key] = term


def _cells(path: Path, text: str) -> Iterable[tuple[int, list[str]]]:
    """Each non-comment, non-blank line's cells with its 1-based number.

    A CSV line is read on its own: a quoted cell never spans lines in a glossary.
    """
    is_csv = path.suffix.lower() == ".csv"
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            row = next(csv.reader([line])) if is_csv else line.split("\t")
        except csv.Error:
            row = [line]  # reported as a line without two cells
        yield number, [cell.strip() for cell in row]


def parse_glossary(path: Path, text: str) -> tuple[list[Term], list[Problem]]:
    """The terms of one glossary file's ``text`` and the problems found, line by line."""
    terms: list[Term] = []
    problems: list[Problem] = []
    seen: dict[str, tuple[Term, int]] = {}
    first = True
    for number, cells in _cells(path, text):
        where = f"{path}:{number}"
        if first and tuple(c.casefold() for c in cells[:2]) == _HEADER:
            first = False
            continue
        first = False
        term = _term(cells, where, problems)
        if term is None:
            continue
        if term.key in seen:
            old, line = seen[term.key]
            if old.target != term.target or old.keep != term.keep:
                problems.append(Problem(where, f"'{term.source}' has conflicting targets: "
                                        f"'{old.target}' (line {line}) and '{term.target}'"))
            else:
                problems.append(Problem(where, f"'{term.source}' repeats line {line}",
                                        error=False))
        seen[term.key] = (term, number)
        terms.append(term)
    return terms, problems


def _term(cells: list[str], where: str, problems: list[Problem]) -> Term | None:
    if len(cells) < 2:
        problems.append(Problem(where, "expected source<TAB>target[<TAB>flags]"))
        return None
    if len(cells) > 3:
        problems.append(Problem(where, f"{len(cells)} columns: expected 2 or 3 "
                                "(source, target, flags)"))
        return None
    source, target = cells[0], cells[1] if len(cells) > 1 else ""
    flags = [f for f in re.split(r"[\s,;]+", cells[2]) if f] if len(cells) > 2 else []
    unknown = [f for f in flags if f.casefold() not in FLAGS]
    if unknown:
        problems.append(Problem(where, f"unknown flag '{unknown[0]}' (valid: "
                                f"{', '.join(FLAGS)})"))
        return None
    keep = "keep" in {f.casefold() for f in flags}
    if not source:
        problems.append(Problem(where, "empty source cell"))
        return None
    if not any(ch.isalnum() for ch in source):
        problems.append(Problem(where, f"source '{source}' has no letter or digit"))
        return None
    if not target and not keep:
        problems.append(Problem(where, f"empty target cell for '{source}' (flag it "
                                "'keep' to leave it untranslated)"))
        return None
    if _PLACEHOLDER.search(source) or _PLACEHOLDER.search(target):
        problems.append(Problem(where, "a cell holds an inline placeholder such as <x1/>, "
                                "which this tool uses for markup"))
        return None
    if keep and target and target != source:
        problems.append(Problem(where, f"'{source}' is flagged keep but has another "
                                f"target '{target}'"))
        return None
    return Term(source, target or source, case="case" in {f.casefold() for f in flags},
                keep=keep, origin=where)


def read_glossary_file(path: Path) -> tuple[list[Term], list[Problem]]:
    """Read and parse one glossary file.

    Raises:
        UsageError: it cannot be read, or is not UTF-8.
    """
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError as exc:
        raise UsageError(f"{path}: glossary not found", "pass an existing file to "
                         "--glossary") from exc
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the glossary: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path}: the glossary is not UTF-8 (byte {exc.start})",
                         "save it as UTF-8") from exc
    return parse_glossary(path, text)


def load_glossary(paths: Sequence[Path], keep: Sequence[str] = ()) -> tuple[Glossary,
                                                                              list[Problem]]:
    """The glossary of several files (later wins) and every problem found in them.

    Args:
        paths: The files, in order.
        keep: Kept spans (``--keep``): a glossary term that is also one is an error.
    """
    glossary = Glossary()
    problems: list[Problem] = []
    kept = {" ".join(k.split()).casefold() for k in keep}
    for path in paths:
        terms, found = read_glossary_file(path)
        problems += found
        glossary.files.append(str(path))
        for term in terms:
            if not term.keep and term.key.casefold() in kept:
                problems.append(Problem(term.origin, f"'{term.source}' is also a kept span "
                                        "(--keep or [keep]): it cannot be both kept and "
                                        f"translated as '{term.target}'"))
            elif not term.keep and find_names(f"x {term.source}", "") == [
                    (2, 2 + len(term.source))]:
                problems.append(Problem(term.origin, f"'{term.source}' would be kept as a "
                                        "name; the glossary wins: it becomes "
                                        f"'{term.target}'", error=False))
            glossary.add(term)
    return glossary, problems


def check_glossaries(paths: Sequence[Path], keep: Sequence[str] = ()) -> Glossary:
    """The glossary of ``paths``, refused when any has an error (exit code 2).

    Raises:
        UsageError: naming every error, file and line.
    """
    glossary, problems = load_glossary(paths, keep)
    errors = [p for p in problems if p.error]
    if errors:
        shown = "\n".join(str(p) for p in errors[:20])
        more = f"\n... and {len(errors) - 20} more" if len(errors) > 20 else ""
        raise UsageError(f"bad glossary ({len(errors)} errors):\n{shown}{more}",
                         "fix the lines named; `translate glossary check FILE` lists them")
    return glossary


# -- matching ---------------------------------------------------------------------------

def plurals(word: str, lang: str) -> list[str]:
    """The plural forms of one lower-case word by the simple rules of ``lang``."""
    if len(word) < 3 or not word.isalpha() or not word.islower():
        return []
    if lang == "it":
        for end, forms in (("co", ("chi", "ci")), ("go", ("ghi",)), ("ca", ("che",)),
                           ("ga", ("ghe",)), ("io", ("i",)), ("o", ("i",)), ("a", ("e",)),
                           ("e", ("i",))):
            if word.endswith(end):
                return [word[:-len(end)] + f for f in forms]
        return []
    if lang == "es":
        for end, form in (("ón", "ones"), ("án", "anes"), ("ín", "ines"), ("z", "ces")):
            if word.endswith(end):
                return [word[:-len(end)] + form]
        return [word + "s"] if word[-1] in "aeiouáéó" else [word + "es"]
    return []


def forms(term: Term, lang: str) -> list[str]:
    """Every form of ``term`` matched in ``lang`` (the term first), words single-spaced."""
    words = term.source.split()
    options = [[w, *([] if term.keep else plurals(w, lang))] for w in words]
    combos = itertools.islice(itertools.product(*options), _MAX_FORMS)
    return [" ".join(c) for c in combos]


# Tokens: runs of word characters, or one other non-space character ("'", ",", "+").
_TOKENS = re.compile(r"\w+|[^\w\s]")
Key = tuple[str, ...]  # a term's tokens, with " " between tokens that whitespace parts


def _key(text: str, fold: bool) -> Key:
    """``text``'s tokens and the gaps between them (any whitespace is one ``" "``)."""
    out: list[str] = []
    last = None
    for match in _TOKENS.finditer(text):
        if last is not None and match.start() > last:
            out.append(" ")
        out.append(match.group().casefold() if fold else match.group())
        last = match.end()
    return tuple(out)


class Matcher:
    """Finds a glossary's terms in text of one source language (see the module).

    In linear time: the text's tokens are read once, and at each token the terms are
    looked up by their tokens (a dictionary), up to the longest term's length.
    """

    def __init__(self, terms: Iterable[Term], lang: str) -> None:
        self.by_key: dict[tuple[bool, Key], Term] = {}
        self.firsts: set[str] = set()  # every term's first token, casefolded
        self.longest = 0
        for term in terms:
            for form in forms(term, lang):
                key = _key(form, not term.case)
                if key:
                    self.by_key.setdefault((term.case, key), term)
                    self.longest = max(self.longest, len(key))
                    self.firsts.add(key[0].casefold())

    def find(self, text: str) -> list[tuple[int, int, Term]]:
        """Non-overlapping matches, leftmost first, the longer of two at one place."""
        if not self.by_key:
            return []
        tokens = [(m.start(), m.end(), m.group()) for m in _TOKENS.finditer(text)]
        found: list[tuple[int, int, Term]] = []
        for i, (start, _, first) in enumerate(tokens):
            if first.casefold() not in self.firsts:
                continue
            exact: list[str] = []
            folded: list[str] = []
            for k in range(i, min(len(tokens), i + self.longest)):
                if k > i:
                    gap = " " if tokens[k][0] > tokens[k - 1][1] else ""
                    exact += [gap] if gap else []
                    folded += [gap] if gap else []
                exact.append(tokens[k][2])
                folded.append(tokens[k][2].casefold())
                if len(exact) > self.longest:
                    break
                for case, key in ((True, tuple(exact)), (False, tuple(folded))):
                    term = self.by_key.get((case, key))
                    if term is not None and _bounded(text, start, tokens[k][1]):
                        found.append((start, tokens[k][1], term))
        return non_overlapping(found)


def _bounded(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` has no word character just outside it."""
    before = start == 0 or not (text[start - 1].isalnum() or text[start - 1] == "_")
    return before and (end == len(text) or not (text[end].isalnum() or text[end] == "_"))


def non_overlapping(spans: Iterable[tuple[int, int, Term]]) -> list[tuple[int, int, Term]]:
    """Spans that do not overlap: leftmost first, then longest; in order."""
    out: list[tuple[int, int, Term]] = []
    end = -1
    for span in sorted(spans, key=lambda s: (s[0], -s[1])):
        if span[0] >= end:
            out.append(span)
            end = span[1]
    return out


# -- names ------------------------------------------------------------------------------

# Words of one token: letters and digits, with inner hyphens (``Yong-Hyun``, ``Su-57``).
_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
_SENTENCE_END = re.compile(r"[.!?…:;][\W]*$")
_LOOK_BACK = 64  # characters before a word looked at to tell a sentence start
# Function words that start sentences capitalised (it, es, fr, pt, de, en): a run that
# starts a sentence with one of these does not count it.
STARTERS = frozenset("""
il lo la i gli le l un una uno questo questa questi queste quel quella quei quelle
ciò cio che chi dove quando come perché perche se ma e ed o anche non in nel nella
nei nelle negli di del della dei degli delle da dal dalla dai a al alla ai agli per
con su sul sulla tra fra secondo dopo prima durante oggi ieri domani ecco così cosi
el los las unos unas este esta estos estas ese esa según segun y pero en con por
le les une des ce cette ces et mais dans sur selon après apres pendant
o os as um uma este esta em no na nos nas do da dos das
der die das ein eine dem den des und aber im am zum zur nach laut heute
the a an this that these those and but in on at of for with from by to after
""".split())


def _starts(text: str, start: int, first: int) -> bool:
    """Whether the word at ``start`` starts a sentence (``first``: the text's first word)."""
    return start == first or bool(_SENTENCE_END.search(text, max(0, start - _LOOK_BACK),
                                                       start))


def _capitalised(word: str) -> bool:
    return word[0].isupper() and not word.isupper()


def _acronym(word: str) -> bool:
    return len(word) >= 2 and word.isupper() and sum(ch.isalpha() for ch in word) >= 2


def _inner(word: str) -> bool:
    """An inner capital (``iPhone``, ``McDonald``) or letters with digits (``G7``)."""
    if word.isalpha() and word[1:].islower():
        return False  # the common case, at once
    parts = word.split("-")
    inner_capital = any(ch.isupper() for part in parts for ch in part[1:]) and not all(
        _acronym(p) for p in parts if any(c.isalpha() for c in p))
    digits = any(ch.isdigit() for ch in word) and any(ch.isalpha() for ch in word)
    return inner_capital or digits


# Capitalised first words of multi-word place and institution names that have English
# forms (``Stati Uniti``, ``Mar Nero``, ``Nazioni Unite``): a run they start is no name.
PLACE_HEADS = frozenset("""
mar mare monte monti lago golfo isola isole stretto canale oceano penisola stati stato
regno repubblica unione emirati paesi nazioni medio estremo
""".split())
# Lower-case particles inside place and institution names (``Corea del Nord``).
PARTICLES = frozenset("del della dei degli delle di de da do du dos das von van".split())
_BEFORE = re.compile(r"([^\W_]+) ([^\W_]+) $")


def _continues(text: str, start: int) -> bool:
    """Whether the word at ``start`` ends a name begun before (``Corea del Nord``)."""
    match = _BEFORE.search(text, max(0, start - 40), start)
    return bool(match and match.group(2) in PARTICLES and _capitalised(match.group(1)))


def find_names(text: str, lang: str) -> list[tuple[int, int]]:
    """The spans of ``text`` that look like names (the rule of the module docstring).

    Args:
        text: One segment (inline-markup tokens are not words: callers drop overlaps).
        lang: Its language (unused today: the function words of several languages are
            known at once).
    """
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
    acronyms = [_acronym(w) for _, _, w in words]
    capitals = sum(acronyms)
    shouting = capitals >= 3 and capitals * 2 > len(words)  # an all-caps heading
    found: list[tuple[int, int]] = []
    run: list[tuple[int, int, str]] = []

    def close() -> None:
        if run and run[0][2].casefold() in STARTERS and _starts(text, run[0][0], words[0][0]):
            run.pop(0)
        if run and _continues(text, run[0][0]):
            run.pop(0)  # "Nord" of "Corea del Nord Kim Jong Un": the place's last word
        if run and run[0][2].casefold() in PLACE_HEADS:
            run.clear()
        if len(run) >= 2:
            found.append((run[0][0], run[-1][1]))
        elif len(run) == 1 and _inner(run[0][2]):
            found.append((run[0][0], run[0][1]))
        run.clear()

    for (start, end, word), acronym in zip(words, acronyms, strict=True):
        if acronym:
            close()
            if not shouting:
                found.append((start, end))
            continue
        named = _capitalised(word) or _inner(word)
        if named and (not run or text[run[-1][1]:start] == " "):
            run.append((start, end, word))
            continue
        close()
        if named:
            run.append((start, end, word))
    close()
    return sorted(found)
