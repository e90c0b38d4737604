"""The rubric engine: grade a consultation (saved session or plain transcript) with evidence."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from simulator.analysis import TurnReader
from simulator.rubric.conversation import Conversation, from_session, from_transcript
from simulator.rubric.grader import Judge, RulesJudge
from simulator.rubric.report import KALAMAZOO_TASKS, SELF_MANAGEMENT, CriterionResult, GradeReport
from simulator.scenario.model import Scenario
from simulator.session import Session

if TYPE_CHECKING:
    from simulator.workspace import Workspace

__all__ = [
    "KALAMAZOO_TASKS", "SELF_MANAGEMENT", "Conversation", "CriterionResult", "GradeReport", "Judge", "RulesJudge",
    "from_transcript", "grade_file", "grade_session", "grade_transcript_text", "looks_like_json",
]


def grade_session(
    session: Session, scenario: Scenario | None = None, judge: Judge | None = None, source: str | None = None, reader: TurnReader | None = None
) -> GradeReport:
    """Grade a session; with its scenario, the scenario's own rubric items and topics are used too. Pass the
    judge and reader a Workspace keeps (simulator/workspace.py): made here, they load the rubrics and weights."""
    reader = reader or (TurnReader.for_scenario(scenario) if scenario else TurnReader())
    conversation = from_session(source or session.id, session, reader)
    report = (judge or RulesJudge()).grade(conversation, scenario)
    if scenario is not None:
        from simulator.outcome import patient_outcome

        outcome = patient_outcome(session, scenario)
        report.outcome = outcome.to_dict() if outcome else None
    return report


def grade_transcript_text(text: str, source: str = "<transcript>", judge: Judge | None = None) -> GradeReport:
    from simulator.transcript import parse_transcript

    return (judge or RulesJudge()).grade(from_transcript(source, parse_transcript(text, source)))


def grade_file(path: Path, judge: Judge | None = None, workspace: Workspace | None = None) -> GradeReport:
    """A session file (JSON with a schema_version), graded against the scenario version it recorded, or a
    plain transcript. Grading many files: pass one Workspace, so the rubrics and scenarios load once."""
    from simulator.workspace import Workspace

    return (workspace or Workspace()).grade_file(path, judge)[0]


def looks_like_json(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            start = handle.read(64).lstrip()
    except OSError:
        return False
    return start.startswith(b"{")
