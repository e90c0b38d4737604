"""The patient's cues: hints of an unspoken concern, dropped when a question comes near it, and whether
the clinician took them up.

A cue is offered in the patient's reply when a turn touches one of its topics while the fact it leads
to is still unspoken. The clinician's next turn (or the one after) takes it up by exploring its subject
(analysis/cues.py: a reflection, empathy, an open question about it) or, straight after it, with a bare
"go on" or "that sounds hard"; otherwise it is missed. Two
missed cues in a row and the patient stops offering them until one is taken up.
"""

from __future__ import annotations

from simulator.analysis.cues import takes_up
from simulator.analysis.turns import TurnAnalysis
from simulator.patient.state import PatientState
from simulator.scenario.model import Cue, Scenario

WAIT = 2  # clinician turns a cue waits to be taken up
MISSED_BEFORE_SILENCE = 2  # missed in a row: the patient stops offering cues
BARE_PROMPT_WORDS = 8  # "That sounds hard. Go on?": about nothing but what was just said


class CueTracker:
    def __init__(self, scenario: Scenario, state: PatientState):
        self.scenario = scenario
        self.state = state
        self.by_id = {cue.id: cue for cue in scenario.cues}

    def pending(self) -> dict | None:
        return next((r for r in reversed(self.state.cues) if r["outcome"] == "open"), None)

    def outcome(
        self, analysis: TurnAnalysis, turn: int, carry_on: bool = False, checks_plan: bool = False, asked_about: frozenset[str] | None = None
    ) -> tuple[str, Cue] | None:
        """Whether this clinician turn took up the cue offered before it: ("taken_up" | "missed", cue). `carry_on`: the
        turn only asks them to go on ("Mm. Go on."); `checks_plan`: it asks them to say back the plan, which explores
        nothing ("Tell me back what you'll do about the painkillers"); `asked_about`: for a turn that tells them
        something (explains, advises), the topics its questions name."""
        record = self.pending()
        if record is None:
            return None
        cue = self.by_id.get(record["cue"])
        if cue is None:
            record["outcome"] = "missed"
            return None
        just_said = turn == record["turn"] + 1
        explores = (carry_on and just_said) or (not checks_plan and self._explores(analysis, cue, just_said, asked_about))
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

    @staticmethod
    def _explores(analysis: TurnAnalysis, cue: Cue, just_said: bool, asked_about: frozenset[str] | None = None) -> bool:
        """The turn goes into what the cue hints at: its subject, or a bare "go on" to the reply that held it.
        A reflection of something else, a new subject ("Tell me about your week") or "anything else?" does not."""
        if analysis.has("agenda_setting"):
            return False  # "anything else?" asks for something new
        if asked_about is not None and not analysis.has("reflection", "empathy"):
            # telling them something (an explanation, advice) explores a hint only by an open question about its subject
            # ("Cats can set it off. How do you get on with Liam's?"); "How does that sound?" asks how the news landed
            return bool(set(cue.topics) & asked_about) and analysis.has("open_question")
        # what the patient said last is the cue's reply only straight after it, and a turn that names subjects of its
        # own is about those ("So it's the coughing at night that gets to you" does not take up the brown inhaler)
        taken_from_reply = set(analysis.context_topics) if just_said and not analysis.topics else set()
        near = set(cue.topics) & (set(analysis.topics) | taken_from_reply)
        if near:
            return takes_up(analysis) or analysis.has("open_question")
        # about nothing in particular, straight after it: "Go on?", "What matters most to you, the thing you'd hate to give up?"
        # ("Tell me about your week" asks about something else)
        bare = analysis.word_count <= BARE_PROMPT_WORDS or analysis.kind in (None, "not_covered")
        return just_said and not analysis.topics and bare and takes_up(analysis)

    def offer(self, analysis: TurnAnalysis, turn: int, near: frozenset[str] = frozenset(), anywhere: bool = False) -> Cue | None:
        """A cue for the patient's reply to this turn, if the turn (or, for "go on", what they were saying:
        `near`) came near an unspoken concern; `anywhere` (asked to go on): else whatever is on their mind."""
        state = self.state
        if state.missed_run >= MISSED_BEFORE_SILENCE or self.pending() is not None:
            return None
        offered = {r["cue"] for r in state.cues}
        engaged = analysis.engaged_topics | near
        unsaid = [c for c in self.scenario.cues if c.id not in offered and not (c.leads_to is not None and c.leads_to in state.disclosed)]
        cue = next((c for c in unsaid if set(c.topics) & engaged), unsaid[0] if anywhere and unsaid else None)
        if cue is not None:
            state.cues.append({"cue": cue.id, "turn": turn + 1, "outcome": "open"})
        return cue
