"""Shared fixtures: every test gets its own consultsim home, so no test touches the user's files."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.resources import shipped_scenarios_dir

REPO = Path(__file__).resolve().parent.parent
CONSULTATIONS = REPO / "tests" / "consultations"
SCENARIO_FILES = sorted(shipped_scenarios_dir().glob("*.yaml"))


@pytest.fixture(autouse=True)
def consultsim_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "consultsim-home"
    monkeypatch.setenv("CONSULTSIM_HOME", str(home))
    return home


@pytest.fixture
def example_path() -> Path:
    return shipped_scenarios_dir() / "t2d-hypo-fear.yaml"
