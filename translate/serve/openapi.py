"""The OpenAPI description of the server's endpoints, and a readable page of it."""

from __future__ import annotations

import html
from typing import Any

from translate.serve.config import ServeConfig
from translate.version import __version__

_ERROR = {"description": "Error", "content": {"application/json": {"schema": {
    "type": "object", "properties": {"error": {"type": "string"}}}}}}
_ERRORS = {"400": {**_ERROR, "description": "Invalid request"},
           "403": {**_ERROR, "description": "Missing or invalid API key"},
           "429": {**_ERROR, "description": "Too many requests at once"},
           "500": {**_ERROR, "description": "Translation failed or timed out"}}


def _body(properties: dict[str, Any], required: list[str], files: bool = False) -> dict[str, Any]:
    schema = {"type": "object", "properties": properties, "required": required}
    forms = ["multipart/form-data"] if files else [
        "application/json", "application/x-www-form-urlencoded", "multipart/form-data"]
    return {"required": True, "content": {kind: {"schema": schema} for kind in forms}}


def spec(config: ServeConfig) -> dict[str, Any]:
    """The OpenAPI 3.1 document (limits as this server has them)."""
    limits = config.limits
    key = {"api_key": {"type": "string", "description": "API key (when the server has keys)"}}
    text = {"q": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
                  "description": f"Text(s); at most {limits.char_limit} characters in all, "
                                 f"{limits.batch_limit} texts"},
            "source": {"type": "string", "description": "Source language, or auto"},
            "target": {"type": "string", "description": "Target language"},
            "format": {"type": "string", "enum": ["text", "html"], "default": "text"},
            "alternatives": {"type": "integer", "default": 0,
                             "description": "Accepted; no alternatives are produced"},
            **key}
    ok = {"description": "OK", "content": {"application/json": {}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "translate serve (LibreTranslate-compatible)", "version": __version__,
                 "description": f"Requests are limited to {limits.max_concurrent} at once "
                                f"(429 beyond) and {limits.timeout_s:g} s each."},
        "paths": {
            "/translate": {"post": {"summary": "Translate text(s)", "requestBody": _body(
                text, ["q", "source", "target"]), "responses": {"200": ok, **_ERRORS}}},
            "/detect": {"post": {"summary": "Detect the language of a text", "requestBody":
                                 _body({"q": {"type": "string"}, **key}, ["q"]),
                                 "responses": {"200": ok, **_ERRORS}}},
            "/translate_file": {"post": {
                "summary": f"Translate a file (at most {limits.file_limit_mb:g} MiB)",
                "requestBody": _body({"file": {"type": "string", "format": "binary"},
                                      "source": text["source"], "target": text["target"],
                                      **key}, ["file", "source", "target"], files=True),
                "responses": {"200": ok, **_ERRORS}}},
            "/download_file/{filename}": {"get": {
                "summary": "Download a translated file",
                "parameters": [{"name": "filename", "in": "path", "required": True,
                                "schema": {"type": "string"}}],
                "responses": {"200": {"description": "The file"}, "400": _ERRORS["400"]}}},
            "/languages": {"get": {"summary": "Languages and their targets",
                                   "responses": {"200": ok}}},
            "/frontend/settings": {"get": {"summary": "Limits and defaults for a client",
                                           "responses": {"200": ok}}},
            "/health": {"get": {"summary": "Up, and batcher counters",
                                "responses": {"200": ok}}},
            "/review/": {"get": {"summary": "Review pages of the served folder",
                                 "responses": {"200": {"description": "HTML"}}}},
        },
    }


def docs_page(document: dict[str, Any]) -> str:
    """A plain HTML page listing the endpoints (nothing loaded from elsewhere)."""
    rows = "".join(
        f"<tr><td><code>{html.escape(method.upper())}</code></td><td><code>"
        f"{html.escape(path)}</code></td><td>{html.escape(op.get('summary', ''))}</td></tr>"
        for path, ops in document["paths"].items() for method, op in ops.items())
    info = document["info"]
    return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(info['title'])}</title></head><body>"
            f"<h1>{html.escape(info['title'])}</h1><p>{html.escape(info['description'])}</p>"
            "<p>Machine-readable: <a href=\"/openapi.json\">/openapi.json</a></p>"
            f"<table>{rows}</table></body></html>")
