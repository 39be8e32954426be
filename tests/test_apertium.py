"""The Apertium engine: routes, marks, batching, signatures, hints, and real English.

Tests marked ``needs_apertium`` run the Debian ``apertium`` command with the pairs
``apertium-cat-ita`` and ``apertium-eng-cat``: they skip (with the reason) where those
are missing, except under ``CI=true``, where a missing Apertium fails them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from translate.cli.app import app
from translate.errors import ModelUnavailableError, UsageError
from translate.models import apertium_routes
from translate.models.apertium_routes import find_route, installed_modes, mode_identity
from translate.models.engines import choose_engine
from translate.models.engines.apertium import ApertiumEngine, separator, strip_marks
from translate.models.engines.base import BatchStats, iter_translations
from translate.models.hub import resolve_model
from translate.models.registry import ModelSpec, Registry, parse_registry
from translate.models.routing import Router
from translate.models.translator import RunSettings, Translator
from translate.summaries.summarize import SummaryOptions
from translate.summaries.summarizer import Summarizer
from translate.text.segment import segment

ARTICLE = Path(__file__).parent / "data" / "apertium_it.txt"
PAIRS = ("ita-cat", "cat-eng")


def _have_apertium() -> str | None:
    """Why the real engine cannot run here, or ``None`` when it can."""
    if shutil.which("apertium") is None:
        return "the 'apertium' command is not installed (apt-get install apertium)"
    modes = Path(os.environ.get("APERTIUM_DATADIR") or "/usr/share/apertium") / "modes"
    missing = [m for m in PAIRS if not (modes / f"{m}.mode").is_file()]
    if missing:
        return f"Apertium modes {missing} are missing (apt-get install apertium-cat-ita " \
               "apertium-eng-cat)"
    return None


@pytest.fixture
def needs_apertium() -> None:
    """Skip without Apertium, but fail under CI, which installs it."""
    reason = _have_apertium()
    if reason and os.environ.get("CI") == "true":
        pytest.fail(f"CI must install Apertium: {reason}")
    if reason:
        pytest.skip(reason)


def run(*args: str, input: bytes | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args), input=input, catch_exceptions=False)


def fake_datadir(root: Path, names: list[str]) -> Path:
    """An Apertium data folder with mode files (each names one small data file)."""
    (root / "modes").mkdir(parents=True)
    for name in names:
        data = root / f"apertium-{name}" / f"{name}.bin"
        data.parent.mkdir(parents=True, exist_ok=True)
        data.write_bytes(name.encode())
        (root / "modes" / f"{name}.mode").write_text(f"lt-proc -w '{data}' | cat\n")
    return root


# -- routes ------------------------------------------------------------------------------

def test_routes_are_shortest_and_pivot_through_any_language(tmp_path: Path) -> None:
    root = fake_datadir(tmp_path, ["ita-cat", "cat-eng", "oci-cat", "cat-spa", "spa-eng",
                                   "es-en", "eng-cat_valencia", "ita-cat-morph"])
    modes = installed_modes(root)
    assert ("en", "ca") not in modes  # variants and debug modes are not routes
    assert [m.name for m in find_route("it", "en", modes)] == ["ita-cat", "cat-eng"]
    assert [m.name for m in find_route("oc", "es", modes)] == ["oci-cat", "cat-spa"]
    assert [m.name for m in find_route("es", "en", modes)] == ["spa-eng"]  # direct, 3-letter
    assert [m.name for m in find_route("oc", "en", modes)] == ["oci-cat", "cat-eng"]
    assert find_route("it", "it", modes) == []
    assert modes[("it", "ca")].package == "apertium-ita-cat"
    with pytest.raises(UsageError) as err:
        find_route("en", "it", modes)
    assert "installed modes" in err.value.message
    assert "apt-get install apertium apertium-eng-cat apertium-cat-ita" in str(err.value.hint)


def test_router_builds_apertium_legs_for_the_engine_or_a_pair(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch,
                                                              ) -> None:
    monkeypatch.setenv("APERTIUM_DATADIR", str(fake_datadir(tmp_path, ["ita-cat", "cat-eng"])))
    registry = parse_registry(tmp_path / "models.toml", """
[pairs.it-en]
engine = "apertium"
[pairs.de-en]
model = "Helsinki-NLP/opus-mt-de-en"
""")
    route = Router(registry).route("it", "en")
    assert [t.spec.key for t in route] == ["it-ca", "ca-en"]
    assert [t.spec.model for t in route] == ["apertium:ita-cat", "apertium:cat-eng"]
    assert Router(registry).route("de", "en")[0].spec.engine is None
    forced = Router(registry, {"num_beams": 2, "batch_size": 50},
                    RunSettings(engine="apertium")).route("it", "ca")
    assert forced[0].spec.batch_size == 50 and forced[0].spec.generation.num_beams == 4
    with pytest.raises(UsageError, match="--model"):
        Router(registry, {"model": "x/y"}, RunSettings(engine="apertium")).route("it", "en")
    with pytest.raises(UsageError, match="unknown engine 'bogus'"):
        parse_registry(tmp_path / "models.toml", '[pairs.it-en]\nengine = "bogus"\n')
    with pytest.raises(UsageError, match="only translates"):
        parse_registry(tmp_path / "models.toml", '[summarizer]\nengine = "apertium"\n')


# -- marks, separators, batching ----------------------------------------------------------

@pytest.mark.parametrize(("source", "output", "expected", "marks"), [
    ("Kizlov incontra", "*Kizlov finds", "Kizlov finds", 1),
    ("mario.rossi@example.it", "#mario.rossi@example.it", "mario.rossi@example.it", 1),
    ("**elezioni2024**", "#**elezioni2024**", "**elezioni2024**", 1),
    ("#elezioni2024 e *stelle*", "#elezioni2024 and *stars*", "#elezioni2024 and *stars*", 0),
    ("succeït e gratitud", "*succeït and #gratitud @x", "succeït and gratitud x", 3),
    ("nulla", "nothing", "nothing", 0),
    ("#a e Kizlov", "#a and *Kizlov", "#a and Kizlov", 1),
    ("#a e Kizlov", "#a and #Kizlov", "#a and #Kizlov", 1),  # kept, but counted
])
def test_marks_removed_only_where_the_source_lacked_them(source: str, output: str,
                                                         expected: str, marks: int) -> None:
    assert strip_marks(source, output) == (expected, marks)


@pytest.mark.parametrize(("source", "output", "expected", "marks"), [
    # a mark inside a URL the source writes with the same character: the URL stays
    ("La legge https://example.it/*legge pubblicata.",
     "It reads it https://example.it/**legge published.",
     "It reads it https://example.it/*legge published.", 1),
    # the sentence holds a '*' (Markdown), the URL got one: only the URL's goes
    ("Il gatto *bello* dorme su https://esempio.it/sfrullatore.",
     "The handsome *cat* sleeps on https://esempio.it/*sfrullatore.",
     "The handsome *cat* sleeps on https://esempio.it/sfrullatore.", 1),
    ("Scrivi a mario@esempio.it e *subito*", "Write to #mario@esempio.it and *immediately*",
     "Write to mario@esempio.it and *immediately*", 1),
    ("Costa 3,5 euro *oggi*", "Expense *3,5 euros *today*", "Expense 3,5 euros *today*", 1),
    ("Nessun segno", "No sign", "No sign", 0),
    ("Vedi www.esempio.it/a*b.", "See #www.esempio.it/a**b.", "See www.esempio.it/a*b.", 1),
])
def test_urls_addresses_and_numbers_are_never_touched(source: str, output: str,
                                                      expected: str, marks: int) -> None:
    assert strip_marks(source, output) == (expected, marks)


@pytest.mark.usefixtures("needs_apertium")
def test_real_apertium_keeps_urls_whole_and_counts_the_marks_it_removed(
        tmp_path: Path) -> None:
    text = ("La legge https://example.it/*legge e *questa* pagina: "
            "scrivi a mario.rossi@esempio.it entro il 12.05.2024.")
    (tmp_path / "a.txt").write_text(text + "\n", encoding="utf-8")
    result = run(str(tmp_path), "--engine", "apertium", "--from", "it", "--report",
                 str(tmp_path / "r.json"))
    assert result.exit_code == 0, result.output
    english = (tmp_path / "a.en.txt").read_text(encoding="utf-8")
    for kept in ("https://example.it/*legge", "mario.rossi@esempio.it", "12.05.2024"):
        assert kept in english, english
    report = json.loads((tmp_path / "r.json").read_text())
    raw = subprocess.run("apertium ita-cat | apertium cat-eng", shell=True, input=text,
                         capture_output=True, text=True, check=True).stdout
    assert "**legge" in raw or "#mario" in raw  # Apertium did mark inside them
    assert report["totals"]["unknown_words"] >= 1


def test_separator_never_occurs_in_the_texts() -> None:
    assert separator(["a", "b"]) == "\n\n§§§\n\n"
    longer = separator(["a §§§ b", "§§§§"])
    assert all(longer.strip() not in t for t in ["a §§§ b", "§§§§"])


def _bare_engine(run: object) -> ApertiumEngine:
    engine = ApertiumEngine.__new__(ApertiumEngine)
    engine.processes = 0
    engine._run = run  # type: ignore[method-assign]
    return engine


def test_a_miscounted_batch_is_redone_one_by_one_and_counted() -> None:
    calls: list[str] = []

    def drops_a_separator(text: str) -> str:  # a stand-in for a misbehaving apertium
        calls.append(text)
        out = text.upper()
        return out.replace(separator([]).upper(), " ", 1)

    texts = ["uno", "due", "tre"]
    stats = BatchStats()
    engine = _bare_engine(drops_a_separator)
    done = {k: v for part in iter_translations(engine, texts, 10, 1000, stats)
            for k, v in part.items()}
    assert done == {"uno": "UNO", "due": "DUE", "tre": "TRE"}
    assert len(calls) == 1 + 3 and stats.redone_segments == 3 and stats.batches == 1

    calls.clear()
    stats = BatchStats()
    engine = _bare_engine(lambda text: calls.append(text) or text.replace("d", "*d"))
    done = {k: v for part in iter_translations(engine, texts, 10, 1000, stats)
            for k, v in part.items()}
    assert done == {"uno": "uno", "due": "due", "tre": "tre"}
    assert len(calls) == 1 and stats.redone_segments == 0 and stats.unknown_words == 1


# -- signature, engine choice, hints ------------------------------------------------------

def test_mode_identity_changes_with_the_mode_and_its_data(tmp_path: Path) -> None:
    root = fake_datadir(tmp_path, ["ita-cat"])
    mode = installed_modes(root)[("it", "ca")]
    before = mode_identity(mode)
    assert mode_identity(mode) == before
    (root / "apertium-ita-cat" / "ita-cat.bin").write_bytes(b"a newer dictionary")
    after = mode_identity(mode)
    assert after != before
    mode.path.write_text(mode.path.read_text() + "| lt-proc -p\n")
    assert mode_identity(mode) not in (before, after)


def test_without_apertium_the_errors_name_the_packages(monkeypatch: pytest.MonkeyPatch,
                                                       ) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    apertium_routes.apertium_version.cache_clear()
    with pytest.raises(UsageError) as err:
        choose_engine("apertium")
    assert "apt-get install apertium apertium-cat-ita apertium-eng-cat" in str(err.value.hint)
    # A Ray node without Apertium: the actor fails with the same clear message.
    from translate.translation.distributed import TranslateActor

    spec = ModelSpec("it-ca", "apertium:ita-cat", engine="apertium")
    with pytest.raises(UsageError, match="engine 'apertium' is not installed"):
        TranslateActor(spec, RunSettings(engine="apertium"), "translate", 1)
    with pytest.raises(ModelUnavailableError, match="not installed") as missing:
        apertium_routes.locate("ita-cat")
    assert "apt-get install apertium" in str(missing.value.hint)
    apertium_routes.apertium_version.cache_clear()


def test_missing_model_hint_offers_apertium_or_its_install_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = ModelSpec("it-en", "nobody/opus-mt-it-en-absent")
    monkeypatch.setattr(shutil, "which", lambda name: "/usr/bin/apertium")
    monkeypatch.setenv("APERTIUM_DATADIR", str(fake_datadir(tmp_path / "a",
                                                            ["ita-cat", "cat-eng"])))
    with pytest.raises(ModelUnavailableError) as err:
        resolve_model(spec, offline=True)
    assert "--engine apertium" in str(err.value.hint)
    assert "apt-get" not in str(err.value.hint)
    monkeypatch.setenv("APERTIUM_DATADIR", str(fake_datadir(tmp_path / "b", ["ita-cat"])))
    with pytest.raises(ModelUnavailableError) as err:
        resolve_model(spec, offline=True)
    assert "apt-get install apertium apertium-cat-ita apertium-eng-cat" in str(err.value.hint)
    with pytest.raises(ModelUnavailableError) as err:
        resolve_model(ModelSpec("ja-en", "nobody/opus-mt-ja-en-absent"), offline=True)
    assert "apertium" not in str(err.value.hint)


def test_summariser_keeps_its_own_engine_under_apertium() -> None:
    registry = Registry(("x",), {}, ModelSpec("summarizer", "nobody/distilbart"))
    router = Router(registry, settings=RunSettings(engine="apertium", device="cpu"))
    summarizer = Summarizer(router, SummaryOptions("abstractive"))
    assert summarizer.translator is not None
    assert summarizer.translator.settings.engine == "auto"
    assert summarizer.translator.info.name != "apertium"


# -- real Apertium ------------------------------------------------------------------------

def _outputs(translator: Translator, texts: list[str]) -> dict[str, str]:
    return {k: v for part in translator.translate(texts) for k, v in part.items()}


@pytest.mark.usefixtures("needs_apertium")
def test_thousand_segments_keep_a_one_to_one_mapping() -> None:
    odd = ["", "   ", "...", "!!!", "—", "- -", "(1)", "12,5%", "2024", "3.000.000",
           "https://www.esteri.it/accordo-2024?id=7", "mario.rossi@example.it",
           "#elezioni2024", "**Roma**"]
    texts = [f"Il ministro ha parlato {i} volte del governo." if i % 3 else
             f"La Russia ha firmato {i} accordi" for i in range(1000 - len(odd))] + odd
    router = Router(Registry(("x",), {}), settings=RunSettings(engine="apertium"))
    first, second = router.route("it", "en")
    middle = _outputs(first, texts)
    english = _outputs(second, sorted(set(middle.values())))
    assert first.engine.processes == 1 and second.engine.processes == 1  # type: ignore[attr-defined]
    assert first.stats.redone_segments == second.stats.redone_segments == 0
    for i, text in enumerate(texts[: -len(odd)]):
        out = english[middle[text]]
        assert re.findall(r"\d+", out) == [str(i)], (text, out)
        assert ("minister" in out) if i % 3 else ("Russia" in out)
    for text in odd:  # kept as they are, marks removed; only the name is translated
        assert english[middle[text]] == text.replace("Roma", "Rome")
    single = subprocess.run(["apertium", "ita-cat"], input=texts[1].encode(),
                            capture_output=True, check=True).stdout.decode()
    assert middle[texts[1]] == strip_marks(texts[1], single)[0]


def _layout_pattern(source: str) -> re.Pattern[str]:
    """The source's literal layout, byte for byte, with any text where sentences were."""
    seg = segment(source)
    assert all(isinstance(p, str | int) for p in seg.parts), "the fixture has no wrapped lines"
    return re.compile("".join(re.escape(p) if isinstance(p, str) else "(.+?)"
                              for p in seg.parts) + r"\Z", re.S)


@pytest.mark.usefixtures("needs_apertium")
def test_italian_article_becomes_english_with_layout_numbers_and_cache(tmp_path: Path) -> None:
    source = ARTICLE.read_text(encoding="utf-8")
    work = tmp_path / "docs"
    work.mkdir()
    shutil.copy(ARTICLE, work / "article.txt")
    report = tmp_path / "r.json"

    planned = run(str(work), "--to", "en", "--engine", "apertium", "--dry-run",
                  "--report", str(report))
    assert planned.exit_code == 0, planned.output
    data = json.loads(report.read_text())
    assert data["totals"]["planned"] == 1 and data["totals"]["model_tokens"] > 100
    assert data["models_loaded"] == [] and not (work / "article.en.txt").exists()

    done = run(str(work), "--to", "en", "--engine", "apertium", "--report", str(report))
    assert done.exit_code == 0, done.output
    english = (work / "article.en.txt").read_text(encoding="utf-8")
    for word in ("minister", "Russia", "agreement", "gas", "price", "months", "Rome",
                 "Moscow", "president", "Italian", "meeting"):
        assert word in english, word
    for number in re.findall(r"\d+(?:[.,]\d+)*", source):
        assert number in english, number
    for date in ("March 12, 2024", "December 31, 2025", "April 15, 2024", "2030"):
        assert date in english, date
    assert "https://www.esteri.it/accordo-2024" in english
    assert _layout_pattern(source).match(english)
    assert not re.search(r"[*#@]\w", english.replace("# The", ""))  # no marks left
    data = json.loads(report.read_text())
    assert data["models_loaded"] == ["it-ca", "ca-en"]
    assert data["totals"]["redone_segments"] == 0

    (work / "article.en.txt").unlink()  # the manifest cannot answer: the cache must
    again = run(str(work), "--to", "en", "--engine", "apertium", "--report", str(report))
    assert again.exit_code == 0, again.output
    data = json.loads(report.read_text())
    assert data["models_loaded"] == [] and data["totals"]["cache_hit_rate"] == 1.0
    assert (work / "article.en.txt").read_text(encoding="utf-8") == english

    piped = run("-", "--from", "it", "--to", "en", "--engine", "apertium",
                input=ARTICLE.read_bytes())
    assert piped.exit_code == 0 and piped.stdout_bytes.decode() == english

    summary = run(str(work), "--to", "en", "--engine", "apertium", "--summarize",
                  "--method", "extractive", "--max-words", "40", "--report", str(report))
    assert summary.exit_code == 0, summary.output
    text = (work / "article.en.summary.txt").read_text(encoding="utf-8").strip()
    assert _made_of(text, segment(english, "en").segments) >= 2, text
    (work / "article.en.summary.txt").unlink()
    command = run("summarize", str(work), "--engine", "apertium", "--method", "extractive",
                  "--max-words", "40")
    assert command.exit_code == 0, command.output
    assert (work / "article.en.summary.txt").read_text(encoding="utf-8").strip() == text


def _made_of(text: str, sentences: list[str]) -> int:
    """How many of ``sentences`` ``text`` is made of, in a row (fails on anything else)."""
    used = 0
    while text:
        found = max((s for s in sentences if text.startswith(s)), key=len, default=None)
        assert found, f"not a sentence of the translation: {text[:60]!r}"
        text, used = text[len(found):].lstrip(), used + 1
    return used


@pytest.mark.usefixtures("needs_apertium")
def test_pivot_equals_the_two_legs_run_by_hand(tmp_path: Path) -> None:
    shutil.copy(ARTICLE, tmp_path / "article.txt")
    job = tmp_path / "jobs.toml"
    job.write_text(f'[[job]]\ninputs = ["{tmp_path / "article.txt"}"]\nto = "en"\n'
                   'engine = "apertium"\n')
    done = run("run", str(job))
    assert done.exit_code == 0, done.output
    catalan = subprocess.run(["apertium", "-u", "ita-cat"], input=ARTICLE.read_bytes(),
                             capture_output=True, check=True).stdout
    english = subprocess.run(["apertium", "-u", "cat-eng"], input=catalan,
                             capture_output=True, check=True).stdout
    assert (tmp_path / "article.en.txt").read_bytes() == english


@pytest.mark.usefixtures("needs_apertium")
def test_signature_records_apertium_version_and_mode_hash() -> None:
    spec = ModelSpec("it-ca", "apertium:ita-cat", engine="apertium")
    signature = Translator(spec, RunSettings(engine="apertium")).signature()
    identity = signature["model_identity"]
    assert identity.startswith("Apertium ") and "ita-cat" in identity
    assert signature["engine"] == "apertium" and re.search(r"[0-9a-f]{16}$", identity)
    listed = run("models", "list", "--json")
    rows = [r for r in json.loads(listed.output) if r.get("engine") == "apertium"]
    it_en = next(r for r in rows if r["key"] == "it-en")
    assert [leg["package"] for leg in it_en["legs"]] == ["apertium-cat-ita", "apertium-eng-cat"]
    assert "it>ca>en" in run("models", "list").output


@pytest.mark.usefixtures("needs_apertium")
def test_ray_run_equals_a_local_run(tmp_path: Path) -> None:
    ray = pytest.importorskip("ray")  # CI installs the ray extra
    local, remote = tmp_path / "local", tmp_path / "remote"
    for folder in (local, remote):
        folder.mkdir()
        shutil.copy(ARTICLE, folder / "article.txt")
    assert run(str(local), "--engine", "apertium", "--to", "en").exit_code == 0
    report = tmp_path / "r.json"
    try:
        done = run(str(remote), "--engine", "apertium", "--to", "en", "--cluster", "local",
                   "--actors", "1", "--report", str(report))
    finally:
        ray.shutdown()
    assert done.exit_code == 0, done.output
    assert (remote / "article.en.txt").read_bytes() == (local / "article.en.txt").read_bytes()
    data = json.loads(report.read_text())
    assert data["distributed"]["workers_seen"] >= 1 and data["models_loaded"] == []
