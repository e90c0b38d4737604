"""A consultation prepared for grading: every clinician turn analysed (codes, spans, topics, events),
plans agreed and facts disclosed, from a saved session or a plain transcript."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from simulator.analysis import TurnReader, TurnAnalysis
from simulator.analysis.events import EventCounters, detect_events
from simulator.transcript import TranscriptTurn

# A patient putting a plan forward themselves, or agreeing to the clinician's.
_PROPOSES = re.compile(
    r"\b(I (could|might|can|will|'ll|would like to|want to|think I('ll| could| can| will))|I'll|maybe I|what if I|"
    r"I'm going to|I've been thinking)\b",
    re.I,
)
_AGREES = re.compile(
    r"^\W*(ok(ay)?|yes|yeah|yep|sure|alright|all right|fine|that sounds (good|fine|ok)|sounds good|I'll (try|do)|go on then|"
    r"I (can|could|will|might) (try|give it a go|do that))\b",
    re.I,
)
_INVITES_PLAN = ("goal_setting", "problem_solving")
# A proposal: advice or options, or information with a yes/no question ("... Would you give it a try?").
# Agreeing to hear information ("Can I explain?" "Yes please") or confirming it ("Does that fit?") is no plan.
_OFFERS_PLAN = ("advice", "options")
_OFFERS_WITH_A_QUESTION = ("information",)


@dataclass
class ClinicianTurn:
    index: int  # over all turns, from 0
    position: int  # among clinician turns, from 0
    text: str
    analysis: TurnAnalysis
    events: tuple[str, ...]
    patient_reply: str | None = None


@dataclass
class Conversation:
    source: str
    turns: list[dict[str, Any]]  # {index, speaker, text}
    clinician: list[ClinicianTurn]
    plans: list[dict[str, Any]] = field(default_factory=list)  # {plan, source, turn}
    disclosed: set[str] = field(default_factory=set)
    codes_used: set[str] = field(default_factory=set)

    @classmethod
    def build(cls, source: str, speakers_and_texts: list[tuple[str, str]], reader: TurnReader | None = None) -> Conversation:
        reader = reader or TurnReader()
        memory = EventCounters()
        turns: list[dict[str, Any]] = []
        clinician: list[ClinicianTurn] = []
        last_patient: str | None = None
        for index, (speaker, text) in enumerate(speakers_and_texts):
            turns.append({"index": index, "speaker": speaker, "text": text})
            if speaker == "patient":
                last_patient = text
                if clinician and clinician[-1].patient_reply is None and clinician[-1].index == index - 1:
                    clinician[-1].patient_reply = text
                continue
            analysis = reader.analyse(text, last_patient)
            clinician.append(ClinicianTurn(index, len(clinician), text, analysis, detect_events(analysis, memory)))
        if clinician:
            clinician[-1].analysis = reader.closing_last(clinician[-1].analysis)
        conversation = cls(source, turns, clinician)
        conversation.codes_used = {code for turn in clinician for code in turn.analysis.codes}
        return conversation

    def detect_plans(self) -> None:
        """For transcripts (no engine state): who put forward the plan that was agreed, from the words."""
        for turn in self.clinician:
            reply = turn.patient_reply or ""
            if not reply:
                continue
            if turn.analysis.has(*_INVITES_PLAN) and _PROPOSES.search(reply):
                self.plans.append({"plan": "proposed by the patient", "source": "patient", "turn": turn.index + 1})
            elif _offers_plan(turn.analysis) and (_AGREES.search(reply) or re.search(r"\bI'll\b|\bI will\b", reply)):
                self.plans.append({"plan": "agreed to the clinician's proposal", "source": "clinician", "turn": turn.index + 1})


def _offers_plan(analysis: TurnAnalysis) -> bool:
    return analysis.has(*_OFFERS_PLAN) or (analysis.has(*_OFFERS_WITH_A_QUESTION) and analysis.has("closed_question"))


def from_transcript(source: str, turns: list[TranscriptTurn], reader: TurnReader | None = None) -> Conversation:
    conversation = Conversation.build(source, [(t.speaker, t.text) for t in turns], reader)
    conversation.detect_plans()
    return conversation


def from_session(source: str, session: Any, reader: TurnReader | None = None) -> Conversation:
    """A saved session: the patient engine's own record of plans and disclosures is used as is."""
    conversation = Conversation.build(source, [(t.speaker, t.text) for t in session.turns], reader)
    final = next((t.state for t in reversed(session.turns) if t.state), None) or {}
    conversation.plans = list(final.get("plans", []))
    conversation.disclosed = {d["fact"] for d in session.disclosures}
    return conversation
