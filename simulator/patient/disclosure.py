"""What the scenario's rules let out this turn: which hidden facts a clinician turn brings out, and why.

The director asks; this decides, by each fact's disclosure rule (docs/scenario-format.md), and writes every
disclosure to the ledger with its reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from simulator.analysis import TurnAnalysis
from simulator.analysis.lexicon import Lexicon
from simulator.patient.asking import ASKING, INVITING, VIEWS
from simulator.patient.state import PatientState
from simulator.scenario.model import Cue, Fact, Scenario
from simulator.session.model import Disclosure

_TO_A_CHOICE = ("barrier", "idea")  # kinds of fact a turn asking them to pick an option may bring out
# Activation (1-4) from which a patient asked for their agenda says what they hope to get out of it: a highly activated
# patient brings an agenda of their own; a passive one waits to be asked what they hope for.
BRINGS_AN_AGENDA = 3


class Gate:
    """The scenario's disclosure rules over the patient's state; `ledger` is the director's, appended to."""

    def __init__(
        self, scenario: Scenario, state: PatientState, ledger: list[Disclosure], limits: dict, lexicon: Lexicon,
        medicine_topics: frozenset[str], topics_in: Callable[[str], Iterable[str]],
    ):
        """`topics_in`: the director's reader's topic finder (the scenario's topics with the shared ones)."""
        self.scenario, self.state, self.ledger, self.limits = scenario, state, ledger, limits
        self._topics_in, self._if_a_worry = topics_in, lexicon.asks_if_a_worry
        self._ice_fact_kinds = lexicon.ice_fact_kinds
        self._matters = lexicon.asks_what_matters
        self._hopes = next(pattern for kind, _, pattern, _ in lexicon.question_kinds if kind == "expectations")
        self._medicine_topics = medicine_topics

    def behind_cue(self, cue: Cue, turn: int, already: tuple[Fact, ...]) -> tuple[Fact, ...]:
        """Taking a cue up opens the fact it leads to, once what it waits for is out and trust allows."""
        fact = next((f for f in self.scenario.facts if f.id == cue.leads_to), None)
        if fact is None or fact in already or fact.id in self.state.disclosed or len(already) >= self.limits["max_disclosures_per_turn"]:
            return ()
        if not self.free(fact) or self.state.affect == "guarded":
            return ()
        return (self._record(fact, turn, f"the patient's cue taken up ({cue.feeling or cue.id})"),)

    def disclose(
        self, analysis: TurnAnalysis, turn: int, opening: bool, ice_kinds: tuple[str, ...], choosing: bool = False, views_only: bool = False
    ) -> tuple[Fact, ...]:
        """`ice_kinds`: this turn's, as `ice_kinds(analysis)` gives them (the director reads them once per turn)."""
        state = self.state
        out: list[Fact] = []
        if opening:
            for fact in self.scenario.facts:
                if fact.disclose == "volunteered" and fact.id not in state.disclosed:
                    out.append(self._record(fact, turn, "volunteered in the opening"))
            return tuple(out)
        if analysis.kind == "agenda" and state.activation < BRINGS_AN_AGENDA and not self._hopes.search(analysis.text.lower()):
            # "Anything you'd like us to get to?": a passive patient names what they came with again, nothing new
            # ("What were you hoping we'd sort out?" asks what they hope for, of any patient)
            return ()
        ice_fallback_used = False
        ice_answers = self.ice_answers(ice_kinds)
        # an ICE question that names no topic of any unspoken concern still gets the first of them (a view asked for,
        # the first unspoken view, of the kind it asks first: "What are the inhalers doing in there?" is a belief)
        answering = ("ice_elicited", "open_question") if ice_kinds else ("ice_elicited",)
        # the kind it asks first that they still have to tell is the answer, on its topic or not: "In your mind, what
        # are the inhalers doing?" is their belief about them, before a worry that names the brown one
        best = next((k for k in ice_kinds if any(f.kind == k and f.disclose in answering and self.free(f) for f in ice_answers)), None)
        if best is not None:
            ice_answers = tuple(f for f in ice_answers if f.kind == best)
        ice_on_topic = any(
            f.disclose in answering and f.id not in state.disclosed and set(f.topics) & analysis.engaged_topics
            for f in ice_answers
        )
        for fact in ice_answers if ice_kinds else self.scenario.facts:
            if fact.id in state.disclosed or len(out) >= self.limits["max_disclosures_per_turn"] or (choosing and fact.kind not in _TO_A_CHOICE):
                continue
            if views_only and fact.kind not in VIEWS:
                continue
            reason = self._reason(fact, analysis, ice_fallback_used or ice_on_topic, ice_kinds, ice_answers)
            if reason:
                ice_fallback_used = ice_fallback_used or reason.startswith("an ICE question about none")
                out.append(self._record(fact, turn, reason))
        if not out and not choosing and not ice_kinds and self._general_invitation(analysis):
            open_fact = next((f for f in self.scenario.facts if f.disclose == "open_question" and self.free(f) and (f.kind in VIEWS or not views_only)), None)
            if open_fact:
                out.append(self._record(open_fact, turn, "an open question about nothing in particular: what is on the patient's mind"))
        return tuple(out)

    def ice_kinds(self, analysis: TurnAnalysis) -> tuple[str, ...]:
        """The kinds of fact that answer this question, best first, if it asks for a concern, an expectation or an idea."""
        if not analysis.is_question:
            return ()
        if analysis.kind == "barrier" and analysis.topics:
            return ()  # "What might get in the way, with the food?" is about the food too; "What gets in the way?" a hurdle of theirs
        if self._matters.search(analysis.text.lower()):
            return self._ice_fact_kinds["expectations"]  # "What matters most to you right now?": what they hope for
        kinds = self._ice_fact_kinds.get(analysis.kind or "", ())
        return () if kinds and self._names_something_else(analysis, kinds) else kinds

    def _names_something_else(self, analysis: TurnAnalysis, kinds: tuple[str, ...]) -> bool:
        """"Is money a worry as well?" asks about the money: it names what an unspoken fact of another kind is about,
        and no unspoken view of the kinds asked shares it, so it is a question about that, not for their first worry."""
        asked = self._if_a_worry.search(analysis.text.lower())
        named = set(self._topics_in(asked.group("subject"))) if asked else set()  # what it asks about, nothing else
        said = self.state.disclosed
        # ("...driving a forklift all day, that's on your mind too?" is the worry about work, again; "Is money a worry at
        # all?" after the money story is the money, again)
        if not named or any((f.kind in kinds or f.id in said) and set(f.topics) & named for f in self.scenario.facts):
            return False
        return any(f.kind not in VIEWS and set(f.topics) & named for f in self.scenario.hidden_facts)

    def ice_answers(self, kinds: tuple[str, ...]) -> tuple[Fact, ...]:
        """The facts an ICE question can bring out: those of the kinds it asks for, best first (any, if it does not say)."""
        if not kinds:
            return self.scenario.facts
        return tuple(sorted((f for f in self.scenario.facts if f.kind in kinds), key=lambda f: kinds.index(f.kind)))

    def _general_invitation(self, analysis: TurnAnalysis) -> bool:
        """"How have things been?", "What's been happening?": open, about no topic, and not guarded (and, the caller
        checks, no ICE question)."""
        return (
            analysis.has("open_question")
            and analysis.kind in (None, "how_been")  # "how have things been?", not "what's a typical day like?"
            and not analysis.engaged_topics
            and not analysis.has("elicit_ice", "scale_question", "teach_back", "check_understanding", "closing")
            and self.state.affect != "guarded"
        )

    def free(self, fact: Fact) -> bool:
        """Not yet said, with everything it waits for already said and enough rapport."""
        state = self.state
        if fact.id in state.disclosed or any(prior not in state.disclosed for prior in fact.after):
            return False
        return fact.min_rapport is None or state.rapport >= fact.min_rapport

    def _reason(
        self, fact: Fact, analysis: TurnAnalysis, ice_fallback_used: bool, ice_kinds: tuple[str, ...], ice_answers: tuple[Fact, ...]
    ) -> str | None:
        """Why this turn brings the fact out, or None if it does not."""
        state = self.state
        if fact.disclose == "volunteered":
            return None  # said in the opening; never gated afterwards
        if ice_kinds and fact.kind not in ice_kinds:
            return None  # asked what they hoped to go home with: a hope, not what "home" brings to mind
        if analysis.kind == "medicine_use" and not set(fact.topics) & self._medicine_topics:
            return None  # "Does the teatime one ever get left out?" is about the tablet, not their tea
        if any(prior not in state.disclosed for prior in fact.after):
            return None
        if fact.min_rapport is not None and state.rapport < fact.min_rapport:
            return None
        if state.affect == "guarded" and fact.disclose != "topic_question":
            return None
        shared = sorted(set(fact.topics) & analysis.engaged_topics)
        on = f" about {', '.join(shared)}" if shared else ""
        rule = fact.disclose
        if rule == "topic_question" and shared and analysis.has(*ASKING):
            return f"a question{on}"
        # asked for their view, open by what it asks whatever its form ("What's your take on the inhalers?"); and a
        # patient at ease answers a plain question about it too ("Roughly how much do you drink a day?")
        if rule == "open_question" and shared and (analysis.has("open_question", "reflection") or fact.kind in ice_kinds):
            return f"an open question or reflection{on}"
        at_ease = state.affect == "open" and analysis.has(*ASKING) and not analysis.has("agenda_setting")  # "anything else?" asks for more
        if rule == "open_question" and set(fact.topics) & set(analysis.topics) and at_ease:
            return f"a question{on}, to a patient at ease"
        if rule == "open_question" and fact.kind in ice_kinds and not ice_fallback_used:
            return f"an ICE question about none of their views' topics: the patient's first unspoken {fact.kind}"
        if rule == "ice_elicited" and (analysis.has("elicit_ice") or ice_kinds):
            if fact not in ice_answers:
                return None  # asked what worries them: not what they hoped for today
            if shared:
                return f"ideas, concerns or expectations elicited{on}"
            if not ice_fallback_used:
                return "an ICE question about none of their concerns' topics: the patient's first unspoken concern"
        if rule == "after_empathy" and shared and state.empathy_shown and analysis.has(*INVITING):
            return f"empathy shown, then invited{on}"
        if rule == "rapport" and shared and analysis.has(*INVITING):
            return f"rapport {state.rapport:.1f} reached {fact.min_rapport or 0:g}, then invited{on}"
        return None

    def _record(self, fact: Fact, turn: int, reason: str) -> Fact:
        self.state.disclosed.append(fact.id)
        self.ledger.append(Disclosure(fact.id, turn, reason))
        return fact
