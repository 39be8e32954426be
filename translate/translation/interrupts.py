"""SIGTERM stops a run like Ctrl-C: finished batches stay cached, the report says so.

The handler raises ``Terminated``, a ``KeyboardInterrupt``, so every ``except
KeyboardInterrupt`` path (pipeline, summaries, cache transactions) handles both signals
the same way; only the exit code differs (130 for SIGINT, 143 = 128 + 15 for SIGTERM).
"""

from __future__ import annotations

import signal
import threading
from types import FrameType

INTERRUPTED_EXIT = 130
TERMINATED_EXIT = 143


class Terminated(KeyboardInterrupt):
    """The process received SIGTERM."""


_received: list[int] = []


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    _received.append(signum)
    raise Terminated


def install() -> None:
    """Turn SIGTERM into ``Terminated`` in the main thread (signals reach only it)."""
    _received.clear()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _on_sigterm)


def terminated() -> bool:
    """Whether SIGTERM has been received since ``install()``."""
    return bool(_received)


def interrupt_exit_code() -> int:
    """The exit code of an interrupted run: 143 after SIGTERM, else 130."""
    return TERMINATED_EXIT if terminated() else INTERRUPTED_EXIT
