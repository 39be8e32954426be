"""Hostile inputs found by trying to break the format and quality features as a user.

Each test guards a bug found that way; tests marked ``xfail`` name a bug whose fix
belongs to a module another change owns (the reason says where).
"""

from __future__ import annotations

import re
from pathlib import Path

from translate.formats.base import format_for

MARKDOWN_ESCAPES = "Entità &amp; &copy; &#8217; e escape \\*non enfasi\\* e \\_non\\_.\n"


def _mangle(segment: str) -> str:
    """What a real engine did: words rewritten, backslashes dropped (Apertium, MarianMT)."""
    return re.sub(r"[^\W\d_]{2,}", lambda m: m.group(0).upper(), segment).replace("\\", "")


def test_markdown_entities_and_escapes_never_reach_the_model() -> None:
    # Apertium turned "&amp; &copy; \*x\*" into "&**amp; &**copy; *x*": bold text and
    # emphasis that the source did not have. Entities and escapes are kept as written.
    fmt = format_for(Path("nota.md"))
    parsed = fmt.read(MARKDOWN_ESCAPES.encode(), "nota.md", "it")
    joined = "\n".join(parsed.segments)
    for kept in ("&amp;", "&copy;", "&#8217;", "\\*", "\\_"):
        assert kept not in joined, kept
    out = fmt.write(parsed, [_mangle(s) for s in parsed.segments], "en").data.decode()
    assert out == "ENTITÀ &amp; &copy; &#8217; e ESCAPE \\*NON ENFASI\\* e \\_NON\\_.\n"
    same = fmt.write(parsed, list(parsed.segments), "en").data
    assert same == MARKDOWN_ESCAPES.encode()  # byte for byte through an identity engine


def test_markdown_escaped_table_pipe_stays_text_and_is_escaped_again() -> None:
    source = "| Voce \\| una | Due |\n|---|---|\n| a \\| b | c |\n"
    fmt = format_for(Path("t.md"))
    parsed = fmt.read(source.encode(), "t.md", "it")
    assert "Voce \\| una" in parsed.segments
    out = fmt.write(parsed, [_mangle(s) for s in parsed.segments], "en").data.decode()
    assert out.splitlines()[0] == "| VOCE \\| UNA | DUE |"
