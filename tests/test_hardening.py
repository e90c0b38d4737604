"""Regression tests for the defects issue 12 found by fuzzing and by trying the product as a new user:
each input below once crashed a command, leaked a file or lost a learner's place."""

from __future__ import annotations

import json
import os
import re
import stat
import time
from pathlib import Path

import pytest
import yaml

from simulator.cli import main
from simulator.errors import ConsultsimError
from simulator.paths import child_path
from simulator.session.store import sweep_temporaries

from conftest import CONSULTATIONS, SCENARIO_FILES

T2D = next(p for p in SCENARIO_FILES if p.stem == "t2d-hypo-fear")
GOOD_LINES = "\n".join(
    line for line in (CONSULTATIONS / "t2d-hypo-fear" / "good.txt").read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")
)
LONG_NAME = "a" * 300
TRANSCRIPT = "Doctor: Hello, I'm Dr Shah. What brings you in today?\nPatient: My sugar's up.\nDoctor: What worries you most about it?\nPatient: The hypos.\n"


@pytest.fixture
def transcript(tmp_path: Path) -> Path:
    path = tmp_path / "consultation.txt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str | Path, stdin: str | None = None, monkeypatch: pytest.MonkeyPatch | None = None) -> tuple[int, str, str]:
    if stdin is not None:
        import io

        assert monkeypatch is not None
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err and 'File "' not in out + err
    return code, out, err


def one_session(capsys, monkeypatch, lines: str = "Hello, I'm Dr Shah.\nWhat brings you in today?") -> Path:
    """A learner's session (practise --plain), unfinished; returns its file."""
    code, _, err = run(capsys, "--plain", stdin=f"t2d-hypo-fear\n{lines}\n/quit\n", monkeypatch=monkeypatch)
    assert code == 0, err
    return max((Path(os.environ["CONSULTSIM_HOME"]) / "sessions").glob("*.json"), key=lambda p: p.stat().st_mtime)


# -- JSON that json.loads cannot take --------------------------------------------------------------

HOSTILE_JSON = {
    "deep": "[" * 100_000 + "]" * 100_000,
    "deep-object": '{"a":' * 50_000 + "1" + "}" * 50_000,
    "bigint": '{"schema_version": ' + "9" * 5_000 + "}",
    "nested-but-parsable": '{"schema_version": 1, "id": "x", "turns": ' + "[" * 500 + "]" * 500 + "}",
}


@pytest.mark.parametrize("kind", HOSTILE_JSON)
def test_grade_refuses_hostile_json_with_a_message(kind, tmp_path, capsys) -> None:
    path = tmp_path / f"{kind}.json"
    path.write_text(HOSTILE_JSON[kind], encoding="utf-8")
    code, out, err = run(capsys, "grade", path)
    assert code == 1 and out == ""
    assert err.startswith(f"consultsim: {path}") and len(err.strip().splitlines()) == 1


def test_one_hostile_session_file_does_not_disable_the_others(consultsim_home, capsys, monkeypatch) -> None:
    good = one_session(capsys, monkeypatch)
    for kind, text in HOSTILE_JSON.items():
        (consultsim_home / "sessions" / f"{kind}.json").write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "sessions")
    assert code == 0 and good.stem in out
    assert all(f"{kind}.json" in err for kind in HOSTILE_JSON)
    code, out, err = run(capsys, "resume", "--plain", stdin="What worries you most?\n", monkeypatch=monkeypatch)
    assert code == 0 and "What worries you most?" in json.loads(good.read_text())["turns"][-2]["text"]


# -- names the file system cannot hold ------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ["play", LONG_NAME, "--script", "-"],
        ["practise", LONG_NAME],
        ["validate", LONG_NAME],
        ["grade", LONG_NAME],
        ["validate", LONG_NAME + ".yaml"],
        ["play", LONG_NAME + ".yaml", "--script", "-"],
    ],
)
def test_a_name_too_long_for_the_file_system(command, capsys, monkeypatch) -> None:
    code, out, err = run(capsys, *command, stdin="Hello\n", monkeypatch=monkeypatch)
    assert code == 1
    message = out + err
    assert "too long" in message or "no scenario called" in message
    assert len(message.splitlines()[0]) < 400  # the name is shortened, not printed whole


# -- a data folder that cannot be written ---------------------------------------------------------


@pytest.fixture
def blocked_home(tmp_path, monkeypatch) -> Path:
    """CONSULTSIM_HOME under a plain file: nothing can be created there, whoever runs the tests (root too)."""
    blocker = tmp_path / "a-file"
    blocker.write_text("in the way")
    home = blocker / "consultsim"
    monkeypatch.setenv("CONSULTSIM_HOME", str(home))
    return home


@pytest.mark.parametrize(
    "command,stdin",
    [
        (["play", "t2d-hypo-fear", "--script", "-"], "Hello\n"),
        (["practise", "t2d-hypo-fear"], "Hello\n"),
        (["sessions"], None),
        (["resume"], None),
        (["--plain"], "1\nHello\n"),
    ],
)
def test_an_unwritable_data_folder_is_named_with_the_way_out(blocked_home, command, stdin, capsys, monkeypatch) -> None:
    code, out, err = run(capsys, *command, stdin=stdin, monkeypatch=monkeypatch)
    assert code == 1
    assert f"the data folder {blocked_home} cannot be written" in err and "CONSULTSIM_HOME" in err


def test_grade_needs_no_data_folder(blocked_home, transcript, capsys) -> None:
    code, out, _ = run(capsys, "grade", transcript)
    assert code == 0 and "Kalamazoo" in out


# -- grade --out ---------------------------------------------------------------------------------


def test_grade_out_an_existing_folder_or_an_impossible_place(tmp_path, transcript, capsys) -> None:
    code, _, err = run(capsys, "grade", transcript, "--out", tmp_path)
    assert code == 1 and "is a folder" in err and str(tmp_path / "report.html") in err
    (tmp_path / "file").write_text("x")
    code, _, err = run(capsys, "grade", transcript, "--out", tmp_path / "file" / "report.md")
    assert code == 1 and "cannot write the report here" in err


def test_grade_out_makes_private_folders(tmp_path, transcript, capsys) -> None:
    target = tmp_path / "new" / "deeper" / "report.md"
    code, _, _ = run(capsys, "grade", transcript, "--format", "markdown", "--out", target)
    assert code == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert stat.S_IMODE(target.parent.stat().st_mode) == 0o700 and stat.S_IMODE(target.parent.parent.stat().st_mode) == 0o700


# -- private by default --------------------------------------------------------------------------


def test_the_data_folder_and_everything_in_it_is_private(consultsim_home, capsys, monkeypatch) -> None:
    assert not consultsim_home.exists()
    session = one_session(capsys, monkeypatch)
    assert stat.S_IMODE(consultsim_home.stat().st_mode) == 0o700
    for path in consultsim_home.rglob("*"):
        expected = 0o700 if path.is_dir() else 0o600
        assert stat.S_IMODE(path.stat().st_mode) == expected, path
    assert session.parent == consultsim_home / "sessions"


def test_an_older_public_sessions_folder_is_made_private(consultsim_home, capsys) -> None:
    (consultsim_home / "sessions").mkdir(parents=True, mode=0o755)
    os.chmod(consultsim_home / "sessions", 0o755)
    run(capsys, "sessions")
    assert stat.S_IMODE((consultsim_home / "sessions").stat().st_mode) == 0o700


# -- paths built from a file's contents ----------------------------------------------------------


def test_a_session_id_with_a_path_in_it_is_refused(consultsim_home, tmp_path, capsys, monkeypatch) -> None:
    session = one_session(capsys, monkeypatch)
    data = json.loads(session.read_text())
    data["id"] = "../../escaped"
    evil = consultsim_home / "sessions" / "evil.json"
    evil.write_text(json.dumps(data))
    code, out, err = run(capsys, "sessions")
    assert "evil.json" in err and "escaped" not in out
    code, _, err = run(capsys, "grade", evil)
    assert code == 1 and "id" in err


@pytest.mark.parametrize("name", ["../x.html", "..", "a/b.md", "x\\..\\y.md", ""])
def test_child_path_never_leaves_its_folder(tmp_path, name) -> None:
    with pytest.raises(ConsultsimError):
        child_path(tmp_path, name)
    assert child_path(tmp_path, "20261205-1.html") == tmp_path / "20261205-1.html"


# -- scenario files: size, keyword length, tags --------------------------------------------------


def test_a_huge_keyword_is_refused_quickly_with_the_limit(tmp_path, capsys) -> None:
    data = yaml.safe_load(T2D.read_text(encoding="utf-8"))
    data["topics"][0]["keywords"].append("x" * 1_500_000)
    path = tmp_path / "huge-keyword.yaml"
    path.write_text(yaml.safe_dump(data, width=10**9), encoding="utf-8")
    code, out, _ = run(capsys, "validate", path)
    assert code == 1 and "at most 80 characters (at topics[0].keywords[" in out


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, capsys) -> None:
    path = tmp_path / "sparse.yaml"
    with path.open("wb") as handle:  # 4 GB on paper, nothing on disk: reading it would take minutes
        handle.truncate(4 * 1024**3)
    started = time.perf_counter()
    code, out, _ = run(capsys, "validate", path)
    assert code == 1 and f"{path}:1:1: is too large (4,294,967,296 bytes; the limit is" in out
    assert time.perf_counter() - started < 30  # generous: it is refused on its size, not after reading 4 GB


@pytest.mark.parametrize("tag", ["!!python/name:os.system", "!!python/object/apply:os.system", "!!binary", "!custom"])
def test_yaml_tags_are_refused_with_file_and_line(tmp_path, tag, capsys) -> None:
    text = T2D.read_text(encoding="utf-8")
    lines = text.splitlines()
    number = next(i for i, line in enumerate(lines) if line.startswith("title:"))
    lines[number] = lines[number].replace("title: ", f"title: {tag} ", 1)
    path = tmp_path / "tagged.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, _ = run(capsys, "validate", path)
    assert code == 1 and out.startswith(f"{path}:{number + 1}:1: the tag ") and "is not allowed" in out


# -- every problem at once, and no playing a broken scenario --------------------------------------


def broken_twice(tmp_path: Path) -> Path:
    """A schema problem (a bad disclose rule) and a lint problem (a cue leading to no fact)."""
    text = T2D.read_text(encoding="utf-8")
    text = text.replace("disclose: topic_question", "disclose: sometimes", 1).replace("leads_to: ", "leads_to: no-such-", 1)
    path = tmp_path / "broken-twice.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_validate_reports_schema_and_lint_problems_together(tmp_path, capsys) -> None:
    code, out, _ = run(capsys, "validate", broken_twice(tmp_path))
    assert code == 1
    assert "the text 'sometimes' is not allowed here" in out and "unknown fact 'no-such-" in out


def lint_only(tmp_path: Path, name: str = "lint-only.yaml") -> Path:
    path = tmp_path / name
    path.write_text(T2D.read_text(encoding="utf-8").replace("leads_to: ", "leads_to: no-such-", 1), encoding="utf-8")
    return path


def test_a_scenario_that_fails_lint_is_not_played(tmp_path, capsys, monkeypatch) -> None:
    path = lint_only(tmp_path)
    code, _, err = run(capsys, "play", path, "--script", "-", stdin="Hello\n", monkeypatch=monkeypatch)
    assert code == 1
    assert f"{path}: cannot be played until the problems below are fixed; check it with: consultsim validate {path}" in err
    assert "unknown fact 'no-such-" in err
    code, out, err = run(capsys, "scenarios", "--dir", tmp_path)
    assert code == 0 and "cannot be played" in err


def test_duplicate_ids_are_reported_and_play_by_id_refuses(tmp_path, capsys, monkeypatch) -> None:
    (tmp_path / "mine.yaml").write_text(T2D.read_text(encoding="utf-8"), encoding="utf-8")
    code, _, err = run(capsys, "play", "t2d-hypo-fear", "--dir", tmp_path, "--script", "-", stdin="Hello\n", monkeypatch=monkeypatch)
    assert code == 1 and "2 scenario files have the id 't2d-hypo-fear'" in err and "play one by its path" in err
    code, _, err = run(capsys, "scenarios", "--dir", tmp_path)
    assert f"{tmp_path / 'mine.yaml'}: has the same id 't2d-hypo-fear' as" in err


# -- playtests apart from learners' sessions -------------------------------------------------------


def test_play_keeps_playtests_apart_and_resume_finds_the_learners_session(consultsim_home, capsys, monkeypatch) -> None:
    learner = one_session(capsys, monkeypatch)
    time.sleep(0.01)
    code, _, err = run(capsys, "play", "copd-low-mood", "--script", "-", stdin="Hello\n", monkeypatch=monkeypatch)
    assert code == 0 and str(consultsim_home / "playtests") in err
    code, out, _ = run(capsys, "sessions")
    assert learner.stem in out and "copd" not in out
    code, out, _ = run(capsys, "sessions", "--playtests")
    assert "copd-low-mood" in out
    code, _, _ = run(capsys, "resume", "--plain", stdin="How are things?\n", monkeypatch=monkeypatch)
    assert code == 0 and json.loads(learner.read_text())["turns"][-2]["text"] == "How are things?"


def test_a_session_resumes_from_any_working_folder(tmp_path, consultsim_home, capsys, monkeypatch) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "own.yaml").write_text(T2D.read_text(encoding="utf-8").replace("id: t2d-hypo-fear", "id: own-scenario", 1), encoding="utf-8")
    monkeypatch.chdir(folder)
    code, _, err = run(capsys, "practise", "own.yaml", stdin="Hello\n/quit\n", monkeypatch=monkeypatch)
    assert code == 0, err
    session = next((consultsim_home / "sessions").glob("*.json"))
    assert json.loads(session.read_text())["scenario"]["source"] == str(folder / "own.yaml")
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "resume", "--plain", stdin="What brings you in?\n", monkeypatch=monkeypatch)
    assert code == 0 and "changed" not in err


# -- a killed save's leftovers ---------------------------------------------------------------------


def test_stale_temporaries_are_swept_and_fresh_ones_left(consultsim_home, capsys) -> None:
    folder = consultsim_home / "sessions"
    folder.mkdir(parents=True)
    stale, fresh = folder / ".x.json.abc.tmp", folder / ".y.json.def.tmp"
    stale.write_text("half")
    fresh.write_text("being written")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    run(capsys, "sessions")
    assert not stale.exists() and fresh.exists()
    assert sweep_temporaries(folder) == 0


# -- reports ---------------------------------------------------------------------------------------


def test_markdown_report_escapes_what_the_learner_typed(tmp_path, capsys) -> None:
    path = tmp_path / "t.txt"
    path.write_text("Doctor: Hello <script>alert(1)</script> | [click](javascript:x) what brings you in?\nPatient: My sugar.\n", encoding="utf-8")
    code, out, _ = run(capsys, "grade", path, "--format", "markdown")
    assert code == 0
    assert "<script>" not in out and "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert not re.search(r"(?<!\\)\]\(javascript:", out) and "\\[click\\]" in out  # no live link


def test_plain_feedback_says_scores_in_words(capsys, monkeypatch) -> None:
    code, out, _ = run(capsys, "--plain", stdin=f"t2d-hypo-fear\n{GOOD_LINES}\n/end\n", monkeypatch=monkeypatch)
    assert code == 0
    assert " of 5, " in out and "[#" not in out and "[x]" not in out and "▄" not in out


def test_sessions_fit_80_columns(capsys, monkeypatch) -> None:
    one_session(capsys, monkeypatch)
    monkeypatch.setenv("COLUMNS", "80")
    code, out, _ = run(capsys, "sessions")
    assert code == 0 and all(len(line) < 80 for line in out.splitlines())
