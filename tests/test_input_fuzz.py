"""Property tests: whatever is in a session file, a transcript, the config file, a marks CSV or a marks file,
`grade`, `sessions`, `resume`, the settings and the course lead's marks answer with a result or with located
messages, never a traceback, and quickly; a bad marks file is never overwritten. (Scenario files have their own suite: test_scenario_fuzz.py.)

Bounded to about a minute; benchmarks/fuzz_inputs.py runs the same properties for longer.
"""

from __future__ import annotations

import copy
import io
import json
import os
import re
import tempfile
import time
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from simulator.cli import main
from simulator.errors import ConsultsimError
from simulator.llm.settings import read_config
from simulator.session.index import list_sessions
from simulator.session.store import load

from fuzzing import (
    HOSTILE_VALUES,
    mutated_marks_csv,
    mutated_marks_file,
    mutated_session,
    mutated_toml,
    mutated_transcript,
    sample_session,
    sample_toml,
)

SCALE = int(os.environ.get("CONSULTSIM_FUZZ_SCALE", "1"))  # benchmarks/fuzz_inputs.py runs these longer
FUZZ = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
SECONDS = 10.0  # per input; a grade takes milliseconds: more means work that grows with hostile input


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("input-fuzz")


@pytest.fixture(scope="module")
def session_data(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return sample_session(tmp_path_factory.mktemp("sample-home"))


def command(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    assert time.perf_counter() - started < SECONDS, args
    assert code in (0, 1), (code, err.getvalue())
    for text in (out.getvalue(), err.getvalue()):
        assert "Traceback" not in text and 'File "' not in text
    return code, out.getvalue(), err.getvalue()


def assert_located(err: str, path: Path) -> None:
    """Every message names the file it is about; one message per line."""
    lines = [line for line in err.splitlines() if line.startswith("consultsim: ")]
    assert lines, err
    assert all(str(path) in line for line in lines), err


# -- session files -------------------------------------------------------------------------------


@settings(FUZZ, max_examples=120 * SCALE)
@given(data=st.data())
def test_grade_any_session_file(data, workdir: Path, session_data: dict[str, Any]) -> None:
    raw = mutated_session(data.draw, copy.deepcopy(session_data))
    path = workdir / "session.json"
    path.write_bytes(raw)
    code, out, err = command("grade", str(path), "--format", "json")
    event(f"exit {code}")
    if code == 0:
        assert json.loads(out)["source"] == str(path)
    else:
        assert_located(err, path)


@settings(FUZZ, max_examples=60 * SCALE)
@given(data=st.data())
def test_a_bad_session_file_never_hides_the_good_ones(data, workdir: Path, session_data: dict[str, Any]) -> None:
    folder = workdir / "sessions"
    folder.mkdir(exist_ok=True)
    for old in folder.glob("*"):
        old.unlink()
    (folder / f"{session_data['id']}.json").write_text(json.dumps(session_data), encoding="utf-8")
    (folder / "zz-mutant.json").write_bytes(mutated_session(data.draw, copy.deepcopy(session_data)))
    found, problems = list_sessions(folder)
    assert session_data["id"] in [s.id for s in found]
    assert all(isinstance(p, str) and "\n" not in p for p in problems)
    try:
        load(folder / "zz-mutant.json")
    except ConsultsimError as error:
        assert str(folder / "zz-mutant.json") in str(error)


def test_hostile_values_in_every_field(workdir: Path, session_data: dict[str, Any]) -> None:
    """Each hostile value in each top-level field, deterministically: the cases fuzzing may not reach."""
    path = workdir / "hostile.json"
    for key in session_data:
        for value in HOSTILE_VALUES:
            path.write_text(json.dumps({**session_data, key: value}), encoding="utf-8")
            code, _, err = command("grade", str(path))
            if code == 1:
                assert_located(err, path)


# -- transcripts ---------------------------------------------------------------------------------


@settings(FUZZ, max_examples=150 * SCALE)
@given(data=st.data())
def test_grade_any_transcript(data, workdir: Path) -> None:
    raw = mutated_transcript(data.draw)
    path = workdir / "transcript.txt"
    path.write_bytes(raw)
    code, out, err = command("grade", str(path))
    event(f"exit {code}")
    if code == 0:
        assert "Kalamazoo" in out
    else:
        assert_located(err, path)
        for line in err.splitlines():  # a line number, when given, is a line of the file
            if m := re.match(rf"consultsim: {re.escape(str(path))}:(\d+):", line):
                assert 1 <= int(m.group(1)) <= raw.count(b"\n") + raw.count(b"\r") + 2


# -- the config file -----------------------------------------------------------------------------


@settings(FUZZ, max_examples=150 * SCALE)
@given(data=st.data())
def test_any_config_file(data, workdir: Path) -> None:
    path = workdir / "config.toml"
    path.write_bytes(mutated_toml(data.draw, sample_toml()))
    try:
        table = read_config(path)
        event("read")
    except ConsultsimError as error:
        event("refused")
        message = str(error)
        assert message.startswith(str(path)) and "\n" not in message and "Traceback" not in message
    else:
        assert isinstance(table, dict) and "api_key" not in table


# -- a course lead's marks -------------------------------------------------------------------------


@settings(FUZZ, max_examples=150 * SCALE)
@given(data=st.data())
def test_any_marks_csv(data, workdir: Path) -> None:
    """Imported, or refused with every problem located at the file (and line); never half imported."""
    from simulator.review.marks import MarkStore
    from simulator.review.marks_csv import read_marks_csv

    path = workdir / "marks.csv"
    path.write_bytes(mutated_marks_csv(data.draw))
    store = MarkStore(workdir / "marks-store")
    before = {k: len(v) for k, v in store.all().items()}
    started = time.perf_counter()
    try:
        marks = read_marks_csv(path, {"S1", "S2"})
    except ConsultsimError as error:
        event("refused")
        assert time.perf_counter() - started < SECONDS
        assert all(line.startswith(str(path)) or line.startswith("... and ") for line in str(error).splitlines()), str(error)
        assert "Traceback" not in str(error)
        assert {k: len(v) for k, v in store.all().items()} == before  # nothing recorded
    else:
        event(f"read {len(marks)}")
        assert time.perf_counter() - started < SECONDS
        assert {m.session for m in marks} <= {"S1", "S2"}
        assert all(all(1 <= s <= 5 for s in m.tasks.values()) and (m.reason or not m.final) for m in marks)
        store.add_many(marks)


@settings(FUZZ, max_examples=100 * SCALE)
@given(data=st.data())
def test_a_bad_marks_file_never_hides_the_others_nor_is_overwritten(data, workdir: Path) -> None:
    from simulator.review.marks import MarkStore, new_mark

    folder = Path(tempfile.mkdtemp(prefix="marks-", dir=workdir))  # a fresh store for every example
    store = MarkStore(folder)
    store.add(new_mark("S2", "Dr Ng", tasks={"open_discussion": 3}))
    raw = mutated_marks_file(data.draw)
    (folder / "S1.json").write_bytes(raw)
    found = store.all()
    assert [m.rater for m in found["S2"]] == ["Dr Ng"]  # the good file is read whatever the bad one holds
    for problem in store.problems:
        assert problem.startswith(str(folder / "S1.json")) and "\n" not in problem
    if "S1" not in found:
        event("bad file named")
        assert store.problems
        with pytest.raises(ConsultsimError):
            store.add(new_mark("S1", "Dr Ames", tasks={"build_relationship": 2}))
        assert (folder / "S1.json").read_bytes() == raw  # marks never lost: the file is left as it was
    else:
        event("read")


def test_a_span_written_as_a_float_is_read_again_not_sliced_with(workdir: Path, session_data: dict[str, Any]) -> None:
    """JSON Schema's "integer" lets 3.0 through; grading reads that turn again instead of failing on it."""
    raw = copy.deepcopy(session_data)
    spans = [e for t in raw["turns"] for e in (t.get("evidence") or [])]
    assert spans, "the sample session records its evidence"
    for e in spans:
        e["start"], e["end"] = float(e["start"]), float(e["end"])
    path = workdir / "float-spans.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    code, out, _ = command("grade", str(path), "--format", "json")
    assert code == 0 and json.loads(out)["source"] == str(path)
