"""The scripted actor: voices the director's decisions with the scenario's own lines.

Deterministic for a seed: each choice draws from a generator seeded by (seed, turn, pool), so a
resumed session words its replies exactly as an unbroken one would.

It answers what was asked: a fact, a plan, a ruler; else what the patient knows of their own life
(`patient.knows`); else a line about the kind of question (how they have been, their days, their
feelings, the past, the future, or something the scenario does not cover). It remembers what it has
said: asked again, it says so ("Like I said, ...") and, past a point, a little shortly. Everything the
director disclosed is said (the ledger records nothing the reply dropped).
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence

from simulator.analysis import plans
from simulator.analysis.lexicon import Lexicon
from simulator.patient.asking import COMPANY, asks_leave, only_checks_agreement, questions_after_leave, says_back, told_answering
from simulator.patient.director import Decision
from simulator.patient.followup import closest, gist, more_of, repeated, told_about, told_holds_it, told_so_far
from simulator.patient.life_voice import LifeVoice
from simulator.patient.plan_voice import PlanVoice
from simulator.patient.planner import AFTER_A_RULER
from simulator.patient.state import PatientState
from simulator.patient.voice import Voice, as_greeted, with_prefix, without_opener
from simulator.scenario.model import Fact, Scenario

MAX_PARTS = {"terse": 2, "moderate": 3, "chatty": 4}
IMPATIENT_AFTER = 2  # the same thing asked this many times before: the patient gets a little short
# Kinds of question answered as such before the turn's other codes: a hope asked for beside a note of what comes
# next ("What do you want out of today? Then I'll tell you my list.") is a hope, not "Right, I'll do that."
_KINDS_BEFORE_CODES = frozenset({"concerns", "expectations", "ideas", "ruler_up"})
# What a turn that tells gets, by what it tells: (codes, pool, whether the pool also answers a question in it)
_TOLD_POOLS = (
    (("follow_up",), "follow_up", True),
    (("information", "advice", "options"), "information", False),  # "Right. I didn't know that." answers no question
    (("resources",), "resources", True),
    (("greeting",), "greeting", True),
)
# Kinds of question whose own lines answer without telling anything kept back ("I potter about. I don't do as much as
# I used to."): said instead of a deflection when the question brushes a secret
_GUARDED_KINDS = frozenset({"how_been", "daily_life", "feelings", "past", "future"})
_KIND_POOLS = {"teach_back": "teach_back_no_plan"}  # a kind whose own pool needs a plan to fill it
TOLD_AFTER = 60  # characters of telling after "can I explain" in an unpunctuated run: it was explained
TOLD_WORDS = 6  # a sentence after "can I explain?" this short ("It's quite short.") explains nothing yet
# What a clinician turn does that leaves a patient room to ask their own question: tells them something, or checks
_ROOM_FOR_A_QUESTION = ("information", "advice", "options", "resources", "safety_net", "follow_up", "check_understanding", "summary", "backchannel")
# Lines that say they followed, which a patient who has just said they are lost does not then say
_FOLLOWED = ("information", "understood", "reaction", "reaction_good", "reaction_bad", "surprised", "surprised_good", "surprised_bad", "acknowledge")
TELLING_WORDS = 12  # a statement this long with no code is still information: acknowledged, not "Sorry?"


class ScriptedActor(PlanVoice, LifeVoice):
    name = "scripted"

    def __init__(self, scenario: Scenario, seed: int, lexicon: Lexicon):
        """`lexicon`: the one the director reads with (passed in, read once): the words that give a figure, and how
        an invitation at the end or a check for questions is worded."""
        self.scenario = scenario
        self.seed = seed
        self.voice = Voice.of(scenario)  # read once per patient, not per line
        self.lexicon = lexicon
        self.quantities = lexicon.quantity_words

    def reply(self, decision: Decision, state: PatientState, previous_reply: str | None = None) -> str:
        previous_fact, state.last_fact = state.last_fact, None  # what the reply before this one voiced; this one's next
        told_just_now = previous_fact is not None and not state.last_fact_kept  # (not only kept as the subject, below)
        state.last_fact_kept = False
        essential, extra = self._parts(decision, state, previous_fact, told_just_now)
        if previous_fact and state.last_fact is None and not decision.disclosed and decision.analysis.has("reflection", "summary", "affirmation", "empathy"):
            # what they told stays the subject after the clinician only took it in ("So on your out days you leave the water
            # tablet off." "Well, I've got to." "How many days a week would that be?"), kept but not said again
            state.last_fact, state.last_fact_kept = previous_fact, True
        # What the director decided (facts, plans, rulers) is always said; the rest fits the verbosity.
        room = max(0, MAX_PARTS[self.scenario.patient.speech.verbosity] - len(essential))
        parts = essential + extra[:room]
        if decision.cue is not None:  # the hint of an unspoken concern comes last, where it lingers
            parts.append(self._pick(f"cue:{decision.cue.id}", decision.cue.says, decision.turn, state))
        text = " ".join(p for p in parts if p).strip()
        question = self._own_question(decision, state)
        if question and question not in text:
            text = f"{text} {question}".strip()
        text = text[:1].upper() + text[1:]
        if previous_reply and text == previous_reply:  # never the same reply twice running: say so instead
            text = with_prefix(self._pick("repeat", self.scenario.lines["repeat"], decision.turn, state), text, self.voice)
        return text

    def _parts(self, decision: Decision, state: PatientState, previous_fact: str | None, told_just_now: bool) -> tuple[list[str], list[str]]:
        """(what must be said, what may be said if there is room)."""
        s, lines, turn = self.scenario, self.scenario.lines, decision.turn
        pick = lambda pool, options: self._pick(pool, options, turn, state)  # noqa: E731
        if decision.opening:  # asked what to call them, they say so first
            called = [self._name_line(decision, state)] if decision.analysis.kind == "name" else []
            opening = as_greeted(pick("opening", s.opening_says), decision.analysis.text)  # "Good afternoon" back, not "Good morning"
            came = decision.knowledge if decision.knowledge is not None and decision.knowledge.about == COMPANY else None
            alone = [pick("knows:company", came.says)] if came else []  # "Your wife is not with you today?": just them
            return [*called, opening, *(self._say_fact(f.id, f.says, turn, state) for f in decision.disclosed), *alone], []
        if decision.closing:
            return [pick("closing", lines[self._closing_pool(state)])], []
        essential: list[str] = []
        if decision.disclosed:
            # "How bad's the pain day to day?" about what they came with, bringing out something new as well: the answer
            # to what was asked first, then the new thing
            asked = decision.touched_known[0] if decision.touched_known and not decision.knowledge else None
            answer = self._follow_up(asked, decision, state) if asked is not None and self._asked_of(asked, decision, previous_fact) else None
            prefix = self._prefix(state, turn)
            facts = [self._say_fact(f.id, f.says, turn, state) for f in decision.disclosed]
            essential += [answer, facts[0]] if answer else [with_prefix(prefix, facts[0], self.voice)]
            essential += facts[1:]
        if decision.ruler and decision.ruler.scaled:
            for ruler in (decision.ruler, decision.second_ruler):  # both, asked how important and how sure in one turn
                if ruler is not None:
                    template = pick(f"ruler:{ruler.kind}", lines[f"ruler_{ruler.kind}"])
                    essential.append(template.replace("{value}", str(ruler.value)))
            if decision.analysis.kind in AFTER_A_RULER:  # "...and what would make it one higher?", asked with it
                essential.append(pick(decision.analysis.kind, lines[decision.analysis.kind]))
        elif decision.ruler:
            value = decision.ruler.value
            pool = f"{decision.ruler.kind}_{'low' if value < 4 else 'mid' if value < 7 else 'high'}"
            essential.append(pick(pool, lines[pool]))
        plan_lines = self._plan_lines(decision, state)
        picked = decision.plan is not None and decision.plan.kind in ("agreed", "leaning") and decision.analysis.has("options")
        if picked and decision.disclosed and all(f.kind == "barrier" for f in decision.disclosed):
            essential = plan_lines + essential  # offered a menu: what they pick, then what stands in the way of the rest
        else:
            essential += plan_lines
        extra = [pick("jargon", lines["jargon"])] if decision.confused else []
        if decision.misquoted is not None:  # "A seven, that's good. Why a seven?" after they said four: "I said 4, actually." first
            extra.insert(0, pick("ruler_misquoted", lines["ruler_misquoted"]).replace("{value}", str(decision.misquoted)))
        elif decision.misquoted_detail:  # "Your dad had a stroke at sixty-two": "Sixty-three, actually." first
            corrected = pick("detail_misquoted", lines["detail_misquoted"]).replace("{value}", decision.misquoted_detail)
            extra.insert(0, corrected[:1].upper() + corrected[1:])
        if essential:
            return extra + essential, []
        said = self._fallback(decision, state, previous_fact, told_just_now)
        if decision.confused and any(said in lines[pool] for pool in _FOLLOWED):
            return extra, []  # "You've lost me there." and no "That makes sense" after it
        return extra + [said], []

    @staticmethod
    def _asked_of(told: Fact, decision: Decision, previous_fact: str | None) -> bool:
        """The question is about this told thing rather than what it brings out: it shares more of the question's
        subjects than anything new does ("How bad's the pain?" is the pain, not the ibuprofen), or they said it last
        and nothing new shares any ("And why's that?")."""
        named = set(decision.analysis.topics)
        new = max((len(set(f.topics) & named) for f in decision.disclosed), default=0)
        return len(set(told.topics) & named) > new or (told.id == previous_fact and not new)

    def _say_fact(self, fact_id: str, says: Sequence[str], turn: int, state: PatientState) -> str:
        state.said[f"fact:{fact_id}"] = state.said.get(f"fact:{fact_id}", 0) + 1
        state.last_fact = fact_id
        line = self._pick(f"fact:{fact_id}", says, turn, state)
        state.last_lines[f"said:fact:{fact_id}"] = line  # asked again, the same thing again
        return line

    def _fallback(self, decision: Decision, state: PatientState, previous_fact: str | None = None, told_just_now: bool = False) -> str:
        """No fact, ruler or plan to voice: answer the kind of turn it was, in character."""
        a, lines, turn = decision.analysis, self.scenario.lines, decision.turn
        pick = lambda pool: self._pick(pool, lines[pool], turn, state)  # noqa: E731
        if decision.proposal:  # "Your list first, then the tablets. OK?": yes, go on
            return pick("permission")
        if decision.reacting:  # "...most people never need dialysis. What do you make of that?": how it landed; an offer, a view on it
            if decision.offer:
                state.went_along = True
                return pick("offer_explained")
            return pick(self._reaction(decision, state))
        # advice they did not ask for, rejected; not when to ring or come back, and not what a turn that also asks or feels with them asks
        rejected = "advice_without_permission" in decision.events and state.affect != "open" and not decision.showing and not plans.lays_out(a.text)
        if rejected and not a.has("safety_net", "empathy", "reflection", "follow_up") and not a.is_question:
            return pick("advice_rejected")
        # "Show me how you take it": they have a go; what they told of how they use it instead when the request names it
        # ("the blue one") or they told it just now, not when it is only still the subject after a reflection
        if decision.showing and not (decision.touched_known and (a.topics or told_just_now)):
            return pick("demonstrate")
        if says_back(a, self.lexicon):
            if state.plan_agreed and not decision.showing:
                return self._say_plans_back(decision, state)
            if not says_back(a):  # "What'll you tell Jean tonight?" with nothing agreed: nothing to tell her
                return pick("teach_back_no_plan")
            # "Show me how you use the blue one": how they use it, below; else what they know of it, below
            if decision.knowledge is None and a.kind != "medicine_use" and not (decision.showing and decision.touched_known):
                # asked to show how ("Have another go for me?"), they have a go; else what they were told, from their side
                return pick("demonstrate") if decision.showing else self._say_told_back(decision, state)
        # "Fire away with your questions.", "Any questions for me?": an activated patient's own question, if one is left
        asks_for_questions = any(h.code == "check_understanding" and self.lexicon.asks_for_questions.search(h.text.lower()) for h in a.hits)
        invited = asks_for_questions or bool(self.lexicon.invites_questions.search(a.text.lower()))
        # (once a plan is agreed, their list may have been answered by it: "Will I still need a blue one?")
        if invited and not state.plan_agreed and (question := self._own_question(decision, state, force=True)):
            return question
        if a.has("check_understanding") or invited:  # "Does that make sense?" is answered yes; "Any questions?" no, not just now
            return pick("no_questions" if invited else "understood")
        if decision.stacked:
            return pick("stacked")
        if a.has("backchannel") or decision.carry_on:  # "Mm.", "Go on.", "Tell me a bit more about that."
            if decision.carry_on and decision.cue is None and (more := self._more_of(previous_fact, state)):
                return more  # "Go on.", "Tell me a bit more about that.": more of what they were saying
            if decision.cue is not None:
                return ""  # asked to go on, the hint they drop is the reply
            taken = decision.cue_outcome
            if taken and taken[0] == "taken_up" and not decision.disclosed and decision.cue is None:
                # "Go on." after a hint, with what lies behind it not yet theirs to tell: the hint again, in other words
                return self._pick(f"cue:{taken[1].id}", taken[1].says, turn, state)
            # ("Mm." alone, just after they told something with more to it: they carry on, as people do; nothing new is told)
            return self._more_of(previous_fact, state) or pick("backchannel")
        if asks_leave(a) and not questions_after_leave(a):  # "Can I explain? <the explanation>": what was said, not a go-ahead after it
            asked_at = max((h.end for h in a.hits if h.code == "ask_permission"), default=len(a.text))
            mark = a.text.find("?", asked_at)  # "Can I explain | the difference between the two?": the asking runs to its mark
            asked_at = mark + 1 if mark != -1 and not re.search(r"[.!]", a.text[asked_at:mark]) else asked_at
            # (said without punctuation, one long run that goes on well past the asking and asks nothing)
            # ("Can I explain? Only one minute." has told nothing yet)
            told_after = any(
                h.code in ("information", "advice") and len(h.text.split()) >= TOLD_WORDS
                and (h.start >= asked_at or (h.end - asked_at >= TOLD_AFTER and not h.text.rstrip().endswith("?")))
                for h in a.hits
            )
            return pick("information" if told_after else "permission")
        # "Anything else?", "What can I do for you?": an activated patient's own question; else what they came with, again
        # (their own question even when the invitation names something they keep back: "What did you want to talk
        # about, before I go on about tablets?")
        asks_agenda = a.kind == "agenda" or a.has("agenda_setting")
        if asks_agenda and (question := self._own_question(decision, state, force=True)):
            return question
        if asks_agenda and not decision.touched_hidden:
            if not decision.touched_known and (state.plan_agreed or self.lexicon.before_you_go.search(a.text.lower())):
                return pick("no_questions")  # "Anything else before you go?": no, that's everything (not the opening's line again)
            if a.kind == "agenda" and decision.touched_known:
                fact = decision.touched_known[0]
                return self._remembered(f"fact:{fact.id}", fact.says, decision, state)
            if a.has("agenda_setting"):
                return pick("agenda")
        if a.has("safety_net") and not a.has("open_question"):  # when to ring, heard before any summary it comes with
            return pick("safety_net")
        # when they come back, not how they take a tablet nor which of a menu they would pick
        # (a booking that names what they told, "I'll ring Friday to see what the scales say", books; it asks nothing of it)
        booking = not decision.touched_known or (not a.aspects and a.kind in (None, "not_covered"))
        if a.has("follow_up") and not a.has("open_question", "options") and a.kind != "choice" and booking:
            # "Is a phone call best, or text?", "Would a Saturday suit?": which suits them, not "Right. I'll do that."
            return pick("follow_up_choice" if a.is_question and self.lexicon.arrangement_choice.search(a.text.lower()) else "follow_up")
        # what they said, offered back and checked ("...and you weren't keen on the word steroid, is that about right?"): yes
        if a.has("summary", "reflection") and only_checks_agreement(a, self.lexicon) and not (decision.touched_hidden and state.affect == "guarded"):
            return pick("summary")
        if not a.is_question and self.lexicon.thanks_for_telling.search(a.text.lower()) and not a.has("advice", "options"):
            return pick("thanked")  # "Thank you for telling me, I know it's not easy.": thanks, not news nor a summary
        for codes, pool in ((("summary",), "summary"), (("affirmation",), "affirmed"), (("empathy", "reflection"), "acknowledge")):
            if a.has(*codes) and not a.is_question:
                return pick(pool)
        guarded = decision.touched_hidden and state.affect == "guarded"
        if a.kind in AFTER_A_RULER and a.is_question and not guarded:  # "Why a nine and not a three?": their reasons
            return pick(a.kind)
        if a.kind == "risk":  # asked about self-harm: a plain answer, never a told line again, nor a deflection
            return self._by_kind(decision, state)
        # how and when they take it, not which they take: what they have said of it, else neither telling nor denying
        # a secret about it, else as prescribed; never the list of their medicines
        answering = told_answering(decision.touched_known, decision.analysis, self.lexicon)
        use = a.kind == "medicine_use" and not guarded and answering is None and (decision.knowledge is None or decision.knowledge.about != COMPANY)
        if use:
            # "How often do you use the blue one?": how often, as they would tell anyone, unless a secret is near
            how = next((k for k in self.scenario.patient.knows if set(k.topics) & set(a.topics) and k.detail(a.aspect)), None)
            if how is not None and not decision.touched_hidden and (known := self._known(how, decision, state)) is not None:
                return known
            return pick("medicine_use_evasive" if decision.touched_hidden else "medicine_use")
        # their own life, as they'd tell anyone; the secret stays unsaid
        if decision.knowledge is not None and not guarded and (known := self._known(decision.knowledge, decision, state)) is not None:
            return known
        # asked again about what they have told, they say it again, even when the topic also touches a secret
        # ("Is your back still bad?" to the patient who came about her back); guarded (which needs a secret touched), they
        # deflect; asked how often, since when or why of it, the answer to that ("Ten puffs, on a bad day.")
        # (a told fact that does not answer this kind of question is not said again: asked what they think it does,
        # not the worry they told; a line of the kind's own below)
        if decision.touched_known and not guarded:
            fact = decision.touched_known[0]
            line = self._follow_up(fact, decision, state) or self._of_aspect(decision, state)
            if line or answering is not None:
                return line or self._remembered(f"fact:{fact.id}", fact.says, decision, state)
        if decision.touched_hidden:
            # "What can you still manage on a normal day?": that, without the secret; so too a question the told fact
            # it touches does not answer ("What do you think's going on with the weight?"), not a deflection
            if a.kind in _GUARDED_KINDS or (decision.touched_known and not guarded):
                return self._by_kind(decision, state)
            return self._pick(f"deflect:{state.affect}", self.scenario.voice[state.affect]["deflections"], turn, state)
        if a.kind == "name":
            return self._name_line(decision, state)
        if decision.checking:  # "Seven in six months, that is a lot, aye?": taken in, not answered as a question about them
            booked = next((pool for asked, pool, answers in _TOLD_POOLS if answers and a.has(*asked)), None)  # "...Does that suit?"
            return pick(booked or ("acknowledge" if a.has("empathy", "reflection") else self._told_pool(decision, state)))
        if a.kind in _KINDS_BEFORE_CODES and a.is_question:  # "What do you want to get out of this? Then I'll tell you my list."
            return self._by_kind(decision, state)
        for asked, pool, answers_a_question in _TOLD_POOLS:
            if a.has(*asked) and (answers_a_question or not a.is_question):
                return pick(self._told_pool(decision, state) if pool == "information" else pool)
        if line := self._of_aspect(decision, state):  # "Does anyone at work know?" of something the scenario does not cover
            return line
        if a.is_question and decision.offer:  # "Would it help to bring Sandra along?": a view on the offer
            state.went_along = True
            return pick("offer")
        if a.kind is not None:
            return self._by_kind(decision, state)
        if a.has("open_question", "agenda_setting", "elicit_ice") and not a.topics:
            return pick("nothing_more")
        if not a.is_question and a.word_count >= TELLING_WORDS:  # a long statement the reader coded nothing in still tells them something
            return pick("information")
        return pick("unknown")

    def _more_of(self, fact_id: str | None, state: PatientState) -> str | None:
        """Asked to go on after telling something: more of it they have not said yet ("A mate of mine had a hypo on a
        forklift."), from the other ways the scenario has them say it or a detail that carries it on (followup.more_of)."""
        fact = next((f for f in self.scenario.facts if f.id == fact_id), None)
        if fact is None:
            return None
        sentence = more_of(fact, told_so_far(fact.id, state.last_lines))
        if sentence is None:
            return None
        state.last_lines[f"said:fact:{fact.id}"] = f"{state.last_lines.get(f'said:fact:{fact.id}', '')} {sentence}".strip()
        state.last_fact = fact.id
        return sentence

    def _follow_up(self, fact: Fact, decision: Decision, state: PatientState) -> str | None:
        """Asked how often, since when or why of something told: the answer to each thing asked, in order ("When did you
        stop, and why?"), unless what they said already holds it ("How many pillows?" after "three pillows"); else None."""
        a = decision.analysis
        said = state.last_lines.get(f"said:fact:{fact.id}") or " ".join(fact.says)
        lines = [
            self._remembered(f"detail:{fact.id}:{aspect}", closest(detail, a.text), decision, state)
            for aspect in a.aspects if (detail := fact.detail(aspect)) and not told_holds_it(said, a.text, aspect, self.quantities)
        ]
        if lines:
            state.last_fact = fact.id  # "And why was that?" next is still about it
        return " ".join(lines) or None

    def _name_line(self, decision: Decision, state: PatientState) -> str:
        return self._pick("name", self.scenario.lines["name"], decision.turn, state).replace("{name}", self.voice.called)

    def _by_kind(self, decision: Decision, state: PatientState, pool: str | None = None) -> str:
        """A reply about what was asked, by kind of question (said again if asked again)."""
        a = decision.analysis
        if pool is None:
            pool = a.kind if a.kind != "not_covered" or a.has("open_question") else "not_covered_closed"
            pool = _KIND_POOLS.get(pool, pool)
        # a yes-or-no about something they told ("Was it the ankles?"): what they said of it, never "No. Why do you ask?"
        told = [told_so_far(f, state.last_lines) for f in state.disclosed] if pool == "not_covered_closed" else []
        if told and not decision.touched_hidden and (said := told_about(" ".join(a.asked), told, self.lexicon.not_a_subject)):
            return with_prefix(self._pick("repeat", self.scenario.lines["repeat"], decision.turn, state), repeated(said, a.text), self.voice, repeat=True)
        asked = gist(a.text)
        if not asked:  # too little to know whether it was asked before
            return self._pick(pool, self.scenario.lines[pool], decision.turn, state)
        return self._remembered(f"asked:{asked}", self.scenario.lines[pool], decision, state, pool=pool)

    def _remembered(self, key: str, options: Sequence[str], decision: Decision, state: PatientState, pool: str | None = None) -> str:
        """Said before: the same answer again, shorter, with "Like I said" (and a little shortly, past a point)."""
        turn = decision.turn
        times = state.said.get(key, 0)
        state.said[key] = times + 1
        if key.startswith("fact:"):
            state.last_fact = key.removeprefix("fact:")
        if times == 0:
            line = self._pick(pool or key, options, turn, state)
            state.last_lines[f"said:{key}"] = line
            return line
        line = state.last_lines.get(f"said:{key}") or self._pick(pool or key, options, turn, state)
        lead = "repeat_impatient" if times >= IMPATIENT_AFTER else "repeat"
        again = without_opener(repeated(line, decision.analysis.text), self.voice)
        return with_prefix(self._pick(lead, self.scenario.lines[lead], turn, state), again, self.voice, repeat=True)

    def _own_question(self, decision: Decision, state: PatientState, force: bool = False) -> str | None:
        """Activated patients ask their questions: level 4 every other turn, level 3 every third, when what was said
        leaves room for one (they were told something, or checked with), and whenever invited to add to the agenda;
        never tacked onto something they have just told, nor onto a question about their life."""
        level = state.activation_level
        if decision.opening or decision.closing or level < 3 or state.affect == "guarded":
            return None
        # not while saying a plan back, choosing from a menu or taking a plan up, nor once one is agreed (a question from
        # before it, "How long would you let me try lifestyle changes?", may contradict it): then only when invited
        room = (decision.analysis.has(*_ROOM_FOR_A_QUESTION) and not decision.analysis.has("teach_back", "options")
                and decision.plan is None and not state.plan_agreed)
        if not force and (decision.turn % (2 if level >= 4 else 3) != 0 or decision.disclosed or not room):
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

    def _pick(self, pool: str, options: Sequence[str], turn: int, state: PatientState, salt: str = "") -> str:
        """A seeded choice that never repeats the line this pool gave last time."""
        rng = random.Random(f"{self.seed}:{turn}:{pool}:{salt}")
        last = state.last_lines.get(pool)
        choices = [o for o in options if o != last] or list(options)
        line = rng.choice(choices)
        state.last_lines[pool] = line
        return line
