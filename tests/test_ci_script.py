"""``.ci/run``: every check runs, a failing one fails the script at the end; offline hub."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

CI = Path(__file__).resolve().parent.parent / ".ci" / "run"

# Stands in for python3: ``python3 -m venv .venv`` makes a .venv whose tools log their
# name and HF_HUB_OFFLINE, and exit with the code the test chose for them.
FAKE_PYTHON = """#!/usr/bin/env bash
if [[ "$1 $2" == "-m venv" ]]; then
    mkdir -p "$3/bin"
    for tool in pip python ruff mypy; do
        printf '#!/usr/bin/env bash\\necho "%s $* HF_HUB_OFFLINE=$HF_HUB_OFFLINE" >> "$LOG"\\n'\\
'code=FAKE_%s; exit ${!code:-0}\\n' "$tool" "${tool^^}" > "$3/bin/$tool"
        chmod +x "$3/bin/$tool"
    done
fi
"""


def _tree(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    root = tmp_path / "repo"
    (root / ".ci").mkdir(parents=True)
    shutil.copy(CI, root / ".ci" / "run")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, body in (("python3", FAKE_PYTHON), ("apt-get", "#!/usr/bin/env bash\nexit 0\n")):
        (bin_dir / name).write_text(body)
        (bin_dir / name).chmod(stat.S_IRWXU)
    env = {"PATH": f"{bin_dir}:{os.environ['PATH']}", "LOG": str(tmp_path / "log"),
           "HOME": str(tmp_path)}
    return root, env


def _run(tmp_path: Path, **codes: int) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    root, env = _tree(tmp_path)
    env.update({f"FAKE_{k.upper()}": str(v) for k, v in codes.items()})
    proc = subprocess.run(["bash", str(root / ".ci" / "run")], cwd=root, env=env,
                          capture_output=True, text=True, timeout=60)
    log = Path(env["LOG"]).read_text().splitlines() if Path(env["LOG"]).exists() else []
    return proc, log




@pytest.mark.parametrize("failing", ["python", "ruff", "mypy"])
def test_one_failing_check_hides_no_other(tmp_path: Path, failing: str) -> None:
    proc, log = _run(tmp_path, **{failing: 1})
    ran = [line.split()[0] for line in log]
    assert ran == ["pip", "python", "ruff", "mypy"], (ran, proc.stdout, proc.stderr)
    assert proc.returncode != 0
    assert "FAILED" in proc.stdout


def test_every_check_passing_passes_and_the_hub_is_offline(tmp_path: Path) -> None:
    proc, log = _run(tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert [line.split()[0] for line in log] == ["pip", "python", "ruff", "mypy"]
    assert all(line.endswith("HF_HUB_OFFLINE=1") for line in log), log
    assert any(" -m pytest " in line for line in log)
