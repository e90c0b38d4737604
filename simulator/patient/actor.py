"""The scripted actor: voices the director's decisions with the scenario's own lines.

Deterministic for a seed: each choice draws from a generator seeded by (seed, turn, pool), so a
resumed session words its replies exactly as an unbroken one would.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from simulator.patient.director import Decision
from simulator.patient.state import PatientState
from simulator.scenario.model import Scenario

MAX_PARTS = {"terse": 2, "moderate": 3, "chatty": 4}


class ScriptedActor:
    name = "scripted"

    def __init__(self, scenario: Scenario, seed: int = 0):
        self.scenario = scenario
        self.seed = seed

    def reply(self, decision: Decision, state: PatientState, previous_reply: str | None = None) -> str:
        parts = self._parts(decision, state)
        limit = MAX_PARTS[self.scenario.patient.speech.verbosity]
        # Disclosures and direct answers come first; an activated patient's question may follow.
        text = " ".join(parts[:limit]).strip()
        question = self._own_question(decision, state)
        if question and question not in text:
            text = f"{text} {question}".strip()
        text = text[:1].upper() + text[1:]
        if previous_reply and text == previous_reply:
            text = self._pick("unknown", self.scenario.lines["unknown"], decision.turn, state, salt="repeat")
        return text

    def _parts(self, decision: Decision, state: PatientState) -> list[str]:
        s, lines, turn = self.scenario, self.scenario.lines, decision.turn
        pick = lambda pool, options: self._pick(pool, options, turn, state)  # noqa: E731
        parts: list[str] = []
        if decision.opening:
            parts.append(pick("opening", s.opening_says))
            parts += [pick(f"fact:{f.id}", f.says) for f in decision.disclosed]
            return parts
        if decision.closing:
            return [pick("closing", lines["closing_agreed" if state.plan_agreed else "closing_not_agreed"])]
        if decision.confused:
            parts.append(pick("jargon", lines["jargon"]))
        if decision.disclosed:
            prefix = self._prefix(state, turn)
            facts = [pick(f"fact:{f.id}", f.says) for f in decision.disclosed]
            parts.append(_with_prefix(prefix, facts[0]))
            parts += facts[1:]
        if decision.ruler:
            template = pick(f"ruler:{decision.ruler.kind}", lines[f"ruler_{decision.ruler.kind}"])
            parts.append(template.replace("{value}", str(decision.ruler.value)))
        parts += self._plan_lines(decision, state)
        if parts:
            return parts
        return [self._fallback(decision, state)]

    def _plan_lines(self, decision: Decision, state: PatientState) -> list[str]:
        outcome, lines, turn = decision.plan, self.scenario.lines, decision.turn
        if outcome is None:
            return []
        if outcome.kind == "agreed" and outcome.plan:
            return [self._pick(f"plan:{outcome.plan.id}", outcome.plan.says, turn, state)]
        if outcome.kind == "proposed" and outcome.plan:
            return [self._pick(f"propose:{outcome.plan.id}", outcome.plan.proposes, turn, state)]
        if outcome.kind == "rejected" and outcome.plan:
            return [self._pick(f"reject:{outcome.plan.id}", outcome.plan.says, turn, state)]
        if outcome.kind == "barrier":
            return [self._pick("barriers", lines["barriers"], turn, state)]
        return [self._pick("no_plan_idea", lines["no_plan_idea"], turn, state)]

    def _fallback(self, decision: Decision, state: PatientState) -> str:
        """No fact, ruler or plan to voice: answer the kind of turn it was, in character."""
        a, lines, turn = decision.analysis, self.scenario.lines, decision.turn
        pick = lambda pool: self._pick(pool, lines[pool], turn, state)  # noqa: E731
        if "advice_without_permission" in decision.events and state.affect != "open":
            return pick("advice_rejected")
        if a.has("teach_back"):
            if state.plan_agreed:
                label = self._plan_label(state.plan_agreed)
                return pick("teach_back").replace("{plan}", label)
            return pick("understood")
        if a.has("check_understanding"):
            return pick("understood")
        if decision.stacked:
            return pick("stacked")
        if a.has("backchannel"):
            return pick("backchannel")
        if a.has("ask_permission"):
            return pick("permission")
        if a.has("agenda_setting") and not decision.touched_hidden:
            return self._own_question(decision, state, force=True) or pick("agenda")
        for codes, pool in ((("summary",), "summary"), (("affirmation",), "affirmed"), (("empathy", "reflection"), "acknowledge")):
            if a.has(*codes) and not a.is_question:
                return pick(pool)
        if decision.touched_hidden:
            return self._pick(f"deflect:{state.affect}", self.scenario.voice[state.affect]["deflections"], turn, state)
        if decision.touched_known:
            fact = decision.touched_known[0]
            return _with_prefix("Like I said,", self._pick(f"fact:{fact.id}", fact.says, turn, state))
        for codes, pool in (
            (("resources",), "resources"),
            (("follow_up", "safety_net"), "follow_up"),
            (("information", "advice", "options"), "information"),
            (("greeting",), "greeting"),
        ):
            if a.has(*codes):
                return pick(pool)
        if a.has("open_question", "agenda_setting", "elicit_ice") and not a.topics:
            return pick("nothing_more")
        return pick("unknown")

    def _own_question(self, decision: Decision, state: PatientState, force: bool = False) -> str | None:
        """Activated patients ask their questions: level 4 every other turn, level 3 every third,
        and whenever invited to add to the agenda."""
        level = state.activation_level
        if decision.opening or decision.closing or level < 3 or state.affect == "guarded":
            return None
        if not force and decision.turn % (2 if level >= 4 else 3) != 0:
            return None
        remaining = [q for q in self.scenario.patient.questions if q not in state.asked]
        if not remaining:
            return None
        state.asked.append(remaining[0])
        return remaining[0]

    def _prefix(self, state: PatientState, turn: int) -> str:
        rng = random.Random(f"{self.seed}:{turn}:prefix")
        if rng.random() < 0.5:
            return ""
        return self._pick(f"prefix:{state.affect}", self.scenario.voice[state.affect]["prefixes"], turn, state)

    def _plan_label(self, plan_id: str) -> str:
        plan = next((p for p in self.scenario.accept_plans if p.id == plan_id), None)
        behaviour = next((b for b in self.scenario.patient.behaviours if plan and b.id == plan.behaviour), None)
        return behaviour.label if behaviour else plan_id.replace("_", " ")

    def _pick(self, pool: str, options: Sequence[str], turn: int, state: PatientState, salt: str = "") -> str:
        """A seeded choice that never repeats the line this pool gave last time."""
        rng = random.Random(f"{self.seed}:{turn}:{pool}:{salt}")
        last = state.last_lines.get(pool)
        choices = [o for o in options if o != last] or list(options)
        line = rng.choice(choices)
        state.last_lines[pool] = line
        return line


def _with_prefix(prefix: str, line: str) -> str:
    """'Honestly,' + 'The tablets...' -> 'Honestly, the tablets...' (but 'I' stays capital)."""
    if not prefix:
        return line
    if prefix.endswith(",") and not (line[:2] in ("I ", "I'") or line[:1] == "I" and len(line) == 1):
        line = line[:1].lower() + line[1:]
    return f"{prefix} {line}"
