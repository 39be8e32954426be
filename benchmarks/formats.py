"""Document formats: read and write speed, and whether the time grows linearly.

Each corpus file of ``tests/data/formats`` (and a built DOCX) is repeated 1x, 2x and
4x; the script prints segments, seconds for read (sentence splitting included) and
write (identity outputs), and the time per segment, which should stay flat. Then, for
runs, the cost of detecting a document's language in its words (``--from auto``: a
first reading without sentence splitting, detection paragraph by paragraph, as for
plain text, then the reading in the language found) against ``--from it``.

Last, the new formats (PPTX, XLSX, OpenDocument, EPUB, PDF): slides or pages a second
for reading and writing, and the share of a run's time spent outside the model with
the tiny test model (``--no-model``: reading and writing only).

    python benchmarks/formats.py
"""

from __future__ import annotations

import copy
import io
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.formats_corpus import build_docx  # noqa: E402
from translate.formats import format_for  # noqa: E402
from translate.translation.reading import decode_input, read_parsed  # noqa: E402

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


def _deck(slides: int) -> bytes:
    """A deck of ``slides`` slides: the test deck's slides repeated."""
    import pptx

    from tests.office_corpus import build_pptx

    deck = pptx.Presentation(io.BytesIO(build_pptx()))
    sources = list(deck.slides)
    for number in range(len(sources), slides):
        model = sources[number % len(sources)]
        slide = deck.slides.add_slide(model.slide_layout)
        for shape in list(slide.shapes):
            shape._element.getparent().remove(shape._element)
        for shape in model.shapes:
            slide.shapes._spTree.append(copy.deepcopy(shape._element))
        slide.notes_slide.notes_text_frame.text = model.notes_slide.notes_text_frame.text
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def _units(name: str, data: bytes) -> int:
    """Slides, sheets, pages or chapters: what a user counts in such a file."""
    if name.endswith(".pdf"):
        return data.count(b"/Type /Page\n") or data.count(b"/Type /Page")
    if name.endswith(".pptx"):
        return sum(1 for n in zipfile.ZipFile(io.BytesIO(data)).namelist()
                   if n.startswith("ppt/slides/slide"))
    return 1


def office(model_dir: Path | None) -> None:
    """The new formats: read and write speed in pages or slides a second, and the share
    of a run's time spent outside the model (reading and writing), with the tiny model."""
    from tests import office_corpus as corpus

    engine = None
    if model_dir is not None:
        from translate.models.engines.hf import TransformersEngine
        from translate.models.hub import resolve_model
        from translate.models.registry import GenerationOptions, ModelSpec

        spec = ModelSpec("it-en", str(model_dir),
                         generation=GenerationOptions(num_beams=1, max_new_tokens=16))
        engine = TransformersEngine(resolve_model(spec), spec, "cpu")
    files = [("deck.pptx", _deck(40), "slides"), ("deck.pptx", _deck(160), "slides"),
             ("book.xlsx", corpus.build_xlsx(), "book"), ("r.odt", corpus.build_odt(), "doc"),
             ("r.odp", corpus.build_odp(), "doc"), ("libro.epub", corpus.build_epub(), "book"),
             ("r.pdf", corpus.build_pdf(pages=20), "pages"),
             ("r.pdf", corpus.build_pdf(pages=80, columns_to=80), "pages")]
    print(f"\n{'file':11} {'units':>6} {'segments':>9} {'read s':>7} {'write s':>8} "
          f"{'units/s':>8} {'model s':>8} {'outside':>8}")
    for name, data, unit in files:
        fmt = format_for(Path(name))
        start = time.perf_counter()
        parsed = fmt.read(data, name)
        read = time.perf_counter() - start
        outputs = list(parsed.segments)
        model = 0.0
        if engine is not None:
            from translate.models.engines.base import iter_translations

            start = time.perf_counter()
            done: dict[str, str] = {}
            for batch in iter_translations(engine, sorted(set(parsed.segments)), batch_size=32,
                                           max_batch_tokens=4000):
                done.update(batch)
            model = time.perf_counter() - start
            outputs = [done[s] for s in parsed.segments]
        start = time.perf_counter()
        fmt.write(parsed, outputs, "en")
        write = time.perf_counter() - start
        units = _units(name, data) if unit in ("slides", "pages") else 1
        share = (read + write) / (read + write + model) if model else 1.0
        print(f"{name:11} {units:>6} {len(parsed.segments):>9} {read:>7.2f} {write:>8.2f} "
              f"{units / (read + write):>8.1f} {model:>8.2f} {100 * share:>7.0f}%")


if __name__ == "__main__":
    import tempfile

    main()
    detection()
    with tempfile.TemporaryDirectory() as work:
        from tests.model_factory import build_marian

        office(build_marian(Path(work) / "tiny-it-en") if "--no-model" not in sys.argv else None)
