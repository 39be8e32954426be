"""translate: local, cached translation and summarisation of document folders.

Importing this package is cheap: the API (``translate.translate_text`` ...) is loaded
on first use (PEP 562), and torch and transformers only when a model actually runs.

    >>> import translate
    >>> translate.translate_text("Buongiorno a tutti.", source="it")  # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from translate.version import __version__

if TYPE_CHECKING:
    from translate.api import (
        Report,
        Session,
        close,
        detect_language,
        summarize_files,
        summarize_text,
        translate_files,
        translate_text,
    )
    from translate.options import Options
    from translate.summaries.summarize import Summary
    from translate.text.detect import Detection

__all__ = ["Detection", "Options", "Report", "Session", "Summary", "__version__", "close",
           "detect_language", "summarize_files", "summarize_text", "translate_files",
           "translate_text"]

# Where each lazily loaded name lives; Options costs nothing (standard library only).
_LAZY = {"Options": "translate.options", "Detection": "translate.text.detect",
         "Summary": "translate.summaries.summarize"}


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(importlib.import_module(_LAZY.get(name, "translate.api")), name)
    raise AttributeError(f"module 'translate' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
