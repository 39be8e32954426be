from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import SEED_DIR
from tests.formats_corpus import build_docx
from translate.cli.app import app

ray = pytest.importorskip("ray")  # CI installs the ray extra, so this runs there


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def local_ray():  # type: ignore[no-untyped-def]
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def make_inputs(folder: Path) -> Path:
    folder.mkdir(parents=True)
    shutil.copy(next(SEED_DIR.glob("*.txt")), folder / "articolo.txt")
    for i in range(3):
        (folder / f"breve{i}.txt").write_text(
            f"Il governo ha approvato la legge numero {i}. Gli studenti protestano.\n\n"
            f"Il sindaco di Milano ha presentato il piano {i}.\n")
    (folder / "nota.md").write_text("# Il piano\n\nIl sindaco ha presentato il **piano**.\n")
    (folder / "rapporto.docx").write_bytes(build_docx())  # every format runs on Ray too
    return folder


def outputs(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.en.*"))}


def test_ray_run_is_byte_identical_to_local(tmp_path, registry_file, local_ray) -> None:
    common = ["--models", str(registry_file), "--engine", "transformers", "--from", "it"]
    local, remote = make_inputs(tmp_path / "local"), make_inputs(tmp_path / "ray")
    assert run(str(local), *common).exit_code == 0
    report = tmp_path / "r.json"
    result = run(str(remote), *common, "--cluster", "local", "--actors", "2", "--batch-size",
                 "4", "--report", str(report))
    assert result.exit_code == 0, result.output
    assert outputs(remote) == outputs(local) and len(outputs(local)) == 6
    data = json.loads(report.read_text())
    assert data["distributed"]["workers_seen"] >= 2  # at least two actors did work
    assert data["models_loaded"] == []  # the driver itself loaded no model
    assert data["totals"]["truncated_tokens"] == 0 and data["totals"]["generate_calls"] > 0


def test_cache_entries_are_shared_both_ways(tmp_path, registry_file, local_ray) -> None:
    common = ["--models", str(registry_file), "--engine", "transformers", "--from", "it"]
    report = tmp_path / "r.json"
    first = make_inputs(tmp_path / "a")
    assert run(str(first), *common, "--cluster", "local").exit_code == 0
    for path in first.glob("*.en.txt"):
        path.unlink()
    assert run(str(first), *common, "--report", str(report)).exit_code == 0
    data = json.loads(report.read_text())
    assert data["models_loaded"] == [] and data["totals"]["model_segments"] == 0

    second = make_inputs(tmp_path / "b")
    assert run(str(second), *common).exit_code == 0
    for path in second.glob("*.en.txt"):
        path.unlink()
    assert run(str(second), *common, "--cluster", "local", "--report",
               str(report)).exit_code == 0
    data = json.loads(report.read_text())
    assert data["distributed"]["workers_seen"] == 0  # nothing was shipped
    assert data["totals"]["cache_hits"] == data["totals"]["segments"]
    assert len(list(second.glob("*.en.txt"))) == 4


def test_interrupted_ray_run_resumes_from_the_cache(tmp_path, registry_file, local_ray) -> None:
    from translate.models.registry import load_registry
    from translate.models.routing import Router
    from translate.models.translator import RunSettings
    from translate.translation.distributed import RayRunner
    from translate.translation.job_options import JobOptions
    from translate.translation.pipeline import Pipeline

    class StopAfterFirstBatch(RayRunner):
        def __call__(self, translator, texts, overrides=None):  # type: ignore[no-untyped-def,override]
            for batch in super().__call__(translator, texts, overrides):
                yield batch
                if not overrides:  # a first generation, once its batch is checked and stored
                    raise KeyboardInterrupt  # as if Ctrl-C arrived mid-run

    folder = tmp_path / "docs"
    folder.mkdir()
    for i in range(12):
        (folder / f"doc{i}.txt").write_text(f"Il documento numero {i} parla di Roma.\n")
    router = Router(load_registry(registry_file), {"batch_size": 1},
                    RunSettings(engine="transformers"))
    runner = StopAfterFirstBatch(actors=2)
    report = Pipeline(router, JobOptions(source="it"), runner=runner).run([folder])
    assert report.interrupted and not list(folder.glob("*.en.txt"))
    resumed = tmp_path / "r.json"
    assert run(str(folder), "--models", str(registry_file), "--engine", "transformers",
               "--from", "it", "--batch-size", "1", "--report", str(resumed)).exit_code == 0
    totals = json.loads(resumed.read_text())["totals"]
    assert 0 < totals["cache_hits"] < 12  # the batch that came back is not translated again
    assert totals["model_segments"] == 12 - totals["cache_hits"]
    assert len(list(folder.glob("*.en.txt"))) == 12


def test_max_new_tokens_past_the_position_table_on_ray_is_capped_and_said(
        tmp_path, local_ray) -> None:
    """Issue 21: a Ray run of a 128-position model with the default 512 writes, capped."""
    from tests.model_factory import build_marian

    model = build_marian(tmp_path / "marian-128", max_positions=128)
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text("Una frase.\n", "utf-8")
    report = tmp_path / "r.json"
    result = run(str(folder), "--model", str(model), "--from", "it", "--engine",
                 "transformers", "--max-new-tokens", "512", "--no-retry", "--cluster", "local",
                 "--actors", "1", "--report", str(report))
    assert result.exit_code == 0, result.output
    data = json.loads(report.read_text("utf-8"))
    assert any("max_new_tokens 512 is more than the model can write" in w
               and "capped at 127 tokens" in w for w in data["warnings"]), data["warnings"]
    assert data["distributed"]["actors"] == 1
    assert (folder / "a.en.txt").read_text("utf-8").strip()
