"""Review pages served live from the folder the server was started on, with an editor.

``GET /review/`` lists the inputs under the folder that have a translation the tool
wrote; ``GET /review/PATH`` shows one's review page (``translate.review``) with a
form under each translation. ``POST /review/save`` writes a correction into the output
(``translate.review.correct``: the same ownership rules as a run) and stores it in the
tree's translation memory as a ``human`` entry (``store_correction``).

Saving is protected against other sites: the form carries a token only this server's
pages hold (an HMAC of the page's path under the server's secret), the request's
``Origin`` (or, without one, its ``Referer``) must be this server, and its ``Host``
must be one this server answers to (no DNS rebinding). The pages may not be framed.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from translate.cache.files import find_cache_root
from translate.cache.memory import MemoryEntry
from translate.cache.outputs import read_record
from translate.cache.store import Cache
from translate.errors import InputError, TranslateError
from translate.files.names import output_path
from translate.review.build import build_review
from translate.review.correct import (
    CorrectionRefused,
    Saved,
    read_document,
    save_correction,
)
from translate.review.page import ReviewRow, render_review
from translate.translation.inputs import collect_inputs

if TYPE_CHECKING:
    from translate.serve.state import State

log = logging.getLogger("translate.serve")
_HEADERS = {"Cache-Control": "no-store", "X-Frame-Options": "DENY",
            "Content-Security-Policy": "frame-ancestors 'none'; form-action 'self'",
            "Referrer-Policy": "same-origin"}
_STYLE = ("<style>.fix textarea{width:100%;box-sizing:border-box;font:inherit;margin-top:.4em}"
          ".fix button{margin-top:.2em}.served{background:#eef6ee;padding:.5em 1em}</style>")


def store_correction(saved: Saved, target: str) -> bool:
    """Store a saved correction in its tree's translation memory, as a ``human`` entry.

    Every later run on that tree uses it before any model, as if ``translate learn``
    had read the edit. A segment whose source is already in the target language is
    not stored (a run never sends it to a model).

    Returns:
        Whether an entry was stored.
    """
    if saved.source_lang == target:
        return False
    with Cache.open(find_cache_root(saved.output)) as cache:
        entry = MemoryEntry(saved.source_lang, target, saved.source, saved.translation,
                            "human", time.time(), cache.output_key(saved.output))
        cache.memory.add([entry])
    return True


def token_for(secret: str, relative: str) -> str:
    """The save token of the page of ``relative`` (only this server can make it)."""
    return hmac.new(secret.encode(), relative.encode("utf-8"), hashlib.sha256).hexdigest()


def _state(request: Request) -> State:
    state: State = request.app.state.serve
    return state


def _page(body: str, status: int = 200, title: str = "translate serve") -> HTMLResponse:
    return HTMLResponse(f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
                        f"<title>{html.escape(title)}</title></head><body>{body}</body></html>",
                        status_code=status, headers=_HEADERS)


def _allowed_host(request: Request) -> str | None:
    """The ``Host`` of the request when it is one this server answers to."""
    config = _state(request).config
    host = request.headers.get("host", "")
    names = {config.host, "127.0.0.1", "localhost", "[::1]", "::1"}
    allowed = {f"{name}:{config.port}" for name in names} | {
        f"[{config.host}]:{config.port}"}
    return host if host in allowed else None


def resolve_input(root: Path, relative: str) -> Path:
    """The input at ``relative`` under ``root``: never outside it, never through a link.

    Raises:
        InputError: outside the folder, a link, or not a file.
    """
    parts = Path(relative).parts
    if not relative or Path(relative).is_absolute() or ".." in parts:
        raise InputError(f"{relative}: not a file of the served folder")
    base = root.resolve()
    path = base.joinpath(*parts)
    here = base
    for part in parts:
        here = here / part
        if here.is_symlink():
            raise InputError(f"{relative}: a symbolic link; the server never follows one")
    if not path.is_file() or not path.resolve().is_relative_to(base):
        raise InputError(f"{relative}: not a file of the served folder")
    return path


def _reviewable(root: Path, target: str) -> list[str]:
    found = []
    for path in collect_inputs([root], None).files:
        record = read_record(output_path(path, target))
        if record is not None and record.get("kind", "translation") == "translation":
            found.append(path.resolve().relative_to(root.resolve()).as_posix())
    return sorted(found)


async def index(request: Request) -> Response:
    """``GET /review/``: the inputs with a translation to review."""
    if _allowed_host(request) is None:
        return _page("<p>Unknown host.</p>", 403)
    state = _state(request)
    try:
        names = await run_in_threadpool(_reviewable, state.config.root, state.config.target)
    except (TranslateError, OSError) as exc:
        text = exc.message if isinstance(exc, TranslateError) else exc.strerror or str(exc)
        return _page(f"<p>Cannot list the folder: {html.escape(text)}</p>", 500)
    items = "".join(f'<li><a href="/review/{quote(n)}">{html.escape(n)}</a></li>'
                    for n in names)
    return _page(f"<h1>Review pages of {html.escape(str(state.config.root))}</h1>"
                 f"<ul>{items or '<li>No translated inputs yet.</li>'}</ul>")


def _editor(relative: str, token: str, raw: list[str | None]) -> Any:
    def cell(number: int, row: ReviewRow) -> str:
        shown = html.escape(row.translation)
        text = raw[number - 1]
        if text is None:
            return shown
        return (f'<div class="shown">{shown}</div><form method="post" action="/review/save" '
                f'class="fix"><input type="hidden" name="path" value="{html.escape(relative)}">'
                f'<input type="hidden" name="segment" value="{number}">'
                f'<input type="hidden" name="token" value="{token}">'
                f'<textarea name="text" rows="2" aria-label="Correct segment {number}">'
                f"{html.escape(text)}</textarea><button type=\"submit\">Save</button></form>")
    return cell


def _render(state: State, path: Path, relative: str, saved: str | None) -> str:
    target = state.config.target
    page = build_review(path, target)
    document = read_document(path, target)
    notice = (f"<p><strong>Saved</strong> segment {html.escape(saved)} into "
              f"{html.escape(document.output.name)}.</p>" if saved else "")
    top = (f'{_STYLE}<div class="served">{notice}<p>Served by <code>translate serve</code>: '
           "correct a translation and press Save; it is written into the output file. "
           '<a href="/review/">All pages</a></p></div>')
    cell = _editor(relative, token_for(state.config.secret, relative), document.translations)
    return render_review(page, cell, top)


async def show(request: Request) -> Response:
    """``GET /review/PATH``: the review page of one input, editable."""
    if _allowed_host(request) is None:
        return _page("<p>Unknown host.</p>", 403)
    state = _state(request)
    relative = request.path_params["path"]
    try:
        path = resolve_input(state.config.root, relative)
        body = await run_in_threadpool(_render, state, path, relative,
                                       request.query_params.get("saved"))
    except TranslateError as exc:
        return _page(f"<p>{html.escape(exc.message)}</p>", 404)
    except OSError as exc:
        return _page(f"<p>Cannot read it: {html.escape(exc.strerror or str(exc))}</p>", 500)
    return HTMLResponse(body, headers=_HEADERS)


def _same_origin(request: Request, host: str) -> bool:
    own = f"{request.url.scheme}://{host}"
    if request.headers.get("sec-fetch-site") not in (None, "same-origin"):
        return False
    origin = request.headers.get("origin")
    if origin is not None:
        return origin == own
    referer = urlsplit(request.headers.get("referer", ""))
    return f"{referer.scheme}://{referer.netloc}" == own


def _save(state: State, path: Path, number: int, text: str) -> Path:
    saved = save_correction(path, number, text, state.config.target)
    store_correction(saved, state.config.target)
    return saved.output


async def save(request: Request) -> Response:
    """``POST /review/save``: write one correction (same-origin pages with the token only)."""
    host = _allowed_host(request)
    if host is None or not _same_origin(request, host):
        return _page("<p>Refused: saving is allowed only from this server's own review "
                     "pages.</p>", 403)
    state = _state(request)
    form = await request.form(max_files=0, max_fields=8, max_part_size=1 << 20)
    relative, token = str(form.get("path", "")), str(form.get("token", ""))
    if not hmac.compare_digest(token, token_for(state.config.secret, relative)):
        return _page("<p>Refused: the page's token is missing or wrong; reload the page."
                     "</p>", 403)
    segment = str(form.get("segment", ""))
    if not segment.isdigit():
        return _page("<p>Invalid request: segment must be a number.</p>", 400)
    back = f'<p><a href="/review/{quote(relative)}">Back to the page</a></p>'
    try:
        path = resolve_input(state.config.root, relative)
        await state.on_model_thread(state.worker.call(
            _save, state, path, int(segment), str(form.get("text", ""))))
    except CorrectionRefused as exc:
        return _page(f"<p>Not saved: {html.escape(exc.message)}</p>{back}", 409)
    except TranslateError as exc:
        return _page(f"<p>Not saved: {html.escape(exc.message)}</p>{back}", 400)
    except OSError as exc:
        return _page(f"<p>Not saved: {html.escape(exc.strerror or str(exc))}</p>{back}", 500)
    except Exception as exc:  # a bug: one line in the log, no document text, no traceback
        log.error("translate serve: internal error saving a correction: %s",
                  type(exc).__name__)
        return _page(f"<p>Not saved: internal error ({type(exc).__name__}).</p>{back}", 500)
    return RedirectResponse(f"/review/{quote(relative)}?saved={segment}#s{segment}",
                            status_code=303, headers=_HEADERS)


def _guarded(handler: Any) -> Any:
    """``handler``, answering an unexpected error with a page (no traceback, one log line)."""

    async def endpoint(request: Request) -> Response:
        try:
            response: Response = await handler(request)
        except Exception as exc:
            log.error("translate serve: internal error in %s: %s", request.url.path,
                      type(exc).__name__)
            return _page(f"<p>Internal error ({type(exc).__name__}).</p>", 500)
        return response

    return endpoint


def routes() -> list[Route]:
    """The review routes (the save first: the page route takes any path)."""
    return [Route("/review/save", _guarded(save), methods=["POST"]),
            Route("/review/", _guarded(index), methods=["GET"]),
            Route("/review", _guarded(index), methods=["GET"]),
            Route("/review/{path:path}", _guarded(show), methods=["GET"])]
