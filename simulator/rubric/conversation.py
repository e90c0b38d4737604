"""A consultation prepared for grading: every clinician turn analysed (codes, spans, topics, events),
plans agreed and facts disclosed, from a saved session or a plain transcript."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from simulator.analysis import TurnAnalysis, TurnReader, plans
from simulator.analysis.cues import find_cues, takes_up
from simulator.analysis.events import EventCounters, detect_events
from simulator.records import to_json
from simulator.transcript import TranscriptTurn

# Events read from both sides of the conversation (the rubric's `event` conditions can name them).
CONVERSATION_EVENTS = (
    "interrupted_opening",  # the patient was cut off in their first turns
    "cue_taken_up", "cue_missed",  # a patient's cue explored, or moved on from (analysis/cues.py)
    "question_unanswered",  # the patient asked and the next turn neither told, reflected nor acknowledged
    "empathy_then_moves_on",  # an empathic phrase, then straight on to a closed question
    "clinician_set_agenda",  # the agenda stated by the clinician with no open invitation first
)
# What answers a patient's question: telling, reflecting, acknowledging.
_ANSWERS = ("information", "advice", "options", "reflection", "empathy", "summary", "backchannel", "safety_net", "follow_up", "resources")
_PATIENT_QUESTION = re.compile(r"(?:^|[.!?]\s+)(?:what|how|why|when|where|who|which|is|are|do|does|did|can|could|will|would|should|shall)\b[^.!?]*\?", re.I)


def _asks(text: str) -> bool:
    """The patient asks the clinician something (a question sentence, not a rhetorical tag)."""
    return bool(_PATIENT_QUESTION.search(text))


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
    def build(
        cls,
        source: str,
        speakers_and_texts: list[tuple[str, str]],
        reader: TurnReader | None = None,
        cue_records: list[dict[str, Any]] | None = None,
        readings: dict[int, TurnAnalysis] | None = None,
    ) -> Conversation:
        """`readings`: clinician turns (by index) read already, as a session records them; the rest are read here."""
        reader = reader or TurnReader()
        readings = readings or {}
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
            analysis = readings.get(index) or reader.analyse(text, last_patient)
            clinician.append(ClinicianTurn(index, len(clinician), text, analysis, detect_events(analysis, memory)))
        if clinician:
            clinician[-1].analysis = reader.closing_last(clinician[-1].analysis)
        conversation = cls(source, turns, clinician)
        conversation.add_conversation_events(cue_records)
        conversation.codes_used = {code for turn in clinician for code in turn.analysis.codes}
        return conversation

    def add_conversation_events(self, cue_records: list[dict[str, Any]] | None = None) -> None:
        """Events that need the patient's side too (see CONVERSATION_EVENTS), added to clinician turns.
        A session's cues come from the director's record (`cue_records`); a transcript's from the words."""
        by_index = {t.index: t for t in self.clinician}
        patient_turns = [t for t in self.turns if t["speaker"] == "patient"]
        for number, patient_turn in enumerate(patient_turns):
            after = by_index.get(patient_turn["index"] + 1)
            if after is None:
                continue
            extra: list[str] = []
            text = patient_turn["text"].rstrip()
            a = after.analysis
            if number < 3 and text.endswith(("-", "\u2014", "\u2013", "...", "\u2026")) and a.is_question:
                extra.append("interrupted_opening")
            if cue_records is None and find_cues(text) and not a.has("closing"):
                extra.append("cue_taken_up" if takes_up(a) else "cue_missed")
            if _asks(text) and not a.has(*_ANSWERS):
                extra.append("question_unanswered")
            after.events = (*after.events, *extra)
        for record in cue_records or ():
            answered = by_index.get(record.get("answered", -1))
            if answered is not None and record.get("outcome") in ("taken_up", "missed"):
                answered.events = (*answered.events, f"cue_{record['outcome']}")
        for turn in self.clinician:
            a = turn.analysis
            if a.has("empathy") and a.has("closed_question") and not a.has("reflection", "open_question", "elicit_ice"):
                turn.events = (*turn.events, "empathy_then_moves_on")
        agenda = next((t for t in self.clinician if t.analysis.has("agenda_setting")), None)
        invited = any(t.analysis.has("open_question") for t in self.clinician[:3])
        if agenda and not agenda.analysis.is_question and not invited:
            agenda.events = (*agenda.events, "clinician_set_agenda")

    def detect_plans(self) -> None:
        """For transcripts (no engine state): plans read from the words, by analysis/plans.py. A plan the
        patient puts forward counts wherever it comes; agreeing to the clinician's needs a commitment in
        the patient's words, not just "okay"; a lecture offers nothing."""
        for turn in self.clinician:
            reply = turn.patient_reply or ""
            if not reply:
                continue
            lecture = "lecturing" in turn.events
            chose = plans.asks_to_choose(turn.analysis, turn.text) and plans.chooses(reply)
            if plans.patient_proposes(reply, invited=plans.invites_plan(turn.analysis)):
                self.plans.append({"plan": "proposed by the patient", "source": "patient", "turn": turn.index + 1})
            elif chose:  # the patient's choice, but among what the clinician framed
                self.plans.append({"plan": "chosen by the patient", "source": "patient", "turn": turn.index + 1, "chosen": True})
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
    """A saved session: the patient engine's own record of plans and disclosures is used as is, and each
    clinician turn is read back as the patient read it when the session recorded the whole reading."""
    reader = reader or TurnReader()
    final = session.final_state
    readings = {i: a for i, t in enumerate(session.turns) if (a := recorded_reading(t, reader)) is not None}  # by position, as build counts
    pairs = [(t.speaker, t.text) for t in session.turns]
    cues = [to_json(cue) for cue in final.cues] if final is not None else []
    conversation = Conversation.build(source, pairs, reader, cue_records=cues or None, readings=readings)
    conversation.plans = [to_json(plan) for plan in final.plans] if final is not None else []
    conversation.disclosed = {d.fact for d in session.disclosures}
    return conversation


def recorded_reading(turn: Any, reader: TurnReader) -> TurnAnalysis | None:
    """A clinician turn's reading as its session recorded it, or None to read it again: an older session
    (no `reading`), or codes this reader does not know (a file from elsewhere is never trusted further)."""
    if turn.speaker != "clinician" or turn.reading is None or turn.codes is None or turn.evidence is None:
        return None
    known = reader.vocabulary_index
    if not all(code in known for code in turn.codes) or not all(e.code in known for e in turn.evidence):
        return None
    if not all(type(e.start) is int and type(e.end) is int for e in turn.evidence):
        return None  # a span JSON Schema lets through as 3.0: read the turn again rather than slice with it
    return TurnAnalysis.from_record(turn.text, turn.codes, turn.evidence, turn.reading)
