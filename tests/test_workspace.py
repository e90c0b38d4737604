"""The workspace (simulator/workspace.py): loaded once, sessions graded against the scenario version they
recorded and read back as the patient read them, the session store's index, and grading in workers."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import simulator.rubric.model as rubric_model
import simulator.session.keeper as keeper
from simulator.cli import main
from simulator.consultation import Consultation
from simulator.rubric.batch import grade_files
from simulator.scenario import load_scenario
from simulator.session.keeper import SessionStore
from simulator.session.model import Session
from simulator.session.store import load
from simulator.workspace import Workspace
from tests.conftest import CONSULTATIONS

LINES = [
    line.strip()
    for line in (CONSULTATIONS / "t2d-hypo-fear" / "good.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]


def _play(scenario_path: Path, out: Path, lines: list[str] = LINES, seed: int = 0) -> Path:
    consultation = Consultation.start(load_scenario(scenario_path), seed=seed, out=out)
    for line in lines:
        consultation.say(line)
        if consultation.ended:
            break
    return out


def _transcripts(folder: Path, count: int) -> list[Path]:
    folder.mkdir()
    paths = []
    for number in range(count):
        path = folder / f"t{number:02d}.txt"
        lines = [f"Doctor: {line}" if i % 2 == 0 else "Patient: I see, yes." for i, line in enumerate(LINES[: 4 + number % 6])]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def test_rubrics_are_checked_once_ever_and_loaded_once_per_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = rubric_model.load_rubric_data
    monkeypatch.setattr(rubric_model, "load_rubric_data", lambda path: calls.append(path) or real(path))
    monkeypatch.setattr("simulator.rubric.cache.load_rubric_data", rubric_model.load_rubric_data)
    paths = _transcripts(tmp_path / "t", 5)
    workspace = Workspace()
    for path in paths:
        workspace.grade_file(path)
    assert len(calls) == 4  # four shipped rubric files, checked for the first grade only
    assert workspace.rubrics is workspace.rules.rubrics
    Workspace().grade_file(paths[0])  # a new process: from the cache, not checked again
    assert len(calls) == 4


def test_grade_and_the_feedback_use_the_scenario_version_the_session_recorded(tmp_path: Path, example_path: Path, capsys) -> None:
    own = tmp_path / "mine" / "t2d-hypo-fear.yaml"
    own.parent.mkdir()
    own.write_text(example_path.read_text(encoding="utf-8").replace("title: \"", "title: \"My version: ", 1), encoding="utf-8")
    session = _play(own, tmp_path / "s.json")
    exact = load_scenario(own)
    # the shipped scenario has the same id: the session's own version is the one used, by both
    report, scenario, warning = Workspace().grade_saved(load(session))
    assert scenario is not None and scenario.sha256 == exact.sha256 and warning is None
    assert main(["grade", str(session), "--format", "json"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["scenario"]["title"] == exact.title and err == ""
    # the file edited since: the shipped one of that id stands in, and both say so
    own.write_text(own.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    report, scenario, warning = Workspace().grade_saved(load(session))
    assert warning and "has changed since" in warning
    assert main(["grade", str(session), "--format", "json"]) == 0
    out, err = capsys.readouterr()
    assert "has changed since this session was played" in err and json.loads(out)["scenario"]["id"] == "t2d-hypo-fear"


def test_a_session_is_read_back_as_recorded_and_an_older_one_is_read_again(tmp_path: Path, example_path: Path) -> None:
    path = _play(example_path, tmp_path / "s.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    first = next(t for t in data["turns"] if t["speaker"] == "clinician")
    assert {"questions", "words", "topics", "context_topics", "stacked", "goodbye"} <= set(first["reading"])
    workspace = Workspace()
    fresh = workspace.grade_saved(Session.from_dict(data))[0].to_dict()
    # without its readings (an older session): read again, to the same grade
    older = json.loads(json.dumps(data))
    for turn in older["turns"]:
        turn.pop("reading", None)
    assert workspace.grade_saved(Session.from_dict(older))[0].to_dict() == fresh
    # the recorded codes are what the grade reads, not a second reading of the words
    first["codes"], first["evidence"] = ["closing"], [{"code": "closing", "start": 0, "end": 5, "text": first["text"][:5]}]
    assert workspace.grade_saved(Session.from_dict(data))[0].turns[0].codes == ["closing"]
    # codes this reader does not know are never trusted: the turn is read again
    first["codes"] = ["made_up"]
    assert workspace.grade_saved(Session.from_dict(data))[0].turns[0].codes == fresh["turns"][0]["codes"]


def test_the_store_lists_from_its_index_and_reads_only_changed_files(tmp_path: Path, example_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "sessions"
    folder.mkdir()
    paths = [_play(example_path, folder / f"s{n}.json", LINES[: 3 + n], seed=n) for n in range(3)]
    summaries, problems = SessionStore(folder).summaries()
    assert problems == [] and len(summaries) == 3 and {s.path for s in summaries} == set(paths)
    assert summaries[0].clinician_turns == load(summaries[0].path).clinician_turns.__len__()
    read = []
    monkeypatch.setattr(keeper, "load", lambda path: read.append(path) or load(path))
    store = SessionStore(folder)
    assert [s.id for s in store.summaries()[0]] == [s.id for s in summaries] and read == []
    store.keep_headline(summaries[0], "4.0 3/8 shared", "in words")
    store.flush()
    assert SessionStore(folder).headline(summaries[0]) == ("4.0 3/8 shared", "in words")
    # a changed file is read again, and its old headline forgotten; a removed one leaves the list
    _play(example_path, summaries[0].path, LINES[:8], seed=9)
    paths[1 if summaries[0].path != paths[1] else 2].unlink()
    store = SessionStore(folder)
    listed, _ = store.summaries()
    assert read == [summaries[0].path] and len(listed) == 2
    assert store.headline(next(s for s in listed if s.path == summaries[0].path)) is None
    # a damaged index is rebuilt, never trusted
    store.index_path().write_text('{"consultsim": "0", "files": {"x": 1}}', encoding="utf-8")
    assert len(SessionStore(folder).summaries()[0]) == 2


def test_the_sessions_command_lists_from_the_store(tmp_path: Path, example_path: Path, consultsim_home: Path, capsys) -> None:
    folder = consultsim_home / "sessions"
    folder.mkdir(parents=True)
    _play(example_path, folder / "a.json")
    assert main(["sessions", "--format", "json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["scenario"] == "t2d-hypo-fear" and row["clinician_turns"] > 3 and row["path"].endswith("a.json")


def test_workers_grade_as_this_process_does(tmp_path: Path, example_path: Path) -> None:
    paths = _transcripts(tmp_path / "t", 18)
    sessions = tmp_path / "s"
    sessions.mkdir()
    paths += [_play(example_path, sessions / f"{n}.json", LINES[: 4 + n], seed=n) for n in range(3)]
    shutil.copy(paths[0], tmp_path / "t" / "broken.txt")
    (tmp_path / "t" / "broken.txt").write_text("Someone: hello\n", encoding="utf-8")
    paths.append(tmp_path / "t" / "broken.txt")
    alone = [(g.path, g.report.to_dict() if g.report else None, g.problems) for g in grade_files(Workspace(), paths, jobs=1)]
    workers = [(g.path, g.report.to_dict() if g.report else None, g.problems) for g in grade_files(Workspace(), paths, jobs=2)]
    assert workers == alone and alone[-1][1] is None and alone[-1][2]
