"""Evaluate rubric conditions (see the `condition` definition in rubric-v1.json) over a conversation.

A condition holds or not, and names the clinician turns that evidence it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, NamedTuple

from simulator.rubric.conversation import ClinicianTurn, Conversation

_TURN_KEYS = ("codes", "all_codes", "not_codes", "topics", "text", "event", "in_first", "in_last", "after_codes", "then_codes", "patient_then", "min", "max")


class Match(NamedTuple):  # a tuple, not a dataclass: a grade makes thousands
    holds: bool
    turns: tuple[ClinicianTurn, ...] = ()


@lru_cache(maxsize=512)
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.I)


class TurnIndex:
    """The clinician turns of one conversation by code, topic and event, as sets of positions: a turn
    condition is then a few set operations rather than a test of every turn (a grade tests hundreds)."""

    def __init__(self, conversation: Conversation):
        self.conversation = conversation
        self.turns = conversation.clinician
        self.codes: dict[str, set[int]] = {}
        self.topics: dict[str, set[int]] = {}
        self.events: dict[str, set[int]] = {}
        for position, turn in enumerate(self.turns):
            for code in turn.analysis.codes:
                self.codes.setdefault(code, set()).add(position)
            for topic in turn.analysis.engaged_topics:
                self.topics.setdefault(topic, set()).add(position)
            for event in turn.events:
                self.events.setdefault(event, set()).add(position)
        self._said: dict[tuple[str, str, int], bool] = {}
        self.metric_values: dict[str, Any] | None = None  # the grade's metrics as conditions read them, set by the judge

    def with_any(self, table: dict[str, set[int]], keys: Any) -> set[int]:
        found: set[int] = set()
        for key in keys:
            found |= table.get(key, set())
        return found

    def said(self, key: str, pattern: str, positions: set[int]) -> set[int]:
        """Those of the positions whose text (key "text") or patient's reply ("patient_then") matches the
        pattern: only turns every other key let through are searched, and each once."""
        search, said, turns = _regex(pattern).search, self._said, self.turns
        found = set()
        for position in positions:
            known = said.get((key, pattern, position))
            if known is None:
                text = turns[position].text if key == "text" else turns[position].patient_reply
                known = said[(key, pattern, position)] = bool(text and search(text))
            if known:
                found.add(position)
        return found


def evaluate(condition: dict[str, Any], conversation: Conversation, metrics: dict[str, Any] | None = None, index: TurnIndex | None = None) -> Match:
    """All keys of the condition must hold; evidence is every turn picked by the parts that hold.
    `index`: the conversation's TurnIndex, made once per grade (made here if not given)."""
    index = index or TurnIndex(conversation)
    parts: list[Match] = []
    if _has_turn_keys(condition):
        parts.append(_turns(condition, index))
    if "any" in condition:
        subs = [evaluate(c, conversation, metrics, index) for c in condition["any"]]
        parts.append(Match(any(s.holds for s in subs), _merge(s for s in subs if s.holds)))
    if "all" in condition:
        subs = [evaluate(c, conversation, metrics, index) for c in condition["all"]]
        parts.append(Match(all(s.holds for s in subs), _merge(subs)))
    if "some" in condition:
        subs = [evaluate(c, conversation, metrics, index) for c in condition["some"]["of"]]
        held = [sub for sub in subs if sub.holds]
        parts.append(Match(len(held) >= condition["some"]["min"], _merge(held)))
    if "none" in condition:
        subs = [evaluate(c, conversation, metrics, index) for c in condition["none"]]
        parts.append(Match(not any(s.holds for s in subs)))
    if "plan" in condition:
        wanted = condition["plan"]  # the consultation's plan has one owner (analysis/plans.py)
        # "patient_own": put forward in the patient's words, not only chosen among the clinician's options
        source, own = ("patient", True) if wanted == "patient_own" else (wanted, False)
        plans = [
            p for p in conversation.plans
            if wanted == "any" or (p["source"] == source and conversation.plan_owner == source and not (own and p.get("chosen")))
        ]
        parts.append(Match(bool(plans), _turns_at(conversation, [p["turn"] for p in plans])))
    if "facts" in condition:
        parts.append(Match(set(condition["facts"]) <= conversation.disclosed))
    if "metric" in condition:
        parts.append(_metric(condition["metric"], metrics or {}))
    if not parts:
        return Match(True)
    if len(parts) == 1 and "plan" not in condition:  # its turns are in order and each once already
        return parts[0]
    return Match(all(p.holds for p in parts), _merge(parts))


_KEYED: dict[int, tuple[dict[str, Any], bool]] = {}


def _has_turn_keys(condition: dict[str, Any]) -> bool:
    """Whether a condition has any turn key, worked out once per condition (a rubric's are evaluated for every grade)."""
    known = _KEYED.get(id(condition))
    if known is None or known[0] is not condition:  # the condition is kept, so its id is not reused
        if len(_KEYED) > 10_000:
            _KEYED.clear()
        known = _KEYED[id(condition)] = (condition, any(key in condition for key in _TURN_KEYS))
    return known[1]


def _turns(condition: dict[str, Any], index: TurnIndex) -> Match:
    """The turns that meet every turn key of the condition, and whether there are as many as it asks."""
    window = range(len(index.turns))  # sliced as the list of turns would be
    if "in_first" in condition:
        window = window[: condition["in_first"]]
    if "in_last" in condition:
        window = window[-condition["in_last"] :]
    picked = set(window)
    if "codes" in condition:
        picked &= index.with_any(index.codes, condition["codes"])
    for code in condition.get("all_codes", ()):
        picked &= index.codes.get(code, set())
    if "not_codes" in condition:
        picked -= index.with_any(index.codes, condition["not_codes"])
    if "topics" in condition:
        picked &= index.with_any(index.topics, condition["topics"])
    if "text" in condition:
        picked = index.said("text", condition["text"], picked)
    if "event" in condition:
        picked &= index.events.get(condition["event"], set())
    if "after_codes" in condition:  # the clinician's turn before had one of these codes
        picked &= {p + 1 for p in index.with_any(index.codes, condition["after_codes"])}
    if "then_codes" in condition:  # the clinician's next turn has one of these codes
        picked &= {p - 1 for p in index.with_any(index.codes, condition["then_codes"])}
    if "patient_then" in condition:
        picked = index.said("patient_then", condition["patient_then"], picked)
    high = condition.get("max")
    low = condition.get("min", 0 if high is not None else 1)  # "at most N" alone allows none
    holds = len(picked) >= low and (high is None or len(picked) <= high)
    return Match(holds, tuple(index.turns[p] for p in sorted(picked)))


def _metric(spec: dict[str, Any], metrics: dict[str, Any]) -> Match:
    value = metrics.get(spec["id"], {}).get("value")
    if value is None:
        return Match(False)
    return Match(value >= spec.get("at_least", float("-inf")) and value <= spec.get("at_most", float("inf")))


def _turns_at(conversation: Conversation, indices: list[int]) -> tuple[ClinicianTurn, ...]:
    """The clinician turn that led to each given turn index (a plan is agreed in the patient's reply)."""
    found = []
    for index in indices:
        before = [t for t in conversation.clinician if t.index <= index]
        if before:
            found.append(before[-1])
    return tuple(found)


def _merge(matches) -> tuple[ClinicianTurn, ...]:
    seen: dict[int, ClinicianTurn] = {}
    for match in matches:
        for turn in match.turns:
            seen.setdefault(turn.index, turn)
    return tuple(seen[i] for i in sorted(seen))
