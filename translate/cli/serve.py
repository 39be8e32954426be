"""``translate serve``: the command only; the server (``translate.serve``) loads when it runs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from translate.cli.common import (
    ComputeOpt,
    DeviceOpt,
    EngineOpt,
    ModelsOpt,
    OfflineOpt,
    ToOpt,
    user_errors,
)
from translate.errors import UsageError


def register(app: typer.Typer) -> None:
    """Add ``serve`` to ``app`` (once)."""
    if not any(c.name == "serve" for c in app.registered_commands):
        app.command("serve")(serve_command)


def serve_command(
    folder: Annotated[Path, typer.Argument(
        help="The folder whose cache serves requests and whose review pages are served.")
    ] = Path("."),
    host: Annotated[str, typer.Option(
        "--host", help="Address to listen on (loopback; another address opens the server "
                       "to other machines).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535,
                                      help="Port (0: any free one, printed).")] = 5000,
    api_key: Annotated[str | None, typer.Option(
        "--api-key", help="Requests must carry this key (api_key field): 403 without.")
    ] = None,
    api_keys: Annotated[Path | None, typer.Option(
        "--api-keys", help="A file of keys, one a line (# comments).")] = None,
    engine: EngineOpt = "auto",
    models: ModelsOpt = None,
    device: DeviceOpt = "auto",
    compute_type: ComputeOpt = "auto",
    offline: OfflineOpt = False,
    no_cache: Annotated[bool, typer.Option(
        "--no-cache", help="Serve without the folder's cache (every request runs the model).")
    ] = False,
    no_retry: Annotated[bool, typer.Option(
        "--no-retry", help="Do not generate a segment that fails a quality check a second "
                           "time; only flag it (as translate --no-retry).")] = False,
    to: ToOpt = "en",
    workers: Annotated[int, typer.Option(
        "--workers", min=1, help="Server processes (each loads its own model).")] = 1,
    cors: Annotated[str | None, typer.Option(
        "--cors", help="Let web pages of this origin call the API (off by default).")] = None,
    char_limit: Annotated[int, typer.Option(
        "--char-limit", min=1, help="Characters in one request (400 beyond).")] = 20_000,
    batch_limit: Annotated[int, typer.Option(
        "--batch-limit", min=1, help="Texts in one request's list (400 beyond).")] = 128,
    file_limit_mb: Annotated[float, typer.Option(
        "--file-limit-mb", min=0.001, help="Size of an uploaded file (400 beyond).")] = 20.0,
    timeout: Annotated[float, typer.Option(
        "--timeout", min=0.1, help="Seconds one request may take (500 beyond).")] = 120.0,
    max_concurrent: Annotated[int, typer.Option(
        "--max-concurrent", min=1, help="Requests at once (429 beyond).")] = 64,
    batch_wait_ms: Annotated[float, typer.Option(
        "--batch-wait-ms", min=0.0, help="Longest wait for more requests to batch.")] = 10.0,
) -> None:
    """Serve LibreTranslate's HTTP API and the folder's review pages (needs the serve extra)."""
    with user_errors():
        try:
            from translate.serve.config import Limits, ServeConfig, read_api_keys
            from translate.serve.server import serve
        except ImportError as exc:
            raise UsageError(f"translate serve needs the serve extra ({exc.name} is missing)",
                             "pip install 'folder-translate[serve]'") from None
        if api_key and api_keys:
            raise UsageError("--api-key and --api-keys exclude each other", "give one")
        keys = read_api_keys(api_keys) if api_keys else frozenset({api_key} if api_key else ())
        limits = Limits(char_limit=char_limit, batch_limit=batch_limit,
                        file_limit_mb=file_limit_mb, timeout_s=timeout,
                        max_concurrent=max_concurrent, batch_wait_ms=batch_wait_ms)
        options = {"engine": engine, "models": models, "device": device, "target": to,
                   "compute_type": compute_type, "offline": offline, "use_cache": not no_cache,
                   "retry": not no_retry}
        serve(ServeConfig(root=folder, host=host, port=port, api_keys=keys, cors=cors,
                          workers=workers, target=to, options=options, limits=limits))
