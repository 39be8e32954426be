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
