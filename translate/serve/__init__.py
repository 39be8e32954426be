"""``translate serve``: a local HTTP server that LibreTranslate clients use unchanged.

A top layer, like ``cli``: over the library (``translate.api.Session``), its model
pool and the cache beside the served folder. Its dependencies (Starlette, uvicorn,
python-multipart) are the ``serve`` extra; nothing here is imported by the CLI until
``translate serve`` runs.
"""
