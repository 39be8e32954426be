"""Issue 21: one entry never stops the run (deep folders, empty batches, empty files)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from typer.testing import CliRunner

from translate.cli.app import app


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def _deep(top: Path, levels: int, name: str, last: str) -> None:
    """``levels`` folders called ``name`` under ``top``, then ``last`` with x.txt."""
    fd = os.open(top, os.O_RDONLY)
    try:
        for folder in [name] * levels + [last]:
            os.mkdir(folder, dir_fd=fd)
            inner = os.open(folder, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
        out = os.open("x.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(out, b"Una frase profonda.\n")
        os.close(out)
    finally:
        os.close(fd)


def test_a_folder_too_deep_is_accounted_for_and_never_blamed_on_permissions(
        tmp_path, registry_file) -> None:
    folder = tmp_path / "deep"
    folder.mkdir()
    (folder / "top.txt").write_text("Una frase in cima.\n", "utf-8")
    base = len(os.fsencode(folder))
    # a file whose own path fits but whose outputs' paths would not
    _deep(folder, (4000 - base) // 20, "c" * 19, "d" * (4080 - base - (4000 - base) // 20 * 20))
    # a folder whose files cannot even be listed: 200 levels, past PATH_MAX
    _deep(folder, 200, "e" * 24, "f")
    report = tmp_path / "r.json"
    result = run(str(folder), "--models", str(registry_file), "--engine", "fake", "--from",
                 "it", "--report", str(report))
    assert result.exit_code == 1, result.output
    assert "internal error" not in result.output and "permission" not in result.output
    files = json.loads(report.read_text("utf-8"))["files"]
    assert len(files) == 3  # the file, the one too deep, the folder that cannot be listed
    reasons = sorted(f"{f['status']}: {f['reason'] or ''}" for f in files)
    assert reasons[0].startswith("failed: cannot list this folder: its path is longer")
    assert reasons[1].startswith("failed: path too long: 4,08")
    assert reasons[2] == "translated: "
    assert (folder / "top.en.txt").is_file()


def test_eval_of_two_empty_files_is_a_clear_error(tmp_path) -> None:
    hyp, ref = tmp_path / "h.txt", tmp_path / "r.txt"
    hyp.write_text("")
    ref.write_text("")
    result = run("eval", str(hyp), str(ref))
    assert result.exit_code == 2
    assert "nothing to score" in result.output


def test_eval_skips_an_empty_pair_and_scores_the_others(tmp_path) -> None:
    hyps, refs = tmp_path / "h", tmp_path / "r"
    hyps.mkdir()
    refs.mkdir()
    (hyps / "a.txt").write_text("The cat sat on the mat.\n")
    (refs / "a.txt").write_text("The cat sat on the mat.\n")
    (hyps / "b.txt").write_text("")
    (refs / "b.txt").write_text("")
    result = run("eval", str(hyps), str(refs), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["corpus"]["lines"] == 1 and data["corpus"]["bleu"] == 100.0
    assert [Path(p).name for p in data["unmatched"]] == ["b.txt"]


def test_an_empty_batch_is_no_work_on_every_engine(tiny_marian, tiny_bart) -> None:
    from translate.models.registry import ModelSpec
    from translate.models.translator import RunSettings, Translator

    for key, path in (("it-en", tiny_marian), ("summarizer", tiny_bart)):
        for engine in ("transformers", "ctranslate2"):
            translator = Translator(ModelSpec(key, str(path)), RunSettings(engine=engine))
            if not translator.info.available():
                continue
            assert translator.count_tokens([]) == []  # the tokenizer alone
            assert translator.score([], []) == []
            translator.engine  # noqa: B018 - the loaded engine too
            assert translator.count_tokens([]) == []
            assert translator.count_tokens(["Una frase."])[0] > 1
            assert list(translator.translate([])) == []


def test_every_job_is_checked_before_the_first_one_runs(tmp_path, registry_file) -> None:
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "x.txt").write_text("Una frase.\n", "utf-8")
    (tmp_path / "mine.json").write_text('{"mine": true}\n')
    first = (f'[[job]]\nname = "first"\ninputs = ["one/"]\nfrom = "it"\n'
             f'models = "{registry_file}"\nengine = "fake"\nreport = "r1.json"\n\n')
    for second, said in [('engine = "bogus"', "unknown engine 'bogus'"),
                         ('engine = "fake"\nencoding = "no-such-codec"', "unknown encoding"),
                         ('engine = "fake"\nmodels = "missing.toml"', "not found"),
                         ('engine = "fake"\nreport = "mine.json"', "not a report written"),
                         ('engine = "fake"\nreport = "r1.json"', "writes its report there"),
                         ('engine = "fake"\nreport = "two/x.en.txt"', "output of x.txt")]:
        jobs = tmp_path / "jobs.toml"
        jobs.write_text(first + f'[[job]]\nname = "second"\ninputs = ["two/"]\nfrom = "it"\n'
                        f'{second}\n' + ("" if "models" in second
                                         else f'models = "{registry_file}"\n'))
        result = run("run", str(jobs))
        assert result.exit_code == 2, (second, result.output)
        assert "job 'second' (nothing was run)" in result.output and said in result.output
        assert not (tmp_path / "one" / "x.en.txt").exists(), second  # job 1 never ran
        assert not (tmp_path / "r1.json").exists()
    assert (tmp_path / "mine.json").read_text() == '{"mine": true}\n'
