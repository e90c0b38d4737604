"""The claim checker: is a model patient's reply true to the scenario and to the session so far?

The guard's other checks ask whether a reply gives a locked fact away or steps out of the role; this one
reads what the reply claims, sentence by sentence, against what the scenario says of the patient (facts,
locked or not, what they know of their own life, the persona, their lines) and what was said in the session:
- contradiction: a clause says the opposite of a fact, the persona, the patient's own life or an earlier
  reply (the same subject in other words, the other polarity); a firm "no" to a question about something
  the patient keeps back (they would be guarded, not deny it); a wrong age, job, relative's name or medicine;
- invented: a medicine, condition or habit that nothing in the scenario or the session names; a relative
  the scenario never mentions; a relative's health that nothing supports ("my wife has it too");
- negated_disclosure: this turn's planned fact said the other way round;
- role_swap, persona_leak, echo, repeat: see simulator/patient/speech_checks.py.
Heuristic, tuned to pass what is true: every shipped scenario's scripted replies pass (tests/test_claims.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from itertools import chain
from typing import Any

from simulator.analysis.lexicon import keyword_pattern, shared_lexicon
from simulator.patient.claimwords import (
    AGE_CLAIM,
    ANY_RELATIVE,
    OPENERS,
    SELF,
    SOMEONE,
    Clause,
    a_denial,
    aligned,
    claim_words,
    clauses,
    is_question,
    low,
    number,
    relation_groups,
    sentences,
    stems,
)
from simulator.patient.director import Decision
from simulator.patient.speech_checks import SpeechChecks
from simulator.patient.state import PatientState
from simulator.scenario.model import Scenario

KINDS = ("contradiction", "invented", "negated_disclosure", "role_swap", "persona_leak", "echo", "repeat")
_MINE = re.compile(r"\b(my|i|i'm|i've|me|mine)\s+(\S+\s+)?$")  # "my sugar", "I need insulin": the patient's own
_NAMED = re.compile(r"\b(?i:my|our)\s+(?:(\w+(?: \w+)?)\s*,?\s+)?([A-Z][a-z]{2,})\b")
_NOT_NAMES = frozenset("i god christmas easter monday tuesday wednesday thursday friday saturday sunday doctor dr nurse".split())
_NOT_THEIRS = ("concern", "belief", "expectation", "idea")  # fact kinds of fears and hopes, not of what is taken
_SAYS_JOB = re.compile(r"\bi(?:'m| am| work| worked| was)\b(?:\s+\w+){0,4}\s*$")
Units = list[tuple[frozenset[str], frozenset[str]]]  # (people, stems) of a sentence


def touched(scenario: Scenario, state: PatientState, decision: Decision) -> tuple[list[str], list[str]]:
    """(locked facts, disclosed facts) the clinician's turn asked about: the ones a "no" would deny."""
    engaged = decision.analysis.engaged_topics
    locked = [f.id for f in scenario.hidden_facts if f.id not in state.disclosed and set(f.topics) & engaged] if decision.touched_hidden else []
    return locked, [f.id for f in decision.touched_known]


class ClaimChecker:
    """Per scenario: its statements, parted into clauses, and the words and people it knows."""

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        p = scenario.patient
        self.words = claim_words()
        lines = [line for pool in scenario.lines.values() for line in pool] + [
            line for level in scenario.voice.values() for pool in level.values() for line in pool] + [
            line for plan in scenario.accept_plans for line in plan.says_back]  # a teach-back says the plan again on purpose
        # statements of the patient's life: (source, lines, told in the third person)
        units: list[tuple[str, Sequence[str], bool]] = [(f.id, [f.content], True) for f in scenario.facts]
        units += [(f.id, f.says, False) for f in scenario.facts] + [("knows", k.says, False) for k in p.knows]
        units += [("persona", [p.occupation, p.home_life], True), ("scenario", scenario.opening_says, False)]
        units += [("scenario", c.says, False) for c in scenario.cues]
        plans = [line for plan in (*scenario.accept_plans, *scenario.reject_plans) for line in (*plan.says, *plan.proposes)]
        extra = [scenario.briefing, scenario.opening_reason, *scenario.conditions, *p.questions, *lines, *plans, *(c.feeling or "" for c in scenario.cues),
                 *(r.description for r in scenario.rubric_items), *chain.from_iterable(scenario.topics.values())]
        corpus = [line for _, group, _ in units for line in group] + extra
        self.names = {n.lower() for k in p.knows for n in k.names} | self._relative_names(corpus)
        self._name = re.compile(r"\b(" + "|".join(sorted(map(re.escape, self.names), key=len, reverse=True)) + r")\b") if self.names else None
        self.aliases = self._aliases(corpus)
        self.sources: list[Clause] = []
        self.people_units: Units = []
        for source, group, third in units:
            for sentence, people in self.people_of(group, third):
                self.sources += clauses(sentence, people, source)
                self.people_units.append((people, stems(sentence)))
        self.support = self.sources + [c for sentence, people in self.people_of(extra, False) for c in clauses(sentence, people, "support")]
        self.vocabulary = self.with_synonyms(" ".join(corpus))
        self.corpus_text = low(" ".join(corpus))
        # their job, as the persona and what they know of their own life give it (the clinician's is not theirs)
        self.working_life = stems(" ".join((p.occupation, p.home_life, *(line for k in p.knows for line in k.says), *(f.content for f in scenario.facts))))
        self.relatives = {g for _, people in self.people_of(corpus, True) for g in people if g not in self.names}
        kinds = {f.id: f.kind for f in scenario.facts}
        theirs = [" ".join(k.says) for k in p.knows if "medication" in k.topics or k.about == "medicines"]
        theirs += [scenario.briefing, *(line for plan in scenario.accept_plans for line in (*plan.says, *plan.proposes, *plan.says_back, *plan.leans))]
        theirs += [c.text for c in self.sources if not c.people and not c.negative and kinds.get(c.source, "knows") not in _NOT_THEIRS]
        self.own_medicines = self.medicines(theirs)
        self.condition_stems = frozenset(s for c in scenario.conditions for s in self.with_synonyms(c))
        self.speech = SpeechChecks(scenario, self.names, lines)
        # what a question about a fact may name: its words, or one of its topics' keywords
        lexicon = shared_lexicon()
        self.fact_words = {f.id: stems(" ".join((f.content, *f.says))) for f in scenario.facts}
        self.fact_topics = {f.id: keyword_pattern([k for t in f.topics for k in (t.replace("_", " "), *lexicon.shared_topics.get(t, ()),
                                                   *lexicon.everyday_topics.get(t, ()), *scenario.topics.get(t, ()))]) for f in scenario.facts}

    def for_turn(
        self,
        *,
        planned_ids: Iterable[str] = (),
        earlier_patient_lines: Sequence[str] = (),
        clinician_text: str = "",
        earlier_clinician_lines: Sequence[str] = (),
        gist: str = "",
        touched_locked_ids: Iterable[str] = (),
        touched_known_ids: Iterable[str] = (),
    ) -> TurnClaims:
        """The checks for one turn. `gist` is its scripted line: what that says (a "no", a repeat) the reply
        may say too. `touched_*`: the facts the clinician asked about (see `touched`)."""
        return TurnClaims(self, set(planned_ids), tuple(earlier_patient_lines), clinician_text, tuple(earlier_clinician_lines), gist,
                          list(touched_locked_ids), list(touched_known_ids))

    def check(self, text: str, **turn: Any) -> list[str]:
        """One reply's problems (KINDS, in that order; [] when it is true): `for_turn(**turn).check(text)`."""
        return self.for_turn(**turn).check(text)

    # -- reading ---------------------------------------------------------------------------------

    def _relative_names(self, corpus: Iterable[str]) -> set[str]:
        """Names that follow a relation word ("his wife Sandra", "our Kelly") anywhere in the scenario."""
        found = set()
        for line in corpus:
            for match in self.words.relation_any_case.finditer(line):
                name = re.match(r"\s*,?\s+([A-Z][a-z]+)\b", line[match.end() :])
                if name:
                    found.add(name.group(1))
            found |= set(re.findall(r"\bour ([A-Z][a-z]+)\b", line))
        return {n.lower() for n in found if n.lower() not in _NOT_NAMES}

    def people(self, sentence: str, third: bool) -> frozenset[str]:
        """The relatives (by group) and names a sentence speaks of; none: the patient. In a third-person
        line (a fact's content) "he" and "she" are the patient."""
        text = low(sentence)
        people = relation_groups(text)
        if self._name is not None:
            people |= set(self._name.findall(text))
        if self.words.any_relative.search(text):
            people.add(ANY_RELATIVE)
        if not people and not third and self.words.other_person.search(text):
            people.add(SOMEONE)
        return frozenset(people)

    def people_of(self, lines: Iterable[str], third: bool) -> list[tuple[str, frozenset[str]]]:
        """Sentences with their people; "he" or "she" is whoever the line named last."""
        out = []
        for line in lines:
            last = SELF
            for sentence in sentences(line):
                people = self.people(sentence, third)
                if people == {SOMEONE} and last:
                    people = last
                last = people if people and people != {SOMEONE} else last
                out.append((sentence, people))
        return out

    def _aliases(self, corpus: Iterable[str]) -> dict[str, frozenset[str]]:
        """Who may be the same person: the people named in one sentence ("his wife Sandra")."""
        aliases: dict[str, set[str]] = {}
        for line in corpus:
            for sentence in sentences(line):
                people = self.people(sentence, True) - {ANY_RELATIVE, SOMEONE}
                for person in people:
                    aliases.setdefault(person, {person}).update(people)
        return {person: frozenset(group) for person, group in aliases.items()}

    def medicines(self, lines: Iterable[str]) -> frozenset[str]:
        return frozenset(s for line in lines for m in self.words.medicines.finditer(low(line)) for s in stems(m.group()))

    def with_synonyms(self, text: str) -> frozenset[str]:
        """Stems of a text, and of every other word for a condition it names ("the sugar": diabetes)."""
        found = set(stems(text))
        lowered = f" {low(text)} "
        for group in self.words.synonyms:
            if any(f" {word}" in lowered and re.search(rf"\b{re.escape(word)}\b", lowered) for word in group):
                found |= {s for word in group for s in stems(word)}
        return frozenset(found)


_CHECKERS: dict[int, tuple[Scenario, ClaimChecker]] = {}


def claim_checker(scenario: Scenario) -> ClaimChecker:
    """One checker per scenario object: building one reads every line of the scenario, and a guard is
    made for every model patient."""
    hit = _CHECKERS.get(id(scenario))
    if hit is None or hit[0] is not scenario:
        if len(_CHECKERS) >= 64:
            _CHECKERS.clear()
        hit = _CHECKERS[id(scenario)] = (scenario, ClaimChecker(scenario))
    return hit[1]


class TurnClaims:
    """One turn's claim checks: the session so far read once, then `check` for each (partial) reply."""

    def __init__(self, checker: ClaimChecker, planned: set[str], earlier: tuple[str, ...], clinician: str, heard: tuple[str, ...], gist: str,
                 locked: list[str], known: list[str]):
        c = self.checker = checker
        self.planned = planned
        # a "no" answers the turn's questions: facts they are about, in their words
        self.question = " ".join(s for s in sentences(clinician) if is_question(s))
        asked = stems(self.question)
        self.locked = [f for f in locked if c.fact_words[f] & asked or c.fact_topics[f].search(self.question)]
        self.known_facts = [f for f in known if c.fact_words[f] & asked or c.fact_topics[f].search(self.question)]
        spoken = [clinician, *heard]
        said_to = stems(" ".join(spoken))
        earlier_clauses = [cl for s, people in c.people_of(earlier, False) for cl in clauses(s, people, "earlier") if not cl.question]
        self.sources = [cl for cl in (*c.sources, *earlier_clauses) if not cl.question and not cl.hypothetical]
        self.support = [cl for cl in (*c.support, *earlier_clauses) if not cl.question]
        self.subjects = c.vocabulary | frozenset(s for cl in earlier_clauses for s in cl.stems if s in said_to)
        self.gist_denies = bool(gist) and a_denial(sentences(gist), self.question, c.sources)
        self.gist_affirms = bool(gist) and _affirmation(sentences(gist))
        # what the clinician said may be said back; an earlier reply only ever adds what the scenario has
        self.known = c.vocabulary | c.with_synonyms(" ".join((*spoken, gist)))
        self.known_text = " ".join((c.corpus_text, *map(low, spoken), low(gist)))
        told = [s for s, _ in c.people_of(spoken, False) if not is_question(s)]
        self.own = c.own_medicines | c.medicines(told)
        self.units: Units = c.people_units + [(people, stems(s)) for s, people in c.people_of(told, False)]
        self.heard_people = {g for line in spoken for g in c.people(line, False)}
        self.speech = c.speech.for_turn(earlier, clinician, gist, heard)

    def check(self, text: str) -> list[str]:
        said = list(sentences(text))
        people = self.checker.people_of([" ".join(said)], False) if said else []
        found = self._polarity(people) | self._invented(people) | self.speech.check(text, said)
        if self._denies(said) or self._affirms_against(said):
            found.add("contradiction")
        return [kind for kind in KINDS if kind in found]

    def stops(self, partial: str) -> list[str]:
        """While streaming: the kinds that need no whole sentence to be sure of (a persona read out, the
        clinician's words in the patient's mouth), for the guard to stop the stream early."""
        return [kind for kind in ("role_swap", "persona_leak") if kind in self.speech.speaker(partial)]

    def _polarity(self, said: list[tuple[str, frozenset[str]]]) -> set[str]:
        """A clause that says the opposite of a statement about the same subject, more closely than any
        statement says the same; the planned fact said the other way round; a wrong age or job."""
        c, found = self.checker, set[str]()
        agrees = opposes = False  # with this turn's planned facts, clause by clause
        for sentence, people in said:
            if is_question(sentence):
                continue
            for clause in clauses(sentence, people, "reply"):
                if not clause.stems or clause.hypothetical:
                    continue
                same = max((len(clause.stems & s.stems) for s in self.support
                            if s.negative == clause.negative and aligned(people, s.people, c.aliases)), default=0)
                best, against = 0, None
                for s in self.sources:
                    shared = clause.stems & s.stems & self.subjects  # what both are about, in the scenario's or the session's words
                    if s.negative != clause.negative and len(shared) > best and (len(shared) >= 2 or shared & c.words.term_stems):
                        if aligned(people, s.people, c.aliases):
                            best, against = len(shared), s
                if against is not None and best > same:
                    found.add("negated_disclosure" if against.source in self.planned else "contradiction")
                facts = [s for s in self.sources if s.source in self.planned and s.stems & clause.stems and aligned(people, s.people, c.aliases)]
                agrees |= any(s.negative == clause.negative for s in facts)
                opposes |= any(s.negative != clause.negative for s in facts)
            if self._wrong_age_or_job(low(sentence)):
                found.add("contradiction")
        if opposes and not agrees:  # the planned fact's words, all said the other way round
            found.add("negated_disclosure")
        return found

    def _wrong_age_or_job(self, text: str) -> bool:
        age = self.checker.scenario.patient.age
        if any((value := number(m.group(1))) is not None and 16 <= value <= 110 and value not in (age, age + 1) for m in AGE_CLAIM.finditer(text)):
            return True
        return any(_SAYS_JOB.search(text[max(0, m.start() - 40) : m.start()]) and not stems(m.group()) <= self.checker.working_life
                   for m in self.checker.words.jobs.finditer(text))

    def _denies(self, said: list[str]) -> bool:
        """A firm "no" where the scenario's patient keeps something back, or has said the opposite."""
        c = self.checker
        if not said or not (self.locked or self.known_facts) or self.gist_denies or not a_denial(said, self.question, c.sources):
            return False
        if _ANYTHING_ELSE.search(low(self.question)):
            return False  # "No" to "anything else you'd like to cover?" keeps a secret; it denies no fact
        if self.locked:
            return True
        asked = stems(self.question)
        for fact_id in self.known_facts:
            best = max((s for s in c.sources if s.source == fact_id and s.stems & asked), key=lambda s: len(s.stems & asked), default=None)
            if best is not None and not best.negative:
                return True
        return False

    def _affirms_against(self, said: list[str]) -> bool:
        """A firm "yes" to a plain question about a fact that says the opposite ("Are you taking the brown
        one twice a day?" "Yes, I do." from a patient who stopped it), unless the scripted line says yes too."""
        if not said or not (self.locked or self.known_facts) or self.gist_affirms or not _affirmation(said):
            return False
        if any(cl.negative for s in sentences(self.question) for cl in clauses(s, SELF, "question")):
            return False  # "You're not taking it?" "Yes." could mean either
        if not any(_CLOSED.match(low(q)) for q in sentences(self.question)):
            return False  # "yes" answers only a yes/no question
        asked = stems(self.question)  # the fact's own words, two or more, asked about: not "metformin" alone for "skips the evening dose"
        facts = (*self.locked, *self.known_facts)
        return any(s.source in facts and s.negative and len(s.stems & asked) >= 2 for s in self.checker.sources)

    def _invented(self, said: list[tuple[str, frozenset[str]]]) -> set[str]:
        c, found = self.checker, set[str]()
        for sentence, people in said:
            if is_question(sentence):
                continue
            text = low(sentence)
            if any(not self._named_before(m.group()) for m in c.words.terms.finditer(text)):
                found.add("invented")
            taken = [stems(m.group(m.lastindex or 0)) for m in c.words.taking.finditer(text)]
            if any(medicine <= self.known and not medicine <= self.own for medicine in taken):
                found.add("contradiction")  # "I've been on insulin": not one of their medicines
            owned = relation_groups(text, owned=True)
            if owned - c.relatives - self.heard_people:
                found.add("invented")  # a relative the scenario never mentions
            names = c.people(sentence, False) & c.names
            # whom the sentence speaks of: their own relatives and names in it, or whom its "he" or "she" stands for
            others = frozenset(owned | names) if names or relation_groups(text) else people - {ANY_RELATIVE, SOMEONE}
            if others and not self._health_supported(text, others):
                found.add("invented")
            found |= self._named(sentence)
        return found

    def _named_before(self, term: str) -> bool:
        """Does the scenario or the session name this medicine, condition, habit or symptom? A phrase with one
        word of substance ("like running") must be there whole: "runs" is not running."""
        words = stems(term)
        return words <= self.known and (len(words) > 1 or " " not in term or term in self.known_text)

    def _health_supported(self, text: str, people: frozenset[str]) -> bool:
        """Is what the sentence says of a relative's health said of them somewhere (or of "the family")?"""
        c = self.checker
        places = [m.start() for m in c.words.relation.finditer(text)] + [text.find(n) for n in people if n in c.names and n in text]
        first = min(places, default=0)
        mentions: list[list[frozenset[str]]] = []
        for match in c.words.terms.finditer(text):
            if match.start() > first and not _MINE.search(text[: match.start()]):
                word = match.group()
                mentions.append([stems(word), *(stems(w) for g in c.words.synonyms if word in g for w in g)])
        for meaning, pattern, words in c.words.relative_health:
            for match in pattern.finditer(text):
                if match.start() > first and not _MINE.search(text[: match.start()]):
                    same = meaning == "same_condition"
                    mentions.append([frozenset({s}) for s in c.condition_stems] if same else [stems(w) for w in words])
        units = [stems_ for who, stems_ in self.units if who and aligned(people, who, c.aliases)]
        return all(any(alt and alt <= unit for alt in alternatives for unit in units) for alternatives in mentions)

    def _named(self, sentence: str) -> set[str]:
        """"my wife Linda" where the scenario's wife is Sandra (contradiction), or a new "our Linda" (invented)."""
        c, found = self.checker, set[str]()
        for match in _NAMED.finditer(sentence):
            relation, name = match.group(1), match.group(2)
            if name.lower() in c.names or name.lower() in _NOT_NAMES or stems(name) <= self.known:
                continue
            group = relation_groups(relation.lower()) if relation else set()
            if (relation and not group) or (not relation and match.group().lower().startswith("my")):
                continue  # "my old friend Bob", "my Fitbit": not a relative ("our Linda" is)
            named = any(a in c.names for g in group for a in c.aliases.get(g, ()))
            found.add("contradiction" if named else "invented")
        return found


_YES = re.compile(r"^(?:(?:yes|yeah|yep|yup|aye|of course|definitely)\b|(?:i do|i am|i have|i'm)\s*(?:[.,!]|$))")
_ANYTHING_ELSE = re.compile(r"\b(anything|something) else\b|\bany other (things?|issues?|concerns?|problems?|questions?)\b")
_CLOSED = re.compile(r"^(?:and |so |but )?(?:are|do|does|did|is|have|has|were|was|can|will|would)\b")  # a yes/no question


def _affirmation(said: Sequence[str]) -> bool:
    return bool(said) and bool(_YES.match(OPENERS.sub("", low(said[0]))))
