"""Evaluate rubric conditions (see the `condition` definition in rubric-v1.json) over a conversation.

A condition holds or not, and names the clinician turns that evidence it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from simulator.rubric.conversation import ClinicianTurn, Conversation

_TURN_KEYS = ("codes", "all_codes", "not_codes", "topics", "text", "event", "in_first", "in_last", "after_codes", "then_codes", "patient_then", "min", "max")


@dataclass(frozen=True)
class Match:
    holds: bool
    turns: tuple[ClinicianTurn, ...] = field(default=())


@lru_cache(maxsize=512)
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.I)


def evaluate(condition: dict[str, Any], conversation: Conversation, metrics: dict[str, Any] | None = None) -> Match:
    """All keys of the condition must hold; evidence is every turn picked by the parts that hold."""
    parts: list[Match] = []
    if any(key in condition for key in _TURN_KEYS):
        parts.append(_turns(condition, conversation))
    if "any" in condition:
        subs = [evaluate(c, conversation, metrics) for c in condition["any"]]
        parts.append(Match(any(s.holds for s in subs), _merge(s for s in subs if s.holds)))
    if "all" in condition:
        subs = [evaluate(c, conversation, metrics) for c in condition["all"]]
        parts.append(Match(all(s.holds for s in subs), _merge(subs)))
    if "some" in condition:
        subs = [evaluate(c, conversation, metrics) for c in condition["some"]["of"]]
        held = [sub for sub in subs if sub.holds]
        parts.append(Match(len(held) >= condition["some"]["min"], _merge(held)))
    if "none" in condition:
        subs = [evaluate(c, conversation, metrics) for c in condition["none"]]
        parts.append(Match(not any(s.holds for s in subs)))
    if "plan" in condition:
        wanted = condition["plan"]  # the consultation's plan has one owner (analysis/plans.py)
        plans = [p for p in conversation.plans if wanted == "any" or (p["source"] == wanted and conversation.plan_owner == wanted)]
        parts.append(Match(bool(plans), _turns_at(conversation, [p["turn"] for p in plans])))
    if "facts" in condition:
        parts.append(Match(set(condition["facts"]) <= conversation.disclosed))
    if "metric" in condition:
        parts.append(_metric(condition["metric"], metrics or {}))
    if not parts:
        return Match(True)
    return Match(all(p.holds for p in parts), _merge(parts))


def _turns(condition: dict[str, Any], conversation: Conversation) -> Match:
    turns = conversation.clinician
    if "in_first" in condition:
        turns = turns[: condition["in_first"]]
    if "in_last" in condition:
        turns = turns[-condition["in_last"] :]
    picked = [t for t in turns if _turn_matches(condition, t, conversation)]
    high = condition.get("max")
    low = condition.get("min", 0 if high is not None else 1)  # "at most N" alone allows none
    holds = len(picked) >= low and (high is None or len(picked) <= high)
    return Match(holds, tuple(picked))


def _turn_matches(condition: dict[str, Any], turn: ClinicianTurn, conversation: Conversation) -> bool:
    a = turn.analysis
    if "codes" in condition and not a.has(*condition["codes"]):
        return False
    if "all_codes" in condition and not all(a.has(c) for c in condition["all_codes"]):
        return False
    if "not_codes" in condition and a.has(*condition["not_codes"]):
        return False
    if "topics" in condition and not set(condition["topics"]) & a.engaged_topics:
        return False
    if "text" in condition and not _regex(condition["text"]).search(turn.text):
        return False
    if "event" in condition and condition["event"] not in turn.events:
        return False
    if "after_codes" in condition:
        before = conversation.clinician[turn.position - 1] if turn.position else None
        if before is None or not before.analysis.has(*condition["after_codes"]):
            return False
    if "then_codes" in condition:
        after = conversation.clinician[turn.position + 1] if turn.position + 1 < len(conversation.clinician) else None
        if after is None or not after.analysis.has(*condition["then_codes"]):
            return False
    if "patient_then" in condition and not (turn.patient_reply and _regex(condition["patient_then"]).search(turn.patient_reply)):
        return False
    return True


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
