"""What a clinician turn is about: the shared topics and the scenario's own.

A topic is found by its keywords (simulator/data/lexicon/topics.yaml, and a scenario's `topics:`), by
the everyday words people use for it (lexicon/everyday.yaml), and by likeness to a scenario topic's
example questions (`examples:`), so that "anyone around to give you a hand?" is about family although
it names no family member.

Keywords are whole words, case-insensitive; `*` at a keyword's end matches any ending ("walk*"); a
keyword of several words matches that phrase; "'s" may follow. They are matched word by word against a
token index (one dictionary look-up per word of the turn), not as one large regular expression.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from simulator.analysis.features import stem
from simulator.analysis.lexicon import Lexicon

_TOKEN = re.compile(r"[a-z0-9][a-z0-9'-]*|&")
_WORDS = re.compile(r"[a-z0-9][a-z0-9'-]*")
EXAMPLE_MATCH = 0.6  # share of an example's content words a turn must contain to be about its topic
EXAMPLE_MIN_WORDS = 2
_INERT_LIMIT = 100_000  # words remembered as finding nothing, before starting afresh


class KeywordIndex:
    """Keywords of many topics as word sequences, matched against a turn's words."""

    def __init__(self, keywords: Mapping[str, Iterable[str]]):
        topics_of: dict[tuple[tuple[str, ...], bool], set[str]] = {}
        for topic, words in keywords.items():
            for keyword in words:
                # read as the turn's words are ("how's work" is "how work" in both)
                parts = tuple(_base(w) for w in _TOKEN.findall(keyword.lower().replace("\u2019", "'")))
                if parts:
                    topics_of.setdefault((parts, keyword.rstrip().endswith("*")), set()).add(topic)
        self._single: dict[str, frozenset[str]] = {}  # one exact word
        self._prefixes: dict[str, frozenset[str]] = {}  # "walk*": the prefix "walk" and its topics
        # two or more words, under their first two (the second may be a prefix: "side effect*")
        self._phrases: dict[tuple[str, str], list[tuple[tuple[str, ...], bool, frozenset[str]]]] = {}
        self._second_prefix: dict[str, list[tuple[tuple[str, ...], frozenset[str]]]] = {}  # two words, the second a prefix
        for (parts, is_prefix), topics in topics_of.items():
            frozen = frozenset(topics)
            if len(parts) == 1:
                if is_prefix:
                    self._prefixes[parts[0]] = self._prefixes.get(parts[0], frozenset()) | frozen
                else:
                    self._single[parts[0]] = frozen
            elif len(parts) == 2 and is_prefix:
                self._second_prefix.setdefault(parts[0], []).append((parts, frozen))
            else:
                self._phrases.setdefault((parts[0], parts[1]), []).append((parts, is_prefix, frozen))
        for entries in self._phrases.values():
            entries.sort(key=lambda e: -len(e[0]))
        # words that can start a keyword, for a quick skip of every other word
        self._starts = frozenset(self._single) | {first for first, _ in self._phrases} | frozenset(self._second_prefix)
        self._shortest_prefix = min((len(p) for p in self._prefixes), default=1)
        self._prefix_heads = frozenset(p[: self._shortest_prefix] for p in self._prefixes)
        # words seen that find nothing where they stand, whatever comes next (most words): skipped with one look-up
        self._inert: set[str] = set()

    def matches(self, words: list[str]) -> list[frozenset[str]]:
        """The topics of each keyword found, left to right, longest first, without overlaps."""
        words = [_base(w) for w in words] if any(w.endswith(("'s", "-wise")) for w in words) else words
        inert = self._inert
        if len(inert) > _INERT_LIMIT:
            inert.clear()
        found: list[frozenset[str]] = []
        n = len(words)
        phrases, second_prefix, single, prefixes = self._phrases, self._second_prefix, self._single, self._prefixes
        starts, shortest, heads = self._starts, self._shortest_prefix, self._prefix_heads
        i = 0
        while i < n:
            word = words[i]
            if word in inert:
                i += 1
                continue
            if word in starts:
                if i + 1 < n:
                    entries = phrases.get((word, words[i + 1]))
                    hit = _longest(entries, words, i, n) if entries else None
                    if hit is None and word in second_prefix:
                        hit = next(((2, topics) for parts, topics in second_prefix[word] if words[i + 1].startswith(parts[1])), None)
                    if hit is not None:
                        found.append(hit[1])
                        i += hit[0]
                        continue
                topics = single.get(word)
                if topics is not None:
                    found.append(topics)
                    i += 1
                    continue
            if word.endswith("s") and len(word) > 3 and word[:-1] in single:  # "brothers" for "brother"
                found.append(single[word[:-1]])
                i += 1
                continue
            if word[:shortest] not in heads:
                if word not in starts:
                    inert.add(word)
                i += 1
                continue
            merged: frozenset[str] = frozenset()
            for end in range(shortest, len(word) + 1):  # every prefix of the word that is a keyword
                prefixed = prefixes.get(word[:end])
                if prefixed is not None:
                    merged |= prefixed
            if merged:
                found.append(merged)
            elif word not in starts:
                inert.add(word)
            i += 1
        return found


def _base(word: str) -> str:
    """The word a keyword is matched against: "Dean's" is "Dean"; "grub-wise" and "money-wise" are about grub and money."""
    if word.endswith("'s") and len(word) > 3:
        return word[:-2]
    if word.endswith("-wise") and len(word) > 6:
        return word[:-5]
    return word


def _longest(entries: list[tuple[tuple[str, ...], bool, frozenset[str]]], words: list[str], i: int, n: int) -> tuple[int, frozenset[str]] | None:
    for parts, is_prefix, topics in entries:  # longest first
        length = len(parts)
        if i + length > n:
            continue
        k = 2
        while k < length and _same(words[i + k], parts[k], is_prefix and k == length - 1):
            k += 1
        if k == length:
            return length, topics
    return None


def _same(word: str, part: str, is_prefix: bool) -> bool:
    if is_prefix:
        return word.startswith(part)
    return word == part or (word.endswith("'s") and word[:-2] == part)


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
        self._order = list(merged)
        self._narrows = lexicon.topic_narrows
        self._families = lexicon.topic_families
        self._index = KeywordIndex(merged)
        self._stop = lexicon.echo_stopwords
        self._examples: list[tuple[str, frozenset[str]]] = []
        for name, questions in (examples or {}).items():
            for question in questions:
                content = self.content(question.lower())
                if len(content) >= EXAMPLE_MIN_WORDS:
                    self._examples.append((name, content))
                    if name not in self._order:
                        self._order.append(name)

    @property
    def names(self) -> frozenset[str]:
        return frozenset(self._order)

    def content(self, low: str) -> frozenset[str]:
        return frozenset(stem(w) for w in _WORDS.findall(low) if w not in self._stop)

    def mentions(self, low: str) -> list[frozenset[str]]:
        """Each subject the text names. Keywords that share a topic are one subject ("swelling" and
        "ankles" are both about swelling), and so are topics of one family ("the grey inhaler and the
        blue" are both medicines); a matched example question is a subject of its own."""
        found = self._index.matches(_TOKEN.findall(low))
        found += [frozenset({name}) for name in self._example_topics(low, set())]
        subjects: list[set[str]] = []
        for mention in found:
            mention |= {f"family:{self._families[t]}" for t in mention if t in self._families}
            joined = [s for s in subjects if s & mention]
            merged = set(mention).union(*joined)
            subjects = [s for s in subjects if not (s & mention)] + [merged]
        return [frozenset(s) for s in subjects]

    def find(self, low: str) -> tuple[str, ...]:
        """Topics of lower-cased, cleaned text, in the order the topics are defined."""
        found: set[str] = set()
        for topics in self._index.matches(_TOKEN.findall(low)):
            found |= topics
        found |= self._example_topics(low, found)
        for name, broader in self._narrows.items():
            if name in found:
                found -= broader  # "side effects of the tablets" is about side effects
        return tuple(name for name in self._order if name in found)

    def _example_topics(self, low: str, already: set[str]) -> set[str]:
        if not self._examples:
            return set()
        words = self.content(low)
        return {name for name, example in self._examples if name not in already and len(example & words) >= EXAMPLE_MATCH * len(example)}
