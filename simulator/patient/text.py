"""Words of patient and clinician speech, for the guard and the claim checker: crude stems, content words,
sentences and clauses."""

from __future__ import annotations

import re

_WORD = re.compile(r"[a-z][a-z'-]*")

STOPWORDS = frozenset(
    """a about above after again against all almost also am an and any are aren't as at be because been before being
    below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during each
    even ever every few for from further get gets getting go goes going gone got had hadn't has hasn't have haven't
    having he he'd he'll he's her here here's hers herself him himself his how how's however i i'd i'll i'm i've if in
    into is isn't it it's its itself just know let let's like lot lots make me might more most much must mustn't my
    myself need never no nor not now of off often on once one ones only or other ought our ours ourselves out over own
    really right said same say says see she she'd she'll she's should shouldn't so some something still such sure take
    than that that's the their theirs them themselves then there there's these they they'd they'll they're they've
    thing things think this those though through to too under until up us very was wasn't way we we'd we'll we're
    we've well were weren't what what's when when's where where's which while who who's whom why why's will with won't
    would wouldn't yeah yes yet you you'd you'll you're you've your yours yourself yourselves bit quite maybe suppose
    honestly honest mean guess anyway actually kind sort okay ok oh um er doc doctor time day days week weeks year
    years back again put keep keeps kept come comes came tell told want wants wanted feel feels felt""".split()
)


def stem(word: str) -> str:
    """A crude stem, enough to match "vapes", "vape" and "vaping", or "stopped" and "stop"."""
    word = word.strip("'-").removesuffix("'s")
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            word = word[: -len(suffix)]
            if len(word) > 2 and word[-1] == word[-2] and word[-1] not in "lsz":
                word = word[:-1]
            break
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    return word


def raw_words(text: str) -> list[str]:
    return [w.strip("'-") for w in _WORD.findall(text.lower().replace("’", "'"))]


def words(text: str) -> list[str]:
    return [stem(w) for w in raw_words(text)]


def content_words(text: str) -> set[str]:
    """Stems of the words that carry meaning (no stopwords, nothing under three letters)."""
    return {stem(w) for w in raw_words(text) if len(w) > 2 and w not in STOPWORDS}
