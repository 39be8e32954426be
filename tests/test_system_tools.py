"""A missing system program fails under CI=true and skips elsewhere."""

from __future__ import annotations

import pytest

from tests import system_tools


def test_missing_program_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(system_tools.shutil, "which", lambda name: None)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="apt-get install chromium"):
        system_tools.require_program("chromium", "chromium")
    monkeypatch.setenv("CI", "")
    with pytest.raises(pytest.skip.Exception, match="chromium is not installed"):
        system_tools.require_program("chromium", "chromium")
