"""The patient's own life in their words: what they know of it (`patient.knows`), by what the question asks of it.
A part of the scripted actor (simulator/patient/actor.py), kept apart so that each module holds one idea."""

from __future__ import annotations

from collections.abc import Sequence

from simulator.analysis.lexicon import Lexicon
from simulator.patient.asking import asks_itself
from simulator.patient.director import Decision
from simulator.patient.followup import closest
from simulator.patient.state import PatientState
from simulator.scenario.model import Knowledge, Scenario


class LifeVoice:
    """Mixed into ScriptedActor, whose scenario, lexicon and line choosers it uses."""

    scenario: Scenario
    lexicon: Lexicon

    def _remembered(self, key: str, options: Sequence[str], decision: Decision, state: PatientState, pool: str | None = None) -> str:
        raise NotImplementedError

    def _by_kind(self, decision: Decision, state: PatientState, pool: str | None = None) -> str:
        raise NotImplementedError

    def _known(self, knows: Knowledge, decision: Decision, state: PatientState) -> str | None:
        """What they know of their own life; asked how often, since when or why of it, that ("How long have you been there?").
        None when the question asks something else of it that the entry does not hold and they have told something it is about."""
        index, asked = self.scenario.patient.knows.index(knows), decision.analysis.aspect
        key, detail = asked, knows.detail(asked)
        if not detail:
            if line := self._of_aspect(decision, state):  # "Does your boss know?" with nothing written on it: who knows
                return line
            if not asks_itself(decision.analysis, knows, self.lexicon):
                key, detail = "what_like", knows.detail("what_like")  # "Do you miss it?" of their work: what it was like, not what it was
                told = decision.touched_known[0] if decision.touched_known else None
                if not detail and told is not None and told.detail(asked):
                    return None  # "What was behind that?" after they stopped a tablet: why they stopped, not what they take
        if detail:
            return self._remembered(f"knows:{index}:{key}", closest(detail, decision.analysis.text), decision, state)
        return self._remembered(f"knows:{index}", knows.says, decision, state)

    def _of_aspect(self, decision: Decision, state: PatientState) -> str | None:
        """An aspect with shared lines of its own ("Does your boss know?": who_knows, patient_lines.yaml) asked of
        something with no detail for it: a line of that, not what they said or know of the subject again."""
        aspect = decision.analysis.aspect
        return self._by_kind(decision, state, aspect) if aspect in self.scenario.lines else None
