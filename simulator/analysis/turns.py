"""Turn analysis: behaviour codes (with the text that evidences each) and topics of a clinician turn.

One implementation, shared by the patient engine and the grader. Rules and word lists live in
simulator/data/lexicon (codes.yaml explains each part); this module only decides how to apply them:

- each sentence either asks (an open or closed question, or a procedural one: a permission request, a
  teach-back, a ruler or "anything else?", which carries only its own code) or tells;
- reflections, information and advice are looked for in the sentences that tell, the patient's ideas
  and beliefs in the ones that ask, and every other code once in the whole turn;
- a sentence made mostly of the patient's own last words is a reflection, with a question mark or not.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

from simulator.analysis.lexicon import FLAGS, Lexicon, keyword_pattern, lower_same_length, shared_lexicon

_SENTENCE = re.compile(r"[^.?!\n]+[.?!]*", re.S)
# Fillers that do not change what a sentence is: "So, what ..." is still a what-question.
_LEAD_FILLER = re.compile(
    r"^(?:(?:so|and|ok|okay|right|well|now|alright|great|good|perfect|exactly|fine|yes|yeah|yep|no|actually|oh|but|then|um|erm)\b[,\s]*)+"
)
# Where a question can start inside a sentence: "Hello Brenda, come in, how have you been?"
_CLAUSE = re.compile(r"[,;:\u2014\u2013]\s*|\s+-\s+")
# Without a question mark, "what/how/why" starts a question only when it is addressed to the patient:
# "what brings you in" is a question, "what this means is..." is information.
_WH = re.compile(r"^(?:what|how|why)\b")
_WH_TO_YOU = re.compile(r"^(?:what|how|why)\s+(?:[\w']+\s+){0,2}?(?:you|your)\b")
_AUX_SUBJECT = re.compile(
    r"^(?:do|does|did|is|are|was|were|have|has|had|can|could|will|would|should|any|anything)\s+"
    r"(?:you|your|there|it|that|anything|anyone|he|she|they|things)\b"
)
_TOKEN = re.compile(r"[a-z0-9][a-z0-9'-]*")
_CONTEXT_CODES = frozenset({"reflection", "empathy", "summary"})
_DECLARATIVE = "declarative"  # ends with "?" but has no question word: a reflection or a closed question


@dataclass(frozen=True)
class CodeHit:
    """One behaviour code and the span of the turn's text that evidences it."""

    code: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class TurnAnalysis:
    text: str
    codes: tuple[str, ...]  # unique, in vocabulary order
    hits: tuple[CodeHit, ...]
    topics: tuple[str, ...]  # named in the turn itself
    context_topics: tuple[str, ...]  # inherited from the patient's last reply (reflections, "go on")
    question_count: int
    word_count: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "_code_set", frozenset(self.codes))  # `has` runs thousands of times a grade

    def has(self, *codes: str) -> bool:
        return not self._code_set.isdisjoint(codes)  # type: ignore[attr-defined]

    @property
    def engaged_topics(self) -> frozenset[str]:
        """Topics this turn invites the patient to talk about."""
        return frozenset(self.topics) | frozenset(self.context_topics)

    def with_hit(self, hit: CodeHit, vocabulary_index: Mapping[str, int]) -> TurnAnalysis:
        """The same analysis with one more piece of evidence (and its code)."""
        codes = tuple(sorted(set(self.codes) | {hit.code}, key=vocabulary_index.__getitem__))
        hits = tuple(sorted((*self.hits, hit), key=lambda h: (h.start, vocabulary_index[h.code])))
        return replace(self, codes=codes, hits=hits)

    @property
    def is_question(self) -> bool:
        """Asks something, including a procedural question (permission, teach-back, "anything else?")."""
        return self.question_count > 0 or self.has("open_question", "closed_question", "scale_question")


class TurnAnalyser:
    """Codes clinician turns; one per scenario, because scenarios add topics."""

    def __init__(self, extra_topics: Mapping[str, tuple[str, ...]] | None = None, lexicon: Lexicon | None = None):
        self.lexicon = lexicon or shared_lexicon()
        merged: dict[str, list[str]] = {name: list(words) for name, words in self.lexicon.shared_topics.items()}
        for name, words in (extra_topics or {}).items():
            merged.setdefault(name, []).extend(words)
        self.topic_patterns = {name: keyword_pattern(words, FLAGS) for name, words in merged.items()}
        # One pass over the text finds every keyword; each distinct word found is mapped to its topics once.
        self._any_keyword = keyword_pattern([word for words in merged.values() for word in words], FLAGS)
        self._topics_of: dict[str, tuple[str, ...]] = {}
        self.vocabulary_index = {code: i for i, code in enumerate(self.lexicon.vocabulary)}

    @property
    def topic_names(self) -> frozenset[str]:
        return frozenset(self.topic_patterns)

    def topics_in(self, text: str, lowered: bool = False) -> tuple[str, ...]:
        found: set[str] = set()
        for match in self._any_keyword.finditer(text if lowered else lower_same_length(text)):
            word = " ".join(match.group().lower().split())
            topics = self._topics_of.get(word)
            if topics is None:
                topics = tuple(name for name, pattern in self.topic_patterns.items() if pattern.fullmatch(word))
                if len(self._topics_of) < 50_000:
                    self._topics_of[word] = topics
            found.update(topics)
        return tuple(name for name in self.topic_patterns if name in found)

    def analyse(self, text: str, previous_patient: str | None = None) -> TurnAnalysis:
        lex = self.lexicon
        low = lower_same_length(text)  # patterns run on this; spans and quotes come from `text`
        # Every code but the statement ones, once in the whole turn: a sentence is searched for a code
        # only if the turn has it somewhere (most turns have few codes, so most searches stop here).
        in_turn = {code: found for code, pattern in lex.codes.items() if code not in lex.statement_codes and (found := pattern.search(low))}
        hits, questions, echoes = self._sentences(text, low, in_turn, _Heard(lex, previous_patient))
        coded = {h.code for h in hits}
        for code, found in in_turn.items():  # the codes of the whole turn
            if code not in coded and code not in lex.question_codes:
                hits.append(_hit(text, code, found.start(), found.end()))
        prompt = bool(lex.open_prompt.search(low))
        if prompt and not any(h.code == "open_question" for h in hits):
            hits.append(CodeHit("open_question", 0, len(text), text.strip()))
            questions = max(questions, 1)
        hits.extend(self._jargon(text, low))
        coded = {h.code for h in hits}
        dropped = {other for code, others in lex.exclusive.items() if code in coded for other in others}
        not_echoes = {id(h) for h in echoes} if "agenda_setting" in coded else set()  # restating the topic list
        if dropped or not_echoes:
            hits = [h for h in hits if h.code not in dropped and id(h) not in not_echoes]
            coded = {h.code for h in hits}
        topics = self.topics_in(low, lowered=True)
        context: tuple[str, ...] = ()
        if previous_patient and (coded & _CONTEXT_CODES or prompt):
            context = tuple(t for t in self.topics_in(previous_patient) if t not in topics)
        codes = tuple(sorted(coded, key=self.vocabulary_index.__getitem__))
        hits.sort(key=lambda h: (h.start, self.vocabulary_index[h.code]))
        return TurnAnalysis(text, codes, tuple(hits), topics, context, questions, len(text.split()))

    def _sentences(self, text: str, low: str, in_turn: Mapping[str, object], heard: _Heard) -> tuple[list[CodeHit], int, list[CodeHit]]:
        """The codes decided sentence by sentence, the number of questions asked, and the echo reflections."""
        lex = self.lexicon
        hits: list[CodeHit] = []
        echoes: list[CodeHit] = []
        questions = 0
        for match in _SENTENCE.finditer(low):
            raw = match.group()
            sentence = raw.strip()
            if not sentence:
                continue
            start = match.start() + (len(raw) - len(raw.lstrip()))
            core = _LEAD_FILLER.sub("", sentence)
            at = start + len(sentence) - len(core)  # where `core` starts in the text
            kind = self._question_kind(core, sentence[-1])
            if kind is None:
                hits.extend(self._statement(text, sentence, start, core, at, heard, echoes, in_turn))
                continue
            procedural = self._procedural(text, sentence, start, kind, in_turn)
            if procedural is None and kind == _DECLARATIVE and not lex.checks_not_reflects.match(core):
                # "Not much point going out?" offers the patient's meaning back rather than asking
                if (found := lex.codes["reflection"].search(sentence)) or heard.echoed_in(core):
                    hits.append(_hit(text, "reflection", start, start + (found.end() if found else len(sentence))))
                    continue
            for code in lex.question_codes:
                if code in in_turn and (found := lex.codes[code].search(core)):
                    hits.append(_hit(text, code, at + found.start(), at + found.end()))
            questions += 1
            if procedural is not None:
                hits.extend(procedural)
            else:
                hits.append(_hit(text, "closed_question" if kind == _DECLARATIVE else kind, start, start + len(sentence)))
        return hits, questions, echoes

    def closing_last(self, analysis: TurnAnalysis) -> TurnAnalysis:
        """The consultation's last clinician turn: "anything else?" or "any questions?" there closes it."""
        if analysis.has("closing"):
            return analysis
        hit = next((h for h in analysis.hits if h.code in self.lexicon.closing_in_last_turn), None)
        return analysis.with_hit(CodeHit("closing", hit.start, hit.end, hit.text), self.vocabulary_index) if hit else analysis

    def _question_kind(self, core: str, last: str) -> str | None:
        """open_question, closed_question, declarative (a "?" without a question word) or None (tells)."""
        asks = last == "?"
        if kind := self._form(core, asks):
            return kind
        if asks:  # the question may start after an opening clause: "Hello, what can I do for you?"
            clauses = (_LEAD_FILLER.sub("", clause) for clause in _CLAUSE.split(core)[1:])
            return next((kind for clause in clauses if (kind := self._form(clause, True))), _DECLARATIVE)
        if last not in ".!" and self.lexicon.tag_question.search(core):  # "you're here for your check yes"
            return "closed_question"
        return None

    def _form(self, core: str, asks: bool) -> str | None:
        lex = self.lexicon
        if lex.open_start.match(core) and (asks or _WH_TO_YOU.match(core) or not _WH.match(core)):
            return "open_question"
        if lex.closed_start.match(core) and (asks or _AUX_SUBJECT.match(core) or lex.closed_without_mark.match(core)):
            return "closed_question"
        return None

    def _procedural(self, text: str, sentence: str, start: int, kind: str, in_turn: Mapping[str, object]) -> list[CodeHit] | None:
        """The function codes of a question that carries only those (None: an ordinary question)."""
        lex = self.lexicon
        codes = lex.procedural if kind == "open_question" else lex.procedural + lex.procedural_closed
        found = [_hit(text, c, start + m.start(), start + m.end()) for c in codes if c in in_turn and (m := lex.codes[c].search(sentence))]
        if found:
            return found
        if "summary" in in_turn and kind != "open_question" and lex.summary_checks.search(sentence):
            return []  # "..., is that fair?" invites correction of the summary
        return None

    def _statement(
        self, text: str, sentence: str, start: int, core: str, at: int, heard: _Heard, echoes: list[CodeHit], in_turn: Mapping[str, object]
    ) -> list[CodeHit]:
        """Reflection, information and advice in a sentence that tells."""
        lex = self.lexicon
        found: dict[str, CodeHit] = {}
        for code in lex.statement_codes:
            if match := lex.codes[code].search(core):
                found[code] = _hit(text, code, at + match.start(), at + match.end())
        if "reflection" not in found and core is not sentence and (match := lex.codes["reflection"].search(sentence)):
            found["reflection"] = _hit(text, "reflection", start + match.start(), start + match.end())  # "So it's not just..."
        if "reflection" not in found and heard.echoed_in(core):
            found["reflection"] = echo = _hit(text, "reflection", at, at + len(core))
            echoes.append(echo)
        if "information" not in found and "reflection" not in found and self._informs(core, found, in_turn):
            found["information"] = _hit(text, "information", at, at + len(core))
        return list(found.values())

    def _informs(self, core: str, found: Mapping[str, CodeHit], in_turn: Mapping[str, object]) -> bool:
        """A declarative sentence about something other than the two speakers, not an acknowledgement."""
        lex = self.lexicon
        if core.count(" ") + 1 < lex.info_min_words or lex.info_not_starting.match(core):
            return False
        if not lex.info_subject.match(core) and not ((comma := core.find(", ")) > 0 and lex.info_subject.match(core, comma + 2)):
            return False
        return not any(c in found or (c in in_turn and lex.codes[c].search(core)) for c in lex.info_not_with)

    def _jargon(self, text: str, low: str) -> list[CodeHit]:
        found = []
        lex = self.lexicon
        for match in lex.jargon.finditer(low):
            if lex.jargon_explained.match(low, match.end(), match.end() + 40):
                continue
            if lex.jargon_introduced.search(low[max(0, match.start() - 30) : match.start()]):
                continue
            found.append(_hit(text, "jargon", match.start(), match.end()))
        return found


def _hit(text: str, code: str, start: int, end: int) -> CodeHit:
    return CodeHit(code, start, end, text[start:end])


class _Heard:
    """The words of the patient's last turn, read only if a sentence needs them."""

    def __init__(self, lexicon: Lexicon, said: str | None):
        self.lexicon, self.said = lexicon, said
        self._words: frozenset[str] = frozenset()
        self._content: frozenset[str] | None = None

    def echoed_in(self, core: str) -> bool:
        """Most of the sentence's content words are the patient's own (or, in a sentence with hardly any
        content words, most of all its words: "Not much point going out?")."""
        lex = self.lexicon
        if not self.said or core.count(" ") >= lex.echo_max_words:
            return False
        tokens = _TOKEN.findall(core)
        if len(tokens) > lex.echo_max_words:
            return False
        content = [_stem(w) for w in tokens if w not in lex.echo_stopwords]
        if not content or (len(content) < lex.echo_min_content and len(tokens) < lex.echo_min_words):
            return False
        if self._content is None:
            said = _TOKEN.findall(lower_same_length(self.said))
            self._words = frozenset(_stem(w) for w in said)
            self._content = frozenset(_stem(w) for w in said if w not in lex.echo_stopwords)
        if len(content) >= lex.echo_min_content:
            return sum(w in self._content for w in content) >= lex.echo_min_share * len(content)
        return sum(_stem(w) in self._words for w in tokens) >= lex.echo_min_share * len(tokens)


def _stem(word: str) -> str:
    """Enough stemming to hear "mornings" in "morning" and "Dean's" in "Dean"."""
    if word.endswith("'s"):
        return word[:-2]
    return word[:-1] if word.endswith("s") and len(word) > 3 else word
