"""A grade report reads back from its JSON: GradeReport.from_json(to_dict) is the same report."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest

from simulator import resources
from simulator.consultation import Consultation
from simulator.rubric import GradeReport
from simulator.workspace import Workspace
from tests.conftest import CONSULTATIONS

TRANSCRIPT = """Doctor: Hello, I'm Dr Shah. What would you like to talk about today?
Patient: My sugars have been all over the place and I'm worried about the tablets.
Doctor: It sounds like the tablets have been a real worry. What do you make of them?
Patient: I'm scared of going too low, to be honest.
Doctor: That sounds frightening. Would it help if we made a plan together? What would you like to try?
Patient: I think I could try taking the evening one with my tea.
Doctor: Great. Anything else before you go? Take care.
"""


def _reports(tmp_path: Path) -> list[GradeReport]:
    workspace = Workspace()
    transcript = tmp_path / "t.txt"
    transcript.write_text(TRANSCRIPT, encoding="utf-8")
    consultation = Consultation.start(workspace.resolve("t2d-hypo-fear"), seed=2, out=tmp_path / "s.json")
    for line in (CONSULTATIONS / "t2d-hypo-fear" / "good.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            consultation.say(line)
    session = workspace.grade_file(consultation.path)[0]
    hybrid = replace(session, judge="hybrid")
    first = next(iter(hybrid.kalamazoo))
    opinion = {"value": 3, "status": "scored", "evidence": [0], "rationale": "r"}
    hybrid.kalamazoo = {**hybrid.kalamazoo, first: replace(hybrid.kalamazoo[first], second_opinion=opinion)}
    return [workspace.grade_file(transcript)[0], session, hybrid]


def test_a_report_reads_back_from_its_json(tmp_path: Path) -> None:
    validator = jsonschema.Draft202012Validator(resources.schema("grade-v1"))
    for report in _reports(tmp_path):
        data = report.to_dict()
        validator.validate(data)
        again = GradeReport.from_json(json.dumps(data, ensure_ascii=False))
        assert again == report
        assert again.to_dict() == data


def test_a_report_without_titles_still_reads_back(tmp_path: Path) -> None:
    data = _reports(tmp_path)[0].to_dict()
    for section in ("kalamazoo", "self_management", "scenario_items"):
        for criterion in data[section].values():
            del criterion["title"], criterion["group"], criterion["scale"]
    report = GradeReport.from_dict(data)
    assert report.kalamazoo["build_relationship"].title == "build_relationship" and report.kalamazoo["build_relationship"].scale == "likert5"
    assert report.to_dict()["summary"] == data["summary"]


def test_something_else_is_refused() -> None:
    with pytest.raises(ValueError):
        GradeReport.from_dict({"schema_version": 2})
