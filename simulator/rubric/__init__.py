"""The rubric engine: grade a consultation (saved session or plain transcript) with evidence."""

from __future__ import annotations

from pathlib import Path

from simulator.analysis import TurnReader
from simulator.errors import ConsultsimError
from simulator.rubric.conversation import Conversation, from_session, from_transcript
from simulator.rubric.grader import Judge, RulesJudge
from simulator.rubric.report import KALAMAZOO_TASKS, SELF_MANAGEMENT, CriterionResult, GradeReport
from simulator.scenario.model import Scenario
from simulator.session import Session
from simulator.session.store import load as load_session
from simulator.transcript import read_transcript

__all__ = [
    "KALAMAZOO_TASKS", "SELF_MANAGEMENT", "Conversation", "CriterionResult", "GradeReport", "Judge", "RulesJudge",
    "grade_file", "grade_session", "grade_transcript_text",
]


def grade_session(session: Session, scenario: Scenario | None = None, judge: Judge | None = None, source: str | None = None) -> GradeReport:
    """Grade a session; with its scenario, the scenario's own rubric items and topics are used too."""
    reader = TurnReader.for_scenario(scenario) if scenario else TurnReader()
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


def _scenario_for(session: Session) -> Scenario | None:
    """The session's scenario, if it can still be found (shipped, or at the path it came from)."""
    from simulator.scenario import resolve

    for name in (session.scenario.get("id"), session.scenario.get("source")):
        if not name:
            continue
        try:
            return resolve(name, checked=False)  # grading a session played already
        except ConsultsimError:
            continue
    return None


def grade_file(path: Path, judge: Judge | None = None) -> GradeReport:
    """A session file (JSON with a schema_version) or a plain transcript."""
    if path.suffix == ".json" or _looks_like_json(path):
        session = load_session(path)
        return grade_session(session, _scenario_for(session), judge, source=str(path))
    return (judge or RulesJudge()).grade(from_transcript(str(path), read_transcript(path)))


def _looks_like_json(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            start = handle.read(64).lstrip()
    except OSError:
        return False
    return start.startswith(b"{")
