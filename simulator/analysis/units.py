"""Split a cleaned turn into units: sentences, and the questions that run on inside unpunctuated speech.

"okay so it started on tuesday and how bad is it now" is a statement and then a question; a speech
transcript without punctuation gives it as one run. A unit is what the reader codes as one act.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORD = re.compile(r"[a-z0-9][a-z0-9'-]*")
_SENTENCE = re.compile(r"[^.?!]+(?:[.?!]+|$)")
# Words that start a question when they start a clause.
QUESTION_STARTS = frozenset(
    "what how when where why who which whose do does did is are was were have has had can could will would "
    "should shall any anything tell what's how's where's who's when's".split()
)
_WH = frozenset("what how when where why who which whose".split())
# A wh-word starts a question when an auxiliary or one of these follows ("how bad is it", "what did you"),
# not when a clause does ("when you walk", "how you feel").
_WH_NEXT = frozenset("much many long often bad far old else kind sort type about happened happens brings brought made makes".split())
# Tags that end the statement before them: "it's on the left is that right and it started at midday".
_TAG_STARTS = frozenset({"is", "isn't", "am"})
_TAGS = (("is", "that", "right"), ("is", "that", "correct"), ("is", "that", "true"), ("isn't", "it"), ("am", "i", "right"))
# Pairs that make a yes/no question ("do you", "is it"); a bare "is" or "have" inside a statement does not.
_AUX = frozenset("do does did is are was were have has had can could will would should shall".split())
_SUBJECTS = frozenset("you your it that this there he she they anyone anything things we i".split())
# Before these, a question word is embedded ("I know what you mean", "ask how you are"), not a new question.
_EMBEDDING = frozenset(
    "know knows knew wonder wondering wondered ask asked asking see seen sure about of on in to for tell told "
    "understand explain explained show remember check checking out decide idea matter mind learn find "
    "is are was were be been that which and or not no where what how why when who if whether".split()
)
# "Lots of people tell me the same": after a subject, "tell" is said of them, not a request to the patient.
_TELLERS = frozenset(
    "they people folk folks everyone everybody others patients lots many some most women men girls lads he she we always often usually".split()
)
# After these acknowledgements, a question word starts a new unit even in a short run.
_ACKS = frozenset("okay ok right alright yeah yes yep good great fine perfect lovely sure so and now mm".split())
MIN_RUN_WORDS = 5


@dataclass(frozen=True)
class Unit:
    start: int  # in the clean text
    end: int
    text: str
    words: tuple[str, ...]  # lower-cased word tokens
    asks: bool  # ends with "?"
    index: int = 0


def split_units(clean: str) -> list[Unit]:
    low = clean.lower()
    units: list[Unit] = []
    for match in _SENTENCE.finditer(low):
        raw = match.group()
        if not raw.strip():
            continue
        start = match.start() + len(raw) - len(raw.lstrip())
        end = match.end() - (len(raw) - len(raw.rstrip()))
        spans = [(m.start(), m.group()) for m in _WORD.finditer(low, start, end)]
        pieces = _split_run(low, start, end, spans)
        for s, e in pieces:
            text = clean[s:e]
            # a piece's words are the sentence's between its ends (pieces start at a word and end after one)
            words = tuple(w for _, w in spans) if len(pieces) == 1 else tuple(w for at, w in spans if s <= at < e)
            if not words and units:  # stray punctuation belongs to the unit before
                prev = units[-1]
                units[-1] = Unit(prev.start, e, clean[prev.start : e], prev.words, prev.asks or "?" in text, prev.index)
                continue
            units.append(Unit(s, e, text, words, low[s:e].rstrip().endswith("?"), len(units)))
    return units


def _split_run(low: str, start: int, end: int, spans: list[tuple[int, str]]) -> list[tuple[int, int]]:
    """A sentence that holds a statement and then a question, with no punctuation between them (`spans`: its words
    and where they start)."""
    if len(spans) < MIN_RUN_WORDS + 2:
        return [(start, end)]
    cuts = []
    since = 0
    opened_by = spans[0][1]  # the word the current unit began with
    for i in range(1, len(spans)):
        since += 1
        word, prev = spans[i][1], spans[i - 1][1]
        nxt = spans[i + 1][1] if i + 1 < len(spans) else ""
        tag = next((t for t in _TAGS if t[0] == word and tuple(w for _, w in spans[i : i + len(t)]) == t), None) if word in _TAG_STARTS else None
        if tag:
            after = i + len(tag)
            if len(spans) - after >= 3:
                cuts.append(spans[after][0])
                since = 0
            continue
        if word in _WH:
            starts = nxt in _AUX or nxt in _WH_NEXT or prev in _ACKS
        else:
            starts = word in QUESTION_STARTS and (word not in _AUX or nxt in _SUBJECTS)
            # "how many units of alcohol do you drink": the auxiliary belongs to the wh-question under way
            if starts and word in _AUX and opened_by in _WH and since < 8 and prev not in _ACKS:
                starts = False
        if not starts or prev in _EMBEDDING and prev not in ("and",) or (word == "tell" and prev in _TELLERS):
            continue
        between = low[spans[i - 1][0] + len(prev) : spans[i][0]]
        if "," in between or prev in _ACKS or since >= MIN_RUN_WORDS:
            if len(spans) - i >= 3:  # the question must have some words of its own
                cuts.append(spans[i][0] if prev not in ("and", "so", "now") else spans[i - 1][0])
                since = 0
                opened_by = word
    out = []
    at = start
    for cut in cuts:
        if cut > at:
            out.append((at, _trim_end(low, at, cut)))
            at = cut
    out.append((at, end))
    return [(s, e) for s, e in out if e > s]


def _trim_end(low: str, start: int, end: int) -> int:
    while end > start and low[end - 1] in " ,;":
        end -= 1
    return end


# -- what the reader asks of a unit and its sentence --------------------------------------------------

_LEAD = re.compile(r"^(?:(?:so|and|ok|okay|right|well|now|alright|um|erm|just|then|but|go on|please|kindly)\b[,\s]*)+")


def is_examples(unit: Unit) -> bool:
    """A unit that only lists things ("Coughing, tight chest, wheezy?", "Vapes, pets, dust, the weather?"): it asks,
    opens with no question word and holds a comma."""
    return unit.asks and "," in unit.text and bool(unit.words) and unit.words[0] not in QUESTION_STARTS


def sentence_start(low: str, at: int) -> int:
    """Where the sentence holding position `at` begins (after the last full stop, question or exclamation mark)."""
    return max(low.rfind(mark, 0, at) for mark in ".?!") + 1


def strip_lead(text: str) -> str:
    """The text without the discourse markers it opens with ("So, okay, tell me..." is "tell me...")."""
    return _LEAD.sub("", text.strip())
