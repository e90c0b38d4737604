"""The technical words that are the patient's own, and the jargon that loses them.

A word is theirs when they use it in their own lines (what they tell, know, hint at or ask), when they have said it
in this consultation, or when the clinician explained it as it was said ("your long-term sugar test, the HbA1c"):
none of these is jargon to them. Any other jargon the reader codes loses a patient who would not follow it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from simulator.analysis import TurnAnalysis
from simulator.analysis.features import stem
from simulator.patient.state import PatientState
from simulator.scenario.model import Scenario


class TheirWords:
    def __init__(self, scenario: Scenario, jargon: re.Pattern[str], state: PatientState):
        self.scenario, self.jargon, self.state = scenario, jargon, state
        self.in_their_lines = their_terms(scenario, jargon)  # "hypo" to a man whose fear is hypos

    def heard(self, analysis: TurnAnalysis) -> None:
        """A clinician turn: the jargon it explains as it goes (in it, not coded as jargon) is theirs from now on."""
        coded = {h.text.lower() for h in analysis.hits if h.code == "jargon"}
        self._own(m.group() for m in self.jargon.finditer(analysis.text.lower()) if m.group() not in coded)

    def said(self, reply: str) -> None:
        """The patient's reply: a technical word they used is never jargon to them."""
        self._own(m.group() for m in self.jargon.finditer(reply.lower()))

    def confused(self, analysis: TurnAnalysis) -> bool:
        """Unexplained jargon, for a patient who will not follow it, unless the word is theirs."""
        if self.scenario.patient.speech.health_literacy == "high":
            return False
        own = {stem(word) for word in self.state.own_words}  # "a hypo" said, "hypos" heard: their own word still
        return any(h.code == "jargon" and stem(h.text.lower()) not in own | self.in_their_lines for h in analysis.hits)

    def _own(self, words: Iterable[str]) -> None:
        own = self.state.own_words
        own.extend(w for w in dict.fromkeys(words) if w not in own)


def their_terms(scenario: Scenario, jargon: re.Pattern[str]) -> frozenset[str]:
    """The technical words the patient uses in their own lines (what they tell, know, hint at or ask): never jargon
    to them, whether or not they have said them yet in this consultation."""
    p = scenario.patient
    lines = [*scenario.opening_says, *p.questions, *(line for c in scenario.cues for line in c.says)]
    for says, details in [(f.says, f.details) for f in scenario.facts] + [(k.says, k.details) for k in p.knows]:
        lines += [*says, *(line for _, options in details for line in options)]
    return frozenset(stem(m.group()) for line in lines for m in jargon.finditer(line.lower()))
