"""Document formats: read and write speed, and whether the time grows linearly.

Each corpus file of ``tests/data/formats`` (and a built DOCX) is repeated 1x, 2x and
4x; the script prints segments, seconds for read (sentence splitting included) and
write (identity outputs), and the time per segment, which should stay flat. Then, for
runs, the cost of detecting a document's language in its words (``--from auto``: a
first reading without sentence splitting, detection paragraph by paragraph, as for
plain text, then the reading in the language found) against ``--from it``.

    python benchmarks/formats.py
"""

from __future__ import annotations

import copy
import io
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.formats_corpus import build_docx  # noqa: E402
from translate.formats import format_for  # noqa: E402
from translate.run.reading import decode_input, read_parsed  # noqa: E402

DATA = ROOT / "tests" / "data" / "formats"


def _repeat(name: str, data: bytes, times: int) -> bytes:
    if name.endswith(".md"):
        return data.split(b"[rif]:")[0] * times + data[data.index(b"[rif]:"):]
    if name.endswith(".html"):
        head, body = data.split(b"<body>")
        inner, tail = body.split(b"</body>")
        return head + b"<body>" + inner * times + b"</body>" + tail
    if name.endswith(".srt"):
        cues = data.split(b"\r\n\r\n")
        return b"\r\n\r\n".join(b"\r\n".join([str(i + 1).encode(), *c.split(b"\r\n")[1:]])
                                for i, c in enumerate(cues * times))
    if name.endswith(".docx"):
        import docx

        document = docx.Document(io.BytesIO(data))
        body = document.element.body
        items = list(body)[:-1]  # all but the section properties
        for _ in range(times - 1):
            for item in items:
                body.insert(len(body) - 1, copy.deepcopy(item))
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()
    return data * times


def main() -> None:
    files = [(n, (DATA / n).read_bytes()) for n in ("guide.md", "page.html", "film.srt")]
    files.append(("report.docx", build_docx()))
    print(f"{'file':12} {'x':>3} {'segments':>9} {'read s':>8} {'write s':>8} {'ms/segment':>11}")
    for name, data in files:
        fmt = format_for(Path(name))
        for times in (25, 50, 100):
            sample = _repeat(name, data, times)
            start = time.perf_counter()
            parsed = fmt.read(sample, name)
            read = time.perf_counter() - start
            start = time.perf_counter()
            fmt.write(parsed, parsed.segments, "en")
            write = time.perf_counter() - start
            per = 1000 * (read + write) / max(len(parsed.segments), 1)
            print(f"{name:12} {times:>3} {len(parsed.segments):>9} {read:>8.2f} {write:>8.2f} "
                  f"{per:>11.2f}")



def detection() -> None:
    """Seconds to read each file (x50) for a run: language given, and detected."""
    files = [(n, (DATA / n).read_bytes()) for n in ("guide.md", "page.html", "film.srt")]
    files.append(("report.docx", build_docx()))
    print(f"\n{'file':12} {'--from it s':>12} {'--from auto s':>14} {'ratio':>6}")
    for name, data in files:
        fmt = format_for(Path(name))
        sample = _repeat(name, data, 50)
        doc = decode_input(fmt, sample, name, None)
        seconds = []
        for source in ("it", "auto"):
            start = time.perf_counter()
            read_parsed(fmt, sample, name, doc, source, None)
            seconds.append(time.perf_counter() - start)
        print(f"{name:12} {seconds[0]:>12.2f} {seconds[1]:>14.2f} "
              f"{seconds[1] / seconds[0]:>6.2f}")


if __name__ == "__main__":
    main()
    detection()
