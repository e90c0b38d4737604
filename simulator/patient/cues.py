"""The patient's cues: hints of an unspoken concern, dropped when a question comes near it, and whether
the clinician took them up.

A cue is offered in the patient's reply when a turn touches one of its topics while the fact it leads
to is still unspoken. The clinician's next turn (or the one after) takes it up by exploring it
(analysis/cues.py: a reflection, empathy, an open question about it); otherwise it is missed. Two
missed cues in a row and the patient stops offering them until one is taken up.
"""

from __future__ import annotations

from simulator.analysis.cues import takes_up
from simulator.analysis.turns import TurnAnalysis
from simulator.patient.state import PatientState
from simulator.scenario.model import Cue, Scenario

WAIT = 2  # clinician turns a cue waits to be taken up
MISSED_BEFORE_SILENCE = 2  # missed in a row: the patient stops offering cues


class CueTracker:
    def __init__(self, scenario: Scenario, state: PatientState):
        self.scenario = scenario
        self.state = state
        self.by_id = {cue.id: cue for cue in scenario.cues}

    def pending(self) -> dict | None:
        return next((r for r in reversed(self.state.cues) if r["outcome"] == "open"), None)

    def outcome(self, analysis: TurnAnalysis, turn: int) -> tuple[str, Cue] | None:
        """Whether this clinician turn took up the cue offered before it: ("taken_up" | "missed", cue)."""
        record = self.pending()
        if record is None:
            return None
        cue = self.by_id.get(record["cue"])
        if cue is None:
            record["outcome"] = "missed"
            return None
        explores = takes_up(analysis) or (analysis.has("open_question") and bool(set(cue.topics) & analysis.engaged_topics))
        if explores:
            record.update(outcome="taken_up", answered=turn)
            self.state.missed_run = 0
            return "taken_up", cue
        record["waited"] = record.get("waited", 0) + 1
        if record["waited"] >= WAIT or analysis.has("advice", "closing"):
            record.update(outcome="missed", answered=turn)
            self.state.missed_run += 1
            return "missed", cue
        return None

    def offer(self, analysis: TurnAnalysis, turn: int) -> Cue | None:
        """A cue for the patient's reply to this turn, if the turn came near an unspoken concern."""
        state = self.state
        if state.missed_run >= MISSED_BEFORE_SILENCE or self.pending() is not None:
            return None
        offered = {r["cue"] for r in state.cues}
        engaged = analysis.engaged_topics
        for cue in self.scenario.cues:
            if cue.id in offered or not set(cue.topics) & engaged:
                continue
            if cue.leads_to is not None and cue.leads_to in state.disclosed:
                continue
            state.cues.append({"cue": cue.id, "turn": turn + 1, "outcome": "open"})
            return cue
        return None
