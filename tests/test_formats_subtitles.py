"""Subtitles: cue numbers and timings kept, sentences over cues, broken files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers import identity_round_trip
from translate.errors import InputError
from translate.formats.subtitles import FORMAT

DATA = Path(__file__).parent / "data" / "formats"
_TIMING = re.compile(rb"^.*-->.*$", re.M)


def _identity(data: bytes, name: str = "x.srt") -> bytes:
    return identity_round_trip(FORMAT, data, name)


@pytest.mark.parametrize("name", ["film.srt", "lecture.vtt"])
def test_corpus_round_trip_is_byte_exact(name) -> None:
    data = (DATA / name).read_bytes()
    assert _identity(data, name) == data


def test_sentence_over_cues_is_translated_whole_and_redistributed() -> None:
    data = (DATA / "film.srt").read_bytes()
    parsed = FORMAT.read(data, "film.srt")
    whole = "Io sono <x1>molto contento</x1> di vederti oggi."
    assert whole in parsed.segments  # cue 1's end, and cue 2, as one sentence
    outputs = ["I am <x1>very happy</x1> to see you today." if s == whole else s.upper()
               .replace("<X", "<x").replace("</X", "</x") for s in parsed.segments]
    out = FORMAT.write(parsed, outputs, "en").data
    assert _TIMING.findall(out) == _TIMING.findall(data)
    blocks = out.decode().split("\r\n\r\n")
    assert [b.split("\r\n")[0] for b in blocks] == ["1", "2", "3", "4"]
    assert "<i>very happy</i>" in blocks[0] and "today." in blocks[1]
    assert blocks[1].split("\r\n")[2].strip()  # the second cue got its share, not nothing


def test_vtt_headers_notes_and_settings_untouched() -> None:
    data = (DATA / "lecture.vtt").read_bytes()
    parsed = FORMAT.read(data, "lecture.vtt")
    joined = " ".join(parsed.segments)
    for kept_out in ("WEBVTT", "Lezione", "captions", "::cue", "nota", "intro", "align", "-->"):
        assert kept_out not in joined, kept_out
    out = FORMAT.write(parsed, ["X " * 12] * len(parsed.segments), "en").data
    assert _TIMING.findall(out) == _TIMING.findall(data)
    assert out.split(b"intro\n")[0] == data.split(b"intro\n")[0]


@pytest.mark.parametrize(("data", "line"), [
    (b"1\n00:00:01,000 --> 00:00:02,000\nCiao.\n\n2\n00:00:03,000 -> 00:00:04,000\nAddio.\n", 6),
    (b"1\n00:00:01,000 --> 00:00:02,000\nCiao.\n\n2\nAddio senza tempi.\n", 6),
    (b"1\n00:00:01,000 --> 00:00:02,000\nCiao.\n\nTesto senza numero.\n", 5),
])
def test_broken_timing_is_a_clear_error(data, line) -> None:
    with pytest.raises(InputError) as caught:
        FORMAT.read(data, "film.srt")
    assert caught.value.message.startswith(f"film.srt: line {line}:")


def test_vtt_without_header_and_broken_vtt_timing() -> None:
    with pytest.raises(InputError, match="WEBVTT"):
        FORMAT.read(b"00:01.000 --> 00:02.000\nCiao\n", "a.vtt")
    with pytest.raises(InputError, match="broken timing"):
        FORMAT.read(b"WEBVTT\n\n00:01.000 --> 00:02\nCiao\n", "a.vtt")


_TEXT = st.lists(st.sampled_from(["Ciao", "come", "stai?", "Io", "sono", "qui.", "<i>bene</i>",
                                  "{\\an8}", "- Sì!", "♪", "&amp;", "<font color=\"red\">rosso</font>",
                                  "e", "poi"]), min_size=1, max_size=7).map(" ".join)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(_TEXT, min_size=0, max_size=3), min_size=1, max_size=8),
       st.sampled_from(["\n", "\r\n"]))
def test_generated_files_round_trip_and_keep_timings(cues, newline) -> None:
    blocks = []
    for number, lines in enumerate(cues, 1):
        timing = f"00:00:{number:02d},000 --> 00:00:{number:02d},900"
        blocks.append(newline.join([str(number), timing, *lines]))
    data = (newline * 2).join(blocks).encode() + newline.encode()
    assert _identity(data) == data
    parsed = FORMAT.read(data, "x.srt")
    out = FORMAT.write(parsed, ["Tradotto qui e là."] * len(parsed.segments), "en").data
    assert _TIMING.findall(out) == _TIMING.findall(data)
    assert re.findall(rb"^\d+\r?$", out, re.M) == re.findall(rb"^\d+\r?$", data, re.M)


def test_line_breaks_from_the_model_cannot_split_a_cue() -> None:
    data = b"1\n00:00:01,000 --> 00:00:02,000\nCiao.\n\n2\n00:00:03,000 --> 00:00:04,000\nAddio.\n"
    parsed = FORMAT.read(data, "x.srt")
    out = FORMAT.write(parsed, ["Hi\n\nthere.", "Bye."], "en").data
    assert out == b"1\n00:00:01,000 --> 00:00:02,000\nHi there.\n\n2\n00:00:03,000 --> 00:00:04,000\nBye.\n"
