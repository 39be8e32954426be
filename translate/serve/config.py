"""The server's settings: where it listens, who may call it, and its limits."""

from __future__ import annotations

import ipaddress
import json
import secrets
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from translate.errors import UsageError
from translate.options import Options

# The environment variable that hands the settings to uvicorn's worker processes.
CONFIG_ENV = "TRANSLATE_SERVE_CONFIG"


@dataclass(frozen=True)
class Limits:
    """What one request may ask; every one is a ``translate serve`` flag.

    Attributes:
        char_limit: Characters of text in one ``/translate`` or ``/detect`` request
            (all of a list's texts together); more: 400.
        batch_limit: Texts in one ``/translate`` list; more: 400.
        file_limit_mb: Size of one uploaded file, in MiB; more: 400.
        timeout_s: Seconds a request may take; longer: 500 (the work goes on and is
            cached, so asking again is quick).
        max_concurrent: Requests served at once; more: 429 at once.
        batch_wait_ms: How long the batcher waits for more requests before it runs
            the model over those it has (the latency it may add).
        batch_segments: The most segments the batcher gives the model at once.
        download_ttl_s: How long a translated file stays downloadable.
    """

    char_limit: int = 20_000
    batch_limit: int = 128
    file_limit_mb: float = 20.0
    timeout_s: float = 120.0
    max_concurrent: int = 64
    batch_wait_ms: float = 10.0
    batch_segments: int = 256
    download_ttl_s: float = 1800.0

    @property
    def file_limit_bytes(self) -> int:
        """``file_limit_mb`` in bytes."""
        return int(self.file_limit_mb * 1024 * 1024)


def _options_fields() -> set[str]:
    return {f.name for f in fields(Options)}


@dataclass(frozen=True)
class ServeConfig:
    """Everything a server process needs (also handed to uvicorn's worker processes).

    Attributes:
        root: The served folder: its cache serves every request, its review pages are
            under ``/review/``.
        host: The address to listen on (loopback unless told otherwise).
        port: The port (0: any free one).
        api_keys: Keys a request must carry (empty: none needed).
        cors: The origin allowed to call the API from a browser (``None``: none).
        workers: Server processes (each loads its own model).
        target: The language of the translations the review pages show.
        options: The library settings (engine, models, device, ...) as a dict.
        limits: The request limits.
        secret: Signs the review pages' save tokens (shared by the workers).
    """

    root: Path = Path(".")
    host: str = "127.0.0.1"
    port: int = 5000
    api_keys: frozenset[str] = frozenset()
    cors: str | None = None
    workers: int = 1
    target: str = "en"
    options: dict[str, Any] = field(default_factory=dict)
    limits: Limits = field(default_factory=Limits)
    secret: str = field(default_factory=lambda: secrets.token_hex(32))

    def library_options(self) -> Options:
        """The ``Options`` of the session behind the server."""
        return Options(**{k: v for k, v in self.options.items() if k in _options_fields()})

    def to_json(self) -> str:
        """These settings as JSON (for the worker processes)."""
        data = asdict(self)
        data["root"] = str(self.root)
        data["api_keys"] = sorted(self.api_keys)
        data["options"] = {k: str(v) if isinstance(v, Path) else v
                           for k, v in self.options.items()}
        return json.dumps(data)

    @classmethod
    def from_json(cls, text: str) -> ServeConfig:
        """Settings written by ``to_json``."""
        data = json.loads(text)
        options = dict(data["options"])
        if options.get("models") is not None:
            options["models"] = Path(options["models"])
        return cls(root=Path(data["root"]), host=data["host"], port=data["port"],
                   api_keys=frozenset(data["api_keys"]), cors=data["cors"],
                   workers=data["workers"], target=data["target"], options=options,
                   limits=Limits(**data["limits"]), secret=data["secret"])


def read_api_keys(path: Path) -> frozenset[str]:
    """The keys of an API-key file: one a line; blank lines and ``#`` comments skipped.

    Raises:
        UsageError: the file cannot be read, or holds no key.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read the API-key file {path}: {exc}",
                         "one key a line, UTF-8") from None
    keys = frozenset(line.strip() for line in text.splitlines()
                     if line.strip() and not line.lstrip().startswith("#"))
    if not keys:
        raise UsageError(f"the API-key file {path} holds no key", "one key a line")
    return keys


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine only (``localhost``, 127.0.0.0/8, ``::1``)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
