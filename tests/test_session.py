"""Sessions: format v1 against its schema, atomic private writes, autosave after every turn, resume."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import jsonschema
import pytest

from simulator import resources
from simulator.consultation import Consultation
from simulator.scenario import load_scenario
from simulator.session import load, sessions_dir, write_private_json
from simulator.session.store import validate_session_data

SCRIPT = [
    "Hello Gary, come in. What would you like to talk about today?",
    "How are you getting on with your tablets?",
    "That sounds really hard.",
    "What worries you most about any new treatment?",
]


def test_a_played_session_matches_the_v1_schema_and_the_issue_fields(example_path: Path) -> None:
    consultation = Consultation.start(load_scenario(example_path), seed=3)
    for line in SCRIPT:
        consultation.say(line)
    data = json.loads(consultation.path.read_text())
    jsonschema.Draft202012Validator(resources.schema("session-v1")).validate(data)
    assert data["schema_version"] == 1
    assert data["scenario"]["id"] == "t2d-hypo-fear" and len(data["scenario"]["sha256"]) == 64
    assert data["engine"] == {"name": "scripted", "seed": 3}
    assert [t["index"] for t in data["turns"]] == list(range(2 * len(SCRIPT)))
    assert [t["speaker"] for t in data["turns"]] == ["clinician", "patient"] * len(SCRIPT)
    for turn in data["turns"]:
        assert turn["timestamp"] and "state" in turn
        assert ("codes" in turn) == (turn["speaker"] == "clinician")
    assert {"id", "hidden", "content"} <= set(data["facts"][0])
    assert {d["fact"] for d in data["disclosures"]} >= {"letter_worry", "skips_evening_metformin", "hypo_fear"}
    assert all(d["turn"] % 2 == 0 and d["reason"] for d in data["disclosures"])


def test_the_scenario_digest_is_the_file_digest(example_path: Path) -> None:
    import hashlib

    consultation = Consultation.start(load_scenario(example_path))
    assert consultation.session.scenario.sha256 == hashlib.sha256(example_path.read_bytes()).hexdigest()


def test_sessions_are_saved_after_every_turn_and_private(example_path: Path, consultsim_home: Path) -> None:
    consultation = Consultation.start(load_scenario(example_path))
    path = consultation.path
    assert path.parent == consultsim_home / "sessions"
    for count, line in enumerate(SCRIPT, start=1):
        consultation.say(line)
        on_disk = json.loads(path.read_text())
        assert len(on_disk["turns"]) == 2 * count
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(sessions_dir()).st_mode) == 0o700
    assert not list(path.parent.glob(".*.tmp"))


def test_an_interrupted_write_leaves_the_old_file_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "s.json"
    write_private_json(target, {"v": 1})

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        write_private_json(target, {"v": 2})
    assert json.loads(target.read_text()) == {"v": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["s.json"]


def test_a_resumed_consultation_continues_exactly_as_an_unbroken_one(example_path: Path) -> None:
    scenario = load_scenario(example_path)
    later = ["Has anyone in your family had diabetes?", "What could you do to be more active?", "Thanks for coming, take care."]
    unbroken = Consultation.start(scenario, seed=5, autosave=False)
    for line in SCRIPT + later:
        unbroken.say(line)
    first = Consultation.start(scenario, seed=5)
    for line in SCRIPT:
        first.say(line)
    resumed = Consultation.resume(scenario, load(first.path), first.path)
    for line in later:
        resumed.say(line)
    assert [t.text for t in resumed.session.turns] == [t.text for t in unbroken.session.turns]
    assert resumed.session.disclosures == unbroken.session.disclosures
    assert resumed.session.status == "ended"


def test_closing_ends_the_session(example_path: Path) -> None:
    consultation = Consultation.start(load_scenario(example_path))
    consultation.say("Hello Gary.")
    assert not consultation.ended
    consultation.say("Thanks for coming in, take care.")
    assert consultation.ended and json.loads(consultation.path.read_text())["status"] == "ended"


def test_a_damaged_session_file_is_refused_with_its_name(tmp_path: Path) -> None:
    from simulator.errors import ConsultsimError

    bad = tmp_path / "bad.json"
    bad.write_text('{"schema_version": 1, "id": "x"')
    with pytest.raises(ConsultsimError, match="bad.json"):
        load(bad)
    bad.write_text('{"schema_version": 2}')
    with pytest.raises(ConsultsimError, match="not a valid session file"):
        load(bad)
    assert validate_session_data({"schema_version": 1})


def test_a_session_reads_back_as_the_records_it_was_written_from(example_path: Path, tmp_path: Path) -> None:
    """Typed all the way down: a saved session loads as records equal to the ones it was saved from, and a
    file in the form earlier versions wrote (a null plan, spare working state) still loads."""
    from simulator.session.model import CodeHit, Reading, Session, StateSnapshot

    consultation = Consultation.start(load_scenario(example_path), seed=3, out=tmp_path / "s.json", learner="Sam")
    for line in [*SCRIPT, "Could we agree on one thing you'd like to try before next time?", "Thanks Gary, see you in a month. Bye."]:
        consultation.say(line)
    session = consultation.session
    loaded = load(tmp_path / "s.json")
    assert loaded == session
    clinician = loaded.clinician_turns[1]
    assert isinstance(clinician.state, StateSnapshot) and isinstance(clinician.reading, Reading)
    assert clinician.evidence and all(isinstance(hit, CodeHit) for hit in clinician.evidence)
    data = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    assert Session.from_dict(data).to_dict() == data
    older = json.loads(json.dumps(data))
    older["turns"][1]["state"] |= {"plan_agreed": None, "plan_source": None, "said": {"x": 1}}
    older["turns"][0]["reading"]["kind"] = None  # a turn that asks nothing, as every version has written it
    assert validate_session_data(older) == []
    assert Session.from_dict(older).turns[1].state == session.turns[1].state
    older["turns"][2]["evidence"][0]["code"] = 3  # a wrong type inside a record is still refused
    assert validate_session_data(older)


def test_what_this_version_writes_the_previous_release_reads(example_path: Path, tmp_path: Path) -> None:
    """A cohort gathers sessions from learners' machines on different versions: a session written now passes
    the schema the release before the typed records checked (tests/fixtures, as shipped then), and so does its grade."""
    from simulator.rubric import grade_session

    older_sessions = json.loads((Path(__file__).parent / "fixtures" / "session-v1.before-records.json").read_text(encoding="utf-8"))
    older_grades = json.loads((Path(__file__).parent / "fixtures" / "grade-v1.before-records.json").read_text(encoding="utf-8"))
    scenario = load_scenario(example_path)
    consultation = Consultation.start(scenario, seed=1, out=tmp_path / "s.json")
    for line in [*SCRIPT, "What would you like to try?", "Bye then Gary."]:
        consultation.say(line)
    data = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, older_sessions)
    jsonschema.validate(grade_session(consultation.session, scenario).to_dict(), older_grades)
