"""Saying back what the clinician explained, when no plan was agreed: "Tell me in your own words what you'll look
out for on the scales" after "If the weight goes up two kilos in three days, ring us" gets that advice back, from the
patient's side ("If the weight goes up two kilos in three days, ring you."), not "We didn't really pin anything down".

Only what the clinician asked them to do (advice, a safety-net) is kept, a sentence at a time, its persons swapped word
by word ("you" -> "I" or "me", "us" -> "you"); a question, a sentence too short or too long to say back, or one about
running the consultation ("Let's take them one at a time") is not, and the caller falls back to its line.
"""

from __future__ import annotations

import re

MAX_WORDS = 30  # a longer explanation is not said back word for word: its first sentence that tells, at most
MIN_WORDS = 6  # "Good." is nothing to say back
_RUNNING_IT = re.compile(r"^\W*(?:(?:sorry|thanks|thank you),?\s+)?(?:let's|let us|shall we)\b", re.I)  # about the consultation
_WORD = re.compile(r"[A-Za-z']+|[^A-Za-z']+")
# the clinician's words for themselves and the patient, and the patient's for them
_SWAP = {
    "you're": "I'm", "you've": "I've", "you'll": "I'll", "you'd": "I'd", "your": "my", "yours": "mine", "yourself": "myself",
    "i'm": "you're", "i've": "you've", "i'll": "you'll", "i'd": "you'd", "my": "your", "myself": "yourself", "me": "you",
    "we'll": "you'll", "we've": "you've", "we'd": "you'd", "we're": "you're", "us": "you", "our": "your", "we": "you",
}
# "you" is the subject ("I") at the start of a clause, after one of these or a comma; anywhere else it is the object
# ("ring you", "keep you up", "like you to"): "me"
_STARTS_A_CLAUSE = frozenset("if when and so then but because that until before after once while or unless as".split())
_AFTER_YOU = {"are": "am", "were": "was", "have": "have"}  # "you are" -> "I am"
_LEAD = re.compile(r"^\W*(?:(?:so|and|okay|ok|right|now|well|then|good|great|lovely)\b,?\s+)+", re.I)


def said_back(sentence: str) -> str | None:
    """The sentence from the patient's side, or None when it is not one to say back."""
    sentence = _LEAD.sub("", " ".join(sentence.split()))  # "Right, weigh yourself...": the telling, not its way in
    words = sentence.split()
    if not MIN_WORDS <= len(words) <= MAX_WORDS or sentence.rstrip().endswith("?") or _RUNNING_IT.match(sentence):
        return None
    tokens = _WORD.findall(sentence)
    out: list[str] = []
    previous = ""  # the last word, lower-cased ("" at the start or after a comma)
    subject_you = False
    for token in tokens:
        low = token.lower()
        if not token[0].isalpha() and token[0] != "'":
            out.append(token)
            if any(mark in token for mark in ",;:"):
                previous = ""
            continue
        if low == "you":
            subject_you = previous == "" or previous in _STARTS_A_CLAUSE
            new = "I" if subject_you else "me"
        elif low == "i":
            new = "you"
        elif subject_you and low in _AFTER_YOU:
            new = _AFTER_YOU[low]
        else:
            new = _SWAP.get(low, token)  # (the first word is given its capital at the end)
        if low != "you":
            subject_you = False
        out.append(new)
        previous = low
    text = "".join(out).strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!")) else f"{text}."
