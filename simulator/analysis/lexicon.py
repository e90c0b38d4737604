"""Compile the shared lexicons (codes, topics, jargon) into regular expressions, once."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from simulator import resources

# The lexicon's own patterns run on lower-cased text (twice as fast as IGNORECASE); see lower_same_length.
FLAGS = 0


def lower_same_length(text: str) -> str:
    """Lower case without changing any character's position, so spans found in it fit the original."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)  # e.g. 'İ' lowers to two characters


def keyword_pattern(keywords: Iterable[str], flags: int = re.IGNORECASE) -> re.Pattern[str]:
    """Whole-word alternation; `*` at a word's end matches any ending. Case-insensitive unless flags=0
    (then give it lower-cased text)."""
    parts = []
    for keyword in sorted({k.strip().lower() for k in keywords if k.strip()}, key=len, reverse=True):
        escaped = r"\s+".join(re.escape(word) for word in keyword.split())
        escaped = escaped.replace(r"\*", r"[\w'-]*")
        parts.append(escaped)
    if not parts:
        return re.compile(r"(?!x)x")  # matches nothing
    return re.compile(r"(?<![\w'-])(?:" + "|".join(parts) + r")(?![\w'-])", flags)


def _alternation(patterns: Iterable[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), FLAGS)


@dataclass(frozen=True)
class Lexicon:
    """Compiled behaviour-code patterns, question starters, jargon and shared topics."""

    codes: Mapping[str, re.Pattern[str]]
    open_start: re.Pattern[str]
    closed_start: re.Pattern[str]
    open_prompt: re.Pattern[str]
    jargon: re.Pattern[str]
    jargon_explained: re.Pattern[str]
    farewell: re.Pattern[str]
    shared_topics: Mapping[str, tuple[str, ...]]
    vocabulary: tuple[str, ...]


@cache
def shared_lexicon() -> Lexicon:
    codes_data = resources.data_file("lexicon/codes.yaml")
    question = codes_data["question"]
    codes = {code: _alternation(patterns) for code, patterns in codes_data["codes"].items()}
    vocabulary = ("open_question", "closed_question", *codes, "jargon")
    topics = resources.data_file("lexicon/topics.yaml")["topics"]
    return Lexicon(
        codes=codes,
        open_start=re.compile(r"^(?:" + "|".join(f"(?:{p})" for p in question["open_starters"]) + r")\b", FLAGS),
        closed_start=re.compile(r"^(?:" + "|".join(f"(?:{p})" for p in question["closed_starters"]) + r")", FLAGS),
        open_prompt=_alternation(question["open_prompts"]),
        jargon=keyword_pattern(resources.data_file("lexicon/jargon.yaml")["terms"], FLAGS),
        jargon_explained=_alternation(codes_data["jargon_explanations"]),
        farewell=_alternation(codes_data["farewell"]),
        shared_topics={name: tuple(words) for name, words in topics.items()},
        vocabulary=vocabulary,
    )


def behaviour_vocabulary() -> tuple[str, ...]:
    """Every behaviour code a clinician turn can carry."""
    return shared_lexicon().vocabulary


def affect_events() -> tuple[str, ...]:
    """Events derived from the run of the conversation (not from one turn's words)."""
    return tuple(resources.data_file("affect.yaml")["events"])
