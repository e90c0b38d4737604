"""The claim checker's reading of a line: sentences, clauses with their polarity, the relatives a sentence
names, the medicines, conditions and habits it names. Words come from simulator/data/lexicon/claims.yaml."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

from simulator import resources
from simulator.analysis.lexicon import keyword_pattern, lower_same_length
from simulator.patient.text import STOPWORDS, stem

_SENTENCE = re.compile(r"(?<=[.!?…])[\"”')]*\s+|\n+|;\s*")
_CLAUSE = re.compile(
    r"\s*[,:—–]\s*|\s+-\s+|\s+(?=(?:but|because|cos|though|although|except|whereas)\b)"
    r"|\s+(?=and (?:i|i'm|i've|he|she|they|we|it|did|does|do|had|has|was|is|then|never|not|no)\b)"
)
_ELLIPSIS = re.compile(r"\s*(?:\.{3}|…)\s*")  # "The brown one... I stopped it": one sentence
_TOKEN = re.compile(r"[a-z][a-z']*")
# negation words are polarity, not subject: "I stopped it" says nothing new about what "it" is
_POLARITY_STEMS = frozenset({"skip", "stop", "quit", "miss", "forget", "forgot", "avoid", "refus", "used", "leav", "left", "gave", "giv"})
_TOPIC = re.compile(r"^(the|my|them|those|these|that|this|our)\b")  # "The night-time tablets, I mostly leave them"
_SUBJECT = re.compile(r"\b(i|i'm|i've|i'd|i'll|you|we|he|she|they|it|it's|is|are|was|were|do|does|did|has|have|had)\b")
SELF = frozenset[str]()  # the people of a sentence about the patient themself
ANY_RELATIVE = "relative"  # "in the family": any relative at all
SOMEONE = "someone"  # he or she in a first-person line: somebody, not the patient


@dataclass(frozen=True)
class ClaimWords:
    negation: re.Pattern[str]
    tag_question: re.Pattern[str]
    double_negation: re.Pattern[str]
    hypothetical: re.Pattern[str]
    deflection: re.Pattern[str]
    denial_start: re.Pattern[str]
    relation: re.Pattern[str]  # any relation word (lower-cased text)
    relation_any_case: re.Pattern[str]
    relation_groups: tuple[tuple[str, re.Pattern[str]], ...]  # which group a relation word is in
    any_relative: re.Pattern[str]
    other_person: re.Pattern[str]
    terms: re.Pattern[str]  # medicines, conditions and habits
    term_stems: frozenset[str]
    medicines: re.Pattern[str]
    taking: re.Pattern[str]  # a claim to take a medicine; its last group is the medicine
    relative_health: tuple[tuple[str, re.Pattern[str], tuple[str, ...]], ...]  # meaning, pattern, words
    synonyms: tuple[tuple[str, ...], ...]
    jobs: re.Pattern[str]
    clinician: re.Pattern[str]
    your_condition: re.Pattern[str]
    you_have: re.Pattern[str]
    persona_leak: re.Pattern[str]
    fillers: frozenset[str]


def _any(patterns: Iterable[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


@cache
def claim_words() -> ClaimWords:
    data = resources.data_file("lexicon/claims.yaml")
    everyday = resources.data_file("lexicon/everyday.yaml")["scenario_topics"]
    excluded = set(data["medicine_topics_exclude"])
    # brand and generic names the turn reader's topics already list: their one-word entries
    reused = [w for topic in data["medicine_topics"] for w in everyday.get(topic, ()) if " " not in w and w not in excluded]
    terms = [*data["medicines"], *reused, *data["conditions"], *data["habits"], *data["symptoms"]]
    medicines = keyword_pattern([*data["medicines"], *reused], 0)
    relations = [w for words in data["relations"].values() for w in words]
    return ClaimWords(
        negation=_any([keyword_pattern(data["negation"]["words"], 0).pattern, *data["negation"]["patterns"]]),
        tag_question=re.compile(data["tag_question"]),
        double_negation=_any(data["double_negation"]),
        hypothetical=re.compile(data["hypothetical"]),
        deflection=re.compile(data["deflection"]),
        denial_start=re.compile(data["denial_start"]),
        relation=keyword_pattern(relations, 0),
        relation_any_case=keyword_pattern(relations),
        relation_groups=tuple((group, keyword_pattern(words, 0)) for group, words in data["relations"].items()),
        any_relative=keyword_pattern(data["any_relative"], 0),
        other_person=keyword_pattern(data["other_person"], 0),
        terms=keyword_pattern(terms, 0),
        term_stems=frozenset(stem(t.lower().rstrip("*")) for t in terms if " " not in t and "-" not in t) - STOPWORDS,  # one-word terms
        medicines=medicines,
        taking=_any(p.replace("{medicine}", medicines.pattern) for p in data["taking"]),
        relative_health=tuple((meaning, keyword_pattern(words, 0), tuple(words)) for meaning, words in data["relative_health"].items()),
        synonyms=tuple(tuple(group) for group in data["condition_synonyms"]),
        jobs=keyword_pattern(data["jobs"], 0),
        clinician=_any(data["clinician_phrases"]),
        your_condition=re.compile(data["your_condition"]),
        you_have=re.compile(data["you_have"].replace("{term}", keyword_pattern(terms, 0).pattern)),
        persona_leak=_any(data["persona_leak"]),
        fillers=frozenset(stem(w) for w in data["fillers"]),
    )


@lru_cache(maxsize=8192)
def low(text: str) -> str:
    return lower_same_length(text)


@lru_cache(maxsize=8192)
def tokens(text: str) -> tuple[str, ...]:
    """Lower-case words; a hyphen parts them ("night-time" is night and time)."""
    return tuple(t.strip("'") for t in _TOKEN.findall(low(text).replace("-", " ")))


@lru_cache(maxsize=8192)
def stems(text: str) -> frozenset[str]:
    """Stems of the content words (no stopwords, fillers or negation words, nothing under three letters)."""
    return frozenset(stem(t) for t in tokens(text) if len(t) > 2 and t not in STOPWORDS) - _POLARITY_STEMS - claim_words().fillers


@lru_cache(maxsize=4096)
def sentences(text: str) -> tuple[str, ...]:
    return tuple(s.strip() for s in _SENTENCE.split(_ELLIPSIS.sub(", ", text)) if s and s.strip(" ,"))


def is_question(sentence: str) -> bool:
    return sentence.rstrip(" \"”')").endswith("?")


_OWNER = re.compile(r"\b(my|our|me|the)\s+(\w+\s+)?$")  # "my wife", "our Kelly's lad", "me mum", "the missus"


def relation_groups(text: str, owned: bool = False) -> set[str]:
    """The kinds of relative (spouse, child, pet...) a lower-cased text names; `owned`: only the patient's
    own ("my dad", "the wife"), not "kids these days"."""
    words = claim_words()
    return {next(g for g, p in words.relation_groups if p.fullmatch(m.group().removesuffix("'s"))) for m in words.relation.finditer(text)
            if not owned or _OWNER.search(text[: m.start()])}


@dataclass(frozen=True)
class Clause:
    text: str
    stems: frozenset[str]
    negative: bool
    people: frozenset[str]  # relation groups and names the sentence is about; empty: the patient
    source: str  # a fact id, or knows | persona | scenario | earlier | support
    question: bool = False
    hypothetical: bool = False  # a wish, a fear, a maybe: not a statement of fact


@lru_cache(maxsize=8192)
def clauses(sentence: str, people: frozenset[str], source: str) -> tuple[Clause, ...]:
    """A sentence's clauses with their polarity. A clause with no content word ("I stopped it") goes with
    the one before it and a topic put first ("The night-time tablets, I mostly leave them") with the one
    after it, so a negation counts where it belongs; a bare "No" at the start stays apart."""
    words = claim_words()
    question = is_question(sentence)
    body = words.tag_question.sub("", low(sentence).rstrip(" .!?\"”')"))
    parts: list[tuple[str, bool]] = []
    topic = ""
    for part in _CLAUSE.split(body):
        if not part.strip():
            continue
        if topic:
            part, topic = f"{topic} {part}", ""
        negative = len(words.negation.findall(part)) > 2 * len(words.double_negation.findall(part))  # any "no", unless "never miss"
        if _TOPIC.match(part) and not _SUBJECT.search(part) and not negative:
            topic = part
        elif parts and not stems(part) and stems(parts[-1][0]):
            parts[-1] = (f"{parts[-1][0]} {part}", parts[-1][1] or negative)  # "Don't smoke, never have": still no
        else:
            parts.append((part, negative))
    return tuple(Clause(p, stems(p), negative, people, source, question, bool(words.hypothetical.search(p))) for p, negative in parts)


def aligned(mine: frozenset[str], theirs: frozenset[str], aliases: dict[str, frozenset[str]]) -> bool:
    """Are two sentences about the same person? The patient and the patient; a relative and the same
    relative (or any, for "the family", "he", "she")."""
    if not mine or not theirs:
        return not mine and not theirs
    if ANY_RELATIVE in mine or SOMEONE in mine or ANY_RELATIVE in theirs or SOMEONE in theirs:
        return True
    return any(not aliases.get(p, frozenset({p})).isdisjoint(theirs) for p in mine)


_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
_TEENS = {"sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
NUMBER = rf"\d{{2,3}}|(?:{'|'.join(_TENS)})(?:[- ](?:{'|'.join(_UNITS)}))?|{'|'.join(_TEENS)}"
AGE_CLAIM = re.compile(
    rf"\b(?:i'm|i am|i'll be|i turned|i've just turned)\s+(?:only\s+|just\s+|nearly\s+|almost\s+)?({NUMBER})\b"
    r"(?!\s*(?:%|percent|per|minutes|mins|hours|times|kilos|kg|stone|pounds|out of|over|/|units|a day|a week|mmol))"
)
YOUR_AGE = re.compile(rf"\byou(?:'re| are)\s+({NUMBER})\b(?!\s*(?:%|minutes|mins|out of|over))")


def number(text: str) -> int | None:
    """58, "fifty-eight", "fifty eight" as a number; None if it is none."""
    parts = text.lower().replace("-", " ").split()
    if len(parts) == 1:
        word = parts[0]
        return int(word) if word.isdigit() else _TENS.get(word, _TEENS.get(word))
    if len(parts) == 2 and parts[0] in _TENS and parts[1] in _UNITS:
        return _TENS[parts[0]] + _UNITS[parts[1]]
    return None


OPENERS = re.compile(r"^(?:(?:well|um|er|erm|hm+|oh|look|honestly|to be honest|to be fair|right|so|ah)\b[,.!]?\s*)+")


def a_denial(said: Iterable[str], clinician: str, facts: Iterable[Clause]) -> bool:
    """Does a reply say no to the question: a firm "No." first, or a clause that denies nothing but the
    question's own words ("I haven't had any side effects") and that no fact says too? Not "I don't know"."""
    words, asked, said = claim_words(), stems(clinician), list(said)
    first = OPENERS.sub("", low(said[0])) if said else ""
    opener = clauses(first, SELF, "reply")[:1] if first else ()
    if words.denial_start.match(first) and not (opener and words.deflection.search(opener[0].text)):
        return True
    negatives = [c for s in said for c in clauses(s, SELF, "reply") if c.negative and not c.question and c.stems and c.stems <= asked]
    return any(not words.deflection.search(c.text) and not any(f.negative and not f.people and c.stems <= f.stems for f in facts) for c in negatives)
