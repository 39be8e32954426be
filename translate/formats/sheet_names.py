r"""``--translate-sheet-names``: new sheet names Excel accepts, and every reference to them.

A translated name is made valid for Excel: the characters it forbids (``[]:*?/\``)
become spaces, apostrophes at either end are dropped, it is cut to 31 characters,
and a name already taken (Excel compares them ignoring case) gets `` (2)``, `` (3)``...
Each change is said in the report, never made silently; a translation that leaves
nothing usable keeps the source name (said too).

Then every reference is rewritten: formulas (``'Old name'!A1``, ``Old!A1``, 3-D
``First:Last!A1``; string literals and other workbooks' ``[1]Sheet!A1`` untouched),
defined names, conditional formats and data validations, charts' series, hyperlinks'
locations, pivot caches' sources and the document properties' list of parts.
A name inside a string (``INDIRECT("Old!A1")``) cannot be told from text: counted.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

MAX_LENGTH = 31  # Excel's limit
_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
_RESERVED = "history"  # Excel keeps this name for its change history
_SIMPLE = re.compile(r"[^\W\d][\w.]*")
_CELL_LIKE = re.compile(r"(?i)[a-z]{1,3}\d+|r\d*c\d*|true|false")
# Tokens that always match once begun (a literal, a quoted name, a bare name: each with
# its "!" when it has one), so each character is read once: linear whatever the input.
# A bare name is not taken after "]" (another workbook's) nor inside a longer name.
_TOKEN = re.compile(r'''"(?:[^"]|"")*"?|'(?:[^']|'')*'?!?'''
                    r'''|(?<![\w.\]])[^\W\d][\w.]*(?::[^\W\d][\w.]*)?!?''')
# Elements whose text is a formula or a reference; attributes holding one.
_FORMULA_TAGS = {"f", "formula", "formula1", "formula2", "definedName"}
_APP_PARTS = "{http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes}lpstr"


def _clean(name: str) -> str:
    clean = " ".join(_FORBIDDEN.sub(" ", name).split()).strip("'").strip()
    return clean[:MAX_LENGTH].rstrip().strip("'").rstrip()


def _numbered(name: str, taken: set[str]) -> str:
    number = 2
    while True:
        suffix = f" ({number})"
        candidate = name[:MAX_LENGTH - len(suffix)].rstrip() + suffix
        if candidate.casefold() not in taken:
            return candidate
        number += 1


def valid_names(sources: Sequence[str], translations: Sequence[str | None],
                ) -> tuple[list[str], list[str]]:
    """The sheets' new names, valid and unique, and what had to change to make them so.

    Args:
        sources: The sheets' names, in workbook order.
        translations: Each one's translation; ``None``: not translated (kept).

    Returns:
        The new names in the same order, and one note per name changed to fit Excel.
    """
    taken = {s.casefold() for s, t in zip(sources, translations, strict=True) if t is None}
    names: list[str] = []
    notes: list[str] = []
    for source, translation in zip(sources, translations, strict=True):
        if translation is None:
            names.append(source)
            continue
        name = _clean(translation)
        if name != translation.strip():
            notes.append(f"sheet name {translation.strip()!r} (from {source!r}) is not valid "
                         f"in Excel (at most {MAX_LENGTH} characters, none of []:*?/\\, "
                         f"no ' at either end): named {name!r}")
        if not name or name.casefold() == _RESERVED:
            notes.append(f"sheet {source!r}: its translation {translation.strip()!r} cannot "
                         "be a sheet name; the name is kept")
            name = source if source.casefold() not in taken else _numbered(source, taken)
        elif name.casefold() in taken:
            numbered = _numbered(name, taken)
            notes.append(f"sheet name {name!r} (from {source!r}) is already taken in this "
                         f"workbook: named {numbered!r}")
            name = numbered
        taken.add(name.casefold())
        names.append(name)
    return names, notes


def _quoted(names: Sequence[str]) -> str:
    if all(_SIMPLE.fullmatch(n) and not _CELL_LIKE.fullmatch(n) for n in names):
        return ":".join(names)
    return "'" + ":".join(names).replace("'", "''") + "'"


def rewrite_formula(formula: str, renamed: Mapping[str, str]) -> tuple[str, int]:
    """``formula`` with references to renamed sheets (keyed casefolded) rewritten.

    Returns:
        The formula, and how many string literals name a renamed sheet (not rewritten).
    """
    in_text = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal in_text
        token = match.group(0)
        if token.startswith('"'):  # a string literal
            inside = token[1:].replace('""', '"').casefold()
            in_text += any(f"{old}!" in inside for old in renamed)
            return token
        if not token.endswith("!") or (token.startswith("'") and not token.endswith("'!")):
            return token  # a name, a function, a cell: no sheet
        quoted = token.startswith("'")
        text = token[1:-2].replace("''", "'") if quoted else token[:-1]
        names = text.split(":")
        if (quoted and "[" in text) or not any(n.casefold() in renamed for n in names):
            return token  # another workbook's sheet, or one not renamed
        return _quoted([renamed.get(n.casefold(), n) for n in names]) + "!"

    return _TOKEN.sub(replace, formula), in_text


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def rename_in(root: Any, renamed: Mapping[str, str]) -> tuple[bool, int]:
    """Rewrite the references in one part's tree; returns (changed, names inside strings).

    Args:
        root: The part's tree.
        renamed: New names keyed by the old ones casefolded.
    """
    changed, in_text = False, 0
    for element in root.iter():
        local = _local(element.tag)
        if local in _FORMULA_TAGS and element.text:
            text, found = rewrite_formula(element.text, renamed)
            in_text += found
            if text != element.text:
                element.text, changed = text, True
        elif local == "hyperlink" and element.get("location"):
            text, _ = rewrite_formula(element.get("location"), renamed)
            if text != element.get("location"):
                element.set("location", text)
                changed = True
        elif local == "worksheetSource" and element.get("sheet", "").casefold() in renamed:
            element.set("sheet", renamed[element.get("sheet").casefold()])
            changed = True
        elif element.tag == _APP_PARTS and element.text:
            whole = renamed.get(element.text.casefold())
            text = whole if whole is not None else rewrite_formula(element.text, renamed)[0]
            if text != element.text:
                element.text, changed = text, True
    return changed, in_text
