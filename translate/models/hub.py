"""Where a model's files are: a local directory or the Hugging Face cache.

Nothing here imports torch or transformers. The cache is read through
huggingface_hub's own interface (``try_to_load_from_cache``, ``scan_cache_dir``), never
by walking its folders. Resolution touches the network only when the model is not
cached and offline mode is off; then it is downloaded into the Hugging Face cache, and
a failed download says what failed (not found, gated or unauthorised, a revision, the
network, a full disk).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from translate.errors import ModelUnavailableError
from translate.models.loading import require_weights
from translate.models.registry import ModelSpec

_WEIGHT_SUFFIXES = (".safetensors", ".bin", ".spm", ".json", ".model", ".txt")


@dataclass(frozen=True)
class ResolvedModel:
    """A model located on disk (downloaded first if it had to be).

    Attributes:
        spec: The registry entry it came from.
        location: The local directory to load from.
        identity: What the cache signature records: the commit hash of a hub snapshot,
            or a content hash of a local directory.

    """

    spec: ModelSpec
    location: str
    identity: str


def hub_cache_dir() -> Path:
    """The Hugging Face hub cache folder (honours ``HF_HOME`` and ``HF_HUB_CACHE``)."""
    from huggingface_hub import constants

    return Path(constants.HF_HUB_CACHE)


def is_offline(offline_flag: bool = False) -> bool:
    """Whether the network must not be used (``--offline`` or ``HF_HUB_OFFLINE=1``)."""
    value = os.environ.get("HF_HUB_OFFLINE", "").strip().lower()
    return offline_flag or value in {"1", "true", "yes", "on"}


def looks_like_path(model: str) -> bool:
    """A hub id is ``org/name``; anything with more slashes or a path prefix is a path."""
    return model.startswith((".", "/", "~")) or model.count("/") > 1 or (os.sep == "\\" and (
        "\\" in model))


def find_cached_snapshot(repo_id: str, revision: str | None) -> tuple[Path, str] | None:
    """The local snapshot of a hub model for ``revision``, without any network.

    Asked of huggingface_hub's own cache interface: ``try_to_load_from_cache`` resolves
    a branch, tag or full commit hash the way loading does; a short commit hash is
    matched against the revisions ``scan_cache_dir`` lists.

    Returns:
        ``(snapshot_dir, commit_hash)``, or ``None`` when it is not cached.

    """
    from huggingface_hub import try_to_load_from_cache

    try:
        found = try_to_load_from_cache(repo_id, "config.json", cache_dir=hub_cache_dir(),
                                       revision=revision)
    except ValueError:  # not a valid repository id or revision
        found = None
    if isinstance(found, str):
        snapshot = Path(found).parent
        return snapshot, snapshot.name
    if revision and re.fullmatch(r"[0-9a-f]{4,39}", revision.lower()):
        for repo in _cached_repos():
            if repo.repo_id == repo_id:
                for rev in sorted(repo.revisions, key=lambda r: r.commit_hash):
                    if rev.commit_hash.startswith(revision.lower()) and (
                            Path(rev.snapshot_path) / "config.json").exists():
                        return Path(rev.snapshot_path), rev.commit_hash
    return None


def _cached_repos() -> list[Any]:
    """The model repositories of the hub cache (``scan_cache_dir``; none: no cache)."""
    from huggingface_hub import scan_cache_dir
    from huggingface_hub.errors import CacheNotFound

    try:
        info = scan_cache_dir(hub_cache_dir())
    except (CacheNotFound, OSError, ValueError):  # no cache folder yet, or not a folder
        return []
    return [repo for repo in info.repos if repo.repo_type == "model"]


def cached_convention_models() -> list[str]:
    """Names (``opus-mt-SRC-TGT``) of the Helsinki-NLP opus-mt models in the local cache."""
    prefix = "Helsinki-NLP/"
    return sorted(repo.repo_id[len(prefix):] for repo in _cached_repos()
                  if repo.repo_id.startswith(prefix + "opus-mt-"))


def _hash_memo_path() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "translate" / "model-hashes.json"


def directory_hash(path: Path) -> str:
    """A content hash of a model directory's files (names and bytes).

    Hashing a 300 MB model takes a noticeable fraction of a second, so the result is
    remembered under a fingerprint of the files' names, sizes and modification times
    (as make and git do) and recomputed only when one of them changes.
    """
    files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in _WEIGHT_SUFFIXES)
    stamp = hashlib.sha256(str(path.resolve()).encode())
    for file in files:
        info = file.stat()
        stamp.update(f"{file.relative_to(path)}|{info.st_size}|{info.st_mtime_ns}".encode())
    memo_path = _hash_memo_path()
    try:
        memo: dict[str, str] = json.loads(memo_path.read_text())
    except (OSError, ValueError):
        memo = {}
    key = stamp.hexdigest()
    if key in memo:
        return memo[key]
    digest = hashlib.sha256()
    for file in files:
        digest.update(str(file.relative_to(path)).encode())
        with file.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    result = "sha256:" + digest.hexdigest()[:32]
    memo[key] = result
    with contextlib.suppress(OSError):  # a read-only home only costs speed
        memo_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = memo_path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(memo))
        os.replace(tmp, memo_path)
    return result


def _role(spec: ModelSpec) -> str:
    return "summarizer" if spec.key == "summarizer" else "translation"


def _flag(spec: ModelSpec) -> str:
    """The ``translate`` flag that replaces this model; other commands rename it."""
    return "--summary-model" if spec.key == "summarizer" else "--model"


def hub_download_command(repo_id: str) -> str | None:
    """The installed huggingface-hub's download command for ``repo_id``, if it ships one.

    Read from the package's metadata, so nothing is imported: huggingface-hub 1.0 renamed
    ``huggingface-cli`` to ``hf``.
    """
    from importlib import metadata

    try:
        scripts = {e.name for e in metadata.distribution("huggingface_hub").entry_points
                   if e.group == "console_scripts"}
    except metadata.PackageNotFoundError:
        return None
    for name in ("hf", "huggingface-cli"):
        if name in scripts:
            return f"{name} download {repo_id}"
    return None


def _missing(spec: ModelSpec, why: str, hint: str | None = None,
             fetchable: bool = True) -> ModelUnavailableError:
    hub = hub_download_command(spec.model)
    return ModelUnavailableError(
        f"model '{spec.model}' (revision {spec.revision or 'main'}, for {spec.key}) is not "
        f"available: {why}; looked in {hub_cache_dir()}",
        hint or (
            f"run `translate models pull {spec.key}` on a connected machine"
            f"{f' (or `{hub}`)' if hub else ''} and copy the cache folder over, or pass a "
            f"local directory with {_flag(spec)} PATH; set HF_HUB_OFFLINE=1 to never wait "
            "for the network") + _rule_based_hint(spec.key),
        role=_role(spec), fetchable=fetchable,
    )


def download_failure(spec: ModelSpec, exc: BaseException) -> ModelUnavailableError:
    """What a failed download of ``spec``'s model means, and how to fix that.

    Not found, gated or unauthorised, a missing revision, the network, a full disk:
    each is said as such, never as a bare "not available".
    """
    from huggingface_hub import errors

    name = f"{type(exc).__name__}: {exc}".splitlines()[0]
    status = getattr(getattr(exc, "response", None), "status_code", None)
    page = f"https://huggingface.co/{spec.model}"
    login = "log in with `hf auth login` (or set HF_TOKEN)"
    if isinstance(exc, errors.GatedRepoError):
        return _missing(spec, f"the repository is gated ({name})",
                        f"accept its conditions at {page}, then {login}", fetchable=False)
    if isinstance(exc, errors.RepositoryNotFoundError) or (
            isinstance(exc, errors.HfHubHTTPError) and status in (401, 403)):
        why = ("unauthorised" if status in (401, 403) else "not found on the hub")
        return _missing(spec, f"{why} ({name})",
                        f"check the model id in models.toml or {_flag(spec)} ({page}); a "
                        f"private repository needs you to {login}", fetchable=False)
    if isinstance(exc, errors.RevisionNotFoundError):
        return _missing(spec, f"revision '{spec.revision}' not found on the hub ({name})",
                        f"check the revision in models.toml against {page}/tree/main",
                        fetchable=False)
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return _missing(spec, f"the disk is full ({name})",
                        f"free space in {hub_cache_dir()}, or point HF_HOME at a disk with "
                        "room, then run again", fetchable=False)
    if isinstance(exc, errors.OfflineModeIsEnabled):
        return _missing(spec, "not in the local cache and offline mode is on")
    if isinstance(exc, errors.LocalEntryNotFoundError) or _is_network(exc):
        return _missing(spec, f"the hub cannot be reached (network: {name})")
    return _missing(spec, f"the download failed ({name})")


def _is_network(exc: BaseException) -> bool:
    """A connection, DNS or timeout failure (httpx or requests, whichever the hub uses)."""
    seen: BaseException | None = exc
    while seen is not None:
        kind = type(seen).__name__
        if isinstance(seen, ConnectionError | TimeoutError | socket.gaierror) or kind in (
                "ConnectError", "ConnectTimeout", "ReadTimeout", "TimeoutException",
                "NetworkError", "ConnectionError", "Timeout", "ProxyError"):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _rule_based_hint(key: str) -> str:
    from translate.models.apertium_routes import missing_model_hint  # never a silent switch

    return missing_model_hint(key)


def resolve_model(spec: ModelSpec, offline: bool = False) -> ResolvedModel:
    """Find a model's files without loading it, failing fast when it cannot be had.

    Raises:
        ModelUnavailableError: a local directory that does not exist or lacks config.json
            or weights, or a hub model that is not cached while offline or while the hub
            is unreachable.

    """
    path = Path(spec.model).expanduser()
    if path.is_dir():
        if not (path / "config.json").exists():
            raise ModelUnavailableError(f"{path}: not a model directory (no config.json)",
                                        f"point {_flag(spec)} at a folder made by "
                                        "save_pretrained", role=_role(spec))
        require_weights(path)
        return ResolvedModel(spec, str(path.resolve()), directory_hash(path))
    if looks_like_path(spec.model) or path.exists():
        raise ModelUnavailableError(f"model directory '{spec.model}' does not exist",
                                    f"check the path given to {_flag(spec)} or in "
                                    "models.toml", role=_role(spec))
    cached = find_cached_snapshot(spec.model, spec.revision)
    if cached:
        return ResolvedModel(spec, str(cached[0]), cached[1])
    if is_offline(offline):
        raise _missing(spec, "not in the local cache and offline mode is on")
    try:  # huggingface_hub's own requests say whether the hub can be reached
        snapshot = download_model(spec)
    except Exception as exc:  # hub errors come in many types: each said as what it is
        raise download_failure(spec, exc) from exc
    return ResolvedModel(spec, str(snapshot), snapshot.name)


def download_model(spec: ModelSpec) -> Path:
    """Download a hub model into the local cache (with progress bars) and return its folder.

    Only what loading needs is fetched: configs, tokenizer files and one copy of the
    weights, safetensors when the repository has them. When the file listing fails
    (e.g. a short commit hash the listing API does not take), safetensors are asked for
    first and PyTorch weights only if none came: never both formats.
    """
    from huggingface_hub import HfApi, snapshot_download

    patterns = ["*.json", "*.spm", "*.model", "*.txt", "vocab*", "merges*"]
    try:
        files = HfApi().list_repo_files(spec.model, revision=spec.revision)
    except Exception as exc:
        if _is_network(exc) or type(exc).__name__ in (
                "GatedRepoError", "RepositoryNotFoundError", "OfflineModeIsEnabled"):
            raise  # the download would fail the same way: say why now
        folder = Path(snapshot_download(spec.model, revision=spec.revision,
                                        allow_patterns=[*patterns, "*.safetensors"]))
        if any(folder.glob("*.safetensors")):
            return folder
        return Path(snapshot_download(spec.model, revision=spec.revision,
                                      allow_patterns=[*patterns, "pytorch_model*.bin"]))
    has_safetensors = any(f.endswith(".safetensors") for f in files)
    patterns.append("*.safetensors" if has_safetensors else "pytorch_model*.bin")
    return Path(snapshot_download(spec.model, revision=spec.revision, allow_patterns=patterns))


def model_status(spec: ModelSpec) -> dict[str, Any]:
    """Whether a registry entry is available locally, where, and its size on disk."""
    path = Path(spec.model).expanduser()
    location: Path | None = path if path.is_dir() else None
    if location is None and not looks_like_path(spec.model):
        cached = find_cached_snapshot(spec.model, spec.revision)
        location = cached[0] if cached else None
    size = 0
    if location is not None:  # snapshot files are links into blobs/: count the targets
        size = sum(p.resolve().stat().st_size for p in location.rglob("*") if p.is_file())
    return {"key": spec.key, "model": spec.model, "revision": spec.revision,
            "local": location is not None, "path": str(location) if location else None,
            "size_bytes": size}
