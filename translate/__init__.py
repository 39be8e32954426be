"""translate: local, cached translation and summarisation of document folders.

Importing this package is cheap: torch and transformers are only imported when a
model is actually needed.
"""

__version__ = "0.1.0"
