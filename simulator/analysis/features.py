"""The features the learned part of the reader sees for one unit of a turn.

One function, used both by the training script (benchmarks/train_reader.py) and at run time, so the
shipped weights always meet the features they were trained on. Features are strings; the model hashes
them into buckets.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from simulator.analysis.units import Unit

FEATURE_VERSION = 4
# Discourse markers that do not change what a unit does: "so what brings you in" is a what-question.
LEAD = frozenset("so and ok okay right well now alright then but also just oh yeah yes um erm".split())
_LENGTH_BUCKETS = ((1, "1"), (3, "2-3"), (6, "4-6"), (12, "7-12"), (25, "13-25"))


def length_bucket(n: int) -> str:
    return next((name for limit, name in _LENGTH_BUCKETS if n <= limit), "26+")


def overlap_bucket(share: float | None) -> str:
    if share is None:
        return "empty"  # the unit has no content words to compare
    return "0" if share == 0 else "lo" if share < 0.34 else "mid" if share < 0.67 else "hi"


def stem(word: str) -> str:
    """Enough stemming to hear "mornings" in "morning" and "Dean's" in "Dean"."""
    if word.endswith("'s"):
        return word[:-2]
    return word[:-1] if word.endswith("s") and len(word) > 3 and not word.endswith("ss") else word


def unit_features(
    unit: Unit,
    n_units: int,
    heard: frozenset[str] | None,
    patient_asked: bool,
    unpunctuated: bool,
    rule_form: Iterable[str],
    stopwords: frozenset[str],
    feeling: re.Pattern[str] | None = None,
) -> list[str]:
    """`heard`: content-word stems of the patient's last turn (None at the opening); `rule_form`: the
    rules' reading of the unit's form (a question form, a reflection by echo, information)."""
    w = unit.words
    feats = ["w=" + x for x in w]
    feats += ["b=" + a + " " + b for a, b in zip(w, w[1:])]
    core = w
    if core and core[0] in LEAD:
        lead = 1
        while lead < len(w) and w[lead] in LEAD:
            lead += 1
        core = w[lead:]
    if core:
        feats.append(f"s1={core[0]}")
        if len(core) > 1:
            feats.append(f"s2={core[0]} {core[1]}")
        if len(core) > 2:
            feats.append(f"s3={core[0]} {core[1]} {core[2]}")
        feats.append(f"e1={core[-1]}")
        if len(core) > 1:
            feats.append(f"e2={core[-2]} {core[-1]}")
    else:
        feats.append("lead_only")
    if w and w[0] in LEAD:
        feats.append(f"lead={w[0]}")
    # where a question may start after an opening clause: "hello, come in, how have you been"
    text = unit.text.lower()
    if "," in text:
        for piece in text.split(",")[1:]:
            words = piece.split()
            if len(words) >= 2:
                feats.append(f"c2={words[0]} {words[1]}")
    if unit.asks:
        feats.append("ends_q")
    elif "?" in text:
        feats.append("has_q")
    elif text.endswith("!"):
        feats.append("ends_excl")
    elif text.endswith("."):
        feats.append("ends_stop")
    if unpunctuated:
        feats.append("unpunctuated")
    feats.append(f"len={length_bucket(len(w))}")
    position = "only" if n_units == 1 else "first" if unit.index == 0 else "last" if unit.index == n_units - 1 else "mid"
    feats.append(f"pos={position}")
    if heard is None:
        feats.append("ov=none")  # no patient turn before: the opening
    else:
        content = [stem(x) for x in core if x not in stopwords]
        shared = sum(x in heard for x in content)
        share = shared / len(content) if content else None
        ov = overlap_bucket(share)
        feats.append(f"ov={ov}")
        feats.append(f"ov={ov}|{'q' if unit.asks else 's'}")
        feats.append(f"shared={min(shared, 3)}")
        if patient_asked:
            feats.append("patient_asked")
    feats += [f"f={code}" for code in rule_form]
    if feeling is not None and feeling.search(text):  # a feeling or difficulty named: reflections and empathy
        feats.append("feeling")
        if core and core[0] in ("you", "you're", "you've", "it", "that", "sounds", "so"):
            feats.append(f"feeling|{core[0]}")
    return feats
