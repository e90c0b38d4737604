"""A detail the patient told, said back wrong: "Your dad had a stroke at sixty-two" after "...a stroke at
sixty-three". A patient who said it puts it right ("Sixty-three, actually."), as they do a ruler number quoted
back wrong (`misquoted_ruler`, below); checkers flagged the patient letting it pass in every fresh set.

A number in the clinician's turn misquotes one the patient said when a content word just before each is the same
("stroke at sixty-two" / "stroke at sixty-three", "average is roughly 148 over 92" / "average is 146 over 91"), the
two are near (a slip, not another figure) and the clinician's number is none the patient has said.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from simulator.analysis.features import stem

_UNITS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
          "seventeen eighteen nineteen").split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_WORD_NUMBER = rf"(?:{'|'.join(_TENS)})(?:[- ](?:{'|'.join(_UNITS[1:10])}))?|{'|'.join(reversed(_UNITS))}"
_ONE = rf"(?:\d+(?:\.\d+)?|{_WORD_NUMBER})"
# one number, or a reading ("146 over 91")
_NUMBER = re.compile(rf"\b({_ONE}(?: over {_ONE})?)\b", re.I)
_WORD = re.compile(r"[a-z][a-z']+")
CONTEXT_WORDS = 3  # content words before a number that say what it counts
NEAR = 0.2  # a number said back within this share of theirs is theirs misremembered
SMALLEST = 10
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_THEIRS = re.compile(r"\b(?:you|your|you're|you've|yours)\b", re.I)
# a figure to reach, not one they told: "under 135 over 85", "aiming for", "below", "target of"
_TARGET = re.compile(r"\b(?:under|below|above|over|beneath|less than|more than|target(?: of)?|aim(?:ing)? for|get(?:ting)? (?:it )?(?:to|down to))\W*$", re.I)


def _value(number: str) -> tuple[float, ...]:
    return tuple(_one(part) for part in number.lower().split(" over "))


def _one(part: str) -> float:
    if part[0].isdigit():
        return float(part)
    tens, _, unit = part.replace("-", " ").partition(" ")
    if tens in _TENS:
        return 20 + 10 * _TENS.index(tens) + (_UNITS.index(unit) if unit else 0)
    return float(_UNITS.index(part))


def _numbers(text: str, stopwords: frozenset[str]) -> Iterable[tuple[str, tuple[float, ...], frozenset[str]]]:
    """Each number in the text, as written, its value, and the stems of the content words just before it."""
    low = text.lower()
    after_last = 0  # what counts a number is said after the number before it ("146 over 91 at home, and 152 over 95 here")
    for match in _NUMBER.finditer(low):
        window = low[max(after_last, match.start() - 60) : match.start()]
        window = re.split(r"[.!?;]", window)[-1]  # in its own sentence: "...monitor. The average is 146 over 91" is the average
        before = [w for w in _WORD.findall(window) if w not in stopwords]
        after_last = match.end()
        yield text[match.start() : match.end()], _value(match.group(1)), frozenset(stem(w) for w in before[-CONTEXT_WORDS:])


def _near(ours: tuple[float, ...], theirs: tuple[float, ...]) -> bool:
    """A slip, not another figure: every part within NEAR of theirs ("sixty-two" for sixty-three, not "ten years")."""
    return len(ours) == len(theirs) and all(abs(a - b) <= NEAR * max(a, b) for a, b in zip(ours, theirs))


def misquoted_detail(turn: str, told: Iterable[str], stopwords: frozenset[str]) -> str | None:
    """The number as the patient said it, when the turn says it back as another; else None. Only a figure of theirs said
    back as theirs (its sentence says "you" or "your": "Your dad had a stroke at sixty-two"), of ten or more (small
    counts number options and weeks), and not a target ("if your average is under 135 over 85")."""
    # the turn's candidates first: most turns say no figure of theirs back, and then what they told is never read
    candidates = [
        (value, context) for sentence in _SENTENCE.split(turn) if _THEIRS.search(sentence)
        for text, value, context in _numbers(sentence, stopwords)
        if context and min(value) >= SMALLEST and not _TARGET.search(sentence[: sentence.lower().find(text.lower())])
    ]
    if not candidates:
        return None
    said = [(text, value, context) for line in told for text, value, context in _numbers(line, stopwords)]
    values = {value for _, value, _ in said}
    for value, context in candidates:
        if value not in values:
            same_thing = [said_as for said_as, theirs, their_context in said if context & their_context and _near(value, theirs)]
            if same_thing:
                return same_thing[-1]
    return None


# -- a ruler number quoted back wrong ---------------------------------------------------------------------

MISQUOTE_WORDS = 6  # a first sentence this short that opens on a number ("A seven, that's good.") quotes their ruler back
NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
_A_NUMBER = rf"({'|'.join(NUMBER_WORDS)}|\d{{1,2}})\b"
_RULER_NUMBER = re.compile(rf"\b{_A_NUMBER}")
_QUOTED_NUMBER = re.compile(
    rf"^\W*(?:so |right,? |okay,? |ok,? )?(?:an? |about (?:an? )?)?{_A_NUMBER}"
    r"(?! (?:number|point|more|higher|lower|up|down|to|out|being|thing|things|question|last|other|important|quick|small|big|final|of|"
    r"days?|weeks?|months?|years?|times?|hours?|minutes?|puffs?|tablets?|units?))"
)
# said without a full stop, the number quoted opens the run and an acknowledgement or a question follows it
# ("seven what would make it an eight", "six okay why a six and not a three", "an eight thats high what makes it...")
_QUOTED_THEN = re.compile(
    r"^\W*(?:so |right,? |okay,? |ok,? )?(?:an? |about (?:an? )?)?\w+\W+(?:okay|ok|right|good|great|lovely|thats|that's|then|yeah|what|why|how|and)\b"
)


def misquoted_ruler(text: str, said: list[int] | None) -> int | None:
    """The number they gave on a ruler last turn (`said`), when this turn opens by quoting another ("An eight, that's
    high."); none when it quotes one they gave ("An eight and a five." after both)."""
    if not said:
        return None
    first = _SENTENCE.split(text.strip())[0].lower()
    opening = _QUOTED_NUMBER.match(first)
    if opening is None:
        return None
    if len(first.split()) <= MISQUOTE_WORDS:
        numbers = _RULER_NUMBER.findall(first)  # "An eight and a five." after both: both quoted
    elif _QUOTED_THEN.match(first):
        numbers = [opening.group(1)]  # only the number it opens on is theirs
    else:
        return None
    quoted = {int(n) if n.isdigit() else NUMBER_WORDS.index(n) for n in numbers}
    return said[-1] if not quoted & set(said) else None


def opens_on_a_number(text: str) -> bool:
    """The turn opens by quoting a number ("A six for confident. What would make it a six and not a nine?")."""
    return bool(_QUOTED_NUMBER.match(_SENTENCE.split(text.strip())[0].lower()))
