"""A consultation prepared for grading: every clinician turn analysed (codes, spans, topics, events),
plans agreed and facts disclosed, from a saved session or a plain transcript."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from simulator.analysis import TurnReader, TurnAnalysis
from simulator.analysis import plans
from simulator.analysis.events import EventCounters, detect_events
from simulator.transcript import TranscriptTurn

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
        """For transcripts (no engine state): plans read from the words, by analysis/plans.py. A plan the
        patient puts forward counts wherever it comes; agreeing to the clinician's needs a commitment in
        the patient's words, not just "okay"; a lecture offers nothing."""
        for turn in self.clinician:
            reply = turn.patient_reply or ""
            if not reply:
                continue
            lecture = "lecturing" in turn.events
            if plans.patient_proposes(reply, invited=plans.invites_plan(turn.analysis)):
                self.plans.append({"plan": "proposed by the patient", "source": "patient", "turn": turn.index + 1})
            elif not lecture and plans.offers_plan(turn.analysis, turn.text) and plans.patient_commits(reply):
                self.plans.append({"plan": "agreed to the clinician's proposal", "source": "clinician", "turn": turn.index + 1})

    @property
    def plan_owner(self) -> str | None:
        return plans.owner(self.plans)


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
