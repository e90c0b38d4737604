"""The director: moves the patient's state with each clinician turn and decides what comes out.

Whatever voices the patient (scripted lines or a language model), disclosure is decided here, by the
scenario's rules, and every disclosure is written to the ledger with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from simulator import resources
from simulator.analysis import TurnAnalysis, TurnReader, plans
from simulator.analysis.events import detect_events
from simulator.analysis.features import stem
from simulator.analysis.reader import STACKED_TOPICS
from simulator.patient.asking import (
    ASKING,
    HABITS,
    INVITING,
    NOT_ABOUT_THEIR_LIFE,
    VIEWS,
    asks_past_it,
    asks_reaction,
    household,
    only_tells,
    proposes,
    says_back,
    who_helps,
    who_knows,
)
from simulator.patient.cues import CueTracker
from simulator.patient.planner import AFTER_A_RULER, Planner, PlanOutcome, Ruler
from simulator.patient.state import PatientState, thresholds
from simulator.patient.subject import Subject
from simulator.scenario.model import Cue, Fact, Knowledge, Scenario
from simulator.session.model import Disclosure

PROMPT_WORDS = 8  # a turn this short that the reader finds nothing in may still ask, as a form does
_TO_A_CHOICE = ("barrier", "idea")  # kinds of fact a turn asking them to pick an option may bring out
GENERAL_MEDICINE = "medication"  # the topic of medicines in general, beside the named ones (reliever, preventer...)


@dataclass(frozen=True)
class Decision:
    """What the director decided for one clinician turn; the actor voices it."""

    turn: int
    analysis: TurnAnalysis
    events: tuple[str, ...]
    disclosed: tuple[Fact, ...]
    opening: bool
    closing: bool
    plan: PlanOutcome | None = None
    ruler: Ruler | None = None
    touched_hidden: bool = False  # asked about something the patient is keeping back
    touched_known: tuple[Fact, ...] = ()  # asked again about something already said
    confused: bool = False  # unexplained jargon for a patient who will not follow it
    stacked: bool = False  # one question about too many subjects at once: nothing to answer
    knowledge: Knowledge | None = None  # what the patient knows of their own life that answers the question
    cue: Cue | None = None  # a hint of an unspoken concern, dropped in this reply
    cue_outcome: tuple[str, Cue] | None = None  # the cue before: ("taken_up" | "missed", cue)
    offer: bool = False  # proposes something (a plan, help) rather than asks what the patient knows
    showing: bool = False  # asked to show how they use a medicine: a demonstration, not a plan said back
    checking: bool = False  # tells them something and asks only whether it landed ("...that's a lot, aye?")
    carry_on: bool = False  # only asks them to go on ("Mm. Go on.")
    proposal: bool = False  # proposes what else to cover, asking at most whether that is all right: agreed to
    reacting: bool = False  # told them something and asks only how it lands: a reaction, not a fact told again


class Director:
    def __init__(self, scenario: Scenario, state: PatientState | None = None, ledger: list[Disclosure] | None = None):
        self.scenario = scenario
        self.reader = TurnReader.for_scenario(scenario)
        self.state = state or PatientState.initial(scenario)
        self.ledger: list[Disclosure] = list(ledger or [])
        self.limits = thresholds()
        defaults = resources.data_file("affect.yaml")["effects"]
        self.effects = {**defaults, **scenario.effects}
        self.cues = CueTracker(scenario, self.state)
        self.planner = Planner(scenario, self.state, self.limits, self.reader.lexicon.obstacle_questions)
        self._own_topics = frozenset(scenario.topics) - frozenset(self.reader.lexicon.shared_topics)  # this patient's own subjects
        self._fact_words = {f.id: self.reader.topics.content(" ".join(f.says).lower()) for f in scenario.facts}
        self.subject = Subject(self.reader.lexicon)  # what the clinician last asked about, and when
        self._medicine_topics = next(with_topics for kind, _, _, with_topics in self.reader.lexicon.question_kinds if kind == "medicine_use")

    def step(self, text: str, turn: int, previous_patient: str | None = None) -> Decision:
        """Take one clinician turn (its index in the session) and decide the patient's side of it."""
        state = self.state
        read = self.reader.analyse(text, previous_patient)  # as the grader reads it: the same input
        opening = state.clinician_turns == 0
        state.clinician_turns += 1
        events = detect_events(read, state)
        # "Mm. Go on.": asks them to carry on with what they were saying (a hint in it is taken up)
        carry_on = bool(previous_patient and read.has("backchannel") and self.reader.lexicon.continuers.search(read.text.lower()))
        cue_outcome = None if opening else self.cues.outcome(read, turn, carry_on)
        if cue_outcome:
            events = (*events, f"cue_{cue_outcome[0]}")
        self._apply_effects(read, events)
        if read.has("empathy"):
            state.empathy_shown = True
        analysis = self.subject.resolve(read, state.clinician_turns)  # what was said moved them (above); what it asks about may lie a turn back
        # "I'd also like to look at your inhalers, if that's alright?": what it names is not asked about
        proposal = not opening and proposes(analysis, self.reader.lexicon)
        # a safety-net or what happens next, said in one breath with a question mark, names many things but asks none of them
        stacked = analysis.stacked and not opening and not proposal and not analysis.has("safety_net", "follow_up")
        # a turn that tells (explains, safety-nets, offers) and asks only whether it made sense or may go on asks
        # nothing about their life: nothing comes out of it, and nothing told is said again
        tells = (only_tells(analysis, self.reader.topics_in) or proposal) and not opening
        # offered options and asked to pick ("Which would you be happy to start with?"): a choice, not their life story
        # (what stands in the way of one of them, or an idea of their own, may still come out); a menu of nothing they have
        # a plan for is talked about
        choosing = plans.asked_to_pick(analysis, text) and self.planner.names_a_plan(text)
        # who else knows of it ("Does anyone at work know you've got asthma?") asks nothing new of them
        # and who helps them ("Anybody popping in to check on you?") asks nothing new of them either
        # and who they live with ("Who's at home with you?") is their household, not a hidden worry about it
        lexicon, low = self.reader.lexicon, analysis.text.lower()
        at_home = bool(lexicon.who_at_home.search(low))
        about_others = analysis.aspect in ("who_knows", "who_helps") or at_home
        asking = (analysis.has(*INVITING) or bool(analysis.aspects)) and not tells  # (a "?" the model coded nothing in asks too)
        # what it asks about, beside the words of what it asks ("when did") and, asking who knows, of whom ("Jean")
        asked_of = set(analysis.topics) - lexicon.aspect_topics - (lexicon.who_topics if analysis.aspect == "who_knows" else frozenset())
        # "When did you stop, and what made you decide?": that, of what they said last, when it names nothing else
        # (why a lapse happened is a concern asked for too, by the codebook: it is still this lapse's why, not a new worry)
        last = next((f for f in self.scenario.facts if f.id == state.last_fact), None)
        of_last = last if asking and last is not None and last.detail(analysis.aspect) and not asked_of else None
        # "Show me how you take it", "Want to have another go?": a demonstration asks nothing about their life
        technique = bool(lexicon.shows_technique.search(low))  # whatever it is coded
        # "...most people never need dialysis. What do you make of that?": how the news lands, which may be a worry or a belief
        # of theirs, never how they live or take their tablets, nor anything they said before
        reacting = not opening and asks_reaction(analysis, lexicon)
        disclosed = () if stacked or tells or about_others or of_last or technique else self._disclose(
            analysis, turn, opening, choosing=choosing, views_only=reacting
        )
        if cue_outcome and cue_outcome[0] == "taken_up" and not stacked and not technique:
            disclosed = (*disclosed, *self._behind_cue(cue_outcome[1], turn, disclosed))
        # when to ring, when to come back or "does that make sense?" offers no plan and asks for no hurdle
        winding_up = tells and analysis.has("safety_net", "follow_up", "check_understanding") and not analysis.has("options")
        no_plan = opening or stacked or winding_up or proposal or analysis.kind in ("agenda", "permission")
        plan = None if no_plan else self.planner.plan(analysis, text, turn, events)
        # a number back only when a scale was given: "How confident do you feel?" is answered in words
        # "What would take it one number higher?" asks what would help, not for the number again
        # unless the scale is given in the same turn ("Out of ten, how sure are you? And what would make it higher?"): both
        asked = analysis.has("scale_question") or analysis.kind in ("confidence", "importance")
        scaled = asked and bool(lexicon.codes["scale_question"].search(low))
        asked = asked and (scaled or analysis.kind not in AFTER_A_RULER)
        ruler = self.planner.ruler(analysis, text, scaled) if asked else None
        engaged = analysis.engaged_topics
        touched_hidden = asking and any(
            set(f.topics) & engaged for f in self.scenario.hidden_facts if f.id not in state.disclosed
        )
        # a question with another job (their worries, a plan, an offer, permission) is not asking about their life,
        # nor for what they have told already
        ice_kinds = self._ice_kinds(analysis)
        offer = plans.offers_something(analysis) and not ice_kinds  # "What were you hoping we could do?" offers nothing
        # how often or when they take a medicine is not which they take: never the list of their medicines
        other_job = (
            offer
            or analysis.kind in ("medicine_use", "agenda")
            or bool(ice_kinds)
            or (analysis.has(*NOT_ABOUT_THEIR_LIFE) and not set(analysis.topics) & self.reader.lexicon.persona_topics)
        )
        # asked again about something told: by topic, or by the kind of ICE question ("What worries you?" again)
        # what they said last is what is asked about only when the question asks about nothing of its own kind
        # ("You do a lot for everyone. How are things on the days it's just you?" is not about everyone again)
        # (or what it points back to: "Since when have you been doing them?")
        carried = analysis is not read  # it named nothing and points back at the subject before it (Subject.resolve)
        about = engaged if analysis.kind in (None, "not_covered") or carried else frozenset(analysis.topics)
        touched_known = tuple(dict.fromkeys(
            f for f in (*self._ice_answers(ice_kinds), *self.scenario.facts)
            if f.id in state.disclosed and f not in disclosed and (set(f.topics) & about or f.kind in ice_kinds)
            # how they take a medicine is not a worry or a hope that mentioned it ("Still taking the metformin?"), and how
            # they feel about it all is not how they live ("How do you feel about it, the sugar going up?" is not the takeaways)
            and not (analysis.kind == "medicine_use" and f.kind in VIEWS) and not (analysis.kind == "feelings" and f.kind in HABITS)
        )) if asking and not offer else ()
        # what the question itself names first ("What do you reckon the grey one does?" is about the grey one), then
        # the kind of ICE question asked, before what it only takes up; a worry or hope is not what a question about
        # something else is after
        named = set(analysis.topics)
        # "How often, roughly?" names nothing and asks about what they have just said: the latest they told, not their life
        follows_up = analysis.is_question and not named and bool(analysis.context_topics) and not analysis.has("reflection", "empathy", "summary")
        own = named & self._own_topics  # this patient's own subjects say most about what is asked ("pillows", not "breathing")
        # then the one in the question's own words ("the water tablet"); read only when there is a choice to make
        words = self.reader.topics.content(low) if len(touched_known) > 1 else frozenset()
        # asked about their worry again ("And what is it about that that bothers you?"): the latest of that kind
        rank = {kind: i for i, kind in enumerate(ice_kinds)}
        # asked how often, since when or why, one they can answer that of ("How many puffs on a bad day?")
        touched_known = tuple(sorted(touched_known, key=lambda f: (
            not set(f.topics) & named, not f.detail(analysis.aspect), -len(set(f.topics) & own), -len(set(f.topics) & named), rank.get(f.kind, len(rank)),
            not ice_kinds and f.disclose == "ice_elicited",
            -len(words & self._fact_words[f.id]), -state.disclosed.index(f.id) if ice_kinds or follows_up else 0,
        )))
        if of_last is not None:
            touched_known, follows_up = (of_last, *(f for f in touched_known if f is not of_last)), True
            if plan is not None and plan.kind != "agreed":
                plan = None  # "What made you decide to stop?" asks why they stopped, not for a plan
        # "What can I do for you?" after the opening: what they came with, said again
        if analysis.kind == "agenda" and asking and not disclosed:
            came_with = tuple(f for f in self.scenario.facts if f.disclose == "volunteered" and f.id in state.disclosed)
            touched_known = (*came_with, *(f for f in touched_known if f not in came_with))
            if lexicon.asks_for_more.search(low):
                touched_known = ()  # "Anything else?" asks for something not yet said, not the same again
        closing = analysis.goodbye and not opening
        if closing:
            state.ended = True
        confused = self._confused(analysis)
        # "Show me how you use your inhaler": a demonstration, not the plan said back ("Show me what you'll do" is that)
        showing = technique or (says_back(analysis) and bool(lexicon.shows_how.search(low)) and not state.plan_agreed)
        # a clerking prompt, said without a question's shape ("next of kin and their name", "date of birth")
        prompted = not analysis.codes and 0 < analysis.word_count <= PROMPT_WORDS and len(analysis.topics) < STACKED_TOPICS
        # how they have been or feel ("How have things been since then, on your own?") is not where they live, and a question
        # booking them in ("Is there a time that suits your shifts?") is not what their job is
        about_them = analysis.kind in ("how_been", "feelings") or analysis.has("follow_up")
        answers_life = (asking or showing or prompted) and not (other_job or follows_up or disclosed or closing)
        knowledge = self._knowledge(analysis, touched_hidden) if answers_life else None
        if about_them and knowledge is not None and not knowledge.detail(analysis.aspect):
            knowledge = None  # ...but "How are things at home?" is what it is like there, when they have that to say
        if says_back(analysis) and not showing:
            knowledge = None  # "Tell me back what you'll do tomorrow" with no plan agreed: they say so (actor)
        if showing:
            # "Show me how you use it" just after they were asked how they use it: that, shown; else they have a go
            # (actor), never what they take, what they came in with nor something told long before
            which = set(analysis.topics) & self._medicine_topics - {GENERAL_MEDICINE}
            about = which or (frozenset() if lexicon.once_more.search(low) else self._medicine_topics)
            told = [
                f for f in self.scenario.facts
                if f.id == state.last_fact and f.disclose != "volunteered" and set(f.topics) & about and f.kind not in VIEWS
            ]
            knowledge, touched_known = None, () if disclosed else tuple(told)
        if analysis.aspect == "who_helps" and knowledge is None and not touched_known and asking:
            knowledge = who_helps(self.scenario.patient.knows)
        if knowledge is not None and asks_past_it(analysis, knowledge, touched_known, self._own_topics, self.reader.lexicon):
            knowledge = None  # "How are you managing for money, on your own?" after the money story: the money, again
        if analysis.aspect == "who_knows" and asking and not follows_up:
            knowledge, touched_known = who_knows(self.scenario.patient.knows, knowledge, touched_known, asked_of)
        if at_home and asking and (home := household(self.scenario.patient.knows)) is not None:
            knowledge, touched_known = home, ()  # who they live with, not a worry about them told before
        if reacting:
            knowledge, touched_known = None, ()
        # "Mm. Go on.": a little more about what they were saying, a hint of what lies behind it, else of what is on their mind
        near = frozenset(self.reader.topics_in(previous_patient)) if carry_on and previous_patient else frozenset()
        # asked how often, since when or why of what they told, they answer just that: no hint of something else
        answered = bool(touched_known) and bool(touched_known[0].detail(analysis.aspect)) and knowledge is None
        cue = None if opening or closing or disclosed or stacked or answered else self.cues.offer(analysis, turn, near, anywhere=carry_on)
        return Decision(
            turn, read, events, disclosed, opening, closing, plan, ruler, touched_hidden, touched_known, confused, stacked,
            knowledge, cue, cue_outcome, offer, showing, tells and analysis.is_question, carry_on, proposal, reacting,
        )

    def heard_self(self, reply: str) -> None:
        """What the patient said becomes theirs: a technical word they used is never jargon to them."""
        own = self.state.own_words
        for match in self.reader.lexicon.jargon.finditer(reply.lower()):
            if match.group() not in own:
                own.append(match.group())

    def _confused(self, analysis: TurnAnalysis) -> bool:
        """Unexplained jargon, for a patient who will not follow it, unless they used the word themselves."""
        if self.scenario.patient.speech.health_literacy == "high":
            return False
        own = {stem(word) for word in self.state.own_words}  # "a hypo" said, "hypos" heard: their own word still
        return any(h.code == "jargon" and stem(h.text.lower()) not in own for h in analysis.hits)

    def _knowledge(self, analysis: TurnAnalysis, touched_hidden: bool = False) -> Knowledge | None:
        """The thing the patient knows of their own life that best answers the question: by topic, then by
        what the question is about (lexicon/persona.yaml), unless it names what they are keeping back ("How's
        your mood, do you still enjoy things?" is not asking about their hobbies)."""
        knows = self.scenario.patient.knows
        if analysis.kind == "feelings":
            return None  # how they feel in themselves is not a fact of their life ("Have you had thoughts of harming yourself?")
        # what the turn names; what the patient said last only for a bare prompt ("Go on, tell me more")
        # ("Since when, roughly?" names only what it asks, not a subject: history is not their diagnosis here)
        named = frozenset(analysis.topics) - self.reader.lexicon.aspect_topics if analysis.aspects else frozenset(analysis.topics)
        topics = named or (frozenset(analysis.context_topics) if analysis.word_count <= PROMPT_WORDS else frozenset())
        best = max(knows, key=lambda k: len(set(k.topics) & topics), default=None)
        if best is not None and set(best.topics) & topics:
            return best
        if topics & self.reader.lexicon.topic_narrows.keys():
            return None  # "side effects of your tablets?" is not about which tablets, whatever the words
        if topics & self.reader.lexicon.persona_topics or touched_hidden:
            return None  # asked about that very thing, and nothing of it is scripted: not a sibling's line
        low = analysis.text.lower()
        for about, pattern in self.reader.lexicon.persona_subjects.items():
            if pattern.search(low):
                found = next((k for k in knows if k.about == about), None)
                if found is not None:
                    return found
        return None

    def _behind_cue(self, cue: Cue, turn: int, already: tuple[Fact, ...]) -> tuple[Fact, ...]:
        """Taking a cue up opens the fact it leads to, once what it waits for is out and trust allows."""
        fact = next((f for f in self.scenario.facts if f.id == cue.leads_to), None)
        if fact is None or fact in already or fact.id in self.state.disclosed or len(already) >= self.limits["max_disclosures_per_turn"]:
            return ()
        if not self._free(fact) or self.state.affect == "guarded":
            return ()
        return (self._record(fact, turn, f"the patient's cue taken up ({cue.feeling or cue.id})"),)

    # -- state ---------------------------------------------------------------------------------

    def _apply_effects(self, analysis: TurnAnalysis, events: tuple[str, ...]) -> None:
        state = self.state
        causes = [c for c in analysis.codes if c != "jargon" or self.scenario.patient.speech.health_literacy != "high"]
        targets = [b.id for b in self.scenario.patient.behaviours if set(b.topics) & analysis.engaged_topics]
        targets = targets or list(state.importance)
        for cause in (*causes, *events):
            effect = self.effects.get(cause)
            if not effect:
                continue
            state.rapport = _clamp(state.rapport + effect.get("rapport", 0), 0, 10)
            state.activation = _clamp(state.activation + effect.get("activation", 0), 1, 4)
            for behaviour in targets:
                state.importance[behaviour] = _clamp(state.importance[behaviour] + effect.get("importance", 0), 0, 10)
                state.confidence[behaviour] = _clamp(state.confidence[behaviour] + effect.get("confidence", 0), 0, 10)

    # -- disclosure ----------------------------------------------------------------------------

    def _disclose(self, analysis: TurnAnalysis, turn: int, opening: bool, choosing: bool = False, views_only: bool = False) -> tuple[Fact, ...]:
        state = self.state
        out: list[Fact] = []
        if opening:
            for fact in self.scenario.facts:
                if fact.disclose == "volunteered" and fact.id not in state.disclosed:
                    out.append(self._record(fact, turn, "volunteered in the opening"))
            return tuple(out)
        ice_fallback_used = False
        ice_kinds = self._ice_kinds(analysis)
        ice_answers = self._ice_answers(ice_kinds)
        # an ICE question that names no topic of any unspoken concern still gets the first of them (a view asked for,
        # the first unspoken view, of the kind it asks first: "What are the inhalers doing in there?" is a belief)
        answering = ("ice_elicited", "open_question") if ice_kinds else ("ice_elicited",)
        # the kind it asks first that they still have to tell is the answer, on its topic or not: "In your mind, what
        # are the inhalers doing?" is their belief about them, before a worry that names the brown one
        best = next((k for k in ice_kinds if any(f.kind == k and f.disclose in answering and self._free(f) for f in ice_answers)), None)
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
        if not out and not choosing and self._general_invitation(analysis):
            open_fact = next((f for f in self.scenario.facts if f.disclose == "open_question" and self._free(f) and (f.kind in VIEWS or not views_only)), None)
            if open_fact:
                out.append(self._record(open_fact, turn, "an open question about nothing in particular: what is on the patient's mind"))
        return tuple(out)

    def _ice_kinds(self, analysis: TurnAnalysis) -> tuple[str, ...]:
        """The kinds of fact that answer this question, best first, if it asks for a concern, an expectation or an idea."""
        if not analysis.is_question:
            return ()
        if analysis.kind == "barrier" and analysis.topics:
            return ()  # "What might get in the way, with the food?" is about the food too; "What gets in the way?" a hurdle of theirs
        return self.reader.lexicon.ice_fact_kinds.get(analysis.kind or "", ())

    def _ice_answers(self, kinds: tuple[str, ...]) -> tuple[Fact, ...]:
        """The facts an ICE question can bring out: those of the kinds it asks for, best first (any, if it does not say)."""
        if not kinds:
            return self.scenario.facts
        return tuple(sorted((f for f in self.scenario.facts if f.kind in kinds), key=lambda f: kinds.index(f.kind)))

    def _general_invitation(self, analysis: TurnAnalysis) -> bool:
        """"How have things been?", "What's been happening?": open, about no topic, and not guarded."""
        return (
            analysis.has("open_question")
            and analysis.kind in (None, "how_been")  # "how have things been?", not "what's a typical day like?"
            and not analysis.engaged_topics
            and not analysis.has("elicit_ice", "scale_question", "teach_back", "check_understanding", "closing")
            and not self._ice_kinds(analysis)
            and self.state.affect != "guarded"
        )

    def _free(self, fact: Fact) -> bool:
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


def _clamp(value: float, low: float, high: float) -> float:
    return round(max(low, min(high, value)), 3)  # rounding keeps sums of tenths from drifting

