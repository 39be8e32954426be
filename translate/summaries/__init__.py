"""Summaries, in one place.

Chunking and map-reduce (``summarize``), TextRank (``textrank``), the summariser over a
model (``summarizer``), and the summaries of a run's files: abstractive (``files``) and
extractive (``extractive``).
"""
