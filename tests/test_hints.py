"""What each command prints through the real console scripts: hints, usage, -h, exit codes.

Every command runs as a subprocess with an empty Hugging Face home and offline, as a user
without weights would run it. The flags that hints name are checked against the click
parameters of the command that printed them, read from the app itself.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import click
import pytest
import typer

from translate.cli.app import app

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ITALIAN = "Il governo ha approvato la legge di bilancio. Gli studenti hanno manifestato.\n"
ENGLISH = ("The government approved the budget law after a long debate. Students marched "
           "in Rome.\n\nThe opposition promised to vote against it next week.\n")
FLAG = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")
QUALIFIED = re.compile(r"`translate (--[a-z][a-z0-9-]*)`")


def script(name: str) -> list[str]:
    """The installed console script, or its entry point where it is not installed."""
    path = BIN / name
    if path.is_file():
        return [str(path)]
    entry = "summarize_main" if name == "summarize" else "main"
    return [sys.executable, "-c", f"from translate.cli.app import {entry}; {entry}()"]


@pytest.fixture
def user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Run a console script as a user with no weights: empty HF_HOME, offline."""
    (tmp_path / "hf").mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HOME": str(tmp_path / "hf"),
           "HF_HUB_OFFLINE": "1"}
    for name in ("HF_HUB_CACHE", "TRANSLATE_MODELS", "TRANSLATE_DEBUG"):
        env.pop(name, None)

    def call(name: str, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*script(name), *args], env=env, cwd=tmp_path, text=True,
                              capture_output=True, timeout=120, stdin=subprocess.DEVNULL)

    return call


def options(path: list[str]) -> set[str]:
    """Every option name of the command at ``path`` (e.g. ``["models", "pull"]``)."""
    command: click.Command = typer.main.get_command(app)
    ctx = click.Context(command, info_name="translate", **command.context_settings)
    for name in path:
        command = command.commands[name]  # type: ignore[attr-defined]
        ctx = click.Context(command, parent=ctx, info_name=name, **command.context_settings)
    return {opt for param in command.get_params(ctx) for opt in param.opts}


def hints(done: subprocess.CompletedProcess[str]) -> list[str]:
    """The hints a run printed: after ``hint:`` (errors) or ``(hint:`` (failed files)."""
    return [line.split("hint:", 1)[1] for line in (done.stdout + done.stderr).splitlines()
            if "hint:" in line]


def advice(done: subprocess.CompletedProcess[str]) -> list[str]:
    """Every line a run printed that names a flag: hints, conflicts, warnings."""
    return [line for line in (done.stdout + done.stderr).splitlines() if FLAG.search(line)]


def foreign_flags(hint: str, command: list[str]) -> list[str]:
    """Flags a hint names that the command lacks (a `translate --x` must be translate's)."""
    own, default = options(command), options(["translate"])
    wrong = [flag for flag in QUALIFIED.findall(hint) if flag not in default]
    return wrong + [flag for flag in FLAG.findall(QUALIFIED.sub("", hint)) if flag not in own]


def _setup(tmp: Path) -> None:
    for name, text in (("it", ITALIAN), ("en", ENGLISH), ("conflict", ENGLISH)):
        (tmp / name).mkdir()
        (tmp / name / "a.txt").write_text(text, "utf-8")
    (tmp / "conflict" / "a.en.txt").write_text("mine\n", "utf-8")
    (tmp / "conflict" / "a.en.summary.txt").write_text("mine\n", "utf-8")
    (tmp / "binary").mkdir()
    (tmp / "binary" / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00")
    (tmp / "bad.toml").write_text("[pairs.it-en]\nmodel = 'x/y'\nnum_beam = 3\n")
    (tmp / "job.toml").write_text("[[job]]\ninputs = ['it']\nfrom = 'it'\n")
    (tmp / "badjob.toml").write_text("[[job]]\ninputs = ['it']\nfrom_lang = 'it'\n")


# (script, command path, arguments): situations in which a command prints a hint.
SITUATIONS = [
    *[("translate", ["translate"], args) for args in (
        ["it", "--from", "it"],                                  # missing translation model
        ["en", "--from", "en", "--summarize"],                   # missing summariser
        ["it", "--from", "it", "--model", "./no/such/model"],
        ["en", "--from", "en", "--summarize", "--summary-model", "./no/such/model"],
        ["it", "--models", "bad.toml"], ["it", "--models", "missing.toml"],
        ["it", "--engine", "nope"], ["it", "--encoding", "nope"],
        ["it", "--from", "sv"], ["it", "--engine", "apertium", "--from", "sv"],
        ["conflict", "--from", "en"], ["binary"])],
    *[("summarize", ["summarize"], args) for args in (
        ["it", "--from", "it", "--method", "extractive"],        # missing translation model
        ["en", "--from", "en"],                                  # missing summariser
        ["it", "--from", "it", "--translation-model", "./no/such/model"],
        ["en", "--from", "en", "--model", "./no/such/model"],
        ["it", "--models", "bad.toml"], ["it", "--models", "missing.toml"],
        ["it", "--engine", "nope"], ["it", "--encoding", "nope"],
        ["it", "--from", "sv", "--method", "extractive"],
        ["it", "--engine", "apertium", "--from", "sv", "--method", "extractive"],
        ["conflict", "--from", "en", "--method", "extractive"], ["binary"])],
    ("translate", ["run"], ["run", "job.toml"]),
    ("translate", ["run"], ["run", "badjob.toml"]),
    ("translate", ["detect"], ["detect", "it", "--encoding", "nope"]),
    ("translate", ["detect"], ["detect", "binary"]),
    ("translate", ["models", "pull"], ["models", "pull", "it-en"]),
    ("translate", ["models", "pull"], ["models", "pull", "xx-yy"]),
    ("translate", ["models", "list"], ["models", "list", "--models", "bad.toml"]),
]


@pytest.mark.parametrize(("name", "command", "args"), SITUATIONS,
                         ids=[f"{n}:{' '.join(a)}" for n, _, a in SITUATIONS])
def test_every_hint_names_flags_of_its_own_command(user, tmp_path, name, command,
                                                   args) -> None:
    _setup(tmp_path)
    done = user(name, *args)
    out = done.stdout + done.stderr
    assert "Traceback" not in out, out
    # An extractive summary without a translation model succeeds, in the source
    # language, with a notice that names what to fetch (issue 12).
    assert done.returncode != 0 or "summary left in" in out, out
    for line in advice(done):
        assert not foreign_flags(line, command), (command, line)


def test_situations_do_print_hints(user, tmp_path) -> None:
    """The check above is not vacuous: these situations print advice naming flags."""
    _setup(tmp_path)
    for args in (["it", "--from", "it"], ["it", "--models", "missing.toml"],
                 ["conflict", "--from", "en"], ["binary"]):
        assert advice(user("translate", *args)), args


def _missing_hint(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 2, done.stderr  # a missing model is a configuration error
    assert "not available" in done.stderr
    (hint,) = hints(done)
    return hint


def test_missing_translation_model_names_each_commands_flag(user, tmp_path) -> None:
    _setup(tmp_path)
    translate = _missing_hint(user("translate", "it", "--from", "it"))
    summarize = _missing_hint(user("summarize", "it", "--from", "it"))
    assert "--model PATH" in translate
    assert "--translation-model PATH" in summarize and " --model " not in summarize


def test_missing_summariser_names_each_commands_flag(user, tmp_path) -> None:
    _setup(tmp_path)
    translate = _missing_hint(user("translate", "en", "--from", "en", "--summarize"))
    summarize = _missing_hint(user("summarize", "en", "--from", "en"))
    assert "--summary-model PATH" in translate and " --model " not in translate
    assert "with --model PATH" in summarize and "--translation-model" not in summarize


def test_job_file_hint_names_job_keys(user, tmp_path) -> None:
    _setup(tmp_path)
    hint = _missing_hint(user("translate", "run", "job.toml"))
    assert "`model = PATH` in the job file" in hint and not FLAG.search(hint), hint


def test_models_pull_names_the_translate_flag(user, tmp_path) -> None:
    hint = _missing_hint(user("translate", "models", "pull", "it-en"))
    assert "`translate --model` PATH" in hint, hint


def test_missing_model_hint_gives_commands_that_exist(user, tmp_path) -> None:
    _setup(tmp_path)
    hint = _missing_hint(user("translate", "it", "--from", "it"))
    assert hint.strip().startswith("run `translate models pull it-en`"), hint
    named = re.findall(r"`(\S+) download ", hint)
    scripts = {e.name for e in metadata.distribution("huggingface_hub").entry_points
               if e.group == "console_scripts"}
    assert named and set(named) <= scripts, (named, scripts)
    assert "huggingface-cli" in scripts or "huggingface-cli" not in hint


def test_summarize_usage_line_names_the_script(user) -> None:
    for flag in ("--help", "-h"):
        done = user("summarize", flag)
        assert done.returncode == 0, done.stderr
        assert re.search(r"Usage: summarize \[OPTIONS\] PATHS\.\.\.", done.stdout), done.stdout
        assert "summarize summarize" not in done.stdout


@pytest.mark.parametrize("args", [[], ["translate"], ["summarize"], ["run"], ["detect"],
                                  ["cache"], ["cache", "stats"], ["cache", "clear"],
                                  ["cache", "path"], ["models"], ["models", "list"],
                                  ["models", "pull"]])
def test_short_help_on_every_command(user, args) -> None:
    short, long = user("translate", *args, "-h"), user("translate", *args, "--help")
    assert short.returncode == 0 and long.returncode == 0, short.stderr
    assert "Usage:" in short.stdout and short.stdout == long.stdout


def test_every_command_lists_short_help() -> None:
    """-h is declared on every command of the app, not only those tried above."""
    def walk(path: list[str]) -> list[list[str]]:
        command: click.Command = typer.main.get_command(app)
        for name in path:
            command = command.commands[name]  # type: ignore[attr-defined]
        subs = getattr(command, "commands", {})
        return [path, *[p for sub in subs for p in walk([*path, sub])]]

    for path in walk([]):
        assert {"-h", "--help"} <= options(path), path


def test_shell_completion_is_offered(user) -> None:
    done = user("translate", "--help")
    assert "--install-completion" in done.stdout and "--show-completion" in done.stdout
    shown = user("translate", "--show-completion", "bash")
    assert shown.returncode == 0 and "complete" in shown.stdout, shown.stderr


def test_method_help_documents_textrank(user) -> None:
    done = user("summarize", "--help")
    assert "textrank" in done.stdout
    readme = (ROOT / "README.md").read_text("utf-8")
    assert "--method textrank" in readme


def test_cache_stats_counts_only_segments_read_from_the_cache(user, tmp_path) -> None:
    """English into English copies every segment: no cache entry, so no cache hit."""
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "a.txt").write_text(ENGLISH, "utf-8")
    for _ in range(2):  # the second run finds the output up to date
        done = user("translate", "en", "--from", "en", "--to", "en", "--quiet")
        assert done.returncode == 0, done.stderr
    stats = user("translate", "cache", "stats", "en", "--json")
    data = json.loads(stats.stdout)
    assert data["entries"] == 0 and data["last_run"]["hits"] == 0, data


def test_cache_stats_still_counts_real_hits(tmp_path, registry_file) -> None:
    """Segments answered from the database are hits (the fake engine, in a subprocess)."""
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text(ITALIAN, "utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    args = [sys.executable, "-m", "tests.fakes", str(folder), "--models", str(registry_file),
            "--engine", "fake", "--from", "it", "--quiet"]
    assert subprocess.run(args, env=env, cwd=ROOT, timeout=120).returncode == 0
    (folder / "a.en.txt").unlink()  # not up to date any more: the cache answers
    assert subprocess.run(args, env=env, cwd=ROOT, timeout=120).returncode == 0
    db = folder / ".translate-cache" / "cache.sqlite3"
    with sqlite3.connect(db) as conn:
        entries = conn.execute("SELECT count(*) FROM segments").fetchone()[0]
        hits, misses = conn.execute(
            "SELECT hits, misses FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    assert entries == 2 and hits == 2 and misses == 0



def test_missing_model_error_says_what_the_model_is_for(tmp_path, monkeypatch) -> None:
    from translate.errors import ModelUnavailableError
    from translate.models.hub import resolve_model
    from translate.models.registry import load_registry

    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    monkeypatch.setattr("huggingface_hub.constants.HF_HUB_CACHE", str(tmp_path / "hub"))
    registry = load_registry(None)
    assert registry.summarizer is not None
    for spec, role in ((registry.pairs["it-en"], "translation"),
                       (registry.summarizer, "summarizer")):
        with pytest.raises(ModelUnavailableError) as err:
            resolve_model(spec, offline=True)
        assert err.value.role == role and err.value.exit_code == 2
