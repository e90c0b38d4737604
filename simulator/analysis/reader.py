"""The turn reader: what a clinician turn does, with the words that show it. One for every caller.

The patient's director, the grader and the reply guard all read clinician turns here, so the same turn
always gets the same codes, topics and evidence. Reading goes:

1. speech.py reads through transcription artefacts (tags, fillers, stutters, false starts);
2. units.py splits the turn into units (sentences, and questions that run on without punctuation);
3. rules.py finds what word lists find exactly, with spans, and proposes each unit's question form;
4. model.py scores each unit for each code from its words, its shape, the patient's last turn and the
   rule codes; a per-code policy, chosen on held-out data by benchmarks/train_reader.py, says whether
   the model, the rules or either decides;
5. topics.py finds what the turn is about;
6. question_kinds.yaml, and where it is silent kinds.py (learned), say what its question asks the patient for.
The codes follow docs/codebook.md.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

from simulator.analysis.cues import cue_lexicon, may_name_feelings
from simulator.analysis.features import FEATURE_VERSION, stem, unit_features
from simulator.analysis.goodbyes import Goodbyes
from simulator.analysis.kinds import KindModel, read_kind, shipped_kind_model
from simulator.analysis.lexicon import Lexicon, behaviour_vocabulary, closing_in_last_turn, lower_same_length, shared_lexicon
from simulator.analysis.model import UnitModel, sigmoid
from simulator.analysis.rules import DECLARATIVE, RuleHit, Rules, echoes, informs
from simulator.analysis.speech import BACKCHANNEL_WORDS, Speech, read_speech
from simulator.analysis.topics import TopicFinder
from simulator.analysis.turns import CodeHit, TurnAnalysis
from simulator.analysis.units import Unit, is_examples, sentence_start, split_units, strip_lead

_TOKEN = re.compile(r"[a-z0-9][a-z0-9'-]*")
_CONTEXT_CODES = frozenset({"reflection", "empathy", "summary"})
QUESTION_FORMS = ("open_question", "closed_question")
_FORMS = frozenset(QUESTION_FORMS)
# One question about this many subjects (or this many questions about different subjects in one turn) is
# a list, not a question about each: "Tell me about your tablets, your diet, your family and work?"
# A subject is a run of mentions that share a topic ("your inhalers, the blue one and the brown one" is
# three mentions of medicines but fewer subjects than a list of four unrelated things).
STACKED_TOPICS = 4
ELLIPTICAL_WORDS = 8  # "Right, okay. How often, roughly, in a week?"
BACKCHANNEL_WORDS_MAX = 6  # "Mm. Go on, I'm listening." asks them to carry on, and nothing more
# Codes that one unit does not carry together; the model's likelier one stays ("Thanks for coming in" is a
# welcome at the start and a goodbye at the end; offering back what the patient said is not informing).
_EXCLUSIVE_IN_A_UNIT = (("greeting", "closing"), ("reflection", "information"))
# Codes whose word-list rules are always run, because the model reads them as features ("It sounds like"
# starts many reflections, and many diagnoses).
FEATURE_RULES = frozenset({"reflection", "information", "advice"})
# What the rules say of a unit that is not a code of its own: it asks; it is a request to tell.
_PSEUDO = frozenset({"question", "request"})
RULE_BONUS = 0.5  # in log-odds: a near thing between two such codes goes to the one the rules found
# Codes decided for the turn as a whole, not per unit.
_TURN_CODES = frozenset({"backchannel", "jargon"})
_VERB_FIRST = ("would", "could", "will", "does", "do")  # an unmarked question that starts so asks yes or no


@dataclass(frozen=True)
class UnitReading:
    unit: Unit
    span: tuple[int, int]  # in the original text
    features: tuple[str, ...]
    rules: tuple[RuleHit, ...]  # rule hits inside this unit (clean-text spans)
    rule_codes: frozenset[str]


@cache
def shipped_model() -> UnitModel | None:
    """The shipped weights, if they were trained on the features this code computes (a test checks they
    are); otherwise the rules read alone."""
    try:
        model = UnitModel.load()
    except FileNotFoundError:
        return None
    return model if model.feature_version == FEATURE_VERSION else None


class TurnReader:
    """Reads clinician turns; one per scenario, because scenarios add topics.

    What reading needs (the compiled lexicon, the rules, the weights, the topic index) is made at the
    first turn read: grading a session that recorded its readings reads none, and never pays for it."""

    def __init__(
        self,
        extra_topics: Mapping[str, tuple[str, ...]] | None = None,
        lexicon: Lexicon | None = None,
        model: UnitModel | None | bool = True,
        topic_examples: Mapping[str, tuple[str, ...]] | None = None,
    ):
        self._lexicon, self._model, self._extra_topics, self._examples = lexicon, model, extra_topics, topic_examples
        # the vocabulary without compiling the lexicon (every reading and every recorded one needs it)
        vocabulary = lexicon.vocabulary if lexicon is not None else behaviour_vocabulary()
        self.vocabulary_index = {code: i for i, code in enumerate(vocabulary)}

    @cached_property
    def lexicon(self) -> Lexicon:
        return self._lexicon or shared_lexicon()

    @cached_property
    def rules(self) -> Rules:
        return Rules(self.lexicon)

    @cached_property
    def model(self) -> UnitModel | None:
        return shipped_model() if self._model is True else (self._model or None)

    @cached_property
    def kind_model(self) -> KindModel | None:
        return shipped_kind_model() if self._model is True else None

    @cached_property
    def goodbyes(self) -> Goodbyes:
        return Goodbyes(self.lexicon)

    @cached_property
    def topics(self) -> TopicFinder:
        return TopicFinder(self.lexicon, self._extra_topics, self._examples)

    @cached_property
    def _stop(self) -> frozenset[str]:
        return self.lexicon.echo_stopwords

    @cached_property
    def _feeling(self) -> re.Pattern[str]:
        return cue_lexicon().feelings

    @cached_property
    def _rule_codes(self) -> frozenset[str] | None:
        """Word-list rules run only for the codes the model leaves to them (all of them with no model)."""
        m = self.model
        return None if m is None else frozenset(c for c in self.lexicon.codes if m.policy.get(c, "rules") != "model")

    @classmethod
    def for_scenario(cls, scenario: Any) -> TurnReader:
        """The reader for a scenario: its topics (keywords and example questions) added to the shared ones."""
        return cls(scenario.topics, topic_examples=scenario.topic_examples)

    @property
    def topic_names(self) -> frozenset[str]:
        return self.topics.names

    def topics_in(self, text: str) -> tuple[str, ...]:
        """Topics of any text (a patient's turn too): transcriber tags and notes are not words."""
        return self.topics.find(lower_same_length(_NOTES.sub(" ", text)))

    # -- units ---------------------------------------------------------------------------------

    def read_units(self, text: str, previous_patient: str | None = None) -> tuple[Speech, list[UnitReading]]:
        """The turn's units with their features: what the model scores (and what training sees)."""
        speech = read_speech(text)
        low = lower_same_length(speech.clean)
        units = split_units(speech.clean)
        hits = self.rules.code_hits(low, self._rule_codes)
        heard = self._heard(previous_patient)
        patient_asked = bool(previous_patient and previous_patient.rstrip().endswith("?"))
        unpunctuated = not any(c in text for c in ".?!,")
        # no unit names a feeling if the turn cannot (its units' lower case is the turn's when it is all ASCII)
        feeling = self._feeling if not speech.clean.isascii() or may_name_feelings(low) else None
        out = []
        for unit in units:
            inside = tuple(h for h in hits if h.start < unit.end and h.end > unit.start)
            inside += self.rules.statement_hits(low, unit.start, unit.end)
            form = self._rule_form(unit, low, heard)
            rule_codes = {h.code for h in inside} | form
            if form & _FORMS:
                rule_codes.add("question")
            if self.lexicon.requests.match(strip_lead(low[unit.start : unit.end])):
                rule_codes.add("request")
            feats = unit_features(unit, len(units), heard, patient_asked, unpunctuated, sorted(form | (rule_codes & FEATURE_RULES)), self._stop, feeling)
            out.append(UnitReading(unit, speech.to_original(unit.start, unit.end), tuple(feats), inside, frozenset(rule_codes)))
        return speech, out

    def _heard(self, said: str | None) -> frozenset[str] | None:
        if said is None:
            return None
        words = _TOKEN.findall(lower_same_length(said))
        return frozenset(stem(w) for w in words if w not in self._stop)

    def _rule_form(self, unit: Unit, low: str, heard: frozenset[str] | None) -> set[str]:
        """The rules' reading of a unit: a question form, a reflection, information."""
        text = low[unit.start : unit.end]
        kind = self.rules.question_form(text)
        lex = self.lexicon
        if kind == DECLARATIVE:
            core = text.strip()
            if not lex.checks_not_reflects.match(core) and (lex.codes["reflection"].search(core) or echoes(unit, heard, lex)):
                return {"reflection"}
            return {"closed_question"}
        if kind:
            return {kind}
        found = set()
        if echoes(unit, heard, lex):
            found.add("reflection")
        elif informs(text.strip(), lex):
            found.add("information")
        return found

    # -- the turn ------------------------------------------------------------------------------

    def analyse(self, text: str, previous_patient: str | None = None) -> TurnAnalysis:
        speech, readings = self.read_units(text, previous_patient)
        hits: list[CodeHit] = []
        questions = 0
        asked: list[list[frozenset[str]]] = []  # the subjects each question names
        low = lower_same_length(speech.clean)
        last_asks = False
        reflecting: list[str] = []  # the units that reflect, lower-cased
        asking: list[str] = []  # the units that ask, lower-cased
        for reading in readings:
            chosen = self._unit_codes(reading)
            if "reflection" in chosen:
                reflecting.append(low[reading.unit.start : reading.unit.end])
            examples = last_asks and is_examples(reading.unit)  # "...wake you at all? Coughing, tight, wheezy?"
            last_asks = bool(chosen & _FORMS)
            if last_asks:
                questions += 1
                # a list of examples after a question is that question's examples, not more questions to stack
                asked.append([] if examples else self.topics.mentions(low[reading.unit.start : reading.unit.end]))
                # the whole sentence it asks in: a question split off a run keeps its start ("If ten's certain, how
                # confident | are you that...?")
                asking.append(low[sentence_start(low, reading.unit.start) : reading.unit.end])
            for code in chosen:
                hits.append(self._evidence(text, speech, reading, code))
        coded = {h.code for h in hits}
        if self._is_backchannel(speech, [w for r in readings for w in r.unit.words]):
            hits = [CodeHit("backchannel", 0, len(text), text.strip())]
            coded = {"backchannel"}
        hits.extend(self._jargon(text, speech, low))
        coded = {h.code for h in hits}
        dropped = set() if self.model else {other for code, others in self.lexicon.exclusive.items() if code in coded for other in others}
        if dropped:
            hits = [h for h in hits if h.code not in dropped]
            coded -= dropped
        topics = self.topics.find(low)
        subjects = [s for question in asked for s in question]
        stacked = any(len(q) >= STACKED_TOPICS for q in asked) or (
            len([q for q in asked if q]) >= STACKED_TOPICS - 1 and len({frozenset(s) for s in subjects}) >= STACKED_TOPICS - 1
        )
        prompt = bool(self.lexicon.open_prompt.search(low)) and "backchannel" not in coded
        context: tuple[str, ...] = ()
        # "Anything else?" asks for something new: never about what the patient has just said
        # "How often, roughly?": a short question with no subject of its own is about what they have just said
        # ("How many hours a week do you do?" asks about their life in so many words: persona.yaml)
        elliptical = (
            bool(questions) and not topics and len(speech.clean.split()) <= ELLIPTICAL_WORDS and bool(self.lexicon.elliptical_questions.search(low))
            and not any(subject.search(low) for subject in self.lexicon.persona_subjects.values())
        )
        codes = tuple(sorted(coded, key=self.vocabulary_index.__getitem__))
        # the kind of question is what its question asks: "That's a real worry. Has anyone close to you had it?" asks no worry
        kind = self._question_kind(" ".join(asking) or low, low, topics, codes) if questions or prompt else None
        # (a turn with a question mark that the model coded no question in still asks: "Is there anyone to give you a hand?")
        asks = " ".join(asking) or (low if low.rstrip().endswith("?") else "")
        aspects = () if not asks or kind in self.lexicon.aspect_free_kinds else self._aspects(asks)
        if previous_patient and (coded & _CONTEXT_CODES or prompt or elliptical) and "agenda_setting" not in coded and kind != "agenda":
            said = previous_patient
            # a reflection offers back what it reflects, with empathy or not ("It sounds like you've an awful lot on your
            # plate, looking after Ken": Ken, not the tablets said beside him); empathy alone takes up the whole turn
            if "reflection" in coded and not prompt and not coded & {"summary", "backchannel"}:
                said = self._reflected(previous_patient, reflecting, bool(topics))
            context = tuple(t for t in self.topics_in(said) if t not in topics)
        hits.sort(key=lambda h: (h.start, self.vocabulary_index[h.code]))
        goodbye = self.goodbyes.ends_turn([r.unit for r in readings[-2:]], last_asks, questions)
        return TurnAnalysis(text, codes, tuple(hits), topics, context, questions, len(speech.clean.split()), stacked, goodbye, kind, aspects)

    def _reflected(self, said: str, reflecting: list[str], own_topic: bool) -> str:
        """The patient's sentences a reflection offers back (those sharing a content word with it), or all of
        them if it shares none: thanks for "two weeks of readings" does not take up "any more tablets" said
        beside them (empathy, a summary or "go on" take up the whole turn). A reflection that shares nothing with
        the turn and names a subject of its own offers back something said before it, not this turn."""
        mine = self.topics.content(" ".join(reflecting))
        sentences = _SENTENCE_END.split(said)
        kept = [s for s in sentences if self.topics.content(lower_same_length(s)) & mine]
        return " ".join(kept) if kept else ("" if own_topic else said)

    def _aspects(self, asking: str) -> tuple[str, ...]:
        """What its questions ask about their subject (aspects.yaml), in the order asked: "When did you stop, and what
        made you decide?" is since_when, then why."""
        could = self.lexicon.aspect_filter.possible(asking)
        found = sorted((m.start(), name) for name, pattern in self.lexicon.aspects if name in could and (m := pattern.search(asking)))
        return tuple(name for _, name in found)

    def _question_kind(self, asking: str, whole: str, topics: tuple[str, ...], codes: tuple[str, ...]) -> str:
        """What its question asks for (kinds.py): the word lists' kind, else the learned one when it is sure enough."""
        return read_kind(self.lexicon, self.kind_model, asking, whole, topics, codes)

    def _unit_codes(self, reading: UnitReading) -> set[str]:
        model = self.model
        if model is None:
            probs: dict[str, float] = {}  # scores (log-odds) by code; compared with each other, never summed
            chosen = set(reading.rule_codes) - _PSEUDO
        else:
            probs = model.scores(reading.features)
            policy, thresholds = model.policy, model.logit_thresholds
            chosen = {c for c in reading.rule_codes if policy.get(c, "rules") != "model" and c not in _PSEUDO}
            chosen.update(c for c, z in probs.items() if z >= thresholds[c] and policy[c] != "rules")
            if "question" in probs:  # whether the unit asks, then which form (model.py: form_bias)
                asks = probs["question"] >= thresholds["question"] or (policy["question"] == "either" and "question" in reading.rule_codes)
                request = "request" in reading.rule_codes  # "Tell me about...": open by definition
                chosen -= {"question", *QUESTION_FORMS}
                if asks or request:
                    vote, rules = model.form_rule_vote, reading.rule_codes
                    p_open = sigmoid(probs.get("open_question", -30.0)) + vote * ("open_question" in rules)
                    p_closed = sigmoid(probs.get("closed_question", -30.0)) + vote * ("closed_question" in rules)
                    is_open = request or p_open >= model.form_bias * p_closed
                    chosen.add("open_question" if is_open else "closed_question")
        chosen -= _TURN_CODES
        for code, needs in self.lexicon.model_needs.items():
            if code in chosen and code not in reading.rule_codes and not needs.search(reading.unit.text.lower()):
                chosen.discard(code)
        for first, second in _EXCLUSIVE_IN_A_UNIT:
            if first in chosen and second in chosen and probs and model:
                # how far each is past its threshold; the one the word lists found too gets RULE_BONUS more
                margin = {c: probs.get(c, -30.0) - model.logit_thresholds.get(c, 0.0) + RULE_BONUS * (c in reading.rule_codes) for c in (first, second)}
                chosen.discard(second if margin[first] >= margin[second] else first)
        forms = chosen & _FORMS
        if len(forms) == 2:  # one unit asks one question
            keep = max(forms, key=lambda c: (probs.get(c, -30.0), c in reading.rule_codes))
            chosen -= forms - {keep}
        if "request" in reading.rule_codes:  # "Run me through your tablets": asks the patient to tell, offers nothing back
            chosen.discard("reflection")
            if "greeting" in chosen and not self.lexicon.codes["greeting"].search(reading.unit.text.lower()):
                chosen.discard("greeting")  # "How are you getting on with the inhalers?" asks; it does not greet
        if not chosen & _FORMS and not reading.unit.asks and (found := self.lexicon.unmarked_questions.search(reading.unit.text.lower())):
            # "seven what would make it an eight": asks, with or without its mark ("would a saturday suit": a closed one)
            chosen.add("closed_question" if found.group().startswith(_VERB_FIRST) else "open_question")
        if "reflection" in chosen and chosen & _FORMS and reading.unit.asks:
            # a reflection said with a question mark offers the patient's meaning back; it asks nothing new
            question = probs.get("question", max(probs.get(c, -30.0) for c in QUESTION_FORMS))
            if probs.get("reflection", -30.0) >= question or not probs:
                chosen -= _FORMS
            else:
                chosen.discard("reflection")
        return chosen

    def _evidence(self, text: str, speech: Speech, reading: UnitReading, code: str) -> CodeHit:
        """The rule's own words where a rule found the code, else the unit."""
        rule = next((h for h in reading.rules if h.code == code), None)
        start, end = speech.to_original(rule.start, rule.end) if rule else reading.span
        return CodeHit(code, start, end, text[start:end])

    def _is_backchannel(self, speech: Speech, words: list[str]) -> bool:
        """Only an acknowledgement or a continuer ("Mm.", "Okay, right.", "Go on."): not a question. `words`: the
        turn's, lower-cased (its units')."""
        if speech.fillers_only:
            return True
        short = " ".join(words)
        if not words or len(words) > BACKCHANNEL_WORDS_MAX:
            return False
        if len(words) <= 4 and (all(w in BACKCHANNEL_WORDS for w in words) or short in self.lexicon.backchannel_phrases):
            return True
        # a continuer among acknowledgements: "Mm. Go on, I'm listening.", "Right, okay, keep going."
        if not self.lexicon.continuers.search(short):
            return False
        rest = self.lexicon.backchannel_phrase.sub(" ", short).split()
        return all(w in BACKCHANNEL_WORDS or w in self._address_words for w in rest)  # "Go on, bab."

    @cached_property
    def _address_words(self) -> frozenset[str]:
        return frozenset(word for term in self.lexicon.address_terms for word in term.split())

    def _jargon(self, text: str, speech: Speech, low: str) -> list[CodeHit]:
        found = []
        lex = self.lexicon
        for match in lex.jargon.finditer(low):
            if lex.jargon_explained.match(low, match.end(), match.end() + 40):
                continue
            if lex.jargon_introduced.search(low[max(0, match.start() - 30) : match.start()]):
                continue
            start, end = speech.to_original(match.start(), match.end())
            found.append(CodeHit("jargon", start, end, text[start:end]))
        return found

    def closing_last(self, analysis: TurnAnalysis) -> TurnAnalysis:
        """The consultation's last clinician turn: "anything else?" or "any questions?" there closes it."""
        if analysis.has("closing"):
            return analysis
        closers = self._lexicon.closing_in_last_turn if self._lexicon is not None else closing_in_last_turn()
        hit = next((h for h in analysis.hits if h.code in closers), None)
        return analysis.with_hit(CodeHit("closing", hit.start, hit.end, hit.text), self.vocabulary_index) if hit else analysis


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")  # the patient's sentences; split_units also splits run-on questions
_NOTES = re.compile(r"<[^<>]{0,60}>|\[[^\[\]]{0,60}\]")
