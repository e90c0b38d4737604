"""The subject under discussion: what the clinician was last asking about, so that a question that names nothing
and points back ("What's the story with it?", "What put you off them?", "How often would you say you miss it?") is
read as a question about that. For the patient only: the session records each turn as the reader read it."""

from __future__ import annotations

from dataclasses import replace

from simulator.analysis import TurnAnalysis
from simulator.analysis.lexicon import Lexicon

SUBJECT_TURNS = 2  # "What's the story with it?" points back at what was asked about this many clinician turns ago, at most
_POINTING_KINDS = (None, "not_covered", "past")  # kinds of question that may be about the subject before them


class Subject:
    def __init__(self, lexicon: Lexicon):
        self.lexicon = lexicon
        self.topics: frozenset[str] = frozenset()  # what the clinician last asked about
        self.asked_at = 0  # at which clinician turn

    def resolve(self, analysis: TurnAnalysis, now: int) -> TurnAnalysis:
        """The turn as asked about its subject: a question that names nothing, points back and asks an aspect of it
        gets the subject before it as its context; any other turn that names a subject becomes the subject."""
        lexicon = self.lexicon
        own = frozenset(analysis.topics) - lexicon.aspect_topics  # "since when" names history, not a subject
        if own:
            self.topics, self.asked_at = own, now
            return analysis
        low = analysis.text.lower()
        points_back = (
            bool(analysis.aspects) and not analysis.context_topics and bool(self.topics) and now - self.asked_at <= SUBJECT_TURNS
            and analysis.kind in _POINTING_KINDS and bool(lexicon.points_back.search(low))
            and not any(about.search(low) for about in lexicon.persona_subjects.values())
        )
        if not points_back:
            return analysis
        # a kind that needs a topic holds once the subject is known ("How often would you say you miss it?" after the
        # metformin is how they take it)
        kind = analysis.kind
        if kind == "not_covered":
            kind = next((k for k, _, pattern, needs in lexicon.question_kinds if needs & self.topics and pattern.search(low)), kind)
        return replace(analysis, context_topics=tuple(sorted(self.topics)), kind=kind)
