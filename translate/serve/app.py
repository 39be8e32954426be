"""The ASGI app: LibreTranslate's endpoints, their limits and errors, and review pages.

Endpoints and shapes follow LibreTranslate's API, so its clients work unchanged:
``POST /translate``, ``/detect``, ``/translate_file`` (then ``GET /download_file/NAME``),
``GET /languages``, ``/frontend/settings``; errors are ``{"error": "..."}`` with 400
(bad request), 403 (API key), 429 (too many requests at once) and 500 (translation
failed or timed out). ``/health``, ``/openapi.json`` and ``/docs`` describe the server.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from translate.errors import ModelUnavailableError, TranslateError
from translate.serve import openapi, review
from translate.serve.config import CONFIG_ENV, ServeConfig
from translate.serve.service import (
    Translated,
    check_language,
    detect_text,
    download_name,
    finish,
    html_fragment,
    language_name,
    prepare,
    servable_languages,
    supported_suffixes,
    upload_suffix,
)
from translate.serve.state import State

log = logging.getLogger("translate.serve")
Handler = Callable[[Request], Awaitable[Response]]


class ApiError(Exception):
    """A request refused: its status and LibreTranslate's error text."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    """LibreTranslate's error body."""
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def _message(exc: TranslateError) -> str:
    return f"{exc.message} (hint: {exc.hint})" if exc.hint else exc.message


def _cors_headers(state: State, request: Request) -> dict[str, str]:
    origin = state.config.cors
    if origin is None:  # CORS off: browsers refuse other origins the answers
        return {}
    return {"Access-Control-Allow-Origin": origin, "Vary": "Origin",
            "Access-Control-Allow-Headers": "Authorization, Content-Type",
            "Access-Control-Allow-Methods": "GET, POST"}


def api(handler: Handler, limited: bool = True) -> Handler:
    """An API endpoint: CORS, the concurrency limit, the timeout, errors as JSON."""

    async def endpoint(request: Request) -> Response:
        state: State = request.app.state.serve
        cors = _cors_headers(state, request)
        if request.method == "OPTIONS":
            return Response(status_code=204, headers=cors)
        limits = state.config.limits
        if limited and state.active >= limits.max_concurrent:
            return error(429, f"Slowdown: more than {limits.max_concurrent} requests at once; "
                         "retry shortly", {**cors, "Retry-After": "1"})
        state.active += 1
        try:
            response = await asyncio.wait_for(handler(request), limits.timeout_s)
        except ApiError as exc:
            response = error(exc.status, exc.message)
        except HTTPException as exc:  # Starlette's: a malformed form body, too many fields
            response = error(exc.status_code, f"Invalid request: {exc.detail}")
        except TimeoutError:
            response = error(500, f"Cannot translate text: the request took more than "
                             f"{limits.timeout_s:g} s (what was translated is cached: "
                             "asking again is quicker)")
        except ModelUnavailableError as exc:
            response = error(500, f"Cannot translate text: {_message(exc)}")
        except TranslateError as exc:  # the request's input or languages
            response = error(400, _message(exc))
        except Exception as exc:  # a bug: one line, no document text
            log.error("translate serve: internal error in %s: %s", request.url.path,
                      type(exc).__name__)
            response = error(500, f"Cannot translate text: internal error "
                             f"({type(exc).__name__})")
        finally:
            state.active -= 1
        response.headers.update(cors)
        return response

    return endpoint


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused past ``limit`` bytes (before reading it when possible)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise ApiError(400, f"Invalid request: body of {declared} bytes exceeds the limit "
                       f"({limit})")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise ApiError(400, f"Invalid request: body exceeds the limit ({limit} bytes)")
    request._body = bytes(body)  # request.form() reads this copy
    return request._body


async def read_params(request: Request, limit: int) -> tuple[dict[str, Any], bool]:
    """The parameters of a JSON or form request, and whether it was JSON."""
    body = await read_body(request, limit)
    if request.headers.get("content-type", "").split(";")[0].strip() == "application/json":
        try:
            data = json.loads(body or b"null")
        except ValueError:
            raise ApiError(400, "Invalid JSON format") from None
        if not isinstance(data, dict):
            raise ApiError(400, "Invalid JSON format")
        return data, True
    form = await request.form(max_files=1, max_fields=64, max_part_size=limit)
    return dict(form.multi_items()), False


def check_key(state: State, request: Request, params: dict[str, Any]) -> None:
    """Refuse a request without a valid API key (when the server has keys)."""
    keys = state.config.api_keys
    if not keys:
        return
    key = params.get("api_key") or request.query_params.get("api_key")
    bearer = request.headers.get("authorization", "")
    if not key and bearer.lower().startswith("bearer "):
        key = bearer[7:].strip()
    if not isinstance(key, str) or key not in keys:
        raise ApiError(403, "Invalid API key" if key else
                       "Please contact the server operator to get an API key")


def _required(params: dict[str, Any], name: str) -> Any:
    value = params.get(name)
    if value in (None, "", []):
        raise ApiError(400, f"Invalid request: missing {name} parameter")
    return value


def _check_languages(state: State, source: str, target: str) -> tuple[str, str]:
    source = "auto" if source == "auto" else check_language(source, "source")
    target = check_language(target, "target")
    codes = {lang.code for lang in state.languages}
    targets = {t for lang in state.languages for t in lang.targets}
    if source != "auto" and source not in codes and source != target:
        raise ApiError(400, f"{source} is not supported")
    if target not in targets and target not in codes:
        raise ApiError(400, f"{target} is not supported")
    return source, target


def _texts(params: dict[str, Any], is_json: bool, char_limit: int,
           batch_limit: int) -> tuple[list[str], bool]:
    q = _required(params, "q")
    batch = isinstance(q, list)
    texts = q if batch else [q]
    if not all(isinstance(t, str) for t in texts):
        raise ApiError(400, "Invalid request: q must be a string or a list of strings")
    if not is_json:  # form bodies: CRLF or LF alike, so the limit counts the same
        texts = ["\n".join(t.splitlines()) for t in texts]
    if batch and len(texts) > batch_limit:
        raise ApiError(400, f"Invalid request: request ({len(texts)}) exceeds text limit "
                       f"({batch_limit})")
    chars = sum(len(t) for t in texts)
    if chars > char_limit:
        raise ApiError(400, f"Invalid request: request ({chars}) exceeds text limit "
                       f"({char_limit})")
    return texts, batch


# Reading and writing a text this short takes about a millisecond: done on the event
# loop, since a thread for it would compete with the model thread for the GIL (many
# threads make the model thread wait at every release); longer ones go to a thread.
INLINE_BYTES = 4096


async def _cpu(size: int, function: Callable[..., Any], *args: Any) -> Any:
    if size <= INLINE_BYTES:
        return function(*args)
    return await run_in_threadpool(function, *args)


async def _translate_data(state: State, data: bytes, name: str, source: str, target: str,
                          encoding: str | None) -> tuple[bytes, dict[str, Any]]:
    prepared = await _cpu(len(data), prepare, data, name, source, encoding)
    detected = {"confidence": round(prepared.confidence * 100, 1),
                "language": prepared.document_language}
    if prepared.blank:
        return data, detected
    outputs = await state.on_model_thread(state.worker.translate(
        list(prepared.parsed.segments), prepared.languages, target))
    return await _cpu(len(data), finish, prepared, outputs, target), detected


async def translate(request: Request) -> Response:
    """``POST /translate``: ``q`` (a string or a list), ``source``, ``target``, ``format``."""
    state: State = request.app.state.serve
    limits = state.config.limits
    params, is_json = await read_params(request, 4 * limits.char_limit + 65536)
    check_key(state, request, params)
    texts, batch = _texts(params, is_json, limits.char_limit, limits.batch_limit)
    source, target = _check_languages(state, str(_required(params, "source")),
                                      str(_required(params, "target")))
    kind = params.get("format") or "text"
    if kind not in ("text", "html"):
        raise ApiError(400, f"{kind} format is not supported")
    alternatives = params.get("alternatives") or 0
    try:
        alternatives = int(alternatives)
    except (TypeError, ValueError):
        raise ApiError(400, "Invalid request: alternatives must be a number") from None
    name = "q.html" if kind == "html" else "q.txt"
    results = await asyncio.gather(*[_translate_text(state, t, name, source, target)
                                     for t in texts])
    body: dict[str, Any] = {"translatedText": [r.text for r in results] if batch
                            else results[0].text}
    if source == "auto":
        found = [r.detected for r in results]
        body["detectedLanguage"] = found if batch else found[0]
    if alternatives > 0:  # accepted; one translation per text is all a model gives here
        body["alternatives"] = [[] for _ in results] if batch else []
    return JSONResponse(body)


async def _translate_text(state: State, text: str, name: str, source: str,
                          target: str) -> Translated:
    if not text.strip():
        return Translated(text, {"confidence": 0.0, "language": source}
                          if source == "auto" else None)
    data, detected = await _translate_data(state, text.encode("utf-8"), name, source,
                                           target, "utf-8")
    out = data.decode("utf-8")
    if name.endswith(".html"):
        out = html_fragment(text, out)
    return Translated(out, detected if source == "auto" else None)


async def detect(request: Request) -> Response:
    """``POST /detect``: the language of ``q``."""
    state: State = request.app.state.serve
    limits = state.config.limits
    params, is_json = await read_params(request, 4 * limits.char_limit + 65536)
    check_key(state, request, params)
    texts, _ = _texts(params, is_json, limits.char_limit, 1)
    return JSONResponse(await run_in_threadpool(detect_text, texts[0]))


async def translate_file(request: Request) -> Response:
    """``POST /translate_file``: ``file``, ``source``, ``target``; the download's URL."""
    state: State = request.app.state.serve
    limits = state.config.limits
    params, _ = await read_params(request, limits.file_limit_bytes + 65536)
    check_key(state, request, params)
    upload = params.get("file")
    if not isinstance(upload, UploadFile):
        raise ApiError(400, "Invalid request: missing file parameter")
    source, target = _check_languages(state, str(_required(params, "source")),
                                      str(_required(params, "target")))
    if not upload.filename:
        raise ApiError(400, "Invalid request: empty file")
    suffix = upload_suffix(upload.filename)
    try:
        data = await upload.read()
    finally:
        await upload.close()  # a large upload spooled to a temporary file: removed now
    if len(data) > limits.file_limit_bytes:
        raise ApiError(400, f"Invalid request: file of {len(data)} bytes exceeds the limit "
                       f"({limits.file_limit_bytes})")
    out, _ = await _translate_data(state, data, "upload" + suffix, source, target, None)
    token = state.downloads.add(out, suffix, download_name(upload.filename, target, suffix))
    return JSONResponse({"translatedFileUrl": str(request.url_for("download_file",
                                                                  filename=token))})


async def download_file(request: Request) -> Response:
    """``GET /download_file/NAME``: a file ``/translate_file`` translated."""
    state: State = request.app.state.serve
    found = state.downloads.find(request.path_params["filename"])
    if found is None:
        raise ApiError(400, "Invalid filename (unknown, or expired)")
    path, name = found
    return FileResponse(path, filename=name, media_type="application/octet-stream")


async def languages(request: Request) -> Response:
    """``GET /languages``: the routes this machine can serve, with their targets."""
    state: State = request.app.state.serve
    return JSONResponse([lang.as_dict() for lang in state.languages])


async def frontend_settings(request: Request) -> Response:
    """``GET /frontend/settings``: the limits and defaults a client shows."""
    state: State = request.app.state.serve
    config = state.config
    target = config.target
    return JSONResponse({
        "charLimit": config.limits.char_limit, "frontendTimeout": 500,
        "apiKeys": bool(config.api_keys), "keyRequired": bool(config.api_keys),
        "suggestions": False, "filesTranslation": True,
        "supportedFilesFormat": supported_suffixes(),
        "language": {"source": {"code": "auto", "name": "Auto Detect"},
                     "target": {"code": target, "name": language_name(target)}}})


async def health(request: Request) -> Response:
    """``GET /health``: up, and what the batcher and models did."""
    state: State = request.app.state.serve
    counters = state.worker.counters
    return JSONResponse({
        "status": "ok", "engine": state.session.options.engine,
        "languages": len(state.languages), "in_flight": state.active,
        "requests": counters.requests, "segments": counters.segments,
        "batches": counters.batches, "largest_batch": counters.largest_batch,
        "model_s": round(counters.model_s, 3),
        "model_segments": state.worker.model_segments(), "pid": os.getpid()})


async def openapi_json(request: Request) -> Response:
    """``GET /openapi.json``: the OpenAPI description."""
    return JSONResponse(openapi.spec(request.app.state.serve.config))


async def docs(request: Request) -> Response:
    """``GET /docs``: the endpoints, readable (no script, nothing remote)."""
    return HTMLResponse(openapi.docs_page(openapi.spec(request.app.state.serve.config)))


async def _not_found(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    detail = exc.detail if isinstance(exc, HTTPException) else "internal error"
    return error(status, str(detail))


def create_app(config: ServeConfig) -> Starlette:
    """The app for ``config`` (the model worker starts with it, stops with it)."""
    state = State(config)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        state.worker.start()
        state.languages = await state.on_model_thread(
            state.worker.call(servable_languages, state.worker))
        try:
            yield
        finally:
            await run_in_threadpool(state.close)

    both = ["POST", "OPTIONS"]
    routes = [
        Route("/translate", api(translate), methods=both),
        Route("/detect", api(detect), methods=both),
        Route("/translate_file", api(translate_file), methods=both),
        Route("/download_file/{filename}", api(download_file, False), methods=["GET"],
              name="download_file"),
        Route("/languages", api(languages, False), methods=["GET", "OPTIONS"]),
        Route("/frontend/settings", api(frontend_settings, False), methods=["GET", "OPTIONS"]),
        Route("/health", health, methods=["GET"]),
        Route("/openapi.json", openapi_json, methods=["GET"]),
        Route("/spec", openapi_json, methods=["GET"]),
        Route("/docs", docs, methods=["GET"]),
        *review.routes(),
    ]
    app = Starlette(routes=routes, lifespan=lifespan,
                    exception_handlers={HTTPException: _not_found})
    app.state.serve = state
    return app


def app_from_environment() -> Starlette:
    """The app of a uvicorn worker process: its settings from ``TRANSLATE_SERVE_CONFIG``."""
    return create_app(ServeConfig.from_json(os.environ[CONFIG_ENV]))
