"""`practise`, `resume`, `sessions` and `--plain`: in-process through main(), with standard input and output."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from simulator.cli import main
from simulator.commands import practise
from simulator.session.index import find_session, list_sessions

from tuihelpers import GOOD, saved_session

PLAIN_MODULES = [
    "simulator.plain",
    "simulator.paths",
    "simulator.scenario.cache",
    "simulator.session.index",
    "simulator.commands.practise",
    "simulator.commands.resume",
    "simulator.commands.sessions",
]


@pytest.mark.parametrize("module", PLAIN_MODULES)
def test_the_new_headless_modules_do_not_pull_in_textual(module: str) -> None:
    code = f"import sys, {module}; print(sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.')))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def run(argv: list[str], stdin: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_practise_plain_is_a_labelled_line_by_line_consultation_with_text_feedback(monkeypatch, capsys) -> None:
    code, out, _ = run(["practise", "t2d-hypo-fear", "--plain"], "\n".join(GOOD[:6]) + "\n/end\n", monkeypatch, capsys)
    assert code == 0
    assert "Briefing: Type 2 diabetes review" in out
    for line in GOOD[:6]:
        assert f"Clinician: {line}" in out  # piped lines are echoed after the prompt, as if typed
    assert out.count("\nPatient: ") >= 6
    assert "KALAMAZOO TASKS" in out and "SELF-MANAGEMENT SUPPORT" in out and "CO-PRODUCTION" in out
    assert not any(ch in out for ch in "│─┌┐└┘╭╮╰╯║═▊▎")  # no box drawing
    (saved,) = list_sessions()[0]
    assert saved.finished and len(saved.session.clinician_turns) == 6


def test_practice_is_an_alias_and_ctrl_d_ends_the_consultation(monkeypatch, capsys) -> None:
    code, out, _ = run(["practice", "t2d-hypo-fear", "--plain"], GOOD[0] + "\n", monkeypatch, capsys)
    assert code == 0 and "The consultation has ended." in out and "KALAMAZOO TASKS" in out


def test_plain_with_no_subcommand_offers_the_scenarios_by_number(monkeypatch, capsys) -> None:
    code, out, _ = run(["--plain"], "99\n6\n" + GOOD[0] + "\n/quit\n", monkeypatch, capsys)
    assert code == 0
    assert "1. Asthma review" in out and "No scenario '99'" in out and "Briefing: Type 2 diabetes" in out
    assert "consultsim resume" in out
    assert find_session(None).session.scenario.id == "t2d-hypo-fear"


def test_plain_commands_help_briefing_time(monkeypatch, capsys) -> None:
    code, out, _ = run(["practise", "t2d-hypo-fear", "--plain"], "/help\n/briefing\n/time\n\n/quit\n", monkeypatch, capsys)
    assert code == 0 and "/end" in out and out.count("Briefing: ") == 2 and "Time: 0:00 of 12:00 planned." in out
    assert find_session(None).session.turns == []


def test_resume_plain_continues_the_newest_unfinished_session(monkeypatch, capsys) -> None:
    saved_session(GOOD[:2], end=True, stamp="2026-03-02T12:00:00.000+00:00")
    path = saved_session(GOOD[:3], stamp="2026-03-02T09:00:00.000+00:00")
    before = json.loads(path.read_text())
    code, out, _ = run(["resume", "--plain"], GOOD[3] + "\n/quit\n", monkeypatch, capsys)
    assert code == 0
    assert out.index(f"Clinician: {GOOD[0]}") < out.index(f"Clinician: {GOOD[3]}")  # the transcript so far, then the new turn
    after = json.loads(path.read_text())
    assert after["turns"][:6] == before["turns"] and len(after["turns"]) == 8


def test_resume_by_id_prefix_and_the_errors(monkeypatch, capsys) -> None:
    assert run(["resume", "--plain"], "", monkeypatch, capsys)[0] == 1  # nothing to resume
    ended = saved_session(GOOD[:2], end=True)
    code, _, err = run(["resume", ended.stem, "--plain"], "", monkeypatch, capsys)
    assert code == 1 and "has ended" in err
    code, _, err = run(["resume", "nope", "--plain"], "", monkeypatch, capsys)
    assert code == 1 and "no session 'nope'" in err
    open_one = saved_session(GOOD[:3], stamp="2026-03-02T10:00:00.000+00:00")
    code, out, _ = run(["resume", open_one.stem[:15], "--plain"], "/quit\n", monkeypatch, capsys)
    assert code == 0 and f"Clinician: {GOOD[2]}" in out


def test_an_ambiguous_id_prefix_is_refused(monkeypatch, capsys) -> None:
    saved_session(GOOD[:3], stamp="2026-03-02T10:00:00.000+00:00")
    saved_session(GOOD[:4], stamp="2026-03-02T11:00:00.000+00:00")
    code, _, err = run(["resume", "20260302", "--plain"], "", monkeypatch, capsys)
    assert code == 1 and "matches 2 sessions" in err


def test_sessions_lists_text_and_json(monkeypatch, capsys) -> None:
    assert run(["sessions"], "", monkeypatch, capsys)[1].startswith("No sessions yet")
    saved_session(GOOD[:14], end=True, stamp="2026-03-02T09:00:00.000+00:00")
    saved_session(GOOD[:4], stamp="2026-03-02T11:00:00.000+00:00")
    code, out, _ = run(["sessions"], "", monkeypatch, capsys)
    lines = out.splitlines()
    assert code == 0 and lines[0].split()[:3] == ["ID", "SCENARIO", "DATE"]
    assert "unfinished" in lines[1] and "ended" in lines[2] and "18:00" in lines[2]  # newest first, active time
    code, out, _ = run(["sessions", "--format", "json"], "", monkeypatch, capsys)
    rows = json.loads(out)
    assert [r["status"] for r in rows] == ["in_progress", "ended"]
    assert rows[1]["clinician_turns"] == 14 and rows[1]["active_seconds"] == 27 * 40


def test_a_broken_session_file_is_skipped_with_a_warning(consultsim_home, monkeypatch, capsys) -> None:
    saved_session(GOOD[:2])
    (consultsim_home / "sessions" / "broken.json").write_text("{not json")
    code, out, err = run(["sessions"], "", monkeypatch, capsys)
    assert code == 0 and "t2d-hypo-fear" in out and "broken.json" in err


def test_the_terminal_ui_is_imported_only_when_it_is_opened(monkeypatch) -> None:
    """With a terminal, `consultsim` and `practise` build the app through make_app; without one, they fall back."""
    opened = []

    class FakeApp:
        return_code = 0

        def run(self) -> None:
            opened.append(True)

    import simulator.tui.app as tui_app

    monkeypatch.setattr(tui_app, "make_app", lambda **kwargs: opened.append(kwargs) or FakeApp())
    monkeypatch.setattr(practise, "is_terminal", lambda: True)
    monkeypatch.setenv("CONSULTSIM_LEARNER", "Test Learner")  # a terminal's first start would ask who is practising
    assert main([]) == 0
    assert main(["practise", "t2d-hypo-fear", "--seed", "4"]) == 0
    assert opened[0]["scenario"] is None and opened[2]["scenario"].id == "t2d-hypo-fear" and opened[2]["seed"] == 4


def test_a_flag_before_the_subcommand_counts_too(monkeypatch, capsys) -> None:
    import simulator.tui.app as tui_app

    monkeypatch.setattr(practise, "is_terminal", lambda: True)
    monkeypatch.setenv("CONSULTSIM_LEARNER", "Test Learner")  # else the first start asks who is practising
    monkeypatch.setattr(tui_app, "make_app", lambda **kwargs: pytest.fail("--plain was lost"))
    code, out, _ = run(["--plain", "practise", "t2d-hypo-fear"], "/quit\n", monkeypatch, capsys)
    assert code == 0 and "Briefing:" in out
