"""The headless core never imports Textual: checked in a fresh interpreter after importing each core module."""

from __future__ import annotations

import subprocess
import sys

import pytest

CORE_MODULES = [
    "simulator",
    "simulator.cli",
    "simulator.consultation",
    "simulator.scenario",
    "simulator.analysis",
    "simulator.patient",
    "simulator.session",
    "simulator.yamlpos",
]


@pytest.mark.parametrize("module", CORE_MODULES)
def test_core_module_does_not_pull_in_textual(module: str) -> None:
    code = f"import sys, {module}; print(sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.')))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
