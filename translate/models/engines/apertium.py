"""The Apertium engine: one ``apertium`` process per batch of segments.

Segments are joined with a separator line that Apertium passes through unchanged
(a blank line, a marker line, a blank line: blank lines end sentences, so no rule
reaches across it) and the output is split on it again. The count is checked on
every call; a batch that comes back with a different count is redone one segment at
a time, and each segment redone is counted.

Apertium marks unknown words with ``*`` and generation or transfer problems with
``#`` and ``@``. After each leg, a mark character the leg's source did not contain is
removed (so e-mail addresses and Markdown survive), and each marked word is counted.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from typing import Any

from translate.errors import ModelUnavailableError
from translate.models.apertium_routes import data_dir, install_hint, locate, mode_of
from translate.models.engines.base import Generated
from translate.models.hub import ResolvedModel
from translate.models.registry import ModelSpec

MARKS = "*#@"
MARKER = "§§§"
_WORD = re.compile(r"\S+")


def count_words(texts: Sequence[str]) -> list[int]:
    """Apertium's unit of work: words (whitespace-separated), at least 1 per text."""
    return [max(1, len(_WORD.findall(text))) for text in texts]


# What a mark may never land in: URLs, e-mail addresses and numbers of the source.
_PROTECTED = re.compile(
    r"(?:https?|ftp)://[^\s<>\"]+|www\.[^\s<>\"]+"   # URLs
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"                 # e-mail addresses
    r"|\d(?:[\d.,:/'-]*\d)?")                           # numbers, dates, times
_TRAILING = ".,;:!?)]}'\""  # sentence punctuation after a URL is not part of it
_MARK_RUN = f"[{re.escape(MARKS)}]*"
_SLOTS = 0xF0000  # private-use characters: protected spans' places while marks go


def protected_spans(source: str) -> list[str]:
    """The URLs, e-mail addresses and numbers of ``source``, longest first, each once."""
    spans = {m.group().rstrip(_TRAILING) if "/" in m.group() or m.group().startswith("www.")
             else m.group() for m in _PROTECTED.finditer(source)}
    return sorted((s for s in spans if s), key=lambda s: (-len(s), s))


def _shield(source: str, output: str) -> tuple[str, list[str], int]:
    """Put each protected span of ``source`` found in ``output`` (marks or none) in a slot.

    Returns:
        The output with slots, the span of each slot in order, and the marks the
        matched copies carried beyond the source's own (removed with them).
    """
    if any(ord(c) >= _SLOTS for c in output):
        return output, [], 0
    pieces: list[str] = []
    removed = 0
    for span in protected_spans(source):
        pattern = re.compile(_MARK_RUN + _MARK_RUN.join(re.escape(c) for c in span))

        def slot(match: re.Match[str], span: str = span) -> str:
            nonlocal removed
            removed += match.group() != span  # a marked copy: one marked word
            pieces.append(span)
            return chr(_SLOTS + len(pieces) - 1)

        output = pattern.sub(slot, output)
    return output, pieces, removed


def strip_marks(source: str, output: str) -> tuple[str, int]:
    """Remove Apertium's marks that ``source`` did not have; count the marked words.

    A URL, an e-mail address or a number of the source comes out exactly as the source
    has it, whatever marks Apertium put in or around it. Elsewhere a mark character the
    source has (outside those) is kept (it may be Markdown); marks of that kind beyond
    the source's own count are still counted.

    Returns:
        The cleaned text and the number of marked words (runs of mark characters).
    """
    shielded, spans, in_spans = _shield(source, output)
    rest = source
    for span in spans:
        rest = rest.replace(span, " ")
    cleaned, count = _strip_outside(rest, shielded)
    for number, span in enumerate(spans):
        cleaned = cleaned.replace(chr(_SLOTS + number), span, 1)
    return cleaned, count + in_spans


def _strip_outside(source: str, output: str) -> tuple[str, int]:
    kept = sum(max(0, output.count(c) - source.count(c)) for c in MARKS if c in source)
    absent = "".join(c for c in MARKS if c not in source)
    if not absent or not any(c in output for c in absent):
        return output, kept
    cleaned, count = re.subn(f"[{re.escape(absent)}]+", "", output)
    return cleaned, count + kept


# An unknown word as Apertium marks it; inline-markup tokens (``<*x1/>``) are not words.
_UNKNOWN = re.compile(r"(?<![\w*])\*([^\W\d_][\w'’-]*)")


def unknown_words(source: str, output: str) -> tuple[str, ...]:
    """The lower-case words Apertium marked unknown (``*word``) in ``output``.

    Only when ``source`` has no ``*`` of its own (else a mark cannot be told from text).
    """
    if "*" in source:
        return ()
    return tuple(w for w in _UNKNOWN.findall(output) if w[0].islower()
                 and not re.fullmatch(r"x\d+", w))


def separator(texts: Sequence[str]) -> str:
    """A separator that occurs in none of ``texts`` (the marker grows until it does not)."""
    marker = MARKER
    while any(marker in text for text in texts):
        marker += "§"
    return f"\n\n{marker}\n\n"


class ApertiumEngine:
    """Runs one Apertium mode (one leg of a route) with the Debian ``apertium`` command.

    Args:
        resolved: The located mode (``location`` is the ``.mode`` file).
        spec: The leg's spec; ``spec.model`` is ``apertium:<mode>``.
        device: Unused (Apertium runs on the CPU).
        compute_type: Unused.

    Raises:
        ModelUnavailableError: when ``apertium`` or the mode is not installed here.
    """

    name = "apertium"
    max_input_tokens = 1_000_000  # no input limit: never split a segment

    def __init__(self, resolved: ResolvedModel, spec: ModelSpec, device: str = "cpu",
                 compute_type: str = "none") -> None:
        self.mode = locate(mode_of(spec.model))
        command = shutil.which("apertium")
        if command is None:  # checked by locate(); kept for the type checker
            raise ModelUnavailableError("the 'apertium' command is not installed",
                                        install_hint(self.mode.source, self.mode.target))
        self.command = [command, "-d", str(data_dir()), "-f", "txt", self.mode.name]
        self.processes = 0  # apertium processes started (one per batch, plus redos)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Words per text (see ``count_words``)."""
        return count_words(texts)

    def _run(self, text: str) -> str:
        self.processes += 1
        done = subprocess.run(self.command, input=text.encode("utf-8"), capture_output=True,
                              check=False)
        if done.returncode != 0:
            detail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
            raise ModelUnavailableError(
                f"apertium {self.mode.name} failed (exit {done.returncode}): "
                f"{' '.join(detail)}", install_hint(self.mode.source, self.mode.target))
        return done.stdout.decode("utf-8", "replace")

    def score(self, sources: Sequence[str], outputs: Sequence[str]) -> list[float | None]:
        """``None`` each: a rule-based engine has no probabilities."""
        return [None] * len(sources)

    def generate(self, texts: Sequence[str],
                 overrides: Mapping[str, Any] | None = None) -> list[Generated]:
        """Translate a batch in one process; redo it one by one if the count is off.

        ``overrides`` are ignored: Apertium has no decoding settings.
        """
        if not texts:
            return []
        sep = separator(texts)
        outputs = self._run(sep.join(texts)).split(sep)
        redone = len(outputs) != len(texts)
        if redone:
            outputs = [self._run(text) for text in texts]
        results = []
        for text, output in zip(texts, outputs, strict=True):
            cleaned, marks = strip_marks(text, output)
            results.append(Generated(cleaned, marks=marks, redone=redone,
                                     tokens=len(_WORD.findall(cleaned)),
                                     unknown=unknown_words(text, output)))
        return results
