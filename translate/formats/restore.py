"""Model outputs back into pieces: placeholders matched, line breaks put back.

An output whose tokens cannot be matched to its source's (one dropped, duplicated,
invented, or closed before it opens) is written with its markup removed: all its text
and atoms kept (atoms the model dropped go at the end), the pairs dropped (except those
marked ``keep``, which stay, empty), and its index reported as damaged.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from translate.formats.inline import TOKEN, Layout, Piece, Tag, Unit


def _parse(output: str, unit: Unit) -> list[Piece] | None:
    """The output as pieces, or ``None`` when its tokens do not match the source's."""
    pieces: list[Piece] = []
    seen: dict[tuple[int, str], int] = {}
    stack: list[int] = []
    last = 0
    for match in TOKEN.finditer(output):
        closing, number, atom = match.group(1) == "/", int(match.group(2)), match.group(3) == "/"
        if not 1 <= number <= len(unit.tags) or (closing and atom):
            return None
        tag = unit.tags[number - 1]
        kind = "atom" if atom else "close" if closing else "open"
        wanted = "atom" if tag.kind in ("atom", "text") else "open"
        if kind == "close" and wanted == "open":
            if not stack or stack.pop() != number:
                return None
            tag = _closer(unit, number)
        elif kind != wanted:
            return None
        elif kind == "open":
            stack.append(number)
        seen[(number, kind)] = seen.get((number, kind), 0) + 1
        pieces += [output[last:match.start()], tag]
        last = match.end()
    pieces.append(output[last:])
    expected = {(n + 1, "atom" if t.kind in ("atom", "text") else k)
                for n, t in enumerate(unit.tags)
                for k in (("atom",) if t.kind in ("atom", "text") else ("open", "close"))}
    if stack or set(seen) != expected or any(v != 1 for v in seen.values()):
        return None
    ordered = [p for p in pieces if isinstance(p, Tag) and p.ordered]
    if ordered != [t for t in unit.tags if t.ordered]:
        return None  # e.g. a DOCX field's end before its start
    return [p for p in pieces if p != ""]


def _closer(unit: Unit, number: int) -> Tag:
    end = unit.ends[number - 1] if number <= len(unit.ends) else None
    return end if end is not None else Tag("close", pair=unit.tags[number - 1])


def _kept(unit: Unit, number: int) -> list[Piece]:
    """What a damaged segment keeps of token ``number``: atoms, and pairs marked keep."""
    tag = unit.tags[number - 1]
    if tag.kind in ("atom", "text"):
        return [tag]
    return [tag, _closer(unit, number)] if tag.keep else []


def _stripped(output: str, unit: Unit) -> list[Piece]:
    """Damaged output: pairs dropped, atoms kept once (missing ones at the end).

    Atoms whose order matters (``Tag.ordered``) stay where they are only if they are
    still in their source order; else they all go to the end, in that order.
    """
    pieces: list[Piece] = []
    used: set[int] = set()
    last = 0
    for match in TOKEN.finditer(output):
        pieces.append(output[last:match.start()])
        last = match.end()
        number = int(match.group(2))
        if 1 <= number <= len(unit.tags) and number not in used:
            kept = _kept(unit, number)
            if kept:
                used.add(number)
                pieces += kept
    pieces.append(output[last:])
    for number in range(1, len(unit.tags) + 1):
        kept = _kept(unit, number)
        if kept and number not in used:
            pieces += [" ", *kept]
    in_order: list[Piece] = [t for t in unit.tags if t.ordered]
    if [p for p in pieces if isinstance(p, Tag) and p.ordered] != in_order:
        pieces = [p for p in pieces if not (isinstance(p, Tag) and p.ordered)] + in_order
    return [p for p in pieces if p != ""]


def _place(pieces: list[Piece], marks: tuple[tuple[float, int, Tag], ...]) -> list[Piece]:
    """Put zero-width marks back at the same relative places in the text.

    Where tokens stand at that place, a mark goes after as many of them as it followed
    in the source, so an unchanged text gets every mark back exactly where it was.
    """
    if not marks:
        return pieces
    total = sum(len(p) for p in pieces if isinstance(p, str))
    wanted = [(round(fraction * total), lead, tag) for fraction, lead, tag in marks]
    out: list[Piece] = []
    done = since = k = 0  # text characters and tokens since text so far; next mark
    for piece in pieces:
        if not isinstance(piece, str):
            while k < len(wanted) and wanted[k][0] <= done and wanted[k][1] <= since:
                out.append(wanted[k][2])
                k += 1
            out.append(piece)
            since += 1
            continue
        start = 0
        while k < len(wanted) and wanted[k][0] < done + len(piece):
            cut = max(wanted[k][0] - done, start)
            out += [piece[start:cut], wanted[k][2]]
            start = cut
            k += 1
        out.append(piece[start:])
        done += len(piece)
        since = 0 if piece else since
    out += [tag for _, _, tag in wanted[k:]]
    return [p for p in out if p != ""]


def _rewrap(pieces: list[Piece], breaks: tuple[tuple[float, Tag], ...]) -> list[Piece]:
    """Put line-break tags back at the spaces nearest their relative places."""
    if not breaks:
        return pieces
    spaces: list[int] = []  # offsets of spaces, counting text characters only
    places: list[tuple[int, int]] = []  # (piece, index in piece) of each
    length = 0
    for i, piece in enumerate(pieces):
        if isinstance(piece, str):
            for j, ch in enumerate(piece):
                if ch == " ":
                    spaces.append(length + j)
                    places.append((i, j))
            length += len(piece)
    chosen: dict[tuple[int, int], Tag] = {}
    leftover: list[Tag] = []
    position = 0
    for fraction, tag in breaks:
        if position >= len(spaces):
            leftover.append(tag)
            continue
        target = fraction * length
        k = bisect.bisect_left(spaces, target, lo=position)
        options = [n for n in (k - 1, k) if position <= n < len(spaces)]
        best = min(options, key=lambda n: abs(spaces[n] - target))
        chosen[places[best]] = tag
        position = best + 1
    out: list[Piece] = []
    for i, piece in enumerate(pieces):
        if not isinstance(piece, str):
            out.append(piece)
            continue
        start = 0
        for j in (j for j, ch in enumerate(piece) if ch == " " and (i, j) in chosen):
            out += [piece[start:j], chosen[(i, j)]]
            start = j + 1
        out.append(piece[start:])
    return [p for p in out + leftover if p != ""]


def restore(output: str, unit: Unit) -> tuple[list[Piece], bool]:
    """One output as pieces; ``True`` when its markup had to be removed."""
    parsed = _parse(output, unit)
    damaged = parsed is None
    pieces = _stripped(output, unit) if parsed is None else parsed
    pieces = _rewrap(_place(pieces, unit.marks), unit.breaks)
    return [_literal(p) for p in pieces], damaged


def _literal(piece: Piece) -> Piece:
    """Source text that looked like a token goes back as the text it is."""
    return piece.value if isinstance(piece, Tag) and piece.kind == "text" else piece


def fill(layout: Layout, units: Sequence[Unit], outputs: Sequence[str],
         damaged: set[int]) -> list[Piece]:
    """A block's pieces with each segment index replaced by its restored output."""
    out: list[Piece] = []
    for item in layout:
        if isinstance(item, int):
            pieces, broken = restore(outputs[item], units[item])
            if broken:
                damaged.add(item)
            out += pieces
        else:
            out.append(_literal(item))
    return out


def damaged(source: str, output: str) -> bool:
    """Whether ``output``'s tokens cannot be matched to those of ``source``."""
    kinds: dict[int, str] = {}
    for match in TOKEN.finditer(source):
        if match.group(1) != "/":
            kinds[int(match.group(2))] = "atom" if match.group(3) else "open"
    if sorted(kinds) != list(range(1, len(kinds) + 1)):
        return True  # the source itself is not numbered 1..n: nothing can be matched
    return _parse(output, Unit(tuple(Tag(kinds[n]) for n in sorted(kinds)))) is None
