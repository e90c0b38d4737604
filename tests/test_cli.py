"""The `consultsim` command: in-process through `main()`, and as a real process for the things only a
process shows (exit status, console script, `python -m simulator`, standard input)."""

from __future__ import annotations

import io
import json
import os
import shutil
import stat
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
import yaml

from simulator.cli import main
from simulator.session.store import validate_session_data

from conftest import CONSULTATIONS, SCENARIO_FILES

SCENARIO_DATA = {p: yaml.safe_load(p.read_text(encoding="utf-8")) for p in SCENARIO_FILES}
SCENARIO_BY_ID = {data["id"]: path for path, data in SCENARIO_DATA.items()}
SHIPPED_IDS = sorted(SCENARIO_BY_ID)
GOOD_SCRIPTS = sorted(CONSULTATIONS.glob("*/good.txt"))
T2D_GOOD = CONSULTATIONS / "t2d-hypo-fear" / "good.txt"


def script_lines(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip() and not line.strip().startswith("#")]


def no_traceback(*outputs: str) -> None:
    for output in outputs:
        assert "Traceback" not in output, output
        assert 'File "' not in output, output


# -- running the real command -----------------------------------------------------------------------

CONSOLE_SCRIPT = shutil.which("consultsim")
COMMANDS = [
    pytest.param([CONSOLE_SCRIPT], id="consultsim", marks=pytest.mark.skipif(CONSOLE_SCRIPT is None, reason="consultsim is not on PATH")),
    pytest.param([sys.executable, "-m", "simulator"], id="python-m-simulator"),
]


def run(command: list[str], *args: str | Path, stdin: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The command as a process, with this test's CONSULTSIM_HOME (set by the autouse fixture)."""
    return subprocess.run(
        [*command, *map(str, args)],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        cwd=cwd,
    )


def bad_scenario(tmp_path: Path, example_path: Path) -> tuple[Path, int, int]:
    """The example with `difficulty: hard`; returns the file and the line and column of the field."""
    text = example_path.read_text(encoding="utf-8").replace("difficulty: intermediate ", "difficulty: hard ", 1)
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    index = text.index("difficulty: hard")
    return path, text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


# -- validate ---------------------------------------------------------------------------------------


def test_validate_all_shipped_scenarios(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", *map(str, SCENARIO_FILES)]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert err.strip() == f"{len(SCENARIO_FILES)} files OK"


def test_validate_the_shipped_folder(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(SCENARIO_FILES[0].parent)]) == 0
    assert capsys.readouterr().err.strip() == f"{len(SCENARIO_FILES)} files OK"


def test_validate_a_bad_file(tmp_path: Path, example_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, line, column = bad_scenario(tmp_path, example_path)
    assert main(["validate", str(path)]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        f"{path}:{line}:{column}: the text 'hard' is not allowed here; use one of: beginner, intermediate, advanced (at difficulty)"
    ]
    assert err.strip() == "1 problem in 1 file"
    no_traceback(out, err)


def test_validate_a_folder_with_a_good_and_a_bad_file(tmp_path: Path, example_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    shutil.copy(example_path, folder / "good.yml")
    path, line, column = bad_scenario(folder, example_path)
    (folder / "notes.txt").write_text("not a scenario: ignored", encoding="utf-8")
    nested = folder / "more"
    nested.mkdir()
    (nested / "empty.yaml").write_text("", encoding="utf-8")
    assert main(["validate", str(folder)]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        f"{path}:{line}:{column}: the text 'hard' is not allowed here; use one of: beginner, intermediate, advanced (at difficulty)",
        f"{nested / 'empty.yaml'}:1:1: a scenario file must be a mapping of fields, but this holds nothing",
    ]
    assert err.strip() == "2 problems in 2 files"


def test_validate_an_empty_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    assert out.strip() == f"{tmp_path}: no .yaml or .yml files in this folder"
    no_traceback(out, err)


def test_validate_a_missing_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.yaml"
    assert main(["validate", str(missing), str(SCENARIO_FILES[0])]) == 1
    out, err = capsys.readouterr()
    assert out.strip() == f"{missing}: no such file or folder"
    assert err.strip() == "1 problem in 1 file"


def test_validate_reports_every_problem_in_every_file(tmp_path: Path, example_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = example_path.read_text(encoding="utf-8")
    one = tmp_path / "one.yaml"
    one.write_text(text.replace("  age: 58", '  age: "old"', 1).replace("  rapport: 4 ", "  rapport: 11 ", 1), encoding="utf-8")
    two = tmp_path / "two.yaml"
    two.write_text(text.replace("conditions: [type 2 diabetes]", "conditions: [type 2 diabetes", 1), encoding="utf-8")
    assert main(["validate", str(one), str(two)]) == 1
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert len(lines) == 3
    assert [line.split(":", 1)[0] for line in lines] == [str(one), str(one), str(two)]
    for line in lines:
        file, row, column, message = line.split(":", 3)
        assert int(row) > 0 and int(column) > 0 and message.startswith(" ")
    assert err.strip() == "3 problems in 2 files"


@pytest.mark.parametrize("command", COMMANDS)
def test_validate_as_a_process(command: list[str], tmp_path: Path, example_path: Path) -> None:
    good = run(command, "validate", *SCENARIO_FILES)
    assert good.returncode == 0, good.stderr
    assert good.stderr.strip() == f"{len(SCENARIO_FILES)} files OK"

    path, line, column = bad_scenario(tmp_path, example_path)
    bad = run(command, "validate", path)
    assert bad.returncode == 1
    assert bad.stdout.startswith(f"{path}:{line}:{column}: the text 'hard' is not allowed here")
    no_traceback(bad.stdout, bad.stderr)


def test_validate_a_missing_path_as_a_process(tmp_path: Path) -> None:
    missing = run([sys.executable, "-m", "simulator"], "validate", tmp_path / "missing.yaml")
    assert missing.returncode == 1
    assert missing.stdout.strip() == f"{tmp_path / 'missing.yaml'}: no such file or folder"
    no_traceback(missing.stdout, missing.stderr)


def test_validate_a_syntax_error_as_a_process(tmp_path: Path, example_path: Path) -> None:
    path = tmp_path / "tab.yaml"
    text = example_path.read_text(encoding="utf-8").replace("  age: 58\n", "\tage: 58\n", 1)
    path.write_text(text, encoding="utf-8")
    line = text[: text.index("\tage")].count("\n") + 1
    result = run([sys.executable, "-m", "simulator"], "validate", path)
    assert result.returncode == 1
    assert result.stdout.startswith(f"{path}:{line}:1: YAML syntax:")
    no_traceback(result.stdout, result.stderr)


# -- scenarios --------------------------------------------------------------------------------------


def test_scenarios_json_lists_the_shipped_scenarios(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenarios", "--format", "json"]) == 0
    out, err = capsys.readouterr()
    rows = json.loads(out)
    assert [row["id"] for row in rows] == SHIPPED_IDS
    assert len(rows) == 6
    for row in rows:
        data = SCENARIO_DATA[SCENARIO_BY_ID[row["id"]]]
        assert row["title"] == data["title"]
        assert row["conditions"] == data["conditions"]
        assert row["difficulty"] == data["difficulty"] in ("beginner", "intermediate", "advanced")
        assert row["activation"] == data["patient"]["activation"] in (1, 2, 3, 4)
        assert isinstance(row["activation_label"], str) and row["activation_label"]
    assert err == ""


def test_scenarios_dir_adds_a_folders_scenario(tmp_path: Path, example_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    text = example_path.read_text(encoding="utf-8").replace("id: t2d-hypo-fear", "id: my-own-gary", 1)
    (folder / "gary.yaml").write_text(text.replace("difficulty: intermediate ", "difficulty: advanced ", 1), encoding="utf-8")
    assert main(["scenarios", "--format", "json", "--dir", str(folder)]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [row["id"] for row in rows] == sorted([*SHIPPED_IDS, "my-own-gary"])
    mine = next(row for row in rows if row["id"] == "my-own-gary")
    assert mine["difficulty"] == "advanced"
    assert mine["conditions"] == ["type 2 diabetes"]
    assert Path(mine["source"]) == folder / "gary.yaml"


def test_scenarios_dir_skips_a_bad_file_with_a_warning(tmp_path: Path, example_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, line, column = bad_scenario(tmp_path, example_path)
    assert main(["scenarios", "--format", "json", "--dir", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert [row["id"] for row in json.loads(out)] == SHIPPED_IDS
    assert f"warning: skipped {path}:{line}:{column}: " in err


def test_scenarios_dir_that_is_not_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenarios", "--dir", str(tmp_path / "nowhere")]) == 0
    out, err = capsys.readouterr()
    assert f"warning: skipped {tmp_path / 'nowhere'}: is not a folder" in err
    no_traceback(out, err)


def test_scenarios_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenarios"]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0].split() == ["ID", "CONDITION", "DIFFICULTY", "ACTIVATION"]
    listed = [line.split()[0] for line in lines[1:] if not line.startswith(" ")]
    assert listed == SHIPPED_IDS
    for data in SCENARIO_DATA.values():
        row = next(line for line in lines if line.startswith(data["id"] + " "))
        assert data["difficulty"] in row.split()
        assert f"  {data['title']}" in lines
    assert err == ""


def test_scenarios_as_a_process() -> None:
    result = run([sys.executable, "-m", "simulator"], "scenarios", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert [row["id"] for row in json.loads(result.stdout)] == SHIPPED_IDS


def test_no_command_shows_a_welcome(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0
    out = capsys.readouterr().out
    assert "consultsim" in out and "validate" in out
    for scenario_id in SHIPPED_IDS:
        assert scenario_id in out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.startswith("consultsim ")


# -- play -------------------------------------------------------------------------------------------


def play_json(scenario: str, script: Path, out: Path, *extra: str) -> dict:
    """Play in-process with --format json; returns the session printed on standard output."""
    buffer = io.StringIO()
    with redirect_stdout(buffer), redirect_stderr(io.StringIO()):
        assert main(["play", scenario, "--script", str(script), "--out", str(out), "--format", "json", *extra]) == 0
    return json.loads(buffer.getvalue())


def check_session(data: dict, lines: list[str], scenario_id: str, seed: int = 0) -> None:
    assert validate_session_data(data) == []
    assert data["schema_version"] == 1
    assert data["scenario"]["id"] == scenario_id
    assert data["engine"]["seed"] == seed
    turns = data["turns"]
    assert turns, "no turns recorded"
    assert [t["index"] for t in turns] == list(range(len(turns)))
    assert [t["speaker"] for t in turns] == ["clinician", "patient"] * (len(turns) // 2)
    clinician = [t for t in turns if t["speaker"] == "clinician"]
    patient = [t for t in turns if t["speaker"] == "patient"]
    assert [t["text"] for t in clinician] == lines[: len(clinician)]
    for turn in clinician:
        assert isinstance(turn["codes"], list) and all(isinstance(code, str) for code in turn["codes"])
        assert isinstance(turn["topics"], list)
    assert any(turn["codes"] for turn in clinician)
    for turn in patient:
        assert "codes" not in turn
        assert turn["text"].strip()


def test_play_a_script_file_in_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_file = tmp_path / "sessions" / "gary.json"
    assert main(["play", "t2d-hypo-fear", "--script", str(T2D_GOOD), "--out", str(out_file)]) == 0
    out, err = capsys.readouterr()
    lines = script_lines(T2D_GOOD)
    said = [line.removeprefix("Clinician: ") for line in out.splitlines() if line.startswith("Clinician: ")]
    replies = [line for line in out.splitlines() if line.startswith("Patient: ")]
    assert said == lines
    assert len(replies) == len(lines)
    assert "hidden facts came out" in out
    assert err.strip() == f"Session saved: {out_file}"
    no_traceback(out, err)

    assert stat.S_IMODE(out_file.stat().st_mode) == 0o600
    data = json.loads(out_file.read_text(encoding="utf-8"))
    check_session(data, lines, "t2d-hypo-fear")
    assert [f"Patient: {t['text']}" for t in data["turns"] if t["speaker"] == "patient"] == replies
    assert data["status"] == "ended"  # the script ends with a goodbye


def test_play_json_prints_the_saved_session(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_file = tmp_path / "gary.json"
    assert main(["play", "t2d-hypo-fear", "--script", str(T2D_GOOD), "--out", str(out_file), "--format", "json"]) == 0
    out, err = capsys.readouterr()
    printed = json.loads(out)
    assert printed == json.loads(out_file.read_text(encoding="utf-8"))
    check_session(printed, script_lines(T2D_GOOD), "t2d-hypo-fear")
    assert "Clinician:" not in out
    assert stat.S_IMODE(out_file.stat().st_mode) == 0o600


def test_play_reads_standard_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    text = "# a comment, skipped\n\nHello Gary, come in.\n   \nHow are you getting on with your tablets?\n"
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    out_file = tmp_path / "stdin.json"
    assert main(["play", "t2d-hypo-fear", "--script", "-", "--out", str(out_file), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    check_session(data, ["Hello Gary, come in.", "How are you getting on with your tablets?"], "t2d-hypo-fear")
    assert len(data["turns"]) == 4
    assert "skips_evening_metformin" in [d["fact"] for d in data["disclosures"]]


def test_play_without_out_saves_in_the_playtests_folder(consultsim_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["play", "t2d-hypo-fear", "--script", str(T2D_GOOD)]) == 0
    err = capsys.readouterr().err
    saved = Path(err.splitlines()[0].removeprefix("Session saved: "))
    assert saved.parent == consultsim_home / "playtests"  # apart from learners' sessions: `resume` never picks it up
    assert not (consultsim_home / "sessions").exists() or not list((consultsim_home / "sessions").glob("*.json"))
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert json.loads(saved.read_text(encoding="utf-8"))["schema_version"] == 1


def test_play_a_scenario_by_file_path(tmp_path: Path, example_path: Path) -> None:
    data = play_json(str(example_path), T2D_GOOD, tmp_path / "s.json")
    assert data["scenario"]["source"] == str(example_path)


def test_play_a_scenario_from_an_extra_folder(tmp_path: Path, example_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    text = example_path.read_text(encoding="utf-8").replace("id: t2d-hypo-fear", "id: my-own-gary", 1)
    (folder / "gary.yaml").write_text(text, encoding="utf-8")
    data = play_json("my-own-gary", T2D_GOOD, tmp_path / "s.json", "--dir", str(folder))
    assert data["scenario"]["id"] == "my-own-gary"


@pytest.mark.parametrize("script", GOOD_SCRIPTS, ids=lambda p: p.parent.name)
def test_play_every_good_consultation(script: Path, tmp_path: Path) -> None:
    data = play_json(script.parent.name, script, tmp_path / "s.json")
    check_session(data, script_lines(script), script.parent.name)


def patient_texts(data: dict) -> list[str]:
    return [t["text"] for t in data["turns"] if t["speaker"] == "patient"]


def test_the_same_seed_gives_the_same_patient(tmp_path: Path) -> None:
    for script in GOOD_SCRIPTS:
        scenario = str(SCENARIO_BY_ID[script.parent.name])  # by path: skips loading the whole catalogue
        first = play_json(scenario, script, tmp_path / "a.json", "--seed", "7")
        second = play_json(scenario, script, tmp_path / "b.json", "--seed", "7")
        assert patient_texts(first) == patient_texts(second), script.parent.name
        assert first["disclosures"] == second["disclosures"]
        assert first["engine"]["seed"] == 7


def test_different_seeds_change_some_wording(tmp_path: Path) -> None:
    differences = 0
    for script in GOOD_SCRIPTS:
        scenario = str(SCENARIO_BY_ID[script.parent.name])
        texts = {seed: patient_texts(play_json(scenario, script, tmp_path / f"{seed}.json", "--seed", str(seed))) for seed in (0, 1)}
        assert len(texts[0]) == len(texts[1])
        differences += sum(a != b for a, b in zip(texts[0], texts[1]))
    assert differences >= 1


@pytest.mark.parametrize("command", COMMANDS)
def test_play_as_a_process_from_standard_input(command: list[str], tmp_path: Path) -> None:
    out_file = tmp_path / "piped.json"
    script = T2D_GOOD.read_text(encoding="utf-8")
    result = run(command, "play", "t2d-hypo-fear", "--script", "-", "--out", out_file, "--seed", "3", stdin=script)
    assert result.returncode == 0, result.stderr
    no_traceback(result.stdout, result.stderr)
    assert result.stdout.splitlines()[0] == f"Clinician: {script_lines(T2D_GOOD)[0]}"
    assert result.stderr.strip() == f"Session saved: {out_file}"
    assert stat.S_IMODE(out_file.stat().st_mode) == 0o600
    data = json.loads(out_file.read_text(encoding="utf-8"))
    check_session(data, script_lines(T2D_GOOD), "t2d-hypo-fear", seed=3)
    # the same seed in-process gives the same patient
    again = play_json(str(SCENARIO_BY_ID["t2d-hypo-fear"]), T2D_GOOD, tmp_path / "again.json", "--seed", "3")
    assert patient_texts(again) == patient_texts(data)


def test_play_json_as_a_process(tmp_path: Path) -> None:
    result = run([sys.executable, "-m", "simulator"], "play", "t2d-hypo-fear", "--script", T2D_GOOD, "--format", "json", "--out", tmp_path / "s.json")
    assert result.returncode == 0, result.stderr
    check_session(json.loads(result.stdout), script_lines(T2D_GOOD), "t2d-hypo-fear")


# -- play: mistakes ---------------------------------------------------------------------------------


def test_play_an_unknown_scenario(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["play", "t2d-hypo-feer", "--script", str(T2D_GOOD)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("consultsim: no scenario called 't2d-hypo-feer'")
    for scenario_id in SHIPPED_IDS:
        assert scenario_id in err
    no_traceback(err)


def test_play_a_scenario_file_with_problems(tmp_path: Path, example_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, line, column = bad_scenario(tmp_path, example_path)
    assert main(["play", str(path), "--script", str(T2D_GOOD)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"consultsim: {path}:{line}:{column}: the text 'hard' is not allowed here")
    no_traceback(err)


def test_play_a_missing_scenario_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["play", str(tmp_path / "gone.yaml"), "--script", str(T2D_GOOD)]) == 1
    err = capsys.readouterr().err
    assert err.strip() == f"consultsim: {tmp_path / 'gone.yaml'}: no such file"


def test_play_a_missing_script(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.txt"
    assert main(["play", "t2d-hypo-fear", "--script", str(missing)]) == 1
    out, err = capsys.readouterr()
    assert err.startswith(f"consultsim: {missing}: cannot read the script")
    no_traceback(out, err)


@pytest.mark.parametrize("text", ["", "\n\n   \n", "# only comments\n# here\n"], ids=["empty", "blank", "comments"])
def test_play_an_empty_script(text: str, tmp_path: Path, consultsim_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "empty.txt"
    script.write_text(text, encoding="utf-8")
    assert main(["play", "t2d-hypo-fear", "--script", str(script)]) == 1
    out, err = capsys.readouterr()
    assert err.strip() == f"consultsim: {script}: the script has no clinician lines"
    no_traceback(out, err)
    saved = [p for p in consultsim_home.rglob("*.json") if "cache" not in p.relative_to(consultsim_home).parts]  # the scenario cache may be
    assert not saved, "a script with no lines must leave no session file behind"


def test_play_empty_standard_input(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert main(["play", "t2d-hypo-fear", "--script", "-"]) == 1
    assert capsys.readouterr().err.strip() == "consultsim: -: the script has no clinician lines"


def test_play_a_script_that_is_not_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "latin1.txt"
    script.write_bytes("Hello Ms M\u00fcller, come in.\n".encode("latin-1"))
    assert main(["play", "t2d-hypo-fear", "--script", str(script)]) == 1
    err = capsys.readouterr().err
    assert err.strip() == f"consultsim: {script}: the script is not UTF-8 text"


def test_play_a_script_that_is_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["play", "t2d-hypo-fear", "--script", str(tmp_path)]) == 1
    assert capsys.readouterr().err.startswith(f"consultsim: {tmp_path}: cannot read the script")


@pytest.mark.parametrize("where", ["folder", "under-a-file"])
def test_play_with_an_out_that_cannot_be_written(where: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "a-file.txt"
    blocker.write_text("x", encoding="utf-8")
    out = tmp_path if where == "folder" else blocker / "session.json"
    assert main(["play", "t2d-hypo-fear", "--script", str(T2D_GOOD), "--out", str(out)]) == 1
    assert capsys.readouterr().err.startswith("consultsim: ")


@pytest.mark.parametrize(
    "argv",
    [
        ["frobnicate"],
        ["play", "t2d-hypo-fear"],
        ["play", "--script", "x.txt"],
        ["play", "t2d-hypo-fear", "--script", "x.txt", "--seed", "abc"],
        ["play", "t2d-hypo-fear", "--script", "x.txt", "--format", "xml"],
        ["scenarios", "--format", "yaml"],
        ["validate"],
        ["--no-such-option"],
    ],
    ids=["unknown-command", "no-script", "no-scenario", "bad-seed", "bad-play-format", "bad-list-format", "validate-nothing", "unknown-option"],
)
def test_bad_arguments(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 1
    out, err = capsys.readouterr()
    assert "usage: consultsim" in err
    assert "error:" in err
    no_traceback(out, err)


@pytest.mark.parametrize("command", COMMANDS)
def test_bad_arguments_and_an_unknown_scenario_as_a_process(command: list[str], tmp_path: Path) -> None:
    bad = run(command, "play", "t2d-hypo-fear", "--script", "x", "--seed", "abc", cwd=tmp_path)
    assert bad.returncode == 1
    assert "usage: consultsim" in bad.stderr and "invalid int value: 'abc'" in bad.stderr
    no_traceback(bad.stdout, bad.stderr)

    unknown = run(command, "play", "nobody", "--script", T2D_GOOD)
    assert unknown.returncode == 1
    assert "no scenario called 'nobody'" in unknown.stderr and "t2d-hypo-fear" in unknown.stderr
    no_traceback(unknown.stdout, unknown.stderr)


def test_script_mistakes_as_a_process(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "simulator"]
    missing = run(command, "play", "t2d-hypo-fear", "--script", tmp_path / "nope.txt")
    assert missing.returncode == 1
    assert "cannot read the script" in missing.stderr
    no_traceback(missing.stdout, missing.stderr)

    empty = run(command, "play", "t2d-hypo-fear", "--script", "-", stdin="# nothing to say\n")
    assert empty.returncode == 1
    assert "the script has no clinician lines" in empty.stderr
    no_traceback(empty.stdout, empty.stderr)


def test_validate_prints_one_line_per_problem(tmp_path: Path, example_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = "    lecturing: {rapport: -1.5}\n"
    text = example_path.read_text(encoding="utf-8").replace(old, old + '    "empathy\\nelsewhere.yaml:1:1: looks like a problem": {rapport: 1}\n', 1)
    path = tmp_path / "spoof.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    out, err = capsys.readouterr()
    assert err.strip() == "1 problem in 1 file"
    assert len(out.splitlines()) == 1, out
