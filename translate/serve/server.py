"""Listen and serve: bind the socket (a clear error when taken), then run uvicorn."""

from __future__ import annotations

import dataclasses
import logging
import os
import socket
import sys
from typing import Any

from translate.api import Session
from translate.errors import UsageError
from translate.serve.config import CONFIG_ENV, ServeConfig, is_loopback


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host``:``port`` (0: a free port).

    Raises:
        UsageError: the address cannot be had (taken, not this machine's, ...).
    """
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host.strip("[]"), port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                         "choose another --port, or stop what listens there") from None
    sock.set_inheritable(True)
    return sock


def check(config: ServeConfig) -> None:
    """Refuse settings that cannot work before anything listens.

    Raises:
        UsageError: not a folder, an unknown engine, a bad registry, bad limits.
    """
    if not config.root.is_dir():
        raise UsageError(f"{config.root} is not a folder", "serve a folder: translate serve DIR")
    if config.workers < 1:
        raise UsageError("--workers must be at least 1")
    with Session(config.library_options(), hints="cli") as session:
        session.router()  # the engine and registry are checked here; no model is loaded


def url_of(host: str, port: int) -> str:
    """The URL clients use (an IPv6 address in brackets)."""
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return f"http://{shown}:{port}"


def serve(config: ServeConfig) -> None:
    """Serve until interrupted (Ctrl-C or SIGTERM: finish what is in flight, then stop).

    Raises:
        UsageError: bad settings, or the address cannot be had.
    """
    import uvicorn

    check(config)
    sock = bind(config.host, config.port)
    config = dataclasses.replace(config, port=sock.getsockname()[1])
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    where = url_of(config.host, config.port)
    print(f"translate serve: {where}/ (engine {config.options.get('engine', 'auto')}; "
          f"{config.workers} worker(s); review pages of {config.root} at {where}/review/)",
          file=sys.stderr, flush=True)
    if not is_loopback(config.host):
        print(f"translate serve: warning: {config.host} is reachable from other machines"
              + ("" if config.api_keys else " and no API key is required"),
              file=sys.stderr, flush=True)
    common: dict[str, Any] = {"log_level": "warning", "access_log": False,
                              "timeout_graceful_shutdown": 10, "proxy_headers": False,
                              "server_header": False}
    if config.workers == 1:
        from translate.serve.app import create_app

        uvicorn.Server(uvicorn.Config(create_app(config), **common)).run(sockets=[sock])
        return
    from uvicorn.supervisors import Multiprocess

    os.environ[CONFIG_ENV] = config.to_json()
    settings = uvicorn.Config("translate.serve.app:app_from_environment", factory=True,
                              workers=config.workers, **common)
    Multiprocess(settings, sockets=[sock]).run()
