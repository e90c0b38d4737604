"""What the patient would say about the consultation, in their own words, when a model voices them.

The patient-reported measure (outcome.py) scores the consultation from the director's record; with a model
configured, the patient also says two or three sentences in character about how it went. The prompt
(simulator/data/prompts/patient_comment.md) gives the model the measure's items in words, the plan and what
the patient left unsaid, so the sentences follow what happened rather than what the model imagines. A reply
that breaks character, gives advice or runs long is dropped: the measure stands on its own.
"""

from __future__ import annotations

import re
from functools import cache
from string import Template
from typing import Any

from simulator.patient.guard import DOSE, ReplyGuard, repair, shingles
from simulator.patient.prompt import REGISTER, VERBOSITY
from simulator.resources import DATA_DIR
from simulator.scenario.model import Scenario

MAX_SENTENCES = 3
MAX_WORDS = 75
MAX_TOKENS = 120
COPIED_RUN = 6  # words in a row of the prompt said back: the model read out its instructions
# 0-4 on the measure, as the patient would put it
_HOW_MUCH = ("not at all", "hardly", "somewhat", "mostly", "completely")
_SENTENCE = re.compile(r"[^.!?…]+[.!?…]+[\"”')]*|[^.!?…]+$")


@cache
def _template() -> Template:
    return Template((DATA_DIR / "prompts" / "patient_comment.md").read_text(encoding="utf-8"))


def comment_messages(scenario: Scenario, outcome: dict[str, Any]) -> list[dict[str, str]]:
    p = scenario.patient
    scores = {item["id"]: item["score"] for item in outcome["prem"]["items"]}
    plan = outcome.get("plan")
    if plan:
        whose = "your own idea" if plan["source"] == "patient" else "the clinician's idea"
        plan_words = f"{plan['plan']} ({whose}; you are {plan['likelihood']} to do it)"
    else:
        plan_words = "nothing was agreed"
    unsaid = "; ".join(u["words"] for u in outcome.get("unspoken", [])) or "nothing: you said what was on your mind"
    values = {
        "name": p.name, "age": p.age, "setting": scenario.setting, "conditions": ", ".join(scenario.conditions),
        "personality": p.personality.rstrip("."), "verbosity_rule": VERBOSITY[p.speech.verbosity], "register_rule": REGISTER[p.speech.register],
        **{key: _HOW_MUCH[max(0, min(4, scores.get(key, 2)))] for key in ("understood", "included", "listened", "clear")},
        "plan": plan_words, "unsaid": unsaid,
    }
    return [{"role": "system", "content": _template().substitute(values)}, {"role": "user", "content": "So, how did it go?"}]


def usable_comment(text: str, scenario: Scenario, guard: ReplyGuard, prompt: str = "") -> str | None:
    """The comment as shown (stage directions and quotes stripped, at most three sentences), or None if it
    breaks character, gives advice, reads out the persona or the prompt, or says nothing."""
    text = repair(text, guard.label)  # the guard's own: label, quotes, stage directions, a second speaker
    if not text or guard.out_of_character.search(text) or guard.advice.search(text) or DOSE.search(text):
        return None
    if guard.claims.for_turn().speech.speaker(text) or shingles(text, COPIED_RUN) & shingles(prompt, COPIED_RUN):
        return None
    sentences = [s.strip() for s in _SENTENCE.findall(" ".join(text.split())) if s.strip()]
    kept = " ".join(sentences[:MAX_SENTENCES])
    if len(kept.split()) > MAX_WORDS or len(kept.split()) < 3:
        return None
    return kept

