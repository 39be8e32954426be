"""What the server's handlers share: settings, the session, the model worker, downloads."""

from __future__ import annotations

import asyncio
from concurrent.futures import Future
from typing import Any

from translate.api import Session
from translate.serve.batcher import ModelWorker
from translate.serve.config import ServeConfig
from translate.serve.service import Downloads, Language

__all__ = ["State"]


class State:
    """What the app's handlers share: settings, session, worker, languages, downloads."""

    def __init__(self, config: ServeConfig) -> None:
        self.config = config
        self.session = Session(config.library_options(), hints="cli")
        self.worker = ModelWorker(self.session, config.root,
                                  config.limits.batch_wait_ms / 1000,
                                  config.limits.batch_segments, lambda: self.active)
        self.downloads = Downloads(config.limits.download_ttl_s)
        self.languages: list[Language] = []
        self.active = 0

    async def on_model_thread(self, future: Future[Any]) -> Any:
        """Await work handed to the model thread."""
        return await asyncio.wrap_future(future)

    def close(self) -> None:
        """Stop the worker, unload the models, remove the downloads."""
        self.worker.close()
        self.session.close()
        self.downloads.close()
