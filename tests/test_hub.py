"""Model files through huggingface_hub's own cache interface; failed downloads said as such."""

from __future__ import annotations

import errno
from pathlib import Path

import httpx
import pytest
from huggingface_hub import errors

from translate.errors import ModelUnavailableError
from translate.models import hub
from translate.models.registry import ModelSpec

SPEC = ModelSpec(key="it-en", model="Helsinki-NLP/opus-mt-it-en")
REQUEST = httpx.Request("GET", "https://huggingface.co/api/models/Helsinki-NLP/opus-mt-it-en")


@pytest.fixture(autouse=True)
def _empty_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "hub"
    monkeypatch.setattr("huggingface_hub.constants.HF_HUB_CACHE", str(cache))
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    return cache


def _fake_snapshot(cache: Path, repo: str, commit: str, files: dict[str, str],
                   ref: str | None = "main") -> Path:
    """A cache entry laid out as huggingface_hub writes one (blobs, snapshots, refs)."""
    base = cache / ("models--" + repo.replace("/", "--"))
    snapshot = base / "snapshots" / commit
    snapshot.mkdir(parents=True)
    (base / "blobs").mkdir(exist_ok=True)
    for name, text in files.items():
        blob = base / "blobs" / f"{abs(hash((commit, name))):x}"
        blob.write_text(text)
        (snapshot / name).symlink_to(blob)
    if ref:
        (base / "refs").mkdir(exist_ok=True)
        (base / "refs" / ref).write_text(commit)
    return snapshot


def _response(code: int) -> httpx.Response:
    return httpx.Response(code, request=REQUEST)


def test_a_cached_snapshot_is_found_through_the_hub_api(_empty_cache: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    commit = "a" * 40
    snap = _fake_snapshot(_empty_cache, SPEC.model, commit, {"config.json": "{}"})
    asked: list[str] = []
    import huggingface_hub

    real = huggingface_hub.try_to_load_from_cache

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        asked.append(args[1] if len(args) > 1 else kwargs["filename"])
        return real(*args, **kwargs)

    monkeypatch.setattr(huggingface_hub, "try_to_load_from_cache", spy)
    assert hub.find_cached_snapshot(SPEC.model, None) == (snap, commit)
    assert asked == ["config.json"]
    assert hub.find_cached_snapshot(SPEC.model, "aaaaaaa") == (snap, commit)  # short hash
    assert hub.find_cached_snapshot(SPEC.model, "b" * 40) is None
    assert hub.find_cached_snapshot("Helsinki-NLP/opus-mt-de-en", None) is None


def test_convention_models_come_from_scan_cache_dir(_empty_cache: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    assert hub.cached_convention_models() == []  # no cache folder at all
    _fake_snapshot(_empty_cache, "Helsinki-NLP/opus-mt-fr-en", "c" * 40, {"config.json": "{}"})
    _fake_snapshot(_empty_cache, "someone/else", "d" * 40, {"config.json": "{}"})
    import huggingface_hub

    scanned: list[object] = []
    real = huggingface_hub.scan_cache_dir
    monkeypatch.setattr(huggingface_hub, "scan_cache_dir",
                        lambda *a, **k: scanned.append(a) or real(*a, **k))
    assert hub.cached_convention_models() == ["opus-mt-fr-en"]
    assert scanned


def test_no_raw_socket_probe(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("a raw socket to the hub")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(hub, "download_model", lambda spec: (_ for _ in ()).throw(
        errors.LocalEntryNotFoundError("cannot reach the hub")))
    with pytest.raises(ModelUnavailableError, match="the hub cannot be reached"):
        hub.resolve_model(SPEC)
    assert not hasattr(hub, "_hub_reachable")


@pytest.mark.parametrize(("raised", "said", "hinted"), [
    (errors.RepositoryNotFoundError("404 Repository Not Found", response=_response(404)),
     "not found on the hub", "check the model id"),
    (errors.GatedRepoError("403 gated", response=_response(403)), "gated",
     "accept its conditions"),
    (errors.HfHubHTTPError("401 Unauthorized", response=_response(401)), "unauthorised",
     "hf auth login"),
    (errors.RevisionNotFoundError("404 revision", response=_response(404)),
     "revision 'main' not found", "check the revision"),
    (OSError(errno.ENOSPC, "No space left on device"), "the disk is full", "free space"),
    (httpx.ConnectError("Name or service not known", request=REQUEST),
     "the hub cannot be reached (network", "translate models pull"),
    (errors.LocalEntryNotFoundError("connection error, not in cache"),
     "the hub cannot be reached", "translate models pull"),
    (RuntimeError("something else"), "the download failed (RuntimeError: something else)",
     "translate models pull"),
])
def test_a_failed_download_says_what_failed(monkeypatch: pytest.MonkeyPatch,
                                            raised: Exception, said: str, hinted: str) -> None:
    import huggingface_hub

    class Api:
        def list_repo_files(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            raise raised

    monkeypatch.setattr(huggingface_hub, "HfApi", Api)
    monkeypatch.setattr(huggingface_hub, "snapshot_download",
                        lambda *a, **k: (_ for _ in ()).throw(raised))
    spec = ModelSpec(key="it-en", model=SPEC.model, revision="main")
    with pytest.raises(ModelUnavailableError) as caught:
        hub.resolve_model(spec)
    assert said in caught.value.message, caught.value.message
    assert hinted in (caught.value.hint or ""), caught.value.hint
    assert "model not available" not in str(caught.value)


def test_a_failed_listing_never_downloads_both_weight_formats(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import huggingface_hub

    class Api:
        def list_repo_files(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            raise errors.HfHubHTTPError("400 bad revision", response=_response(400))

    asked: list[list[str]] = []
    folder = tmp_path / "snapshot" / ("e" * 40)
    folder.mkdir(parents=True)

    def download(repo, revision=None, allow_patterns=()):  # type: ignore[no-untyped-def]
        asked.append(list(allow_patterns))
        if "*.safetensors" in allow_patterns:
            (folder / "model.safetensors").write_bytes(b"w")
        return str(folder)

    monkeypatch.setattr(huggingface_hub, "HfApi", Api)
    monkeypatch.setattr(huggingface_hub, "snapshot_download", download)
    assert hub.download_model(ModelSpec(key="it-en", model=SPEC.model, revision="abc1234"))
    assert len(asked) == 1 and not any("bin" in p for p in asked[0])
    (folder / "model.safetensors").unlink()
    asked.clear()

    def no_safetensors(repo, revision=None, allow_patterns=()):  # type: ignore[no-untyped-def]
        asked.append(list(allow_patterns))
        return str(folder)

    monkeypatch.setattr(huggingface_hub, "snapshot_download", no_safetensors)
    hub.download_model(ModelSpec(key="it-en", model=SPEC.model, revision="abc1234"))
    assert ["*.safetensors" in p for p in asked] == [True, False]
    assert ["pytorch_model*.bin" in p for p in asked] == [False, True]  # one format each
