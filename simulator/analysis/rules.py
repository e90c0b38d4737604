"""The exact part of the turn reader: word-list rules with evidence spans.

Rules find what a list can find exactly (a 0-10 ruler, "in your own words", "any questions?", "anything
else?", a named resource, jargon) and give the words that show it. They also propose a question form
for each unit; the learned model (model.py) weighs that against everything else it sees.
Patterns live in simulator/data/lexicon/codes.yaml and run on lower-cased, cleaned text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from simulator.analysis.features import stem
from simulator.analysis.lexicon import Lexicon
from simulator.analysis.units import Unit

# Fillers that do not change what a sentence is: "So, what ..." is still a what-question.
_LEAD_FILLER = re.compile(
    r"^(?:(?:so|and|ok|okay|right|well|now|alright|great|good|perfect|exactly|fine|yes|yeah|yep|no|actually|oh|but|then|um|erm)\b[,\s]*)+"
)
# Where a question can start inside a sentence: "Hello Brenda, come in, how have you been?"
_CLAUSE = re.compile(r"[,;:\u2014\u2013]\s*|\s+-\s+")
# Without a question mark, "what/how/why" starts a question only when it is addressed to the patient:
# "what brings you in" is a question, "what this means is..." is information.
_WH = re.compile(r"^(?:what|how|why)\b")
_WH_TO_YOU = re.compile(r"^(?:what|how|why)(?:'s)?\s+(?:[\w']+\s+){0,2}?(?:you|your|been|brings|happened|happening|going on)\b")
_AUX_SUBJECT = re.compile(
    r"^(?:do|does|did|is|are|was|were|have|has|had|can|could|will|would|should|any|anything)\s+"
    r"(?:you|your|there|it|that|anything|anyone|he|she|they|things)\b"
)
DECLARATIVE = "declarative"  # ends with "?" but has no question word: a reflection or a closed question


@dataclass(frozen=True)
class RuleHit:
    code: str
    start: int  # in the cleaned text
    end: int


class Rules:
    def __init__(self, lexicon: Lexicon):
        self.lexicon = lexicon

    def code_hits(self, low: str, only: frozenset[str] | None = None) -> list[RuleHit]:
        """The code patterns (all, or `only` these codes) over the whole cleaned, lower-cased turn."""
        hits = []
        not_after = self.lexicon.not_after
        possible = self.lexicon.code_filter.possible(low)  # statement codes are searched unit by unit (statement_hits)
        for code, pattern in self.lexicon.codes.items():
            if code not in possible or (only is not None and code not in only):
                continue
            for match in pattern.finditer(low):
                if code in not_after and not_after[code].search(low[max(0, match.start() - 50) : match.start()]):
                    continue
                hits.append(RuleHit(code, match.start(), match.end()))
                if len(hits) > 200:  # a pathological turn; enough evidence already
                    return hits
        return hits

    def statement_hits(self, low: str, start: int, end: int) -> tuple[RuleHit, ...]:
        """The statement codes (reflection, information, advice), whose patterns read a sentence from its
        start, searched in one unit."""
        text = low[start:end]
        found = []
        for code in self.lexicon.statement_codes:
            if match := self.lexicon.codes[code].search(text):
                found.append(RuleHit(code, start + match.start(), start + match.end()))
        return tuple(found)

    def question_form(self, unit_low: str) -> str | None:
        """open_question, closed_question, declarative (a "?" without a question word) or None (tells)."""
        sentence = unit_low.strip()
        if not sentence:
            return None
        core = _LEAD_FILLER.sub("", sentence)
        last = sentence[-1]
        asks = last == "?"
        if asks and (late := self._late_open(core)):
            return late  # "When you got our letter, what went through your head?"
        if kind := self._form(core, asks):
            return kind
        if asks:  # the question may start after an opening clause: "Hello, what can I do for you?"
            clauses = (_LEAD_FILLER.sub("", clause) for clause in _CLAUSE.split(core)[1:])
            return next((kind for clause in clauses if (kind := self._form(clause, True))), DECLARATIVE)
        if last not in ".!" and self.lexicon.tag_question.search(core):  # "you're here for your check yes"
            return "closed_question"
        return None

    def _late_open(self, core: str) -> str | None:
        """A question asked in a later clause, after an opening clause that sets the scene: the question
        is the clause that asks (a closing tag like ", is that right?" is not such a clause)."""
        clauses = _CLAUSE.split(core)
        if len(clauses) < 2 or self._form(clauses[0], False) == "open_question":
            return None
        for clause in clauses[1:]:
            clause = _LEAD_FILLER.sub("", clause)
            if self.lexicon.open_start.match(clause) and _WH_TO_YOU.match(clause):
                return "open_question"
        return None

    def _form(self, core: str, asks: bool) -> str | None:
        lex = self.lexicon
        if lex.open_start.match(core) and (asks or _WH_TO_YOU.match(core) or not _WH.match(core)):
            return "open_question"
        if lex.closed_start.match(core) and (asks or _AUX_SUBJECT.match(core) or lex.closed_without_mark.match(core)):
            return "closed_question"
        return None


# -- what the rules read of a unit besides its codes: an echo of the patient, a statement that informs --------

def echoes(unit: Unit, heard: frozenset[str] | None, lex: Lexicon) -> bool:
    """Most of the unit's content words are the patient's own (a short unit: most of all its words)."""
    if not heard or len(unit.words) > lex.echo_max_words:
        return False
    content = [stem(w) for w in unit.words if w not in lex.echo_stopwords]
    if not content or (len(content) < lex.echo_min_content and len(unit.words) < lex.echo_min_words):
        return False
    return sum(w in heard for w in content) >= lex.echo_min_share * len(content)


def informs(core: str, lex: Lexicon) -> bool:
    """A declarative sentence about something other than the two speakers, not an acknowledgement."""
    if core.count(" ") + 1 < lex.info_min_words or lex.info_not_starting.match(core):
        return False
    return bool(lex.info_subject.match(core) or ((comma := core.find(", ")) > 0 and lex.info_subject.match(core, comma + 2)))
