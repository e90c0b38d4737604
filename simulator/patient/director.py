"""The director: moves the patient's state with each clinician turn and decides what comes out.

Whatever voices the patient (scripted lines or a language model), disclosure is decided here, by the
scenario's rules, and every disclosure is written to the ledger with its reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from simulator import resources
from simulator.analysis import TurnAnalysis, TurnReader, plans
from simulator.analysis.events import detect_events
from simulator.analysis.reader import STACKED_TOPICS
from simulator.patient.asking import (
    COMPANY,
    HABITS,
    INVITING,
    NOT_ABOUT_THEIR_LIFE,
    TELLING,
    VIEWS,
    addressed_to,
    asks_past_it,
    asks_reaction,
    company,
    household,
    only_checks_agreement,
    only_tells,
    proposes,
    says_back,
    vocative,
    who_came,
    who_helps,
    who_knows,
)
from simulator.patient.cues import CueTracker
from simulator.patient.disclosure import Gate
from simulator.patient.followup import SENTENCE_END, more_of, told_so_far
from simulator.patient.misquotes import misquoted_detail, misquoted_ruler, opens_on_a_number
from simulator.patient.planner import AFTER_A_RULER, Planner, PlanOutcome, Ruler, names_a_ruler
from simulator.patient.sayback import said_back
from simulator.patient.state import PatientState, thresholds
from simulator.patient.subject import Subject
from simulator.patient.words import TheirWords
from simulator.scenario.model import Cue, Fact, Knowledge, Scenario
from simulator.session.model import Disclosure

PROMPT_WORDS = 8  # a turn this short that the reader finds nothing in may still ask, as a form does
GENERAL_MEDICINE = "medication"  # the topic of medicines in general, beside the named ones (reliever, preventer...)


# Asked who helps, how often or since when, what they have told of it answers before their everyday life: "Who looks
# after you?" from the carer who told how it is with Ken; "How many puffs on a bad day?" from one who told of the puffs.
# (Who knows or what it is like stays with their own life: "Does anyone at work know?" is about work.)
TOLD_ANSWERS_FIRST = ("who_helps", "how_often", "since_when")
TOLD_TO_SAY_BACK = ("advice", "safety_net")  # what a clinician asks them to do, which they may be asked to say back
CARRY_ON_WORDS = 10  # "Mm. Tell me a bit more about that." asks them to go on; a longer turn asks something of its own
_BARE_ONE = re.compile(r"(?<!the )\bone\b")  # "Ever had one yourself?" points back; "the one for you" does not
SCALE_CARRIES = 3  # clinician turns after a ruler with its scale that a ruler without one is still on it
EXPLAINED_KEPT = 6  # sentences of it kept, the latest last


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
    plans_named: tuple[str, ...] = ()  # asked to say back what was agreed, the plans the request names ("...about the painkillers")
    second_ruler: Ruler | None = None  # "how important, and how confident?" in one turn: the confidence one
    misquoted: int | None = None  # the ruler number they gave, when the clinician quotes another back ("A seven, that's good.")
    misquoted_detail: str | None = None  # a number they told, as they said it, when the turn says it back wrong (misquotes.py)
    plans_laid_out: tuple[str, ...] = ()  # ...and of those, the ones it names by their keywords: the plan laid out in the asking


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
        lex = self.reader.lexicon
        self.planner = Planner(scenario, self.state, self.limits, lex)
        self._own_topics = frozenset(scenario.topics) - frozenset(lex.shared_topics)  # this patient's own subjects
        self._named = vocative(tuple(dict.fromkeys(name for k in scenario.patient.knows for name in k.names)))  # "Ken, ..."
        self._fact_words = {f.id: self.reader.topics.content(" ".join(f.says).lower()) for f in scenario.facts}
        self._facts = {f.id: f for f in scenario.facts}
        self.subject = Subject(lex)  # what the clinician last asked about, and when
        self._medicine_topics = next(with_topics for kind, _, _, with_topics in lex.question_kinds if kind == "medicine_use")
        self.words = TheirWords(scenario, lex.jargon, self.state)
        self.gate = Gate(scenario, self.state, self.ledger, self.limits, lex, self._medicine_topics, self.reader.topics_in)

    def step(self, text: str, turn: int, previous_patient: str | None = None) -> Decision:
        """Take one clinician turn (its index in the session) and decide the patient's side of it."""
        state = self.state
        read = self.reader.analyse(text, previous_patient)  # as the grader reads it: the same input
        self.words.heard(read)
        opening = state.clinician_turns == 0
        state.clinician_turns += 1
        events = detect_events(read, state)
        lexicon, low_read = self.reader.lexicon, read.text.lower()
        # "Mm. Go on.": asks them to carry on with what they were saying (a hint in it is taken up)
        # ("Tell me a bit more about that." is the same, said as a question that names nothing)
        asks_more = read.word_count <= CARRY_ON_WORDS and not read.topics and bool(lexicon.tell_me_more.search(low_read))
        carry_on = bool(previous_patient and (read.has("backchannel") or asks_more) and lexicon.continuers.search(low_read))
        checks_plan = says_back(read, lexicon) and any(p.search(low_read) for p in (lexicon.asks_the_plan, lexicon.asks_what_if, lexicon.tells_someone))
        # (the topics a telling turn's questions name: read only with a hint waiting to be taken up)
        telling = read.has("information", "advice") and self.cues.pending() is not None
        telling_asks = frozenset(self.reader.topics_in(" ".join(read.asked))) if telling else None
        cue_outcome = None if opening else self.cues.outcome(read, turn, carry_on, checks_plan, telling_asks)
        if cue_outcome:
            events = (*events, f"cue_{cue_outcome[0]}")
        self._apply_effects(read, events)
        if read.has("empathy"):
            state.empathy_shown = True
        told_before = state.told_at == state.clinician_turns - 1  # the turn before this one explained something
        self._remember_telling(read)
        analysis = self.subject.resolve(read, state.clinician_turns)  # what was said moved them (above); what it asks about may lie a turn back
        # "I'd also like to look at your inhalers, if that's alright?": what it names is not asked about
        # ...or offers to show them something ("Can I show you one wee thing?"), asking at most whether that is all right
        shows, leave = self.reader.lexicon.offers_to_show.search, self.reader.lexicon.leave_asks.search
        offers_to_show = bool(shows(analysis.text.lower())) and all(shows(q.lower()) or leave(q.lower()) for q in analysis.asked)
        proposal = not opening and (proposes(analysis, self.reader.lexicon) or offers_to_show)
        # offered options ("the grey one every morning, another go at rehab...") and asked to pick: a choice, not their life
        # story (a hurdle or an idea of their own may still come out); a menu of nothing they have a plan for is talked about
        on_menu = self.planner.offers_a_menu(analysis, text)
        choosing = plans.asked_to_pick(analysis, text) and (
            self.planner.names_a_plan(text) or (on_menu and not self.planner.puts_own_forward(analysis)))
        # a safety-net or what happens next, said in one breath with a question mark, names many things but asks none of
        # them; nor does a menu
        menu = choosing or on_menu
        stacked = analysis.stacked and not opening and not proposal and not menu and not analysis.has("safety_net", "follow_up")
        # a turn that tells (explains, safety-nets, offers) and asks only whether it made sense or may go on asks
        # nothing about their life: nothing comes out of it, and nothing told is said again
        tells = (only_tells(analysis, self.reader.topics_in) or proposal) and not opening
        # who else knows of it ("Does anyone at work know you've got asthma?") asks nothing new of them
        # and who helps them ("Anybody popping in to check on you?") asks nothing new of them either
        # and who they live with ("Who's at home with you?") is their household, not a hidden worry about it
        low = analysis.text.lower()
        at_home = bool(lexicon.who_at_home.search(low))
        about_others = analysis.aspect in ("who_knows", "who_helps") or at_home
        asking = (analysis.has(*INVITING) or bool(analysis.aspects)) and not tells  # (a "?" the model coded nothing in asks too)
        # what it asks about, beside the words of what it asks ("when did") and, asking who knows, of whom ("Jean")
        asked_of = set(analysis.topics) - lexicon.aspect_topics - (lexicon.who_topics if analysis.aspect == "who_knows" else frozenset())
        # "When did you stop, and what made you decide?": that, of what they said last, when it names nothing else
        # (why a lapse happened is a concern asked for too, by the codebook: it is still this lapse's why, not a new worry)
        last = self._facts.get(state.last_fact or "")
        of_last = last if asking and last is not None and last.detail(analysis.aspect) and not asked_of else None
        # "Show me how you take it", "Want to have another go?": a demonstration asks nothing about their life
        technique = bool(lexicon.shows_technique.search(low))  # whatever it is coded
        # "...most people never need dialysis. What do you make of that?": how the news lands, which may be a worry or a belief
        # of theirs, never how they live or take their tablets, nor anything they said before
        # ("What do you make of that?" just after the explanation is the same)
        reacting = not opening and asks_reaction(analysis, lexicon, told_before)
        # ...nor does asking them to say back what was explained ("tell me in your own words what you'd do if the scales...")
        # a question with another job (their worries, a plan, an offer, permission) is not asking about their life (below)
        ice_kinds = self.gate.ice_kinds(analysis)
        asked_back = says_back(analysis, lexicon)
        saying_back = asked_back and not ice_kinds  # ("In your own words, what's going on?" asks their view)
        again = self.planner.puts_again(analysis, text)  # "Could that work for you?" asks only about the plan just put
        elsewhere = addressed_to(analysis.text, self._named)  # "Ken, do you notice when she's missed it?": not to them
        disclosed = () if stacked or tells or about_others or of_last or technique or saying_back or again or elsewhere else self.gate.disclose(
            analysis, turn, opening, ice_kinds, choosing=choosing, views_only=reacting
        )
        if cue_outcome and cue_outcome[0] == "taken_up" and not stacked and not technique and not again:
            disclosed = (*disclosed, *self.gate.behind_cue(cue_outcome[1], turn, disclosed))
        # when to ring, when to come back or "does that make sense?" offers no plan and asks for no hurdle, unless the
        # turn lays one out ("So here's what I'm thinking. Grey one every morning with your first brew... and I'll book you in")
        puts_a_plan = analysis.has("options") or (plans.offers_plan(analysis, text) and self.planner.names_a_new_plan(text))
        winding_up = tells and analysis.has("safety_net", "follow_up", "check_understanding") and not puts_a_plan
        coping = bool(lexicon.asks_what_they_do.search(low))  # "What do you do when that happens?": what they do now
        no_plan = opening or stacked or winding_up or proposal or coping or elsewhere or analysis.kind in ("agenda", "permission")
        checks = only_checks_agreement(analysis, lexicon)  # "Is that a deal?": asks nothing of their life; puts a named plan to them
        plan = None if no_plan else self.planner.plan(analysis, text, turn, events, checks, again)
        # a number back only when a scale was given: "How confident do you feel?" is answered in words
        # "What would take it one number higher?" asks what would help, not for the number again
        # unless the scale is given in the same turn ("Out of ten, how sure are you? And what would make it higher?"): both
        # ("And how confident would you be, same scale? What would make that higher?" asks the number and what would help)
        rated = analysis.kind in ("confidence", "importance") or (analysis.kind in AFTER_A_RULER and names_a_ruler(text) and not opens_on_a_number(text))
        asked = analysis.has("scale_question") or rated
        scaled = asked and bool(lexicon.codes["scale_question"].search(low))
        # "...where would you put yourself, out of ten?" then "And how confident are you?": the same scale, still
        if asked and not scaled and rated and state.clinician_turns - state.scaled_at <= SCALE_CARRIES:
            scaled = True
        state.scaled_at = state.clinician_turns if scaled else state.scaled_at
        asked = asked and (scaled or analysis.kind not in AFTER_A_RULER)
        rulers = self.planner.rulers(analysis, text, scaled) if asked else ()
        ruler = rulers[0] if rulers else None
        # "A seven, that's good. Why a seven?" after they said four: they say what they said
        said_last, state.last_ruler = state.last_ruler, [r.value for r in rulers if r.scaled] or None
        misquoted = misquoted_ruler(text, said_last)  # "Eight, okay. And how sure are you...?" after a five: put right first
        engaged = analysis.engaged_topics
        touched_hidden = asking and any(
            set(f.topics) & engaged for f in self.scenario.hidden_facts if f.id not in state.disclosed
        )
        # (nor for what they have told already)
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
        # "We'll repeat the kidney test in two weeks. Do you have a blood pressure machine at home?": what the question
        # names, when it names something, not what was told or said back before it ("Losartan, and cutting back on the
        # weekend wine. What makes losartan the one for you?" is the tablet, not the wine)
        # (not when the question points back at what came before it: "Now, the grey one. When d'you take it?")
        # ("What makes losartan the one for you?" points at nothing before it; "Ever had one yourself?" does)
        asking_alone = analysis.asked and not any(
            m.group(1) not in ("the one", "the ones") for q in analysis.asked for m in lexicon.points_back.finditer(q.lower())
        ) and not any(_BARE_ONE.search(q.lower()) for q in analysis.asked)
        in_question = frozenset(self.reader.topics_in(" ".join(analysis.asked))) - lexicon.aspect_topics if analysis.asked else frozenset()
        if in_question and (analysis.has(*TELLING) or asking_alone):
            about = about & in_question or in_question
        touched_known = tuple(dict.fromkeys(
            f for f in (*self.gate.ice_answers(ice_kinds), *self.scenario.facts)
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
        # ...and after a summary or reflection, the one its question names over one the lead-in names back ("So the grey
        # one's when you remember. What is it about the blue one?": the blue one)
        summed_up = len(touched_known) > 1 and analysis.has("summary", "reflection")
        question_names = in_question if summed_up else frozenset()
        # asked about their worry again ("And what is it about that that bothers you?"): the latest of that kind
        rank = {kind: i for i, kind in enumerate(ice_kinds)}
        # asked how often, since when or why, one they can answer that of ("How many puffs on a bad day?")
        touched_known = tuple(sorted(touched_known, key=lambda f: (
            not set(f.topics) & named, not set(f.topics) & question_names, not f.detail(analysis.aspect),
            -len(set(f.topics) & own), -len(set(f.topics) & named), rank.get(f.kind, len(rank)),
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
        confused = self.words.confused(analysis)
        # "Show me how you use your inhaler": a demonstration, not the plan said back ("Show me what you'll do" is that)
        showing = technique or (asked_back and bool(lexicon.shows_how.search(low)) and not state.plan_agreed)
        # a clerking prompt, said without a question's shape ("next of kin and their name", "date of birth")
        prompted = not analysis.codes and 0 < analysis.word_count <= PROMPT_WORDS and len(analysis.topics) < STACKED_TOPICS
        # how they have been or feel ("How have things been since then, on your own?") is not where they live, and a question
        # booking them in ("Is there a time that suits your shifts?") is not what their job is
        about_them = analysis.kind in ("how_been", "feelings") or analysis.has("follow_up")
        answers_life = (asking or showing or prompted) and not (other_job or follows_up or disclosed or closing or checks)
        knowledge = self._knowledge(analysis, touched_hidden) if answers_life else None
        knowledge = (company(self.scenario.patient.knows) or knowledge) if elsewhere else knowledge  # ...who is not here: just them
        # (and an opening that asks who came: the actor adds it to the opening line)
        knowledge = (who_came(analysis.text, self.scenario.patient.knows, lexicon) or knowledge) if opening else knowledge
        touched_known = () if knowledge is not None and knowledge.about == COMPANY else touched_known  # not what they said of them
        if about_them and knowledge is not None and not knowledge.detail(analysis.aspect):
            knowledge = None  # ...but "How are things at home?" is what it is like there, when they have that to say
        if asked_back and not showing:
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
        if (knowledge is not None and touched_known and analysis.aspect in TOLD_ANSWERS_FIRST and touched_known[0].detail(analysis.aspect)
                and set(touched_known[0].topics) & named):
            knowledge = None  # "Is anybody helping you with Ken?" after telling how it is with Ken: that, not their home in general
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
        # ("Tell me a bit more about that." hears more of that, never whatever else is on their mind)
        anywhere = carry_on and read.has("backchannel")
        # ...and with more of what they were telling still to say, that, not a hint of something else
        going_on = carry_on and (last_told := self._facts.get(state.last_fact or "")) is not None and more_of(
            last_told, told_so_far(last_told.id, state.last_lines)) is not None
        quiet = opening or closing or disclosed or stacked or answered or going_on or elsewhere  # (no hint of their own to a question put to Ken)
        cue = None if quiet else self.cues.offer(analysis, turn, near, anywhere=anywhere)
        return Decision(
            turn, read, events, disclosed, opening, closing, plan, ruler, touched_hidden, touched_known, confused, stacked,
            knowledge, cue, cue_outcome, offer, showing, tells and analysis.is_question, carry_on, proposal, reacting,
            self.planner.asked_about(text, frozenset(analysis.topics)) if asked_back else (),
            rulers[1] if len(rulers) > 1 else None, misquoted,
            None if opening else misquoted_detail(text, (told_so_far(f, state.last_lines) for f in state.disclosed), lexicon.echo_stopwords),
            plans_laid_out=self.planner.named_ids(read.text) if asked_back else (),
        )

    def _remember_telling(self, analysis: TurnAnalysis) -> None:
        """What the clinician told, from the patient's side, to say back when asked and no plan was agreed; and when
        they last explained anything, which a question about how it landed asks after."""
        if analysis.has("information", "advice"):
            self.state.told_at = self.state.clinician_turns
        if analysis.has("teach_back", "check_understanding") or not analysis.has(*TOLD_TO_SAY_BACK):
            return
        sentences = [s for h in analysis.hits if h.code in TOLD_TO_SAY_BACK for s in SENTENCE_END.split(h.text)]
        told = [back for s in dict.fromkeys(sentences) if (back := said_back(s))]
        if told:
            self.state.explained = [*self.state.explained, *told][-EXPLAINED_KEPT:]

    def heard_self(self, reply: str) -> None:
        self.words.said(reply)

    def _knowledge(self, analysis: TurnAnalysis, touched_hidden: bool = False) -> Knowledge | None:
        """The thing the patient knows of their own life that best answers the question: by topic, then by
        what the question is about (lexicon/persona.yaml), unless it names what they are keeping back ("How's
        your mood, do you still enjoy things?" is not asking about their hobbies)."""
        knows = self.scenario.patient.knows
        if came := who_came(analysis.text, knows, self.reader.lexicon):  # "Your wife's not with you today?": before their wife
            return came
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
            if analysis.kind in self.reader.lexicon.persona_not_for.get(about, ()):
                continue  # "What's an ordinary day like, from getting up?" is their day (the kind's lines), not one habit of it
            if pattern.search(low):
                found = next((k for k in knows if k.about == about), None)
                if found is not None:
                    return found
        return None

    # -- state ---------------------------------------------------------------------------------

    def _apply_effects(self, analysis: TurnAnalysis, events: tuple[str, ...]) -> None:
        causes = [c for c in analysis.codes if c != "jargon" or self.scenario.patient.speech.health_literacy != "high"]
        targets = [b.id for b in self.scenario.patient.behaviours if set(b.topics) & analysis.engaged_topics] or list(self.state.importance)
        self.state.feel([effect for cause in (*causes, *events) if (effect := self.effects.get(cause))], targets)
