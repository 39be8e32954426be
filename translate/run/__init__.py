"""A run: its one order of stages, over translation, summaries and review pages (``flow``)."""
