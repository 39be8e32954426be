"""Decoding inputs: UTF-8 with errors, legacy code pages, doubtful guesses, --encoding."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from translate.cli.app import app
from translate.errors import InputError, UsageError
from translate.jobs import load_jobs
from translate.text.documents import decode_bytes
from translate.text.encoding import check_encoding

ITALIAN = ("Il caffè è pronto: perché non vieni qui? La città è bellissima in autunno, e la "
           "gente passeggia lungo il fiume fino a sera.\nPerò domani pioverà di nuovo, così "
           "dicono al telegiornale; più tardi andrò in libreria a comprare un libro.\n")
FRENCH = ("Le gouvernement a approuvé la loi de finances après un long débat. Les étudiants "
          "ont manifesté devant le ministère, et la police a fermé la rue.\nC'était l'été où "
          "tout a changé : même les cœurs les plus froids s'en sont émus.\n")
RUSSIAN = ("Правительство одобрило закон о бюджете после долгих дебатов в парламенте. "
           "Студенты вышли на демонстрацию перед министерством, и полиция перекрыла улицу.\n"
           "Вечером в Москве шёл снег, а утром город проснулся под белым покрывалом.\n")
CZECH = ("Vláda schválila rozpočet po dlouhé debatě v parlamentu. Studenti demonstrovali "
         "před ministerstvem a policie uzavřela ulici.\nPříliš žluťoučký kůň úpěl ďábelské "
         "ódy.\n")


@pytest.mark.parametrize(("text", "codec"), [
    (ITALIAN, "cp1252"), (FRENCH, "cp1252"), (RUSSIAN, "cp1251"), (RUSSIAN, "koi8-r"),
    (CZECH, "cp1250"),
])
def test_legacy_text_decodes_right(text: str, codec: str) -> None:
    doc = decode_bytes(text.encode(codec), "old.txt")
    assert doc.text == text
    assert doc.encoding == codec


def test_short_italian_is_not_read_as_russian_or_czech() -> None:
    # cp1251 reads "Perchй и cosм" (Latin and Cyrillic in one word), cp1250 "Perché č
    # cosě" (Czech letters, while the ASCII letters alone read as Italian).
    assert decode_bytes("Perché è così.".encode("cp1252")).text == "Perché è così."


def test_latin1_bytes_read_as_their_windows_superset() -> None:
    doc = decode_bytes(ITALIAN.encode("latin-1"))
    assert (doc.text, doc.encoding) == (ITALIAN, "cp1252")


def test_a_quoted_foreign_name_does_not_make_it_doubtful() -> None:
    text = ITALIAN + "Ne ha parlato anche il signor Müller.\n"
    assert decode_bytes(text.encode("cp1252")).text == text


def test_utf8_with_a_stray_byte_names_the_offset() -> None:
    good = ITALIAN.encode()
    data = good[:40] + b"\xe9" + good[40:]
    with pytest.raises(InputError) as err:
        decode_bytes(data, "a.txt")
    assert err.value.message == ("a.txt: UTF-8 with errors: 1 invalid sequence(s) at byte "
                                 "offset(s) 40")
    assert "--encoding" in (err.value.hint or "")


def test_utf8_with_many_stray_bytes_lists_the_first_few() -> None:
    good = (ITALIAN * 3).encode()
    data = b"".join(good[i:i + 20] + b"\x92" for i in range(0, 140, 20)) + good[140:]
    with pytest.raises(InputError, match=r"7 invalid sequence\(s\) at byte offset\(s\) "
                                         r"20, 41, 62, 83, 104 and 2 more"):
        decode_bytes(data, "a.txt")


def test_doubtful_encoding_names_file_guesses_and_the_option() -> None:
    data = "Ciao è".encode("cp1252")  # è (cp1252), и (cp1251), č (cp1250): all plausible
    with pytest.raises(InputError, match=r"short\.txt: not UTF-8, and the encoding is "
                                         r"doubtful; best guesses: .*cp1252") as err:
        decode_bytes(data, "short.txt")
    assert "cp1251" in err.value.message
    assert "--encoding NAME" in (err.value.hint or "")
    assert decode_bytes(data, "short.txt", "cp1252").text == "Ciao è"


def test_forced_encoding_is_strict() -> None:
    assert decode_bytes(ITALIAN.encode("cp1252"), encoding="latin-1").text == ITALIAN
    with pytest.raises(InputError, match=r"b\.txt: is not valid utf-8 \(.* at byte 7\)"):
        decode_bytes(ITALIAN.encode("cp1252"), "b.txt", "utf-8")


def test_forced_utf8_keeps_the_bom() -> None:
    doc = decode_bytes(b"\xef\xbb\xbfCiao", encoding="UTF8")
    assert (doc.text, doc.encoding, doc.bom) == ("Ciao", "utf-8", b"\xef\xbb\xbf")


@pytest.mark.parametrize("name", ["nope", "rot13", "base64"])
def test_unknown_or_non_text_codec_is_a_usage_error(name: str) -> None:
    with pytest.raises(UsageError, match=f"unknown encoding '{name}'") as err:
        check_encoding(name)
    assert err.value.exit_code == 2 and "Standard Encodings" in (err.value.hint or "")


def test_codec_names_are_normalised() -> None:
    assert [check_encoding(n) for n in ("latin-1", "CP1251", "koi8_r")] == [
        "iso8859-1", "cp1251", "koi8-r"]


# -- through the command line ------------------------------------------------------------

def run(*args: str, input: bytes | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args), input=input, catch_exceptions=False)


def test_cli_writes_utf8_and_reports_the_input_encoding(tmp_path: Path,
                                                        registry_file: Path) -> None:
    (tmp_path / "old.txt").write_bytes(ITALIAN.encode("cp1252"))
    (tmp_path / "new.txt").write_text(ITALIAN, encoding="utf-8")
    report = tmp_path / "r.json"
    result = run(str(tmp_path), "--from", "it", "--engine", "fake", "--models",
                 str(registry_file), "--report", str(report))
    assert result.exit_code == 0, result.output
    assert "caffè" in (tmp_path / "old.en.txt").read_text(encoding="utf-8")
    files = {Path(f["path"]).name: f for f in json.loads(report.read_text())["files"]}
    assert files["old.txt"]["details"] == {"encoding": "cp1252"}
    assert files["new.txt"]["details"] == {}


def test_cli_utf8_with_errors_fails_and_writes_nothing(tmp_path: Path,
                                                       registry_file: Path) -> None:
    (tmp_path / "bad.txt").write_bytes(ITALIAN.encode()[:10] + b"\xff" + ITALIAN.encode()[10:])
    result = run(str(tmp_path), "--from", "it", "--engine", "fake", "--models",
                 str(registry_file))
    assert result.exit_code == 1
    assert "UTF-8 with errors" in result.output and "offset(s) 10" in result.output
    assert not (tmp_path / "bad.en.txt").exists()


def test_cli_unknown_encoding_exits_2(tmp_path: Path, registry_file: Path) -> None:
    (tmp_path / "a.txt").write_text(ITALIAN)
    for command in ([], ["summarize"], ["detect"]):
        args = [*command, str(tmp_path), "--encoding", "klingon"]
        if command != ["detect"]:
            args += ["--engine", "fake", "--models", str(registry_file)]
        result = run(*args)
        assert result.exit_code == 2, (command, result.output)
        assert "unknown encoding 'klingon'" in result.output


def test_cli_encoding_forces_a_doubtful_file(tmp_path: Path, registry_file: Path) -> None:
    (tmp_path / "short.txt").write_bytes("Ciao è".encode("cp1252"))
    args = [str(tmp_path), "--from", "it", "--engine", "fake", "--models", str(registry_file)]
    failed = run(*args)
    assert failed.exit_code == 1 and "--encoding NAME" in failed.output
    assert run(*args, "--encoding", "cp1252").exit_code == 0
    assert (tmp_path / "short.en.txt").read_text(encoding="utf-8") == (
        "<it-en>[Ciao è]")


def test_another_encoding_is_not_up_to_date(tmp_path: Path, registry_file: Path) -> None:
    (tmp_path / "a.txt").write_bytes(ITALIAN.encode("cp1252"))
    args = [str(tmp_path), "--from", "it", "--engine", "fake", "--models", str(registry_file)]
    assert run(*args, "--encoding", "cp1250").exit_code == 0
    assert "caffč" in (tmp_path / "a.en.txt").read_text(encoding="utf-8")
    assert run(*args).exit_code == 0  # detected as cp1252: the cp1250 output is stale
    assert "caffè" in (tmp_path / "a.en.txt").read_text(encoding="utf-8")


def test_cli_stdin_with_encoding(registry_file: Path) -> None:
    result = run("-", "--from", "it", "--encoding", "cp1252", "--engine", "fake",
                 "--models", str(registry_file), input="Città vecchia.".encode("cp1252"))
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == "<it-en>[Città vecchia.]".encode()


def test_detect_command_with_encoding(tmp_path: Path) -> None:
    (tmp_path / "ru.txt").write_bytes(RUSSIAN.encode("cp1251"))
    detected = run("detect", str(tmp_path))
    assert detected.exit_code == 0 and "\tru\t" in detected.output
    forced = run("detect", str(tmp_path), "--encoding", "cp1252")
    assert forced.exit_code == 0 and "\tru\t" not in forced.output


def test_job_file_encoding_key(tmp_path: Path) -> None:
    (tmp_path / "jobs.toml").write_text('[[job]]\ninputs = ["in/"]\nencoding = "cp1251"\n')
    assert load_jobs(tmp_path / "jobs.toml")[0].options.encoding == "cp1251"
    (tmp_path / "bad.toml").write_text('[[job]]\ninputs = ["in/"]\nencoding = 1251\n')
    with pytest.raises(UsageError, match="'encoding' must be a string"):
        load_jobs(tmp_path / "bad.toml")
