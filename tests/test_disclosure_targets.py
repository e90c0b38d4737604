"""The patient rewards a good consultation: for every shipped scenario, a well-conducted script brings out
at least 90% of the hidden facts and a closed-questions-only script at most 30%."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.analysis import TurnReader
from simulator.consultation import Consultation
from simulator.scenario import load_scenario

from conftest import CONSULTATIONS, SCENARIO_FILES


def _lines(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")]


def _play(scenario_path: Path, script: Path, seed: int = 0) -> tuple[float, Consultation]:
    scenario = load_scenario(scenario_path)
    consultation = Consultation.start(scenario, seed=seed, autosave=False)
    for line in _lines(script):
        consultation.say(line)
    hidden = {f.id for f in scenario.hidden_facts}
    out = hidden & set(consultation.engine.state.disclosed)
    return len(out) / len(hidden), consultation


def test_every_shipped_scenario_has_both_consultations() -> None:
    assert len(SCENARIO_FILES) >= 6
    for path in SCENARIO_FILES:
        folder = CONSULTATIONS / load_scenario(path).id
        assert (folder / "good.txt").is_file() and (folder / "closed.txt").is_file(), folder


@pytest.mark.parametrize("scenario_path", SCENARIO_FILES, ids=lambda p: p.stem)
def test_a_good_consultation_unlocks_at_least_90_percent(scenario_path: Path) -> None:
    scenario_id = load_scenario(scenario_path).id
    share, consultation = _play(scenario_path, CONSULTATIONS / scenario_id / "good.txt")
    assert share >= 0.9, consultation.session.disclosures


@pytest.mark.parametrize("scenario_path", SCENARIO_FILES, ids=lambda p: p.stem)
def test_closed_questions_only_unlock_at_most_30_percent(scenario_path: Path) -> None:
    scenario_id = load_scenario(scenario_path).id
    share, consultation = _play(scenario_path, CONSULTATIONS / scenario_id / "closed.txt")
    assert share <= 0.3, consultation.session.disclosures


@pytest.mark.parametrize("scenario_path", SCENARIO_FILES, ids=lambda p: p.stem)
def test_the_closed_script_really_is_closed_questions_only(scenario_path: Path) -> None:
    scenario = load_scenario(scenario_path)
    reader = TurnReader.for_scenario(scenario)
    lines = _lines(CONSULTATIONS / scenario.id / "closed.txt")
    assert len(lines) >= 8
    _, consultation = _play(scenario_path, CONSULTATIONS / scenario.id / "closed.txt")
    heard = {t.index: t.text for t in consultation.session.turns if t.speaker == "patient"}
    for position, line in enumerate(lines):
        codes = reader.analyse(line, heard.get(2 * position - 1)).codes  # read as in the consultation
        if 0 < position < len(lines) - 1:  # a hurried clinician still says hello and goodbye
            assert "closed_question" in codes, line
        assert not set(codes) & {"open_question", "reflection", "empathy", "elicit_ice", "summary"}, (line, codes)


@pytest.mark.parametrize("scenario_path", SCENARIO_FILES, ids=lambda p: p.stem)
def test_the_good_script_uses_the_skills_we_teach(scenario_path: Path) -> None:
    scenario = load_scenario(scenario_path)
    used: set[str] = set()
    _, consultation = _play(scenario_path, CONSULTATIONS / scenario.id / "good.txt")
    for turn in consultation.session.clinician_turns:
        used |= set(turn.codes or [])
    assert {"open_question", "elicit_ice", "scale_question", "closing"} <= used
    assert used & {"empathy", "reflection"}
    assert used & {"goal_setting", "options", "problem_solving"}
