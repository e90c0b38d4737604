"""Plans and rulers: what a clinician turn does to a plan (agreed, proposed by the patient, a hurdle, called
off) and what the patient answers on a 0-10 ruler. The director asks; the state holds what was agreed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from simulator.analysis import TurnAnalysis, plans
from simulator.analysis.lexicon import Lexicon, keyword_pattern
from simulator.patient.asking import says_back
from simulator.patient.state import PatientState
from simulator.scenario.model import Plan, Scenario

_CONFIDENCE_RULER = re.compile(r"confiden|how sure", re.I)
_IMPORTANCE_RULER = re.compile(r"\bimportan|\bhow much does it matter|\bhow much it matters", re.I)
GOAL = "goal"  # a ruler's subject when it asks about the health goal, not a behaviour
RULERS = ("confidence", "importance")  # asked in words or out of ten, however the reader codes it ("...and out of ten how sure")
AFTER_A_RULER = ("ruler_up", "ruler_why")  # "what would take it higher?", "why not lower?": no number again, and no plan
PUT_CARRIES = 2  # clinician turns after a plan was put to them that "Could that work for you?" is still about it


@dataclass(frozen=True)
class PlanOutcome:
    # agreed | proposed | leaning (a hesitant pick from a menu) | barrier | foreseen (a small hurdle to a plan they are sure of) | rejected | no_idea
    # | still_agreed (asked again what they make of a plan they have just agreed: yes, briefly)
    kind: str
    plan: Plan | None = None


@dataclass(frozen=True)
class Ruler:
    kind: str  # importance | confidence
    behaviour: str
    value: int
    scaled: bool = True  # asked on a scale (a number back), else in words ("How sure are you?")


class Planner:
    def __init__(self, scenario: Scenario, state: PatientState, limits: dict[str, Any], lexicon: Lexicon):
        self.scenario, self.state, self.limits = scenario, state, limits
        self._goal = lexicon.goal_ruler  # "how important is it to get this number down?"
        self._obstacles = lexicon.obstacle_questions
        self._menu_words = lexicon.plan_menu
        self._asks_view = lexicon.asks_view, lexicon.agreement_check  # "Could that work for you?", "Is that a deal?"
        self._accept = [(plan, keyword_pattern(plan.keywords)) for plan in scenario.accept_plans]
        self._reject = [(plan, keyword_pattern(plan.keywords)) for plan in scenario.reject_plans]
        self._unless = {plan.id: keyword_pattern(plan.unless) for plan in scenario.reject_plans if plan.unless}

    def plan(
        self, analysis: TurnAnalysis, text: str, turn: int, events: tuple[str, ...], checks_agreement: bool = False, again: str | None = None
    ) -> PlanOutcome | None:
        """What the turn does to a plan: one agreed, proposed by them, called off, a hurdle, or no idea.
        `checks_agreement`: its only question asks whether they agree ("...one inhaler that does both. You are happy
        with that?"), so a plan it names is put to them. `again`: the plan the turn puts to them again (`puts_again`,
        asked once a turn by the director)."""
        outcome = (self._put_again(again, turn) if again else None) or self._decide(analysis, text, turn, events, checks_agreement)
        if outcome is not None and outcome.plan is not None:
            self.state.put = [outcome.plan.id, self.state.clinician_turns, outcome.kind]
        return outcome

    def puts_again(self, analysis: TurnAnalysis, text: str) -> str | None:
        """Just after a plan was put to them, a turn naming none that asks only what they make of it ("What do you
        think? Could that work for you?", "Does that feel manageable, or is it too much at once?"): that plan's id.
        Not after a reflection or summary ("...maybe the numbers were just a stressful month. Is that right?" checks that)."""
        put = self.state.put
        if not put or self.state.clinician_turns - put[1] > PUT_CARRIES or not analysis.asked or analysis.has("reflection", "summary", "empathy"):
            return None
        if _named(self._accept, text) or _named(self._reject, text):
            return None  # a plan it names is put to them as named (_decide)
        plan = self.scenario.accepted_plan(put[0])
        if plan is None:
            return None  # one they turned down is not put again: "Is that okay?" after "I'd rather not" is no new offer
        view, agreement = self._asks_view
        if not all(view.match(q) or agreement.match(q) for q in (q.lower().strip() for q in analysis.asked)):
            return None
        # a turn that tells something of its own asks about that ("...a breathing group at the community centre. How does
        # that sound?"), unless it only goes on about the plan they agreed ("Six weeks it is... Is that a deal?")
        same = plan.id in self.state.plans_agreed and bool(self._plan_topics(plan) & set(analysis.topics))
        if analysis.has("information", "advice", "options", "resources") and not same:
            return None
        return plan.id

    def _put_again(self, plan_id: str, turn: int) -> PlanOutcome | None:
        """The plan put to them again (`puts_again`): one they have agreed they say yes to, briefly; one they were unsure
        of, unsure still, unless that changed."""
        plan = self.scenario.accepted_plan(plan_id)
        if plan is None or self.state.put is None:
            return None
        if plan_id in self.state.plans_agreed:
            return PlanOutcome("still_agreed", plan)
        return self._take_up([plan], self.state.put[2] == "leaning", turn)

    def _decide(self, analysis: TurnAnalysis, text: str, turn: int, events: tuple[str, ...], checks_agreement: bool) -> PlanOutcome | None:
        if analysis.has("scale_question") or analysis.kind in ("ruler_why", *RULERS) or says_back(analysis):
            return None  # a ruler (and why that number) asks how they feel about a change, a teach-back what was agreed; neither offers one
        if analysis.kind == "ruler_up":
            # "What would make it an eight?" with nothing on the table yet: a patient with a plan in mind offers it; else
            # they say what would help, and nothing is agreed
            outcome = None if self.state.plans else self._plan(analysis, text, turn, events, checks_agreement)
            return outcome if outcome is not None and outcome.kind == "proposed" else None
        outcome = self._plan(analysis, text, turn, events, checks_agreement)
        if (outcome is not None and outcome.kind not in _NOTHING_TAKEN_UP) or "lecturing" in events:
            return outcome
        # a menu in the clinician's own words ("the grey one every morning, another go at rehab... which would you start
        # with?") that names no plan by its keywords: one of the plans whose behaviour it names is picked, not a hurdle
        menu = self._menu(analysis, text)
        return self._take_up(menu, True, turn) if menu else outcome

    def _plan(self, analysis: TurnAnalysis, text: str, turn: int, events: tuple[str, ...], checks_agreement: bool) -> PlanOutcome | None:
        state = self.state
        # asked to choose ("Which way are you leaning?"), what it names is on offer
        # (asked what they would like to try, the plan is theirs: below)
        picking = plans.asked_to_pick(analysis, text)
        choosing = picking and not analysis.has("goal_setting")
        named_all = _named(self._accept, text)
        put_to_them = checks_agreement and any(p.id not in state.plans_agreed for p in named_all)
        offering = (plans.offers_plan(analysis, text) or choosing or put_to_them) and "lecturing" not in events
        rejected = _first_named(self._reject, text)
        if rejected is not None and rejected.id in self._unless and self._unless[rejected.id].search(text):
            rejected = None  # "...somebody to sit with Ken, so you can get to the rehab class": what stood in the way is seen to
        if offering:  # a plan of their own named again as the way forward is the clinician's too ("...sounds a good start")
            own = {p["plan"] for p in state.plans if p["source"] == "patient"}
            state.endorsed.extend(p.id for p in named_all if p.id in own and p.id not in state.endorsed)
        if named_all and offering:
            return self._take_up(named_all, picking, turn)
        if rejected and offering:
            return PlanOutcome("rejected", rejected)
        if analysis.kind == "barrier" and not analysis.has("goal_setting"):  # "What could make it hard?": a hurdle, not a plan
            return self._hurdle()  # (a plan offered in the same turn is taken first, above)
        if not analysis.has("goal_setting", "problem_solving"):
            return None
        if analysis.has("problem_solving") and state.plan_agreed:
            return self._hurdle()
        if not state.plan_agreed and not analysis.has("goal_setting") and self._obstacles.search(text.lower()):
            return PlanOutcome("barrier")  # asked what got in the way, with nothing agreed: their hurdles, not a plan
        ready = self._ready()
        feasible = self._feasible()
        on_topic = [p for p in feasible if self._plan_topics(p) & analysis.engaged_topics]
        if ready and (on_topic or feasible):
            choice = (on_topic or feasible)[0]
            state.agree(choice.id, "patient", turn)
            return PlanOutcome("proposed", choice)
        if state.plan_agreed:
            return None
        return PlanOutcome("barrier" if ready else "no_idea")

    def _ready(self) -> bool:
        """Activated enough, or open enough, to put a plan of their own forward when asked."""
        return self.state.activation_level >= 3 or (self.state.activation_level >= 2 and self.state.affect == "open")

    def _feasible(self) -> list[Plan]:
        """The plans they could propose themselves: not yet agreed, with words to propose them, and able to do."""
        return [p for p, _ in self._accept if p.id not in self.state.plans_agreed and p.proposes and self._able(p)]

    def _hurdle(self) -> PlanOutcome:
        """What stands in the way of the plan agreed (or of any, with none): a plan they feel sure of has small
        hurdles ("Just remembering it"), not a reason it cannot work."""
        agreed = self.scenario.accepted_plan(self.state.plan_agreed) if self.state.plan_agreed else None
        sure = agreed is not None and self._confidence(agreed) >= agreed.min_confidence + self.limits["sure_of_plan"]
        return PlanOutcome("foreseen" if sure else "barrier", agreed)

    def _take_up(self, named_all: list[Plan], picking: bool, turn: int) -> PlanOutcome:
        """Offered these plans: the first they feel able to do, agreed, else the first named ("paracetamol regular, the
        physio, or a pill box"); one not yet agreed before one said back in the same breath ("Paracetamol and the gel,
        good. And the pharmacist could go through your tin. Would that help?" offers the pharmacist)."""
        state = self.state
        able = [p for p in named_all if self._able(p)]
        named = next((p for p in able if p.id not in state.plans_agreed), able[0] if able else named_all[0])
        if self._able(named) and state.affect != "guarded":
            state.agree(named.id, "clinician", turn)
            return PlanOutcome("agreed", named)
        # not taken up, but heard: asked later to say back what they were told ("...how you'll take the water tablet on a
        # shopping day?"), this is what they say, not an older piece of advice
        if named.says_back and named.says_back[0] not in state.explained:
            state.explained = [*state.explained, named.says_back[0]]
        # asked to pick from a menu, not yet sure of any: the one they lean to, named, hesitantly (not agreed)
        if named.leans and state.affect != "guarded" and (len(named_all) > 1 or picking):
            return PlanOutcome("leaning", named)
        return PlanOutcome("barrier", named)

    def names_a_plan(self, text: str) -> bool:
        """The turn names a plan the patient would take up, by its keywords."""
        return bool(_named(self._accept, text))

    def named_ids(self, text: str) -> tuple[str, ...]:
        """The plans the turn names by their keywords, in the order they come."""
        return tuple(plan.id for plan in _named(self._accept, text))

    def names_a_new_plan(self, text: str) -> bool:
        """The turn names a plan the patient would take up and has not yet agreed, by its keywords."""
        return any(plan.id not in self.state.plans_agreed for plan in _named(self._accept, text))

    def offers_a_menu(self, analysis: TurnAnalysis, text: str) -> bool:
        """The turn asks them to pick from a menu naming no plan by its keywords but some by their behaviour (`_menu`)."""
        return bool(self._menu(analysis, text))

    def puts_own_forward(self, analysis: TurnAnalysis) -> bool:
        """Asked what they think of the options, a ready patient makes one specific as their own (`plan`) rather than
        picking from the menu."""
        own = analysis.has("goal_setting", "problem_solving") and not (analysis.has("problem_solving") and self.state.plan_agreed)
        return own and self._ready() and bool(self._feasible())

    def _menu(self, analysis: TurnAnalysis, text: str) -> list[Plan]:
        """Asked to pick from a menu of things to do that names no plan by its keywords, the plans whose behaviour it
        names, in the scenario's order: a menu is said in the clinician's words, not the plan's."""
        if not (plans.asked_to_pick(analysis, text) and plans.question_asks_to_pick(analysis)) or not self._menu_words.search(text):
            return []  # ("So either you've a stash in a drawer or you've stopped it. Which is it?" offers nothing)
        if _named(self._accept, text):
            return []
        return [plan for plan, _ in self._accept if self._plan_topics(plan) & set(analysis.topics)]

    def asked_about(self, text: str, topics: frozenset[str]) -> tuple[str, ...]:
        """The plans a request to say back what was agreed is about: those it names ("the gel"), else those whose
        behaviour is about something it names ("what you'll do with the painkillers")."""
        named = tuple(plan.id for plan in _named(self._accept, text))
        return named or tuple(plan.id for plan, _ in self._accept if self._plan_topics(plan) & topics)

    def _plan_topics(self, plan: Plan) -> set[str]:
        behaviour = next((b for b in self.scenario.patient.behaviours if b.id == plan.behaviour), None)
        return set(behaviour.topics) if behaviour else set()

    def _able(self, plan: Plan) -> bool:
        return self._confidence(plan) >= plan.min_confidence

    def _confidence(self, plan: Plan) -> float:
        behaviour = plan.behaviour or next(iter(self.state.confidence))
        return self.state.confidence.get(behaviour, 0)

    def rulers(self, analysis: TurnAnalysis, text: str, scaled: bool) -> tuple[Ruler, ...]:
        """The ruler the turn asks; both, importance first, when a scale asks how important and how sure in one turn
        ("Out of ten, how important is it, and how confident are you?")."""
        if scaled and _CONFIDENCE_RULER.search(text) and _IMPORTANCE_RULER.search(text):
            return self.ruler(analysis, text, scaled, "importance"), self.ruler(analysis, text, scaled, "confidence")
        return (self.ruler(analysis, text, scaled),)

    def ruler(self, analysis: TurnAnalysis, text: str, scaled: bool, kind: str | None = None) -> Ruler:
        """The number (or words, unscaled) for an importance or confidence question about the behaviour it names."""
        kind = kind or ("confidence" if analysis.kind == "confidence" or _CONFIDENCE_RULER.search(text) else "importance")
        behaviours = self.scenario.patient.behaviours
        if kind == "importance" and self._goal.search(text.lower()) and not any(set(b.topics) & set(analysis.topics) for b in behaviours):
            # the goal, not a way to it ("...to keep your kidneys where they are?"): how much staying well matters to them
            return Ruler(kind, GOAL, int(round(self.scenario.patient.goal_value)), scaled)
        chosen = next((b for b in behaviours if set(b.topics) & analysis.engaged_topics), None)
        if chosen is None and self.state.plan_agreed:
            plan = self.scenario.accepted_plan(self.state.plan_agreed)
            chosen = next((b for b in behaviours if plan and b.id == plan.behaviour), None)
        chosen = chosen or behaviours[0]
        value = getattr(self.state, kind)[chosen.id]
        return Ruler(kind, chosen.id, int(round(value)), scaled)


_NOTHING_TAKEN_UP = ("no_idea", "barrier", "foreseen")  # outcomes a menu pick replaces


def _named(candidates: list[tuple[Plan, re.Pattern[str]]], text: str) -> list[Plan]:
    """The plans the turn names, in the order their keywords come."""
    found = sorted((match.start(), i, plan) for i, (plan, pattern) in enumerate(candidates) if (match := pattern.search(text)))
    return [plan for _, _, plan in found]


def _first_named(candidates: list[tuple[Plan, re.Pattern[str]]], text: str) -> Plan | None:
    """The plan whose keyword comes first in the turn."""
    named = _named(candidates, text)
    return named[0] if named else None


def names_a_ruler(text: str) -> bool:
    """The turn asks how confident or how important ("And how confident would you be, same scale? What would make that
    higher?"), whatever else it asks."""
    return bool(_CONFIDENCE_RULER.search(text) or _IMPORTANCE_RULER.search(text))
