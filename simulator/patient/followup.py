"""What a follow-up on something the patient has told is after, in words: the question's gist (asked again in
other words is asked again), what of a long answer is said again, and which line answers "How many pillows?" or "When did you stop?": the telling
itself when it already holds the figure asked for ("I've gone up to three pillows"), else the closest of the
fact's `details` for the question's aspect (lexicon/aspects.yaml). Headless and stateless.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from simulator.scenario.model import Fact

SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
REPEAT_STOP = frozenset("some like get feel all anything something people who much many more really".split())
_GIST_WORD = re.compile(r"[a-z][a-z'-]{2,}")
_GIST_STOP = frozenset("the and you your what how are have has was were did does any about that this with for not just now".split())
_WORD = re.compile(r"[a-z0-9][a-z0-9'-]*")
QUANTITY_REACH = 3  # "three pillows", "two or three times a week": a figure this many words before what was asked
REPEAT_SENTENCES = 2  # said again, a long answer is cut to this many sentences
SHARED_WORD = 5  # "ankles", "swelling": a word this long shared with what they told says what a question is about
LEAD_IN_WORDS = 6  # a first sentence this short that shares nothing with the question only leads in


def gist(question: str) -> str:
    """What a question asks, loosely: its content words."""
    return " ".join(sorted({w for w in _GIST_WORD.findall(question.lower()) if w not in _GIST_STOP}))


def stems(text: str) -> set[str]:
    """Content words, a plural as its singular ("days" is "day")."""
    return {_singular(w) for w in gist(text).split()}


def told_holds_it(said: str, question: str, aspect: str | None, quantities: frozenset[str]) -> bool:
    """Asked how often or how many of what they said, and what they said gives that figure ("How many pillows?"
    after "I've gone up to three pillows"; "How many times a week?" after "two or three times a week").
    `quantities`: the words that give a figure (the lexicon's, from aspects.yaml)."""
    if aspect != "how_often":
        return False
    asked = stems(question) - REPEAT_STOP
    words = _WORD.findall(said.lower())
    return any(
        any(_singular(w) in asked for w in words[i + 1 : i + 1 + QUANTITY_REACH])
        for i, word in enumerate(words) if word in quantities or word.isdigit()
    )


def closest(lines: Sequence[str], question: str) -> tuple[str, ...]:
    """The lines that share most words with the question ("how many puffs a day" is the line about puffs, not the
    one about inhalers a month); all of them when none shares any."""
    asked = stems(question) - REPEAT_STOP
    shared = [len(asked & stems(line)) for line in lines]
    best = max(shared, default=0)
    return tuple(line for line, n in zip(lines, shared) if n == best)


def repeated(line: str, question: str) -> str:
    """What is said again of a long answer: the sentences that share most words with the question, then its
    opening (unless that only leads in: "I'll be honest with you, love."), in the order they were said; never the
    whole paragraph word for word."""
    sentences = SENTENCE_END.split(line.strip())
    if len(sentences) <= REPEAT_SENTENCES:
        return line
    asked = stems(question) - REPEAT_STOP
    shared = [len(asked & stems(s)) for s in sentences]
    related = sorted((i for i in range(1, len(sentences)) if shared[i]), key=lambda i: -shared[i])
    lead_in = not shared[0] and len(sentences[0].split()) <= LEAD_IN_WORDS and related
    order = [*related, *([] if lead_in else [0]), *(i for i in range(1, len(sentences)) if i not in related)]
    chosen = set(order[:REPEAT_SENTENCES])
    # a sentence that leans on the one before ("And the knees.", "She died of it.") keeps it: never "Like I said, and the knees."
    chosen |= {i - 1 for i in chosen if i > 0 and _LEANS_BACK.match(sentences[i])}
    return " ".join(sentences[i] for i in sorted(chosen))


# a sentence that opens on "and", "but"... or names someone only as "he" or "she" in its first few words ("Last two years
# he were on oxygen.")
_LEANS_BACK = re.compile(r"(?:and|but|or|so|then)\b|(?:[\w']+\W+){0,3}?(?:he|she|they|his|her|their|him|them)\b", re.IGNORECASE)


def _singular(word: str) -> str:
    return word[:-1] if word.endswith("s") and len(word) > 3 else word


MORE_WORDS = 3  # "Go on." hears a sentence of at least this many content words, not "Honestly."
# Details that carry a telling on when asked to go on: what it was like, then why ("And first thing I'm straight in the
# kitchen doing Ken's breakfast."); how often or since when answer a question nobody asked
MORE_DETAILS = ("what_like", "why")


def told_so_far(fact_id: str, last_lines: Mapping[str, str]) -> str:
    """What the patient has said of a fact: its telling and the details that carry it on (state.last_lines)."""
    parts = [last_lines.get(f"said:fact:{fact_id}", ""), *(last_lines.get(f"said:detail:{fact_id}:{aspect}", "") for aspect in MORE_DETAILS)]
    return " ".join(part for part in parts if part)


def more_of(fact: Fact, said: str) -> str | None:
    """Asked to go on after telling `fact`: a detail line that carries it on (what it was like, why), else a sentence of
    its telling not said yet (the least heard first; its other tellings mostly say it again in other words); None if
    everything is said or what is left mostly repeats it."""
    heard = stems(said)
    for line in (line for aspect in MORE_DETAILS for line in fact.detail(aspect)):
        words = stems(line)
        if line not in said and len(words) >= MORE_WORDS and len(words & heard) / len(words) < 0.5:
            return line
    novel = [
        (len(words & heard) / len(words), sentence)
        for line in fact.says for sentence in SENTENCE_END.split(line.strip())
        if sentence not in said and len(words := stems(sentence)) >= MORE_WORDS
    ]
    share, sentence = min(novel, default=(1.0, ""), key=lambda pair: pair[0])
    return sentence if share < 0.5 else None


def told_about(question: str, told: Iterable[str], not_subjects: frozenset[str]) -> str | None:
    """What they said of a fact told that the question takes up ("Was it the ankles?" after "My ankles were swelling up
    ..."), by the longer words they share (SHARED_WORD letters or more, none of `not_subjects`: "was that the worst it's
    been?" is not about "nights are the worst"): the latest telling that shares most, None if none shares one."""
    asked = {w for w in stems(question) - REPEAT_STOP - not_subjects if len(w) >= SHARED_WORD}
    # (the latest told of those sharing most: what is freshest in the talk)
    shared, _, said = max(((len(asked & stems(line)), i, line) for i, line in enumerate(told) if line), default=(0, 0, ""))
    return said if shared else None
