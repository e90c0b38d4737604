"""Turn analysis: behaviour codes (with the text that evidences each) and topics of a clinician turn.

One implementation, shared by the patient engine and the grader. Rules and word lists live in
simulator/data/lexicon; this module only decides how to apply them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from simulator.analysis.lexicon import FLAGS, Lexicon, keyword_pattern, lower_same_length, shared_lexicon

_SENTENCE = re.compile(r"[^.?!\n]+[.?!]*", re.S)
# Fillers that do not change what a sentence is: "So, what ..." is still a what-question.
_LEAD_FILLER = re.compile(r"^(?:(?:so|and|ok|okay|right|well|now|alright|great|but|then|um|erm)\b[,\s]*)+", re.I)
# Without a question mark, "what/how/why" starts a question only when it is addressed to the patient:
# "what brings you in" is a question, "what this means is..." is information.
_WH_TO_YOU = re.compile(r"^(?:what|how|why)\s+(?:[\w']+\s+){0,2}?(?:you|your)\b", re.I)
_AUX_SUBJECT = re.compile(
    r"^(?:do|does|did|is|are|was|were|have|has|had|can|could|will|would|should|any|anything)\s+"
    r"(?:you|your|there|it|that|anything|anyone|he|she|they|things)\b",
    re.I,
)
_WORD = re.compile(r"[a-z][a-z'-]{3,}", re.I)
_STOPWORDS = frozenset(
    "that this with have been just they them then there their what when will would could should about "
    "really know think thing things like your you're yours it's don't didn't doesn't going much more very "
    "some because well from were also into only even still want make said says sure yeah okay".split()
)
_CONTEXT_CODES = frozenset({"reflection", "empathy", "summary"})
_ECHO_COMPATIBLE = frozenset({"empathy", "affirmation", "jargon"})  # other codes explain the statement better


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

    @property
    def is_question(self) -> bool:
        return self.has("open_question", "closed_question", "scale_question")


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
        hits: list[CodeHit] = []
        questions = 0
        for match in _SENTENCE.finditer(low):
            raw = match.group()
            sentence = raw.strip()
            if not sentence:
                continue
            offset = match.start() + (len(raw) - len(raw.lstrip()))
            kind = self._question_kind(sentence)
            if kind:
                questions += 1
                hits.append(CodeHit(kind, offset, offset + len(sentence), text[offset : offset + len(sentence)]))
            elif found := lex.codes["reflection"].search(sentence):  # a reflection is a statement, not a question
                hits.append(CodeHit("reflection", offset + found.start(), offset + found.end(), text[offset + found.start() : offset + found.end()]))
        for code, pattern in lex.codes.items():  # the other codes are looked for once in the whole turn
            if code != "reflection" and (found := pattern.search(low)):
                hits.append(CodeHit(code, found.start(), found.end(), text[found.start() : found.end()]))
        prompt = bool(lex.open_prompt.search(low))
        if prompt and not any(h.code == "open_question" for h in hits):
            hits.append(CodeHit("open_question", 0, len(text), text.strip()))
            questions = max(questions, 1)
        hits.extend(self._jargon(text, low))
        coded = {h.code for h in hits}
        if previous_patient and coded <= _ECHO_COMPATIBLE:
            echo = self._echo(text, previous_patient)
            if echo:
                hits.append(echo)
                coded.add("reflection")
        topics = self.topics_in(low, lowered=True)
        context: tuple[str, ...] = ()
        if previous_patient and (coded & _CONTEXT_CODES or prompt):
            context = tuple(t for t in self.topics_in(previous_patient) if t not in topics)
        codes = tuple(sorted(coded, key=self.vocabulary_index.__getitem__))
        hits.sort(key=lambda h: (h.start, self.vocabulary_index[h.code]))
        return TurnAnalysis(text, codes, tuple(hits), topics, context, questions, len(text.split()))

    def _question_kind(self, sentence: str) -> str | None:
        lex = self.lexicon
        core = _LEAD_FILLER.sub("", sentence).strip()
        asks = sentence.rstrip().endswith("?")
        if lex.open_start.match(core):
            if asks or _WH_TO_YOU.match(core) or not re.match(r"^(?:what|how|why)\b", core, re.I):
                return "open_question"
        if lex.closed_start.match(core) and (asks or _AUX_SUBJECT.match(core)):
            return "closed_question"
        return "closed_question" if asks else None

    def _jargon(self, text: str, low: str) -> list[CodeHit]:
        found = []
        for match in self.lexicon.jargon.finditer(low):
            if not self.lexicon.jargon_explained.search(low[match.end() : match.end() + 50]):
                found.append(CodeHit("jargon", match.start(), match.end(), text[match.start() : match.end()]))
        return found

    @staticmethod
    def _echo(text: str, previous_patient: str) -> CodeHit | None:
        """A statement to the patient that picks up two or more of their own words is a reflection."""
        if not re.search(r"\byou", text, re.I):
            return None
        theirs = {w.lower() for w in _WORD.findall(previous_patient)} - _STOPWORDS
        shared = [m for m in _WORD.finditer(text) if m.group().lower() in theirs]
        if len({m.group().lower() for m in shared}) < 2:
            return None
        return CodeHit("reflection", shared[0].start(), shared[-1].end(), text[shared[0].start() : shared[-1].end()])
