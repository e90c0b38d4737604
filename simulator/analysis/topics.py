"""What a clinician turn is about: the shared topics and the scenario's own.

A topic is found by its keywords (simulator/data/lexicon/topics.yaml, and a scenario's `topics:`), by
the everyday phrases people use for it (same file, `phrases`), and by likeness to a scenario topic's
example questions (`examples:`), so that "anyone at home helping out?" is about family although it
names no family member.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from simulator.analysis.features import stem
from simulator.analysis.lexicon import FLAGS, Lexicon, keyword_pattern

_TOKEN = re.compile(r"[a-z0-9][a-z0-9'-]*")
EXAMPLE_MATCH = 0.6  # share of an example's content words a turn must contain to be about its topic
EXAMPLE_MIN_WORDS = 2


class TopicFinder:
    def __init__(
        self,
        lexicon: Lexicon,
        extra: Mapping[str, tuple[str, ...]] | None = None,
        examples: Mapping[str, tuple[str, ...]] | None = None,
    ):
        merged: dict[str, list[str]] = {name: list(words) for name, words in lexicon.shared_topics.items()}
        for name, words in (extra or {}).items():
            merged.setdefault(name, []).extend(words)
        # everyday words for the same topics (lexicon/everyday.yaml): a scenario topic's only when in use
        for name, words in lexicon.everyday_topics.items():
            if name in merged:
                merged[name].extend(words)
        self.patterns = {name: keyword_pattern(words, FLAGS) for name, words in merged.items()}
        # One pass over the text finds every keyword; each distinct word found is mapped to its topics once.
        self._any = keyword_pattern([word for words in merged.values() for word in words], FLAGS)
        self._topics_of: dict[str, tuple[str, ...]] = {}
        self._stop = lexicon.echo_stopwords
        self._examples: list[tuple[str, frozenset[str]]] = []
        for name, questions in (examples or {}).items():
            for question in questions:
                words = self.content(question.lower())
                if len(words) >= EXAMPLE_MIN_WORDS:
                    self._examples.append((name, words))
                    self.patterns.setdefault(name, keyword_pattern(()))

    @property
    def names(self) -> frozenset[str]:
        return frozenset(self.patterns)

    def content(self, low: str) -> frozenset[str]:
        return frozenset(stem(w) for w in _TOKEN.findall(low) if w not in self._stop)

    def mentions(self, low: str) -> list[frozenset[str]]:
        """Each subject the text names: the topics of each keyword found, and of each example it matches.
        Mentions that share a topic are one subject ("swelling" and "ankles" are both about swelling)."""
        found = []
        for match in self._any.finditer(low):
            word = " ".join(match.group().split())
            topics = self._topics_of.get(word)
            if topics is None:
                topics = tuple(name for name, pattern in self.patterns.items() if pattern.fullmatch(word))
            if topics:
                found.append(frozenset(topics))
        subjects: list[set[str]] = []
        for mention in found:
            joined = [s for s in subjects if s & mention]
            merged = set(mention).union(*joined)
            subjects = [s for s in subjects if not (s & mention)] + [merged]
        return [frozenset(s) for s in subjects]

    def find(self, low: str) -> tuple[str, ...]:
        """Topics of lower-cased, cleaned text, in the order the topics are defined."""
        found: set[str] = set()
        for match in self._any.finditer(low):
            word = " ".join(match.group().split())
            topics = self._topics_of.get(word)
            if topics is None:
                topics = tuple(name for name, pattern in self.patterns.items() if pattern.fullmatch(word))
                if len(self._topics_of) < 50_000:
                    self._topics_of[word] = topics
            found.update(topics)
        if self._examples:
            words = self.content(low)
            for name, example in self._examples:
                if name not in found and len(example & words) >= EXAMPLE_MATCH * len(example):
                    found.add(name)
        return tuple(name for name in self.patterns if name in found)
