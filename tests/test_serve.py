"""``translate serve`` over real HTTP: a server process on a free loopback port, Apertium
for real Italian -> English, every endpoint, both request forms, every error status and
the limits."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.serve_helpers import ROOT, Server, serving
from tests.system_tools import require_program

pytestmark = pytest.mark.slow
SENTENCE = "Il governo ha approvato la legge di bilancio dopo un lungo dibattito in Parlamento."
OTHER = "Gli studenti hanno manifestato davanti al ministero a Roma il 6 novembre 2024."


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Path, Path]]:
    require_program("apertium", "apertium apertium-cat-ita apertium-eng-cat")
    folder = tmp_path_factory.mktemp("served")
    temp = tmp_path_factory.mktemp("server-tmp")
    with serving(folder, "--engine", "apertium", "--char-limit", "400", "--batch-limit", "4",
                 "--file-limit-mb", "0.1", env={"TMPDIR": str(temp)}) as server:
        yield server, folder, temp
    # SIGTERM: what was in flight finished, the downloads removed; the CLI's exit code 143
    assert server.proc.returncode == 143, server.output
    assert "Traceback" not in server.output
    assert list(temp.iterdir()) == [], "temporary files left behind"


@pytest.fixture
def url(served: tuple[Server, Path, Path]) -> str:
    return served[0].url


def post(url: str, path: str, **kwargs: object) -> httpx.Response:
    return httpx.post(url + path, timeout=120, **kwargs)  # type: ignore[arg-type]


def test_translate_json_and_form_agree(url: str) -> None:
    as_json = post(url, "/translate", json={"q": SENTENCE, "source": "it", "target": "en"})
    as_form = post(url, "/translate", data={"q": SENTENCE, "source": "it", "target": "en"})
    assert as_json.status_code == as_form.status_code == 200
    assert as_json.json() == as_form.json()
    text = as_json.json()["translatedText"]
    assert "approved" in text and "Parliament" in text and "governo" not in text


def test_list_with_auto_source_and_alternatives(url: str) -> None:
    got = post(url, "/translate", json={"q": [SENTENCE, OTHER], "source": "auto",
                                        "target": "en", "alternatives": 3}).json()
    assert len(got["translatedText"]) == 2
    assert "6 November 2024" in got["translatedText"][1] or "2024" in got["translatedText"][1]
    assert [d["language"] for d in got["detectedLanguage"]] == ["it", "it"]
    assert all(0 < d["confidence"] <= 100 for d in got["detectedLanguage"])
    assert got["alternatives"] == [[], []]
    single = post(url, "/translate", data={"q": OTHER, "source": "auto", "target": "en"}).json()
    assert single["detectedLanguage"]["language"] == "it" and "alternatives" not in single


def test_html_keeps_markup(url: str) -> None:
    got = post(url, "/translate", json={"q": '<p>Il governo ha <b>approvato</b> la legge. '
                                              '<a href="https://example.it/x">Roma</a></p>',
                                        "source": "it", "target": "en", "format": "html"})
    text = got.json()["translatedText"]
    assert text.startswith("<p>") and "<b>approved</b>" in text
    assert 'href="https://example.it/x"' in text and "<body" not in text


def test_a_repeat_is_a_cache_hit_in_the_served_folder(served: tuple[Server, Path, Path],
                                                      url: str) -> None:
    text = "La cooperazione militare è già in pieno svolgimento secondo fonti occidentali."
    first = post(url, "/translate", json={"q": text, "source": "it", "target": "en"}).json()
    before = httpx.get(url + "/health").json()["model_segments"]
    again = post(url, "/translate", data={"q": text, "source": "it", "target": "en"}).json()
    assert again == first
    assert httpx.get(url + "/health").json()["model_segments"] == before
    assert (served[1] / ".translate-cache").is_dir()


def test_concurrent_requests_share_batches(url: str) -> None:
    texts = [f"Il sindaco di Milano ha presentato il piano numero {n}." for n in range(12)]
    before = httpx.get(url + "/health").json()
    with ThreadPoolExecutor(12) as pool:
        answers = list(pool.map(lambda t: post(url, "/translate", json={
            "q": t, "source": "it", "target": "en"}), texts))
    assert all(a.status_code == 200 for a in answers)
    outputs = [a.json()["translatedText"] for a in answers]
    assert all(str(n) in out for n, out in enumerate(outputs))  # each its own answer
    after = httpx.get(url + "/health").json()
    assert after["requests"] - before["requests"] == 12
    assert after["batches"] - before["batches"] < 12 and after["largest_batch"] > 1


def test_detect_languages_settings_health_openapi(url: str) -> None:
    found = post(url, "/detect", data={"q": SENTENCE}).json()
    assert found[0]["language"] == "it" and found[0]["confidence"] > 50
    assert post(url, "/detect", json={"q": "The government approved the budget law after "
                                           "a long debate."}).json()[0]["language"] == "en"
    languages = {lang["code"]: lang for lang in httpx.get(url + "/languages").json()}
    assert "en" in languages["it"]["targets"] and languages["it"]["name"] == "Italian"
    settings = httpx.get(url + "/frontend/settings").json()
    assert settings["charLimit"] == 400 and ".docx" in settings["supportedFilesFormat"]
    assert settings["language"]["source"]["code"] == "auto"
    assert httpx.get(url + "/health").json()["status"] == "ok"
    spec = httpx.get(url + "/openapi.json").json()
    assert {"/translate", "/detect", "/translate_file", "/languages"} <= set(spec["paths"])
    docs = httpx.get(url + "/docs")
    assert docs.status_code == 200 and "/translate_file" in docs.text


def _docx(text: str) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _docx_text(data: bytes) -> str:
    import docx

    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


SAMPLES = {
    ".txt": SENTENCE.encode(), ".text": SENTENCE.encode(),
    ".md": f"# Notizie\n\n{SENTENCE}\n".encode(), ".markdown": f"{SENTENCE}\n".encode(),
    ".rst": f"Notizie\n=======\n\n{SENTENCE}\n".encode(),
    ".html": f"<html><body><p>{SENTENCE}</p></body></html>".encode(),
    ".htm": f"<p>{SENTENCE}</p>".encode(),
    ".srt": f"1\n00:00:01,000 --> 00:00:04,000\n{SENTENCE}\n".encode(),
    ".vtt": f"WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n{SENTENCE}\n".encode(),
}


def _office_samples() -> dict[str, bytes]:
    """Real-shaped documents of the office, OpenDocument, EPUB and PDF formats."""
    from tests import office_corpus as corpus

    return {".pptx": corpus.build_pptx(), ".xlsx": corpus.build_xlsx(),
            ".odt": corpus.build_odt(), ".ods": corpus.build_ods(), ".odp": corpus.build_odp(),
            ".epub": corpus.build_epub(), ".pdf": corpus.build_pdf(pages=1)}


def _segments(name: str, data: bytes) -> list[str]:
    from translate.formats.base import format_for

    return list(format_for(Path(name)).read(data, name).segments)


def test_every_cli_format_translates_as_a_file(served: tuple[Server, Path, Path],
                                              url: str) -> None:
    supported = httpx.get(url + "/frontend/settings").json()["supportedFilesFormat"]
    office = _office_samples()
    assert set(supported) == {*SAMPLES, ".docx", *office}, "a format without a test sample"
    for suffix in supported:
        data = (_docx(SENTENCE) if suffix == ".docx" else SAMPLES.get(suffix)
                or office[suffix])
        made = post(url, "/translate_file", data={"source": "it", "target": "en"},
                    files={"file": (f"notizie{suffix}", data)})
        assert made.status_code == 200, (suffix, made.text)
        link = made.json()["translatedFileUrl"]
        assert link.startswith(url + "/download_file/")
        got = httpx.get(link)
        assert got.status_code == 200
        written = ".md" if suffix == ".pdf" else suffix  # a PDF's text becomes Markdown
        assert f'filename="notizie.en{written}"' in got.headers["content-disposition"]
        if suffix in office:  # every part kept, most of the words in English now
            before = _segments(f"notizie{suffix}", data)
            after = _segments(f"notizie.en{written}", got.content)
            changed = sum(a != b for a, b in zip(before, after, strict=False))
            assert before and changed >= len(before) // 2, (suffix, before, after)
            continue
        text = _docx_text(got.content) if suffix == ".docx" else got.content.decode()
        assert "approved" in text and "Parliament" in text, (suffix, text)
    assert list(served[1].iterdir()) == [served[1] / ".translate-cache"]


def test_an_upload_never_touches_the_path_its_name_says(served: tuple[Server, Path, Path],
                                                        url: str) -> None:
    folder = served[1]
    name = "../../" + folder.name + "/evil.txt"
    made = post(url, "/translate_file", data={"source": "it", "target": "en"},
                files={"file": (name, SENTENCE.encode())})
    assert made.status_code == 200
    got = httpx.get(made.json()["translatedFileUrl"])
    assert 'filename="evil.en.txt"' in got.headers["content-disposition"]
    assert not (folder / "evil.txt").exists() and not (folder.parent / "evil.txt").exists()
    assert not list(served[2].rglob("*evil*"))


def test_errors_are_libretranslate_json(url: str) -> None:
    cases = [
        ({"json": {"source": "it", "target": "en"}}, "/translate", "missing q parameter"),
        ({"data": {"q": "ciao", "target": "en"}}, "/translate", "missing source parameter"),
        ({"json": {"q": "ciao", "source": "it"}}, "/translate", "missing target parameter"),
        ({"content": b"[1, 2", "headers": {"content-type": "application/json"}},
         "/translate", "Invalid JSON format"),
        ({"json": {"q": "ciao", "source": "it", "target": "en", "format": "pdf"}},
         "/translate", "pdf format is not supported"),
        ({"json": {"q": "ciao", "source": "xx", "target": "en"}}, "/translate",
         "xx is not supported"),
        ({"json": {"q": "ciao", "source": "it", "target": "zz"}}, "/translate",
         "zz is not supported"),
        ({"json": {"q": [1, 2], "source": "it", "target": "en"}}, "/translate",
         "list of strings"),
        ({"json": {"q": "x" * 401, "source": "it", "target": "en"}}, "/translate",
         "request (401) exceeds text limit (400)"),
        ({"json": {"q": ["a"] * 5, "source": "it", "target": "en"}}, "/translate",
         "request (5) exceeds text limit (4)"),
        ({"data": {"q": "x" * 401}}, "/detect", "exceeds text limit"),
        ({"data": {}}, "/detect", "missing q parameter"),
        ({"data": {"source": "it", "target": "en"}}, "/translate_file",
         "missing file parameter"),
        ({"data": {"source": "it", "target": "en"}, "files": {"file": ("a.exe", b"MZ")}},
         "/translate_file", "file format not supported"),
        ({"data": {"source": "it", "target": "en"},
          "files": {"file": ("big.txt", b"parola " * 20_000)}}, "/translate_file",
         "exceeds the limit"),
        ({"json": {"q": "Ciao.", "source": "auto", "target": "en"}}, "/translate",
         "language"),  # too short to tell: refused, never guessed
        ({"content": b"--xx\r\nbroken", "headers": {
            "content-type": "multipart/form-data; boundary=xx"}}, "/translate",
         "Invalid request"),
        ({"data": {f"f{n}": "v" for n in range(70)}}, "/translate", "Invalid request"),
    ]
    for kwargs, path, message in cases:
        got = post(url, path, **kwargs)
        assert got.status_code == 400, (path, kwargs, got.text)
        assert message in got.json()["error"], (message, got.json())
    assert httpx.get(url + "/download_file/0123456789abcdef0123456789abcdef.txt"
                     ).status_code == 400
    assert httpx.get(url + "/download_file/..%2F..%2Fetc%2Fpasswd").status_code in (400, 404)
    missing = httpx.get(url + "/no-such-endpoint")
    assert missing.status_code == 404 and missing.json() == {"error": "Not Found"}
    assert "access-control-allow-origin" not in post(url, "/translate", json={
        "q": "ciao", "source": "it", "target": "en"}).headers  # CORS off by default


def test_api_keys_and_cors(tmp_path: Path) -> None:
    require_program("apertium", "apertium apertium-cat-ita apertium-eng-cat")
    keys = tmp_path / "keys.txt"
    keys.write_text("# the team\nkey-one\n\nkey-two\n", encoding="utf-8")
    folder = tmp_path / "docs"
    folder.mkdir()
    with serving(folder, "--engine", "apertium", "--api-keys", str(keys),
                 "--cors", "http://127.0.0.1:8999") as server:
        url = server.url
        body = {"q": "Buongiorno a tutti.", "source": "it", "target": "en"}
        assert post(url, "/translate", json=body).status_code == 403
        wrong = post(url, "/translate", json={**body, "api_key": "nope"})
        assert wrong.status_code == 403 and wrong.json() == {"error": "Invalid API key"}
        assert post(url, "/detect", data={"q": SENTENCE}).status_code == 403
        assert post(url, "/translate_file", data={"source": "it", "target": "en"},
                    files={"file": ("a.txt", b"Ciao")}).status_code == 403
        good = post(url, "/translate", json={**body, "api_key": "key-two"})
        assert good.status_code == 200 and "morning" in good.json()["translatedText"].lower()
        assert post(url, "/translate", data={**body, "api_key": "key-one"}).status_code == 200
        assert good.headers["access-control-allow-origin"] == "http://127.0.0.1:8999"
        preflight = httpx.options(url + "/translate", headers={
            "Origin": "http://127.0.0.1:8999", "Access-Control-Request-Method": "POST"})
        assert preflight.status_code == 204
        assert httpx.get(url + "/frontend/settings").json()["keyRequired"] is True


def test_too_many_at_once_is_429_and_a_slow_request_is_500(tmp_path: Path) -> None:
    require_program("apertium", "apertium apertium-cat-ita apertium-eng-cat")
    with serving(tmp_path, "--engine", "apertium", "--max-concurrent", "1",
                 "--batch-wait-ms", "0", "--timeout", "0.3", "--no-cache") as server:
        texts = [f"Il governo ha approvato la legge numero {n}." for n in range(4)]
        with ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(lambda t: post(server.url, "/translate", json={
                "q": t, "source": "it", "target": "en"}), texts))
        statuses = sorted(a.status_code for a in answers)
        assert 429 in statuses, statuses
        refused = next(a for a in answers if a.status_code == 429)
        assert refused.json()["error"].startswith("Slowdown:")
        slow = [a for a in answers if a.status_code == 500]
        assert slow and "took more than 0.3 s" in slow[0].json()["error"]


def test_serve_refuses_a_taken_port_and_a_missing_folder(tmp_path: Path) -> None:
    with serving(tmp_path, "--engine", "apertium") as server:
        port = server.url.rsplit(":", 1)[1]
        taken = subprocess.run([sys.executable, "-m", "translate", "serve", str(tmp_path),
                                "--engine", "apertium", "--port", port],
                               capture_output=True, text=True, timeout=60, cwd=ROOT)
        assert taken.returncode == 2 and "cannot listen on" in taken.stderr
        assert "Traceback" not in taken.stderr
    missing = subprocess.run([sys.executable, "-m", "translate", "serve",
                              str(tmp_path / "nope")], capture_output=True, text=True,
                             timeout=60, cwd=ROOT)
    assert missing.returncode == 2 and "is not a folder" in missing.stderr


def test_the_cli_never_imports_the_server() -> None:
    code = ("import sys\nfrom translate.cli.app import app\nimport typer.testing\n"
            "typer.testing.CliRunner().invoke(app, ['--help'])\n"
            "typer.testing.CliRunner().invoke(app, ['serve', '--help'])\n"
            "bad = [m for m in sys.modules if m.startswith(('starlette', 'uvicorn', "
            "'multipart', 'translate.serve'))]\nprint(json.dumps(bad))")
    done = subprocess.run([sys.executable, "-c", "import json\n" + code], capture_output=True,
                          text=True, timeout=60, cwd=ROOT, check=True)
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
    helped = subprocess.run([sys.executable, "-m", "translate", "serve", "--help"],
                            capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert helped.returncode == 0 and "--api-keys" in helped.stdout


def test_workers_are_processes_sharing_the_port_and_the_review_secret(tmp_path: Path) -> None:
    require_program("apertium", "apertium apertium-cat-ita apertium-eng-cat")
    with serving(tmp_path, "--engine", "apertium", "--workers", "2") as server:
        pids = {httpx.get(server.url + "/health").json()["pid"] for _ in range(40)}
        assert len(pids) == 2 and server.proc.pid not in pids
        got = post(server.url, "/translate", data={"q": "Buongiorno a tutti.", "source": "it",
                                                   "target": "en"})
        assert got.status_code == 200 and "morning" in got.json()["translatedText"].lower()
    assert "Traceback" not in server.output
