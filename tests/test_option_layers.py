"""Issue 22: every setting reaches its layer, and every pool key is computed from Options.

A field added to ``Options`` must be placed in ``FIELD_LAYERS``; a field placed in a layer
must reach that layer's settings object and change the keys of the pools built for it.
"""

from __future__ import annotations

import contextlib
import dataclasses
from pathlib import Path

import pytest

from translate.api.session import Session
from translate.models.translator import RunSettings
from translate.options import (
    FIELD_LAYERS,
    LAYERS,
    ROUTER_LAYERS,
    SUMMARIZER_LAYERS,
    Options,
    field_types,
    layer_fields,
    layer_key,
)
from translate.summaries.summarize import SummaryOptions
from translate.summaries.summarizer import summary_settings
from translate.translation.job_options import JobOptions, job_options

FIELDS = [f.name for f in dataclasses.fields(Options)]
# Values a str field can take that differ from its default and are still valid.
OTHER_STRINGS = {"target": "de", "source": "it", "device": "cpu", "engine": "apertium",
                 "compute_type": "int8", "method": "lead", "glob": "*.md",
                 "encoding": "latin-1", "model": "x/y", "cluster": "local",
                 "summary_model": "x/sum", "summary_engine": "transformers"}


def other_value(name: str) -> object:
    """A valid value of field ``name`` that differs from its default."""
    default = getattr(Options(), name)
    kind = field_types()[name]
    if name in OTHER_STRINGS:
        return OTHER_STRINGS[name]
    if kind is bool:
        return not default
    if kind is int:
        return (default or 0) + 7
    if kind is float:
        return 1.5
    if name == "glossary":
        return (Path("terms.tsv"),)
    if name == "keep":
        return ("KCNA",)
    if kind is Path:
        return Path("models.toml")
    raise AssertionError(f"add a changed value of '{name}' ({kind}) to this test")


def test_every_field_is_placed_in_known_layers() -> None:
    assert set(FIELD_LAYERS) == set(FIELDS), "place each Options field in FIELD_LAYERS"
    for name, layers in FIELD_LAYERS.items():
        assert layers and set(layers) <= set(LAYERS), name


@pytest.mark.parametrize("name", FIELDS)
def test_a_changed_field_changes_the_key_of_each_of_its_layers(name: str) -> None:
    base, changed = Options(), Options().replace(**{name: other_value(name)})
    for layer in LAYERS:
        differs = layer_key(base, layer) != layer_key(changed, layer)
        assert differs == (layer in FIELD_LAYERS[name]), (name, layer)


def test_the_job_layer_is_exactly_the_pipeline_settings() -> None:
    own = {"chunk_segments"}  # the pipeline's own tuning, not a user's setting
    assert {f.name for f in dataclasses.fields(JobOptions)} - own == set(layer_fields("job"))
    options = Options(**{n: other_value(n) for n in layer_fields("job")})
    jobs = job_options(options)
    for name in layer_fields("job"):
        expected = "iso8859-1" if name == "encoding" else getattr(options, name)
        assert getattr(jobs, name) == expected, name


def test_the_engine_layer_is_exactly_the_run_settings() -> None:
    assert {f.name for f in dataclasses.fields(RunSettings)} == set(layer_fields("engine"))
    options = Options(**{n: other_value(n) for n in layer_fields("engine")})
    settings = RunSettings.from_options(options)
    assert all(getattr(settings, n) == getattr(options, n) for n in layer_fields("engine"))


def test_the_summary_layer_reaches_the_summariser() -> None:
    options = Options(**{n: other_value(n) for n in layer_fields("summary")})
    summary, model, force = summary_settings(options)
    assert summary == SummaryOptions("lead", options.max_words, options.min_words)
    assert (model, force) == (options.summary_model, options.force)


def test_the_models_layer_is_the_registry_and_every_override() -> None:
    options = Options(**{n: other_value(n) for n in layer_fields("models")})
    assert set(options.model_overrides()) | {"models"} == set(layer_fields("models"))


def test_sessions_key_routers_and_summarisers_by_their_layers(monkeypatch) -> None:
    """The session's pools are keyed by the layers, not by a hand-written tuple."""
    seen: list[tuple[str, ...]] = []
    import translate.api.session as session_module

    def spy(options: Options, *layers: str) -> object:
        seen.append(layers)
        return layer_key(options, *layers)

    monkeypatch.setattr(session_module, "layer_key", spy)
    session = Session(Options(engine="apertium"))
    with contextlib.suppress(Exception):  # Apertium may be missing; the key comes first
        session.router()
    assert seen and seen[0] == ROUTER_LAYERS
    assert set(SUMMARIZER_LAYERS) >= set(ROUTER_LAYERS) | {"summary"}
