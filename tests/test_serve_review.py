"""Served review pages: a person corrects a sentence in headless Chromium and saves it;
the output file changes through the ownership rules, and other sites cannot save."""

from __future__ import annotations

import http.server
import json
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.cdp import Browser
from tests.serve_helpers import ROOT, Server, serving
from tests.system_tools import require_program
from translate.cache.files import find_cache_root
from translate.cache.outputs import read_record
from translate.cache.store import Cache
from translate.files.reading import sha256

pytestmark = pytest.mark.slow
TEXT = ("Il governo ha approvato la legge di bilancio dopo un lungo dibattito.\n\n"
        "Gli studenti hanno manifestato davanti al ministero a Roma.\n")
FIX = "The government passed the budget law after a long debate."


def translate_folder(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "translate", str(folder), "--engine",
                           "apertium", "--quiet"], capture_output=True, text=True,
                          timeout=300, cwd=ROOT)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Server, Path]]:
    require_program("apertium", "apertium apertium-cat-ita apertium-eng-cat")
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "notizie.txt").write_text(TEXT, encoding="utf-8")
    assert translate_folder(folder).returncode == 0
    with serving(folder, "--engine", "apertium") as server:
        yield server, folder


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    instance = Browser(require_program("chromium", "chromium"))
    try:
        yield instance
    finally:
        instance.close()


def page_token(server: Server) -> str:
    page = httpx.get(server.url + "/review/notizie.txt").text
    found = re.search(r'name="token" value="([0-9a-f]+)"', page)
    assert found
    return found.group(1)


def test_edit_one_sentence_in_the_browser_and_save(served: tuple[Server, Path],
                                                   browser: Browser) -> None:
    server, folder = served
    output = folder / "notizie.en.txt"
    before = output.read_text(encoding="utf-8")
    index = httpx.get(server.url + "/review/")
    assert 'href="/review/notizie.txt"' in index.text
    browser.open_url(server.url + "/review/notizie.txt")
    assert browser.evaluate("document.querySelectorAll('main .seg').length") == 2
    browser.evaluate(f"document.querySelector('#s1 textarea').value = {json.dumps(FIX)}")
    browser.send("Page.enable")
    browser.evaluate("document.querySelector('#s1 form button').click()")
    browser.wait_event("Page.loadEventFired")
    assert "saved=1" in browser.evaluate("location.href")
    assert "Saved" in browser.evaluate("document.querySelector('.served').innerText")
    assert browser.evaluate("document.querySelector('#s1 .shown').innerText") == FIX
    after = output.read_text(encoding="utf-8")
    first, second = after.split("\n\n")
    assert first == FIX and second.strip() == before.split("\n\n")[1].strip()
    record = read_record(output)
    assert record is not None and record["output_sha256"] == sha256(output.read_bytes())
    assert record["corrections"][0]["translation"] == FIX
    # the saved correction counts as the tool's: a plain run keeps it, up to date
    assert translate_folder(folder).returncode == 0
    assert output.read_text(encoding="utf-8") == after
    # ...and it is a human entry of the tree's memory, which a new document sharing the
    # sentence gets before any model
    with Cache.open(find_cache_root(output)) as cache:
        entries = [e for e in cache.memory.entries() if e.origin == "human"]
    assert [(e.source_lang, e.target_lang, e.target) for e in entries] == [("it", "en", FIX)]
    assert entries[0].source == TEXT.split("\n\n")[0]
    (folder / "altro.txt").write_text(TEXT.split("\n\n")[0] + "\n", encoding="utf-8")
    assert translate_folder(folder).returncode == 0
    assert (folder / "altro.en.txt").read_text(encoding="utf-8").strip() == FIX


class _Evil(http.server.SimpleHTTPRequestHandler):
    page = b""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(self.page)

    def log_message(self, *args: object) -> None:
        pass


def test_a_page_from_another_origin_cannot_save(served: tuple[Server, Path],
                                                browser: Browser) -> None:
    server, folder = served
    output = folder / "notizie.en.txt"
    before = output.read_bytes()
    token = page_token(server)  # even a leaked token does not help another origin
    _Evil.page = (f'<html><body><form id="f" method="post" action="{server.url}/review/save">'
                  f'<input name="path" value="notizie.txt"><input name="segment" value="1">'
                  f'<input name="token" value="{token}"><input name="text" value="pwned">'
                  f'</form></body></html>').encode()
    evil = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Evil)
    threading.Thread(target=evil.serve_forever, daemon=True).start()
    try:
        browser.open_url(f"http://127.0.0.1:{evil.server_address[1]}/")
        browser.evaluate(f"fetch('{server.url}/review/save', {{method: 'POST', mode: "
                         "'no-cors', body: new URLSearchParams(new FormData("
                         "document.getElementById('f')))}).then(() => 1, () => 0)")
        browser.evaluate("document.getElementById('f').submit()")
        browser.wait_event("Page.loadEventFired")
        assert "Refused" in browser.evaluate("document.body.innerText")
    finally:
        evil.shutdown()
    assert output.read_bytes() == before


def test_save_checks_origin_token_host_and_ownership(served: tuple[Server, Path]) -> None:
    server, folder = served
    url, output = server.url, folder / "notizie.en.txt"
    token = page_token(server)
    form = {"path": "notizie.txt", "segment": "2", "token": token, "text": "Students "
            "demonstrated in front of the ministry in Rome."}
    own = {"Origin": url}

    def save(data: dict[str, str], headers: dict[str, str]) -> httpx.Response:
        return httpx.post(url + "/review/save", data=data, headers=headers, timeout=60)

    assert save(form, {}).status_code == 403  # no Origin, no Referer
    assert save(form, {"Origin": "http://127.0.0.1:1"}).status_code == 403
    assert save({**form, "token": "0" * 64}, own).status_code == 403
    assert save(form, {**own, "Host": "evil.example:80"}).status_code == 403
    assert save({**form, "path": "../notizie.txt"}, own).status_code == 403  # per-page token
    assert save({**form, "segment": "9"}, own).status_code == 400
    assert save({**form, "text": " "}, own).status_code == 400
    assert output.read_text(encoding="utf-8").count("Rome.") == 0
    done = save(form, {"Referer": url + "/review/notizie.txt"})
    assert done.status_code == 303 and "Rome." in output.read_text(encoding="utf-8")
    output.write_text("my own edit\n", encoding="utf-8")  # a person's edit is never overwritten
    refused = save(form, own)
    assert refused.status_code == 409 and "edited" in refused.text
    assert output.read_text(encoding="utf-8") == "my own edit\n"
    assert httpx.get(url + "/review/../../etc/passwd").status_code in (403, 404)


def test_store_correction_skips_a_segment_already_in_the_target_language(
        tmp_path: Path) -> None:
    pytest.importorskip("starlette")
    from translate.review.correct import Saved
    from translate.serve.review import store_correction

    output = tmp_path / "notizie.en.txt"
    assert store_correction(Saved(output, "Hello.", "en", "Hi."), "en") is False
    assert store_correction(Saved(output, "Ciao.", "it", "Hello."), "en") is True
    with Cache.open(find_cache_root(output)) as cache:
        stored = [(e.source, e.target, e.origin, e.place) for e in cache.memory.entries()]
    assert stored == [("Ciao.", "Hello.", "human", "notizie.en.txt")]


def test_a_correction_keeps_inline_markup(tmp_path: Path) -> None:
    require_program("apertium", "apertium apertium-cat-ita apertium-eng-cat")
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "pagina.html").write_text(
        "<html><body><p>Il governo ha <b>approvato</b> la legge di bilancio.</p></body></html>",
        encoding="utf-8")
    assert translate_folder(folder).returncode == 0
    output = folder / "pagina.en.html"
    with serving(folder, "--engine", "apertium") as server:
        page = httpx.get(server.url + "/review/pagina.html").text
        token = re.search(r'name="token" value="([0-9a-f]+)"', page)
        assert token and "&lt;x1&gt;" in page  # the box shows the markup's placeholders
        form = {"path": "pagina.html", "segment": "1", "token": token.group(1)}
        own = {"Origin": server.url}
        dropped = httpx.post(server.url + "/review/save", headers=own, data={
            **form, "text": "The government passed the budget law."})
        assert dropped.status_code == 400 and "placeholders" in dropped.text
        kept = httpx.post(server.url + "/review/save", headers=own, data={
            **form, "text": "The government <x1>passed</x1> the budget law."})
        assert kept.status_code == 303
    assert "The government <b>passed</b> the budget law." in output.read_text(encoding="utf-8")
