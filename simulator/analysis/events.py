"""Events that come from the run of a conversation rather than one turn's words.

One implementation, used by the patient's director (to move the patient) and by the grader (to score).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from simulator import resources
from simulator.analysis.turns import TurnAnalysis

# Closed questions with a purpose (a ruler, a teach-back, asking permission) are not interrogation.
PURPOSEFUL_CLOSED = ("scale_question", "check_understanding", "ask_permission")


class EventMemory(Protocol):
    permission_asked: bool  # the last clinician turn asked permission to advise
    closed_run: int  # closed questions in a row
    telling_run: int  # information or advice turns in a row


@dataclass
class EventCounters:
    permission_asked: bool = False
    closed_run: int = 0
    telling_run: int = 0


def limits() -> dict[str, Any]:
    return resources.data_file("affect.yaml")["thresholds"]


def detect_events(analysis: TurnAnalysis, memory: EventMemory) -> tuple[str, ...]:
    """advice_without_permission, closed_question_run, lecturing, stacked_questions; updates memory."""
    limit = limits()
    events = []
    if analysis.has("advice") and not analysis.has("ask_permission") and not memory.permission_asked:
        events.append("advice_without_permission")
    memory.permission_asked = analysis.has("ask_permission")
    if analysis.has("closed_question") and not analysis.has("open_question", *PURPOSEFUL_CLOSED):
        memory.closed_run += 1
    elif analysis.is_question or analysis.has("reflection"):
        memory.closed_run = 0
    if memory.closed_run >= limit["closed_question_run"]:
        events.append("closed_question_run")
    telling = analysis.has("information", "advice") and not analysis.is_question
    memory.telling_run = memory.telling_run + 1 if telling else 0
    if telling and (analysis.word_count > limit["lecturing_words"] or memory.telling_run >= limit["lecturing_run"]):
        events.append("lecturing")
    if analysis.question_count >= 2:
        events.append("stacked_questions")
    return tuple(events)
