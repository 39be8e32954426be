"""One owner per resource: the caches of a run, the up-to-date decision, the model pool."""

from __future__ import annotations

from pathlib import Path

import pytest

from translate.cache.caches import CacheSet
from translate.cache.outputs import Decision, OutputPlan, settle
from translate.cache.store import CACHE_DIR
from translate.errors import CacheError


def test_cache_set_opens_each_root_once(tmp_path: Path) -> None:
    caches = CacheSet()
    first = caches.for_path(tmp_path / "a.txt")
    second = caches.for_path(tmp_path / "b.txt")
    assert first is not None and first is second
    assert caches.opened() == [first]
    caches.close(hits=3, misses=4)
    assert caches.opened() == []
    assert CacheSet().for_path(tmp_path / "b.txt") is not first  # closed: a new one
    assert CacheSet(use_cache=False).for_path(tmp_path / "b.txt") is None


def test_cache_set_remembers_an_unusable_cache(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / CACHE_DIR).symlink_to(tmp_path / "elsewhere")
    caches = CacheSet()
    with pytest.raises(CacheError) as first:
        caches.for_path(tmp_path / "a.txt")
    with pytest.raises(CacheError) as second:
        caches.for_path(tmp_path / "b.txt")
    assert first.value is second.value  # opened once, the same error for each file
    assert caches.close() == []


def test_dry_run_cache_set_creates_nothing(tmp_path: Path) -> None:
    assert CacheSet(dry_run=True).for_path(tmp_path / "a.txt") is None
    assert not (tmp_path / CACHE_DIR).exists()


def test_settle_decides_from_the_record() -> None:
    record = {"signature": "abc", "input_sha256": "i", "output_sha256": "o"}
    asked: list[object] = []

    def expected(found: object) -> dict[str, str]:
        asked.append(found)
        return {"signature": "abc", "encoding": "utf-8"}  # no encoding recorded: utf-8

    assert settle(OutputPlan(Decision.UP_TO_DATE, record), expected) == Decision.UP_TO_DATE
    assert asked == [record]
    assert settle(OutputPlan(Decision.UP_TO_DATE, record),
                  lambda found: {"signature": "other"}) == Decision.WRITE
    assert settle(OutputPlan(Decision.UP_TO_DATE, record),
                  lambda found: {"encoding": "cp1252"}) == Decision.WRITE
    for decision in (Decision.CONFLICT, Decision.KEEP_EDITED, Decision.WRITE):
        assert settle(OutputPlan(decision, record), expected) == decision
    assert len(asked) == 1  # the expected fields are worked out only when they matter


def test_translations_and_summaries_share_the_up_to_date_decision() -> None:
    from translate.summaries import extractive
    from translate.summaries import files as summary
    from translate.translation import writing

    assert writing.settle is summary.settle is extractive.settle is settle


def _summarizer(registry_file: Path, router: object = None):  # type: ignore[no-untyped-def]
    from translate.models.registry import load_registry
    from translate.models.routing import Router
    from translate.models.translator import RunSettings
    from translate.summaries.summarize import SummaryOptions
    from translate.summaries.summarizer import Summarizer

    router = router or Router(load_registry(registry_file), settings=RunSettings(engine="fake"))
    return Summarizer(router, SummaryOptions(max_words=8, min_words=2))  # type: ignore[arg-type]


def test_a_second_summary_run_loads_nothing(registry_file: Path) -> None:
    from tests.fakes import LOG

    first = _summarizer(registry_file)
    text = "The leader met the minister. Students demonstrated in Rome.\n"
    assert first.summarize(text, None).text
    second = _summarizer(registry_file, first.router)  # a new Summarizer, the same pool
    assert second.summarize(text + "More.\n", None).text
    assert LOG.loads == 1 and first.router.loads == ["summarizer"]
    assert second.translator.loaded and not first.translator.loaded  # one copy in memory
    first.router.pool.close()
    assert not second.translator.loaded


def test_translations_and_the_summariser_share_one_pool(registry_file: Path) -> None:
    from tests.fakes import LOG

    summarizer = _summarizer(registry_file)
    router = summarizer.router
    router.pool.max_loaded = 1
    it = router.route("it", "en")[0]
    list(router.translate(it, ["Una frase."]))
    summarizer.summarize("The leader met the minister. Students demonstrated.\n", None)
    list(router.translate(it, ["Una frase."]))
    assert router.loads == ["it-en", "summarizer", "it-en"] and LOG.loads == 3
    assert [t.spec.key for t in router.pool.loaded()] == ["it-en"]


def test_ray_actors_load_through_their_process_pool(tiny_marian: Path) -> None:
    from tests.fakes import LOG
    from translate.models.registry import ModelSpec
    from translate.models.translator import RunSettings
    from translate.translation.distributed import ACTOR_POOL, TranslateActor

    spec, settings = ModelSpec("it-en", str(tiny_marian)), RunSettings(engine="fake")
    try:
        first = TranslateActor(spec, settings, "translate", 1)
        second = TranslateActor(spec, settings, "translate", 1)  # a reused worker process
        rows = second({"text": ["Una frase."]})
        assert rows["output"] == ["<it-en>[Una frase.]"]
        assert LOG.loads == 1 and ACTOR_POOL.loads[-1:] == ["it-en"]
        assert second.translator.loaded and not first.translator.loaded
    finally:
        ACTOR_POOL.close()


class _MovesAway:
    """A progress sink that changes the working directory when the translation ends."""

    def __init__(self, elsewhere: Path) -> None:
        self.elsewhere = elsewhere

    def start(self, total_files: int) -> None: ...
    def file_done(self, result: object) -> None: ...
    def batch_done(self, segments: int, tokens: int) -> None: ...

    def close(self) -> None:
        import os

        os.chdir(self.elsewhere)


def test_summaries_take_the_english_from_the_translation(
        tmp_path: Path, registry_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from translate.summaries import files as summary
    from translate.translation.job_options import JobOptions
    from translate.translation.report import Status

    folder = tmp_path / "work" / "it"
    folder.mkdir(parents=True)
    (folder / "a.txt").write_text("Prima frase breve qui. Seconda frase.\n")
    (folder / "b.txt").write_text("Una frase. Un'altra frase.\n")
    (tmp_path / "elsewhere").mkdir()
    read: list[Path] = []

    from translate.translation import reading as reader

    def reading(path: Path):  # type: ignore[no-untyped-def]
        read.append(path)
        return original(path)

    original = reader.read_regular  # how a summary reads a translation it did not keep
    monkeypatch.setattr(reader, "read_regular", reading)

    def summarize() -> list[Status]:
        monkeypatch.chdir(tmp_path / "work")  # relative inputs
        first = _summarizer(registry_file)
        job = summary.SummaryRun(first.router, JobOptions(source="it"), first,
                                 _MovesAway(tmp_path / "elsewhere"))  # type: ignore[arg-type]
        _, report = job.run(["it"])
        return [f.status for f in report.files]

    assert summarize() == [Status.TRANSLATED, Status.TRANSLATED]
    assert read == []  # the English came from memory, not from disk
    assert (folder / "a.en.summary.txt").read_text().startswith("<it-en>[Prima")
    (folder / "a.en.summary.txt").unlink()
    assert summarize() == [Status.TRANSLATED, Status.UP_TO_DATE]
    assert read == [folder / "a.en.txt", folder / "b.en.txt"]  # up to date: read once each
    assert all(p.is_absolute() for p in read)


def test_two_summary_runs_in_one_process_load_each_model_once(
        tmp_path: Path, registry_file: Path) -> None:
    from tests.fakes import LOG
    from translate.summaries.files import SummaryRun
    from translate.translation.job_options import JobOptions
    from translate.translation.report import Status

    (tmp_path / "a.txt").write_text("Prima frase breve qui. Seconda frase.\n")
    router = _summarizer(registry_file).router
    options = JobOptions(source="it", use_cache=False, force=True)  # the models run twice
    for _ in range(2):
        summarizer = _summarizer(registry_file, router)  # as a second command would
        translated, summaries = SummaryRun(router, options, summarizer).run([str(tmp_path)])
        assert [f.status for f in summaries.files] == [Status.TRANSLATED]
        assert [f.status for f in translated.files] == [Status.TRANSLATED]
    assert LOG.loads == 2 and router.loads == ["it-en", "summarizer"]


def test_a_model_unloaded_behind_the_pool_is_loaded_again_through_it(
        registry_file: Path) -> None:
    from tests.fakes import LOG

    summarizer = _summarizer(registry_file)
    router = summarizer.router
    it = router.route("it", "en")[0]
    list(router.translate(it, ["Una frase."]))
    it.unload()  # e.g. a session closing its translators
    list(router.translate(it, ["Un'altra frase."]))
    assert router.loads == ["it-en", "it-en"] and LOG.loads == 2
