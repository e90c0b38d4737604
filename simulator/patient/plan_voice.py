"""How the scripted patient voices plans: taking one up, a hurdle or no idea (`_plan_lines`), and saying back what
was agreed when asked (`_say_plans_back`: the plans the request is about, else the latest agreed, two at most; what
they would do if something happened); and how what they were told lands (`_reaction`) and how they leave
(`_closing_pool`), which both turn on what was explained and agreed. A part of the scripted actor (simulator/patient/actor.py), kept apart so that
each module holds one idea."""

from __future__ import annotations

import re
from collections.abc import Sequence

from simulator.analysis.lexicon import Lexicon
from simulator.patient.asking import news_in
from simulator.patient.director import Decision
from simulator.patient.followup import REPEAT_STOP, closest, stems
from simulator.patient.state import PatientState
from simulator.scenario.model import Scenario

PLANS_SAID_BACK = 2  # asked to say back what was agreed, no plan named: the latest this many
OWN_WORDS_BACK = 3  # content words a telling needs before it can be their own words given back


class PlanVoice:
    """Mixed into ScriptedActor, whose scenario, lexicon and line choosers it uses."""

    scenario: Scenario
    lexicon: Lexicon

    def _pick(self, pool: str, options: Sequence[str], turn: int, state: PatientState, salt: str = "") -> str:
        raise NotImplementedError

    def _remembered(self, key: str, options: Sequence[str], decision: Decision, state: PatientState, pool: str | None = None) -> str:
        raise NotImplementedError

    def _plan_lines(self, decision: Decision, state: PatientState) -> list[str]:
        outcome, lines, turn = decision.plan, self.scenario.lines, decision.turn
        if outcome is None:
            return []
        if outcome.kind == "agreed" and outcome.plan:
            return [self._pick(f"plan:{outcome.plan.id}", outcome.plan.says, turn, state)]
        if outcome.kind == "still_agreed":  # "Could that work for you?" just after they said yes to it: yes
            return [self._pick("still_agreed", lines["still_agreed"], turn, state)]
        if outcome.kind == "proposed" and outcome.plan:
            return [self._pick(f"propose:{outcome.plan.id}", outcome.plan.proposes, turn, state)]
        if outcome.kind == "leaning" and outcome.plan:
            return [self._pick(f"lean:{outcome.plan.id}", outcome.plan.leans, turn, state)]
        if outcome.kind == "rejected" and outcome.plan:
            return [self._pick(f"reject:{outcome.plan.id}", outcome.plan.says, turn, state)]
        if outcome.kind == "foreseen":
            return [self._pick("foreseen", lines["foreseen"], turn, state)]
        if outcome.kind == "barrier":
            if any(f.kind in ("barrier", "idea") for f in decision.disclosed):
                return []  # the barrier they have just told is the answer; an idea of their own is not then called off
            told = next((f for f in decision.touched_known if f.kind == "barrier"), None)
            if told is not None and decision.analysis.kind == "barrier":  # asked again what gets in the way: the same hurdle
                return [self._remembered(f"fact:{told.id}", told.says, decision, state)]
            return [self._pick("barriers", lines["barriers"], turn, state)]
        if decision.disclosed:
            return []  # what they have just told answers it ("What do you do when it happens?"): no "You tell me" after it
        return [self._pick("no_plan_idea", lines["no_plan_idea"], turn, state)]

    def _say_plans_back(self, decision: Decision, state: PatientState) -> str:
        """Asked to say back what was agreed: the plans the request names, else the latest agreed (two at most), each
        in their own words (else the shared template with its label); asked what they would do if something happened
        ("...if the scales went up?"), what they were told to do then, from their side."""
        a, turn, low = decision.analysis, decision.turn, decision.analysis.text.lower()
        then = None  # what they would do if it happened, when that is asked
        if self.lexicon.asks_what_if.search(low) and not self.lexicon.tells_someone.search(low):  # not "If you were telling..."
            told = self._told_for(a.text, state, what_if=True)
            told = told[:1].upper() + told[1:] if self._tells_what_if(told, a.text) else ""
            if not self.lexicon.asks_the_plan.search(low):  # that alone: what they were told, else they'd ring; not the plan
                return self._remembered("back:what_if:" + told, (told,), decision, state) if told else self._what_if(turn, state)
            then = told or self._what_if(turn, state)
        # the latest of each behaviour: "the one inhaler that does both" then "the brown one by the toothbrush" are one
        # change chosen twice, not two
        latest = list({self.scenario.behaviour_of(i): i for i in state.plans_agreed}.values())
        # an idea of their own that the clinician went past ("I could walk to the end of the road") is not said back as
        # agreed, unless the clinician backed it, it is the latest or the request names it
        source = {p["plan"]: p["source"] for p in state.plans}
        taken = [i for i in latest if source.get(i) != "patient" or i in state.endorsed or i == latest[-1]]
        # a plan the request lays out in its own words ("Plan then. Losartan 50 once a day... what are you doing from
        # tomorrow?") is the plan, agreed in the asking
        laid_out = [p.id for p in self.scenario.accept_plans if p.id in decision.plans_named and p.id in decision.plans_laid_out and p.id not in latest]
        ids = [i for i in latest if i in decision.plans_named] + laid_out or taken[-PLANS_SAID_BACK:]
        # "...what you'll do with the tablet and the scales?" with only the tablet agreed: what they were told of the other
        then = then or self._told_besides(ids, [i for i in decision.plans_named if i not in ids and i not in state.plans_agreed], state)
        if len(ids) == 1 and not then:  # asked again: "As I said, ..."
            agreed = self.scenario.accepted_plan(ids[0])
            if agreed is not None and agreed.says_back:
                return self._remembered(f"back:{agreed.id}", agreed.says_back, decision, state)
            return self._pick("teach_back", self.scenario.lines["teach_back"], turn, state).replace("{plan}", self._plan_label(ids[0]))
        # several, or the plan and what they would do if it happened ("...and what you'd do if you got worse")
        parts = [self._in_own_words(plan_id, turn, state) for plan_id in ids] + ([then] if then else [])
        return self._remembered("back:" + "+".join(ids) + (":then" if then else ""), (" ".join(parts),), decision, state)

    def _told_besides(self, ids: list[str], others: list[str], state: PatientState) -> str | None:
        """Asked to say back plans some of which were never agreed: the first of those they were offered, as they
        kept it to say back ("...and what you're stopping?": the ibuprofen, offered but not agreed)."""
        offered = [line for i in others if (plan := self.scenario.accepted_plan(i)) for line in plan.says_back if line in state.explained]
        return offered[0] if offered else None

    def _say_told_back(self, decision: Decision, state: PatientState) -> str:
        """Asked to say back what was explained, with no plan settled: the part of it the request is about, from their
        side; asked what they would do if something happened, told nothing of that, what anyone would (ring); with
        nothing explained, they say so."""
        a, turn = decision.analysis, decision.turn
        what_if = bool(self.lexicon.asks_what_if.search(a.text.lower()))
        told = self._told_for(a.text, state, what_if)
        if told:
            told = told if told.startswith(("I ", "I'")) else told[:1].lower() + told[1:]
            return f"So, {told} Is that right?"
        if what_if:
            return self._what_if(turn, state)
        return self._pick("teach_back_no_plan", self.scenario.lines["teach_back_no_plan"], turn, state)

    def _told_for(self, question: str, state: PatientState, what_if: bool) -> str:
        """What they were told that the request to say it back is about, from their side, or "". A plan they were
        offered and kept to say back is what they would do anyway, not what to do if something happened."""
        offered = {line for plan in self.scenario.accept_plans for line in plan.says_back} if what_if else set()
        told = [line for line in state.explained if line not in offered]
        return closest(told, question)[-1] if told else ""

    def _in_own_words(self, plan_id: str, turn: int, state: PatientState) -> str:
        """An agreed plan as they would say it back, else its label."""
        plan = self.scenario.accepted_plan(plan_id)
        own = plan.says_back if plan is not None else ()
        return self._pick(f"back:{plan_id}", own, turn, state) if own else self._plan_label(plan_id).capitalize() + "."

    def _what_if(self, turn: int, state: PatientState) -> str:
        return self._pick("what_if", self.scenario.lines["what_if"], turn, state)

    def _plan_label(self, plan_id: str) -> str:
        plan = self.scenario.accepted_plan(plan_id)
        behaviour = next((b for b in self.scenario.patient.behaviours if plan and b.id == plan.behaviour), None)
        return behaviour.label if behaviour else plan_id.replace("_", " ")

    @staticmethod
    def _tells_what_if(told: str, asked: str) -> bool:
        """What they were told says what to do if the asked thing happened: it is conditional ("If my weight goes up...")
        and shares a word of the question ("weight"); advice that is not conditional answers something else."""
        return bool(stems(told) & stems(asked) - REPEAT_STOP) and bool(re.search(r"\b(if|when|whenever)\b", told, re.IGNORECASE))

    def _closing_pool(self, state: PatientState) -> str:
        """The goodbye fits how it went: warmth, a plan, a worry left unspoken."""
        if state.affect == "guarded":
            return "closing_cool"
        unspoken = [f for f in self.scenario.hidden_facts if f.id not in state.disclosed and f.kind in ("concern", "belief")]
        if unspoken and state.affect == "open" and not state.plan_agreed:
            return "closing_unsaid"
        if state.plan_agreed:
            return "closing_agreed"
        # "I could give that a go" to what they were told: not "I'll just carry on as I am", nor a plan of their own
        return "closing_told" if state.went_along else "closing_not_agreed"

    def _told_pool(self, decision: Decision, state: PatientState) -> str:
        """The pool for news told with nothing asked: eased or worried by it when it says which way it runs ("...the good
        news is a lot of it is in our hands"), else taken in ("Right. I didn't know that."); what they said themselves,
        given back ("So some weeks the tin just sits there."), is no news to them: agreed with."""
        news = news_in(decision.analysis.text, self.lexicon)
        if news:
            return f"reaction_{news}"
        if decision.analysis.has("advice", "safety_net", "follow_up", "options", "resources"):
            return "information"  # what they are asked to do is news to them, however worded
        told = stems(decision.analysis.text) - REPEAT_STOP
        if len(told) < OWN_WORDS_BACK:
            return "information"
        said = set().union(*(stems(line) for line in state.last_lines.values()))
        return "acknowledge" if len(told & said) * 2 >= len(told) else "information"

    def _reaction(self, decision: Decision, state: PatientState) -> str:
        """The pool for how news landed: eased or worried by it (asking.news_in), and whether it surprised them when
        asked; the news is this turn's telling, else the explanation just before ("What do you make of that?")."""
        a = decision.analysis
        told = a.text if a.has("information", "advice") else (state.explained[-1] if state.explained else "")
        news = news_in(told, self.lexicon)
        base = "surprised" if any(self.lexicon.asks_if_surprised.search(q.lower()) for q in a.asked) else "reaction"
        return f"{base}_{news}" if news else base
