"""One name per setting: the CLI, the job files and models.toml agree with ``Options``."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import click
import pytest
import typer

from translate.cli.app import app
from translate.cli.common import PRESENTATION_FLAGS, options_from
from translate.errors import UsageError
from translate.jobs import JOB_ONLY_KEYS, NOT_IN_JOB_FILES, job_keys, load_jobs
from translate.models import registry
from translate.options import ALIASES, SUMMARY_METHODS, Options, field_for
from translate.summaries.summarize import METHODS

FIELDS = {f.name for f in dataclasses.fields(Options)}
# Flags that only choose what to show: no run setting.
SHOWN_ONLY = {"help"}
# models.toml keys of one pair that are no run setting: which model revision, its prefix.
REGISTRY_ONLY = {"revision", "source_prefix"}


def command_flags(name: str) -> dict[str, click.Parameter]:
    """A command's parameters by the name a user types (``--no-cache`` -> ``no_cache``)."""
    group = typer.main.get_command(app)
    command = group.commands[name]  # type: ignore[attr-defined]
    out = {}
    for param in command.params:
        longs = [o for o in param.opts if o.startswith("--")]
        out[longs[0][2:].replace("-", "_") if longs else str(param.name)] = param
    return out


def settable_fields(command: str) -> set[str]:
    fields = set()
    for flag, param in command_flags(command).items():
        field = field_for(command, flag)
        # options_from reads the Python parameter's name: it must lead to the same field
        assert field_for(command, str(param.name)) == field, f"--{flag} vs {param.name}"
        if field is None:
            assert flag in (*PRESENTATION_FLAGS, *SHOWN_ONLY), (
                f"`{command} --{flag}` sets no Options field: add it to Options (or to "
                "translate.options.ALIASES), or list it as a presentation flag")
        else:
            fields.add(field.lstrip("!"))
    return fields


@pytest.mark.parametrize("command", ["translate", "summarize"])
def test_every_flag_is_an_options_field(command: str) -> None:
    assert settable_fields(command) <= FIELDS


def test_every_field_is_a_flag_and_a_job_key() -> None:
    assert settable_fields("translate") | settable_fields("summarize") == FIELDS
    keys = job_keys()
    reached = {field_for("job", k) for k in keys if k not in JOB_ONLY_KEYS}
    assert reached | set(NOT_IN_JOB_FILES) == FIELDS
    assert set(keys) >= {"inputs", "to", "from", "num_beams", "summary_engine"}


def test_every_registry_setting_is_an_options_field() -> None:
    keys = {*registry._SPEC_KEYS, *registry._GEN_KEYS, "engine"}
    assert keys - REGISTRY_ONLY <= FIELDS
    assert not REGISTRY_ONLY & FIELDS


def test_aliases_name_fields_and_real_flags() -> None:
    for (where, name), field in ALIASES.items():
        assert field.lstrip("!") in FIELDS
        if where != "job":
            assert name in command_flags(where), f"{where} has no --{name}"


def test_flag_defaults_are_the_options_defaults() -> None:
    """A command run without flags runs with ``Options()`` (summarize: summarising)."""
    for command in ("translate", "summarize"):
        flags = {str(p.name): p.default for p in command_flags(command).values()}
        assert options_from(command, flags) == Options()


def test_summary_methods_are_the_summariser_methods() -> None:
    assert SUMMARY_METHODS == METHODS


@pytest.mark.parametrize(("changes", "message"), [
    ({"num_beams": 0}, "'num_beams' must be an integer of at least 1"),
    ({"max_input_tokens": 1}, "'max_input_tokens' must be an integer of at least 2"),
    ({"batch_size": True}, "'batch_size' must be an integer"),
    ({"device": "tpu"}, "unknown device 'tpu'"),
    ({"method": "magic"}, "unknown summary method 'magic'"),
    ({"min_words": 50, "max_words": 10}, "--min-words"),
])
def test_options_refuse_bad_values(changes: dict[str, object], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        Options(**changes)  # type: ignore[arg-type]


def test_job_file_keys_take_options_types(tmp_path: Path) -> None:
    jobs = tmp_path / "jobs.toml"
    jobs.write_text('[[job]]\ninputs = ["in/"]\nto = "de"\nlength_penalty = 2\n'
                    'summary_engine = "transformers"\nmin_new_tokens = 0\nmodels = "m.toml"\n')
    options = load_jobs(jobs)[0].options
    assert options.target == "de" and options.length_penalty == 2.0
    assert options.summary_engine == "transformers" and options.min_new_tokens == 0
    assert options.models == tmp_path / "m.toml"
    for bad, message in (("num_beams = 0", "'num_beams' must be an integer of at least 1"),
                         ("force = 1", "'force' must be true or false"),
                         ("length_penalty = 'x'", "'length_penalty' must be a number"),
                         ("dry_run = true", "unknown key 'dry_run'")):
        jobs.write_text(f'[[job]]\ninputs = ["in/"]\n{bad}\n')
        with pytest.raises(UsageError, match=message):
            load_jobs(jobs)


def test_readme_lists_every_job_key() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    paragraph = readme.split("Keys: `inputs`", 1)[1].split("same names as", 1)[0]
    listed = {"inputs", *re.findall(r"`(\w+)`", paragraph)} - {"dry_run"}
    assert listed - {"Options"} == set(job_keys())
