from __future__ import annotations

from pathlib import Path

import pytest

from translate.errors import ConfigError
from translate.models.registry import builtin_registry_path, load_registry, parse_registry


def test_builtin_registry_has_the_pairs_and_summarizer() -> None:
    registry = load_registry()
    it_en = registry.pair("it", "en")
    assert it_en is not None and it_en.model == "Helsinki-NLP/opus-mt-it-en"
    assert it_en.revision and it_en.generation.num_beams >= 1
    for lang in ["it", "de", "fr", "es", "pt", "nl", "ru"]:
        assert registry.pair(lang, "en") is not None, lang
        assert registry.pair("en", lang) is not None, lang
    en_pt = registry.pair("en", "pt")
    assert en_pt is not None and en_pt.source_prefix == ">>pt<< "
    assert registry.summarizer is not None
    assert "distilbart" in registry.summarizer.model
    assert builtin_registry_path().name == "models.toml"


@pytest.mark.parametrize(("toml", "message"), [
    ("[pairs.it-en]\nmodel = 'x/y'\nnum_beam = 4\n", r"\[pairs.it-en\] unknown key 'num_beam' \(did you mean 'num_beams'\?\)"),
    ("[pairs.it-en]\nrevision = 'abc'\n", "missing required key 'model'"),
    ("[pairs.italian]\nmodel = 'x/y'\n", "SRC-TGT"),
    ("[pairs.it-en]\nmodel = 'x/y'\nnum_beams = 'four'\n", "'num_beams' must be a non-negative integer"),
    ("[pairs.it-en]\nmodel = 'x/y'\nbatch_size = 0\n", "'batch_size' must be at least 1"),
    ("[pair.it-en]\nmodel = 'x/y'\n", r"\[pair.it-en\] unknown table|\[pair\] unknown table"),
    ("[pairs.it-en\nmodel = 'x/y'\n", "not valid TOML"),
])
def test_errors_name_file_key_and_choices(tmp_path: Path, toml: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    with pytest.raises(ConfigError, match=message) as info:
        parse_registry(path, toml)
    assert str(path) in info.value.message


def test_unknown_key_lists_valid_choices(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        parse_registry(tmp_path / "m.toml", "[pairs.it-en]\nmodel='x/y'\nbeams=2\n")
    assert info.value.hint and "num_beams" in info.value.hint and "revision" in info.value.hint


def test_defaults_apply_and_entries_override(tmp_path: Path) -> None:
    registry = parse_registry(tmp_path / "m.toml", """
[defaults]
num_beams = 3
batch_size = 4
[pairs.it-en]
model = "a/b"
[pairs.de-en]
model = "c/d"
num_beams = 1
""")
    assert registry.pairs["it-en"].generation.num_beams == 3
    assert registry.pairs["it-en"].batch_size == 4
    assert registry.pairs["de-en"].generation.num_beams == 1


def test_relative_local_model_is_resolved_against_the_file(tmp_path: Path) -> None:
    (tmp_path / "models" / "m").mkdir(parents=True)
    registry = parse_registry(tmp_path / "r.toml", "[pairs.it-en]\nmodel = './models/m'\n")
    assert registry.pairs["it-en"].model == str((tmp_path / "models" / "m").resolve())


def test_user_registry_extends_builtin(tmp_path: Path, monkeypatch) -> None:
    user = tmp_path / "xdg" / "translate" / "models.toml"
    user.parent.mkdir(parents=True)
    user.write_text("[pairs.sv-en]\nmodel = 'Helsinki-NLP/opus-mt-sv-en'\n")
    registry = load_registry()
    assert registry.pair("sv", "en") is not None and registry.pair("it", "en") is not None


def test_explicit_file_replaces_and_env_var_works(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "only.toml"
    path.write_text("[pairs.sv-en]\nmodel = 'x/y'\n")
    assert set(load_registry(path).pairs) == {"sv-en"}
    monkeypatch.setenv("TRANSLATE_MODELS", str(path))
    assert set(load_registry().pairs) == {"sv-en"}
    with pytest.raises(ConfigError, match="not found"):
        load_registry(tmp_path / "missing.toml")


def test_overrides_replace_generation_settings() -> None:
    spec = load_registry().pair("it", "en")
    assert spec is not None
    changed = spec.replace(num_beams=1, batch_size=2, max_new_tokens=None)
    assert changed.generation.num_beams == 1 and changed.batch_size == 2
    assert changed.generation.max_new_tokens == spec.generation.max_new_tokens
    assert spec.replace(model="/some/dir").revision is None


def test_relative_model_path_beside_the_registry_is_local(tmp_path: Path, tiny_marian: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    from translate.models.hub import resolve_model

    folder = tmp_path / "conf"
    shutil.copytree(tiny_marian, folder / "sub" / "mymodel")
    registry = folder / "models.toml"
    registry.write_text('[pairs.it-en]\nmodel = "sub/mymodel"\n'
                        '[pairs.de-en]\nmodel = "Helsinki-NLP/opus-mt-de-en"\n'
                        '[pairs.fr-en]\nmodel = "./missing/model"\n')
    monkeypatch.chdir(tmp_path)  # relative to the file, not to the working directory
    loaded = load_registry(registry)
    assert loaded.pairs["it-en"].model == str((folder / "sub" / "mymodel").resolve())
    assert resolve_model(loaded.pairs["it-en"]).location == loaded.pairs["it-en"].model
    assert loaded.pairs["de-en"].model == "Helsinki-NLP/opus-mt-de-en"  # not here: a hub id
    assert loaded.pairs["fr-en"].model == "./missing/model"  # kept: fails as a missing path
