"""Shared fixtures: every test gets its own consultsim home, so no test touches the user's files."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.patient import ScriptedPatient
from simulator.resources import shipped_scenarios_dir
from simulator.scenario import load_scenario

REPO = Path(__file__).resolve().parent.parent
CONSULTATIONS = REPO / "tests" / "consultations"
SCENARIO_FILES = sorted(shipped_scenarios_dir().glob("*.yaml"))
SCENARIOS = {p.stem: p for p in SCENARIO_FILES}


def starts_with_one_of(text: str, lines) -> bool:
    """The reply opens with one of these lines (a cue or the patient's own question may follow it)."""
    return any(text.startswith(line) for line in lines)


def pool(name: str, scenario_id: str) -> tuple[str, ...]:
    """A shipped scenario's response pool (its own lines, else the shared ones)."""
    return load_scenario(SCENARIOS[scenario_id]).lines[name]


def knows(scenario_id: str, about: str):
    """What a shipped scenario's patient knows of their own life about `about` (home, work, family...)."""
    return next(k for k in load_scenario(SCENARIOS[scenario_id]).patient.knows if k.about == about)


def fact(scenario_id: str, fact_id: str):
    return load_scenario(SCENARIOS[scenario_id]).fact(fact_id)


def play(scenario_id: str, lines: list[str]) -> tuple[ScriptedPatient, list]:
    """A shipped scenario's scripted patient, played the clinician's lines in turn: the engine and every reply."""
    engine = ScriptedPatient(load_scenario(SCENARIOS[scenario_id]))
    replies, previous = [], None
    for i, line in enumerate(lines):
        reply = engine.respond(line, 2 * i, previous)
        previous = reply.text
        replies.append(reply)
    return engine, replies


@pytest.fixture(autouse=True)
def consultsim_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "consultsim-home"
    monkeypatch.setenv("CONSULTSIM_HOME", str(home))
    return home


@pytest.fixture
def example_path() -> Path:
    return shipped_scenarios_dir() / "t2d-hypo-fear.yaml"
