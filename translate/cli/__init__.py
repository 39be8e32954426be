"""The command line: parsing and rendering only (``app``), over the library.

``main`` and ``summarize_main`` are the console scripts' entry points; they import the
command definitions only when called, so importing this package stays cheap.
"""

from __future__ import annotations


def main() -> None:
    """Console-script entry point of ``translate``."""
    from translate.cli.app import main as run

    run()


def summarize_main() -> None:
    """Console-script entry point of ``summarize`` (= ``translate summarize``)."""
    from translate.cli.app import summarize_main as run

    run()
