"""Cues in a patient's turn, and whether the clinician's next turn took them up.

A cue hints at a feeling or an unspoken concern: a feeling named, a hedge or a minimising remark ("at my
age"), a relative brought in, a worry about what comes next. Word lists live in
simulator/data/lexicon/cues.yaml. Scenarios can mark their own cues on patient lines; transcripts get
cues from these lists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from simulator import resources
from simulator.analysis.lexicon import lower_same_length
from simulator.analysis.prefilter import Prefilter
from simulator.analysis.turns import TurnAnalysis


@dataclass(frozen=True)
class Cue:
    kind: str  # feeling | hint | others | future
    start: int
    end: int
    text: str  # the patient's words around the cue (its sentence)


@dataclass(frozen=True)
class CueLexicon:
    patterns: tuple[tuple[str, re.Pattern[str]], ...]
    takes_up: tuple[str, ...]
    feelings: re.Pattern[str]  # feelings and difficulties named (the reader's "feeling" feature)


@cache
def _feelings_filter() -> Prefilter:
    return Prefilter({"feeling": cue_lexicon().feelings})


def may_name_feelings(low: str) -> bool:
    """Whether `feelings` could match anywhere in this lower-cased text (prefilter.py): a quick no for most turns."""
    return bool(_feelings_filter().possible(low))


@cache
def cue_lexicon() -> CueLexicon:
    data = resources.data_file("lexicon/cues.yaml")
    patterns = tuple((kind, re.compile("|".join(f"(?:{p})" for p in pats))) for kind, pats in data["cues"].items())
    return CueLexicon(patterns, tuple(data["takes_up"]), dict(patterns)["feeling"])


def find_cues(text: str, lexicon: CueLexicon | None = None) -> list[Cue]:
    """The cues in a patient's turn, at most one per sentence (the first kind found)."""
    lexicon = lexicon or cue_lexicon()
    low = lower_same_length(text)
    found: list[Cue] = []
    for sentence in re.finditer(r"[^.?!]+[.?!]*", low):
        for kind, pattern in lexicon.patterns:
            if pattern.search(sentence.group()):
                start, end = sentence.start(), sentence.end()
                found.append(Cue(kind, start, end, text[start:end].strip()))
                break
    return found


def takes_up(analysis: TurnAnalysis, lexicon: CueLexicon | None = None) -> bool:
    """The clinician's turn explores what the patient just hinted at (a reflection, empathy, an open
    question), rather than moving on, closing it down or giving advice instead."""
    lexicon = lexicon or cue_lexicon()
    if analysis.has("backchannel"):
        return False
    if analysis.has("reflection", "empathy", "summary", "elicit_ice"):
        return True
    return analysis.has("open_question") and not analysis.topics or bool(analysis.context_topics)
