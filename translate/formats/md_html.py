"""Text inside Markdown HTML blocks: tags kept, the text between them translated."""

from __future__ import annotations

import re

from translate.formats.inline import Piece, Tag, protect
from translate.formats.md_inline import HTML_INLINE, pair_html

_RAW = r"<(script|style|pre|code|textarea)\b.*?</\1\s*>"  # kept whole, text and all
_HTML_TOKENS = re.compile(f"{_RAW}|{HTML_INLINE.pattern}", re.S | re.I)
_TAG_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)")
_INLINE_TAGS = frozenset("""a abbr b bdi bdo big br cite code data del dfn em font i img ins kbd
label mark q s samp small span strong sub sup time tt u var wbr""".split())
_HTML_BREAK = re.compile(r"[ \t]*(?:\r\n|\n|\r)[ \t]*")


def html_block_runs(raw: str) -> list[list[Piece] | Tag]:
    """An HTML block cut at its block-level tags (atoms) into runs of inline content.

    In a run, inline tags are atoms (paired where they match), raw elements such as
    ``<code>`` atoms too, and each line break (with the spaces around it) a break tag.
    """
    out: list[list[Piece] | Tag] = []
    run: list[Piece] = []
    last = 0
    for match in [*_HTML_TOKENS.finditer(raw), None]:
        text = raw[last:match.start() if match else len(raw)]
        at = 0
        for newline in _HTML_BREAK.finditer(text):
            run += [*protect(text[at:newline.start()]), Tag("break", newline.group(0))]
            at = newline.end()
        run += protect(text[at:])
        if match is None:
            break
        last = match.end()
        name = _TAG_NAME.match(match.group(0))
        if name and name.group(1).lower() not in _INLINE_TAGS:
            out += [_pieces(run), Tag("atom", match.group(0))]
            run = []
        else:
            run.append(Tag("atom", match.group(0)))
    return [*out, _pieces(run)]


def _pieces(run: list[Piece]) -> list[Piece]:
    return pair_html(run)
