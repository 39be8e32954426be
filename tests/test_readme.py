"""README.md stays true: its no-model commands run as written, its flags exist."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
import typer

from tests.system_tools import require_program
from translate.cli.app import app

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
MARK = re.compile(r"<!-- readme-test: no-model -->\n```bash\n(.*?)```", re.S)


def marked_blocks() -> list[str]:
    """The shell blocks README marks as needing no model."""
    return MARK.findall(README)


def test_readme_marks_the_no_model_commands() -> None:
    commands = "\n".join(marked_blocks())
    for expected in ("translate seeds/ --dry-run", "summarize seeds/ --method extractive",
                     "translate detect seeds/", "--engine apertium"):
        assert expected in commands


@pytest.mark.parametrize("block", marked_blocks())
def test_no_model_block_runs_as_written(block: str, tmp_path: Path) -> None:
    if "apertium" in block:
        require_program("apertium", "apertium apertium-cat-ita apertium-eng-cat")
    work = tmp_path / "repo"  # a copy: the commands write next to seeds/
    work.mkdir()
    shutil.copytree(ROOT / "seeds", work / "seeds")
    shutil.copy(ROOT / "models.toml", work / "models.toml")
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
           "PYTHONPATH": str(ROOT), "HF_HOME": str(tmp_path / "hf"), "HF_HUB_OFFLINE": "1"}
    env.pop("HF_HUB_CACHE", None)
    proc = subprocess.run(["bash", "-e", "-c", block], cwd=work, env=env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, f"{block}\n{proc.stdout}\n{proc.stderr}"
    assert "Traceback" not in proc.stderr


def shell_blocks() -> list[str]:
    """The contents of README's ``bash`` code blocks."""
    blocks: list[str] = []
    language: str | None = None  # None: outside a block
    current: list[str] = []
    for line in README.splitlines():
        if line.startswith("```"):
            if language is None:
                language, current = line[3:].strip(), []
            else:
                if language == "bash":
                    blocks.append("\n".join(current))
                language = None
            continue
        current.append(line)
    return blocks


def command_lines() -> list[str]:
    """Every ``translate``/``summarize`` command in README's code blocks, comments cut."""
    lines = []
    for block in shell_blocks():
        for raw in block.splitlines():
            line = re.sub(r"\s+#.*$", "", raw).strip()
            line = line.split("|", 1)[1].strip() if "|" in line else line
            line = re.sub(r"^\.venv/bin/", "", line)
            if re.match(r"(translate|summarize)\b", line):
                lines.append(line)
    return lines


def command_for(words: list[str]) -> click.Command:
    """The click command a README line runs (the default command when no subcommand)."""
    root = typer.main.get_command(app)
    assert isinstance(root, click.Group)
    command: click.Command = root
    args = words[1:] if words[0] == "translate" else ["summarize", *words[1:]]
    group_options = {opt for param in root.params for opt in param.opts}
    if args and args[0] in group_options:
        return root
    if args and args[0] not in root.commands:
        args = ["translate", *args]
    while isinstance(command, click.Group) and args and args[0] in command.commands:
        command = command.commands[args.pop(0)]
    return command


def test_every_documented_flag_exists() -> None:
    lines = command_lines()
    assert len(lines) > 20
    for line in lines:
        words = shlex.split(line)
        command = command_for(words)
        known = {opt for param in command.params for opt in (*param.opts, *param.secondary_opts)}
        known |= {"--help", "-h"}
        for word in words:
            flag = word.split("=", 1)[0]
            if flag.startswith("-") and flag != "-":
                assert flag in known, f"README: `{line}`: {flag} is not an option of " \
                                      f"{command.name}"


OUTPUT = re.compile(r"<!-- readme-test: (output|apertium-output) -->\n```text\n(.*?)```", re.S)


def _varying(text: str) -> str:
    """Output without what changes from run to run: times, and the progress line (shown
    only when a run takes long enough)."""
    text = "".join(line for line in text.splitlines(keepends=True)
                   if not line.startswith("progress: "))
    text = re.sub(r"time: \d+\.\d+s", "time: Ns", text)
    return re.sub(r"\(\d+\.\d+/s\)", "(N/s)", text)


def _printed(block: str, work: Path, tmp_path: Path) -> str:
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
           "PYTHONPATH": str(ROOT), "HF_HOME": str(tmp_path / "hf"), "HF_HUB_OFFLINE": "1"}
    env.pop("HF_HUB_CACHE", None)
    proc = subprocess.run(["bash", "-e", "-c", block], cwd=work, env=env, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
    assert proc.returncode == 0, proc.stdout
    return proc.stdout


def test_quick_start_output_is_as_printed_in_its_order(tmp_path: Path) -> None:
    """The pasted outputs are what the commands print (stdout and stderr as they come)."""
    require_program("apertium", "apertium apertium-cat-ita apertium-eng-cat")
    shown = dict(OUTPUT.findall(README))
    assert set(shown) == {"output", "apertium-output"}
    work = tmp_path / "repo"
    work.mkdir()
    shutil.copytree(ROOT / "seeds", work / "seeds")
    shutil.copy(ROOT / "models.toml", work / "models.toml")
    first, apertium = marked_blocks()[0], next(b for b in marked_blocks() if "apertium" in b)
    assert _varying(_printed(first, work, tmp_path)) == _varying(shown["output"])
    assert _varying(_printed(apertium, work, tmp_path)) == _varying(shown["apertium-output"])


def test_readme_says_which_extra_each_format_needs() -> None:
    """HTML and Markdown need no extra (their libraries are core); DOCX needs `formats`."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    core = {re.split(r"[<>=\[ ]", d)[0].lower() for d in project["dependencies"]}
    extra = {re.split(r"[<>=\[ ]", d)[0].lower()
             for d in project["optional-dependencies"]["formats"]}
    assert {"lxml", "markdown-it-py"} <= core and "python-docx" in extra - core
    text = " ".join(README.split())
    assert "HTML (lxml) need nothing beyond the plain install" in text
    assert "DOCX needs the `formats` extra" in text
    assert "DOCX and HTML need the `formats` extra" not in text
