"""One reader for every caller: the patient's director, the grader and a plain TurnReader give the same
turn the same codes, topics and evidence, for every shipped test script and a labelled sample."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator.analysis import TurnReader
from simulator.consultation import Consultation
from simulator.rubric.conversation import from_session
from simulator.scenario import load_scenario

from conftest import CONSULTATIONS, SCENARIO_FILES

GOLD = Path(__file__).resolve().parent.parent / "benchmarks" / "turnset" / "gold.jsonl"
SCRIPTS = [(path, name) for path in SCENARIO_FILES for name in ("good.txt", "closed.txt")]


def _lines(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")]


@pytest.mark.parametrize(("scenario_path", "script"), SCRIPTS, ids=lambda x: x.stem if isinstance(x, Path) else x)
def test_director_grader_and_reader_agree_on_every_turn(scenario_path: Path, script: str) -> None:
    scenario = load_scenario(scenario_path)
    consultation = Consultation.start(scenario, seed=3, autosave=False)
    for line in _lines(CONSULTATIONS / scenario.id / script):
        if consultation.ended:
            break
        consultation.say(line)
    session = consultation.session
    graded = {t.index: t for t in from_session("s", session, TurnReader.for_scenario(scenario)).clinician}
    reader = TurnReader.for_scenario(scenario)
    previous = None
    last = max(graded)
    for turn in session.turns:
        if turn.speaker == "patient":
            previous = turn.text
            continue
        fresh = reader.analyse(turn.text, previous)
        grader = graded[turn.index].analysis
        recorded = {(e.code, e.start, e.end) for e in turn.evidence}
        assert list(fresh.codes) == turn.codes, turn.text  # what the director decided on
        assert {(h.code, h.start, h.end) for h in fresh.hits} == recorded, turn.text
        assert sorted(fresh.engaged_topics) == turn.topics, turn.text
        grader_codes = set(grader.codes) - ({"closing"} if turn.index == last else set())  # the last turn may close
        assert grader_codes == set(fresh.codes) - ({"closing"} if turn.index == last else set()), turn.text
        assert grader.engaged_topics == fresh.engaged_topics, turn.text


@pytest.mark.skipif(not GOLD.exists(), reason="the labelled corpus is not in this checkout")
def test_a_labelled_sample_reads_the_same_in_the_grader_and_alone() -> None:
    from simulator.rubric.conversation import Conversation

    rows = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines()]
    sample = [r for r in rows if r["split"] == "test"][:300]
    reader = TurnReader()
    for row in sample:
        turns = ([("patient", row["previous_patient"])] if row["previous_patient"] else []) + [("clinician", row["text"]), ("patient", "Okay.")]
        conversation = Conversation.build("sample", turns, reader)
        alone = reader.analyse(row["text"], row["previous_patient"])
        graded = conversation.clinician[0].analysis
        assert set(graded.codes) - {"closing"} == set(alone.codes) - {"closing"}, row["id"]
        assert graded.topics == alone.topics and graded.context_topics == alone.context_topics, row["id"]
