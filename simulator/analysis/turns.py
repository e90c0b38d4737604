"""What the turn reader gives for one clinician turn: codes with evidence spans, topics, counts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from simulator.records import KEEP_NULL


@dataclass(frozen=True)
class CodeHit:
    """One behaviour code and the span of the turn's text that evidences it."""

    code: str
    start: int
    end: int
    text: str


@dataclass(slots=True)
class Reading:
    """The rest of a turn's reading, as a session records it beside the codes and evidence (session-v1):
    what the grader needs to read the turn back instead of reading it again."""

    topics: list[str] = field(metadata={"description": "Named in the turn itself."})
    context_topics: list[str] = field(metadata={"description": "Taken up from the patient's last reply."})
    questions: int = field(metadata={"minimum": 0})
    words: int = field(metadata={"minimum": 0})
    stacked: bool
    goodbye: bool
    kind: str | None = field(default=None, metadata=KEEP_NULL)  # written as null when it asks nothing, as always
    aspects: list[str] | None = field(default=None, metadata={
        "description": "What its questions ask about their subject, in the order asked (how_often, since_when, why, what_like, "
        "difference, who_knows, who_helps); left out when none."
    })


@dataclass(frozen=True)
class TurnAnalysis:
    text: str
    codes: tuple[str, ...]  # unique, in vocabulary order
    hits: tuple[CodeHit, ...]
    topics: tuple[str, ...]  # named in the turn itself
    context_topics: tuple[str, ...]  # inherited from the patient's last reply (reflections, "go on")
    question_count: int
    word_count: int
    stacked: bool = False  # asks about too many subjects at once to answer any of them (see reader.STACKED_TOPICS)
    goodbye: bool = False  # ends with a goodbye and asks nothing: the consultation ends here (unless it is the first turn)
    kind: str | None = None  # what kind of question (lexicon/question_kinds.yaml), if it asks one
    aspects: tuple[str, ...] = ()  # what it asks about its subject, in order: how often, since when, why... (lexicon/aspects.yaml)

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
    def aspect(self) -> str | None:
        """The first thing it asks about its subject ("When did you stop, and why?" is since_when first)."""
        return self.aspects[0] if self.aspects else None

    @property
    def asked(self) -> tuple[str, ...]:
        """The words of each question it asks (the evidence of its question codes), in order."""
        return tuple(h.text for h in self.hits if h.code in ("open_question", "closed_question"))

    @property
    def is_question(self) -> bool:
        """Asks something, including a procedural question (permission, teach-back, "anything else?")."""
        return self.question_count > 0 or self.has("open_question", "closed_question", "scale_question")

    # -- as a session records it ---------------------------------------------------------------------

    def record(self) -> Reading:
        """The turn's reading as a session records it, beside its codes and evidence."""
        return Reading(
            list(self.topics), list(self.context_topics), self.question_count, self.word_count, self.stacked, self.goodbye, self.kind,
            list(self.aspects) or None,
        )

    @classmethod
    def from_record(cls, text: str, codes: list[str], evidence: list[CodeHit], reading: Reading) -> TurnAnalysis:
        return cls(
            text, tuple(codes), tuple(evidence), tuple(reading.topics), tuple(reading.context_topics), reading.questions,
            reading.words, reading.stacked, reading.goodbye, reading.kind, tuple(reading.aspects or ()),
        )

