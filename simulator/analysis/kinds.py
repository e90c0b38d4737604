"""The learned reading of what a question asks the patient for (benchmarks/turnset/question_kinds_codebook.md).

The word-list kinds (lexicon/question_kinds.yaml) are exact where they match and say nothing about most of
the ways people ask; a linear model over the asking sentence's words, the turn's topics and codes and the
word-list kind fills in where they are silent. Weights: simulator/data/reader/kinds.json.gz, in the unit
model's format (model.py), made by benchmarks/train_kinds.py from the labelled questions; the test split
(written test consultations and half of PriMock57, by consultation) is never read by the training.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from simulator import resources
from simulator.analysis.features import LEAD
from simulator.analysis.lexicon import Lexicon
from simulator.analysis.model import UnitModel

KINDS_MODEL = "reader/kinds.json.gz"
KIND_FEATURE_VERSION = 2  # 2: without the rest of the turn's words (they pulled explanations towards teach-back)
# The codebook's kinds for the reader's names ("history" is the patient's "past"); kinds with no name here
# (symptom, own_life, choice...) are answered by other parts of the patient and stay the model's own.
READER_NAMES = {"history": "past"}
_TOKEN = re.compile(r"[a-z0-9][a-z0-9'-]*")
_SENTENCE = re.compile(r"(?<=[.?!])\s+")


def question_features(asking: str, topics: Iterable[str], codes: Iterable[str], rule_kind: str | None) -> list[str]:
    """`asking`: the lower-cased sentences that ask; the rest of the turn is read only through the turn's topics
    and codes (its other words made a technique tip before "have you still got the spacer?" a teach-back)."""
    words = _TOKEN.findall(asking)
    feats = [f"q={w}" for w in words]
    feats += [f"qb={a} {b}" for a, b in zip(words, words[1:])]
    last = [w for w in _TOKEN.findall(_SENTENCE.split(asking.strip())[-1])]
    while last and last[0] in LEAD:
        last = last[1:]
    for n in (1, 2, 3):
        if len(last) >= n:
            feats.append(f"s{n}={' '.join(last[:n])}")
    if last:
        feats.append(f"e1={last[-1]}")
    feats += [f"t={t}" for t in topics]
    feats += [f"c={c}" for c in codes]
    feats.append(f"k={rule_kind}")
    feats.append(f"len={min(len(words) // 4, 6)}")
    return feats


def accepted(kind: str, probability: float, threshold: float, asking: str, topics: Iterable[str], lexicon: Lexicon) -> bool:
    """Whether the reader takes the learned kind: sure enough, one the patient answers (question_kinds.yaml
    `learned_kinds`), as for the word lists with the topic the kind needs ("How often do you take it?" is a
    medicine's use only when it names a medicine), and not where a veto says the word lists know better."""
    if probability < max(threshold, lexicon.learned_min_probability.get(kind, 0.0)) or kind not in lexicon.answered_kinds:
        return False
    needs = lexicon.kind_needs_topics.get(kind)
    if needs and not needs & set(topics):
        return False
    if kind in lexicon.agreement_check_not and lexicon.agreement_check.match(asking.strip()):
        return False  # "Is that a deal?" after the tablets were named checks they agree; it asks nothing of the tablets
    veto = lexicon.learned_vetoes.get(kind)
    return not (veto and veto[0].search(asking) and not veto[1].search(asking))


def word_list_kind(lexicon: Lexicon, asking: str, topics: Iterable[str], whole: str) -> str:
    """The word lists' kind (question_kinds.yaml): read from the sentences that ask, or for a few kinds from the
    whole turn; the first that matches decides."""
    named, whole_turn = set(topics), lexicon.whole_turn_kinds
    could_ask = lexicon.kind_filter.possible(asking)  # the kinds whose words could be there at all
    for kind, kind_topics, pattern, with_topics in lexicon.question_kinds:
        if with_topics and not with_topics & named:
            continue
        if kind_topics & named:
            return kind
        if kind in whole_turn:  # few: searched in the whole turn as they are
            if pattern.search(whole):
                return kind
        elif kind in could_ask and pattern.search(asking):
            return kind
    return "not_covered"


def read_kind(lexicon: Lexicon, learned: KindModel | None, asking: str, whole: str, topics: tuple[str, ...], codes: Iterable[str]) -> str:
    """The word lists' kind where they have one; else the learned reading's, when `accepted`."""
    kind = word_list_kind(lexicon, asking, topics, whole)
    if kind != "not_covered" or learned is None:
        return kind
    guess, probability = learned.predict(question_features(asking, topics, codes, kind))
    return guess if accepted(guess, probability, learned.threshold, asking, topics, lexicon) else kind


class KindModel:
    """Scores a question's features for each codebook kind; the likeliest, with its probability."""

    def __init__(self, model: UnitModel):
        self.model = model
        self.threshold = model.thresholds.get("kind", 0.5)

    def predict(self, features: Iterable[str]) -> tuple[str, float]:
        probabilities = self.model.probabilities(features)
        kind = max(probabilities, key=probabilities.__getitem__)
        return READER_NAMES.get(kind, kind), probabilities[kind]


@cache
def shipped_kind_model() -> KindModel | None:
    try:
        model = UnitModel.load(resources.DATA_DIR / KINDS_MODEL)
    except FileNotFoundError:
        return None
    return KindModel(model) if model.feature_version == KIND_FEATURE_VERSION else None
