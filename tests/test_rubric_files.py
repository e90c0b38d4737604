"""Rubric files: the shipped ones are valid and complete; bad ones get file:line:column problems."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.cli import main
from simulator.rubric import KALAMAZOO_TASKS, SELF_MANAGEMENT
from simulator.rubric.model import check_rubric_file, load_shipped_rubrics, shipped_rubrics_dir

KALAMAZOO = shipped_rubrics_dir() / "kalamazoo.yaml"


def test_the_shipped_rubrics_are_valid_and_hold_every_required_criterion() -> None:
    for path in shipped_rubrics_dir().glob("*.yaml"):
        assert check_rubric_file(path) == [], path
    rubrics = load_shipped_rubrics()
    ids = {c.id for r in rubrics for c in r.criteria}
    assert set(KALAMAZOO_TASKS) | set(SELF_MANAGEMENT) <= ids
    assert {lv.id for r in rubrics for lv in r.levels} == {"descriptive", "recognisable", "transformative"}
    kalamazoo = next(r for r in rubrics if r.id == "kalamazoo")
    assert all(c.scale == "likert5" and set(c.anchors) == {"1", "2", "3", "4", "5"} for c in kalamazoo.criteria)


def _broken(tmp_path: Path, old: str, new: str) -> tuple[Path, int]:
    text = KALAMAZOO.read_text()
    assert old in text
    line = text[: text.index(old)].count("\n") + 1
    path = tmp_path / "broken.yaml"
    path.write_text(text.replace(old, new, 1))
    return path, line


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("scale: likert5", "scale: likert7", "is not allowed here; use one of: likert5, met, points"),
        ("when: {codes: [greeting], in_first: 3}", "when: {codes: [greting], in_first: 3}", "unknown behaviour code 'greting'"),
        ("when: {codes: [empathy]}", "when: {text: '(unclosed'}", "not a valid regular expression"),
        (
            "        points: 1.5\n        when: {codes: [empathy]}",
            "        points: 1.5\n        colour: red\n        when: {codes: [empathy]}",
            "unknown field 'colour'",
        ),
        ("thresholds: [-0.25, 0.5, 1.75, 3.25]", "thresholds: [3.25, 0.5, 1.75, -0.25]", "thresholds must rise"),
    ],
)
def test_rubric_problems_are_located(tmp_path: Path, old: str, new: str, message: str) -> None:
    path, line = _broken(tmp_path, old, new)
    problems = check_rubric_file(path)
    assert problems, message
    assert any(message in p.message for p in problems), problems
    hit = next(p for p in problems if message in p.message)
    assert abs(hit.line - line) <= 2 and hit.file == str(path)


def test_validate_accepts_rubric_files_and_reports_problems(tmp_path: Path, capsys) -> None:
    assert main(["validate", str(shipped_rubrics_dir())]) == 0
    path, _ = _broken(tmp_path, "scale: likert5", "scale: likert7")
    assert main(["validate", str(path)]) == 1
    assert f"{path}:" in capsys.readouterr().out
