"""The code checks CI runs, as tests: ruff (configured in pyproject.toml) over the code, tests and
benchmarks, and mypy over the headless core. Both come with the test extra, pinned, so a new release
cannot turn the suite red on its own."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def test_ruff_finds_nothing(tmp_path: Path) -> None:
    pytest.importorskip("ruff", reason="ruff comes with the test extra: pip install -e '.[test]'")
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "simulator", "tests", "benchmarks"],
                            cwd=REPO, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_passes_on_the_core(tmp_path: Path) -> None:
    pytest.importorskip("mypy", reason="mypy comes with the test extra: pip install -e '.[test]'")
    # settings from pyproject.toml [tool.mypy]; a cache of its own so runs never share stale state
    result = subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "mypy-cache")],
                            cwd=REPO, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0 and "Success" in result.stdout, result.stdout + result.stderr
