"""What a clinician turn asks of the patient, read from the turn reader's analysis: whether it asks about
their life at all, or only tells them something and checks it landed; and which of the things they know of
their own life (persona.yaml subjects) it is after. The director decides with these; they hold no state.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from simulator.analysis import TurnAnalysis
from simulator.analysis.lexicon import Lexicon
from simulator.scenario.model import Fact, Knowledge

# Turns whose question has a job of its own: answered by the patient's worries, views or plans, not by
# what they would tell anyone about their life (the persona's `knows`)
NOT_ABOUT_THEIR_LIFE = ("elicit_ice", "elicit_beliefs", "ask_permission", "options", "goal_setting", "partnership", "problem_solving",
                        "scale_question", "check_understanding", "advice", "information", "safety_net", "follow_up", "resources")
ASKING = ("open_question", "closed_question", "scale_question", "reflection")
INVITING = (*ASKING, "empathy", "summary")
VIEWS = ("concern", "belief", "expectation", "idea")  # kinds of fact that are the patient's view, not how they live
HABITS = ("self_management", "medication")  # kinds of fact that are how they live and take their medicines, not how they feel
CHECK_WORDS = 6  # a question this short about no subject, after telling something, checks it landed ("Does that suit?")
# A question about what was just said ("Does that fit with what you've read?", "That alright with you?")
_CHECK = re.compile(
    r"\W*(?:(?:so|and|okay|ok|right|now),?\s+)?(?:(?:does|did|is|was|would|will|could|can|do)\s+(?:that|this|it|all that|all this)\b"
    r"|(?:is\s+)?(?:that|this|it)(?:'s|\s+is)?\s+(?:alright|all right|ok|okay|fine|good|fair)\b)",
    re.I,
)
# A tag that asks only for agreement with what was just said: "Seven inhalers in six months, that is a lot, aye?"
_TAG_CHECK = re.compile(r"[,\s](?:aye|yeah|right|eh|no|isn't it|innit|ok|okay|yes|don't you think|wouldn't you say)\W*\?\s*$", re.I)
_SENTENCE_MARK = re.compile(r"[.?!]+")
# after a leave, more of the leave: another ("First, can I see how you use it?") or what comes after it ("And then you tell me.")
_MORE_LEAVE = re.compile(r"\W*(?:(?:and|so|first|okay|ok|right|but),?\s+)*(?:(?:can|may|could|shall) (?:i|we)\b|then\b)", re.I)
_WH_START = re.compile(r"\W*(?:so,? |and,? |ok(?:ay)?,? )?(?:which|what|how|where|when|who|why)\b", re.I)
TELLING = ("information", "advice", "safety_net", "follow_up", "options", "resources", "check_understanding", "ask_permission")
_ASKS_SOMETHING = ("open_question", "elicit_ice", "elicit_beliefs", "scale_question", "teach_back", "problem_solving", "goal_setting")


def says_back(analysis: TurnAnalysis, lexicon: Lexicon | None = None) -> bool:
    """Asked to say back what was agreed or show how they do it: the teach-back code, or the learned kind
    ("can you just tell me back how you're going to do that", said without a question mark); with the lexicon, also
    asked what they will tell someone at home ("What'll you tell Jean when she asks what the nurse said?")."""
    if analysis.has("teach_back") or analysis.kind == "teach_back":
        return True
    return lexicon is not None and bool(lexicon.tells_someone.search(analysis.text.lower()))


def asks_leave(analysis: TurnAnalysis) -> bool:
    """Asks leave to go on ("Can I explain why we keep on about the weight?", "Is it okay we do both?")."""
    return analysis.has("ask_permission") or analysis.kind == "permission"


def questions_after_leave(analysis: TurnAnalysis) -> tuple[str, ...]:
    """The questions a turn asks in sentences after the one that asks leave ("Can I ask a bit about home? | How are things
    day to day?"): each wants answering, not the leave; () if it asks no leave or nothing after it. A question in the
    leave's own sentence is part of it ("Would it be okay if I shared a few things, and then you tell me what fits?"), and
    a turn that tells something asks only how it landed."""
    if analysis.has(*(code for code in TELLING if code != "ask_permission")):
        return ()  # "Can I explain? <the explanation> What do you make of it?": it tells, then checks how it landed
    text = analysis.text
    ends = [_SENTENCE_MARK.search(text, max(0, h.end - 1)) for h in analysis.hits if h.code == "ask_permission"]
    if not ends:
        return ()
    after = max(m.end() if m else len(text) for m in ends)
    return tuple(
        h.text for h in analysis.hits if h.code in ("open_question", "closed_question") and h.start >= after and not _MORE_LEAVE.match(h.text)
    )


def only_tells(analysis: TurnAnalysis, topics_in: Callable[[str], tuple[str, ...]]) -> bool:
    """The turn tells the patient something and asks nothing but "Does that make sense?", "Can I explain?",
    "Does that suit?" or nothing at all ("If you get a temperature, ring us the same day."). `topics_in` is the
    scenario reader's: a question that names a subject ("Do you still smoke?") asks about it."""
    if analysis.kind == "permission":
        return True  # "Is it okay we do both?": leave to go on, not a question about the things it names
    if not analysis.has(*TELLING) or analysis.has(*_ASKS_SOMETHING):
        return False
    after_leave = questions_after_leave(analysis)  # "Can I check something? Do you take it every day?" asks that
    if analysis.has("check_understanding") or (analysis.has("ask_permission") and not after_leave) or "?" not in analysis.text:
        return True
    questions = after_leave or analysis.asked
    if questions and all(_TAG_CHECK.search(q) for q in questions):
        return True  # "Seven blue inhalers in six months, that is a lot, aye?" names its subject and still only checks
    if any(topics_in(q) for q in questions):
        return False
    # a check ("Does that suit?"), not a question for their choice ("Which way are you leaning?")
    return all(_CHECK.match(q) or (len(q.split()) <= CHECK_WORDS and not _WH_START.match(q)) for q in questions)


def asks_past_it(
    analysis: TurnAnalysis, knowledge: Knowledge, touched_known: tuple[Fact, ...], own_topics: frozenset[str], lexicon: Lexicon
) -> bool:
    """The question names a topic of something the patient has told that their own-life line does not cover:
    it asks about that ("What filled your week before all this?" is the role they lost, not the diagnosis;
    "Any animals at home?" is the cat they told of, not who lives at home)."""
    named = set(analysis.topics) - set(knowledge.topics)
    told = {t for f in touched_known for t in set(f.topics) & named}
    if not told:
        return False
    if told & own_topics:
        return True  # the scenario's own subject ("How much are you drinking? Tea, water?" is her fluids, not alcohol)
    # "Your age, for the record?" is still their age: the life subject asked for in so many words, its topic named
    asked_for = lexicon.persona_subjects.get(knowledge.about)
    subject_topics = lexicon.persona_subject_topics.get(knowledge.about, frozenset())
    return not (asked_for and asked_for.search(analysis.text.lower()) and set(analysis.topics) & subject_topics)


def asks_itself(analysis: TurnAnalysis, knowledge: Knowledge, lexicon: Lexicon) -> bool:
    """The question asks for the life subject itself (what they do, who is at home, what they take: persona.yaml
    `identity`), or the subject has no such list: its plain line answers. "Is it worse on
    days or nights?" names the shifts but asks about the cough, so the job's line would answer something else."""
    identity = lexicon.persona_identity.get(knowledge.about)
    return identity is None or bool(identity.search(analysis.text.lower()))


def asks_reaction(analysis: TurnAnalysis, lexicon: Lexicon, told_before: bool = False) -> bool:
    """Tells them something, then asks only how it lands ("...most people never need dialysis. What do you make of
    that?"), or asks only that just after telling (`told_before`): a reaction to what they heard is the answer, not
    something they told before said again."""
    if not (told_before or analysis.has("information", "advice")) or not analysis.asked:
        return False
    return all(lexicon.reaction_checks.search(q.lower()) for q in analysis.asked)


def only_checks_agreement(analysis: TurnAnalysis, lexicon: Lexicon) -> bool:
    """Every question it asks only checks they agree ("Is that a deal?", "...is that a fair summary?", "Have I got that
    right?": question_kinds.yaml agreement_check); it asks nothing of their life."""
    return bool(analysis.asked) and all(lexicon.agreement_check.match(q.lower().strip()) for q in analysis.asked)


def news_in(told: str, lexicon: Lexicon) -> str | None:
    """How the news in a telling runs for the patient: "good", "bad", or None for neither. The last framing decides:
    "...it's gone up a fair bit. The good news is none of it means insulin." is good news."""
    low = told.lower()
    good = max((m.end() for m in lexicon.news_good.finditer(low)), default=-1)
    bad = max((m.end() for m in lexicon.news_bad.finditer(low)), default=-1)
    return None if good == bad else "good" if good > bad else "bad"


def proposes(analysis: TurnAnalysis, lexicon: Lexicon) -> bool:
    """Proposes what else the consultation will cover and asks, at most, whether that is all right ("I'd also like to
    look at your inhalers, if that's alright.", "Can I also squeeze in the kidneys?", "Your list first, then the tablets.
    OK?"): agreed to, not news and not a question about their life (a question of its own in the turn is that)."""
    if not lexicon.proposes_agenda.search(analysis.text.lower()):
        return False
    return all(lexicon.proposes_agenda.search(q.lower()) or lexicon.leave_asks.search(q.lower()) for q in analysis.asked)


def who_helps(knows: Sequence[Knowledge]) -> Knowledge | None:
    """"Is there anyone to give you a hand?" names no one: those at home, or whoever they have said helps (the first
    own-life entry with a who_helps detail)."""
    return next((k for k in knows if k.detail("who_helps")), None)


def household(knows: Sequence[Knowledge]) -> Knowledge | None:
    """"Who's at home with you?": their home entry (who they live with)."""
    return next((k for k in knows if k.about == "home"), None)


def who_knows(
    knows: Sequence[Knowledge], knowledge: Knowledge | None, touched_known: tuple[Fact, ...], subject: frozenset[str]
) -> tuple[Knowledge | None, tuple[Fact, ...]]:
    """(own-life entry, told facts) that answer who else knows of it: the entry chosen if it says who knows; else the
    entry covering the condition it names ("Does anyone at work or home know you've got asthma?": their health entry),
    not something told that shares a word with it ("home": the cat), unless that told thing is the subject itself."""
    if knowledge is not None and knowledge.detail("who_knows"):
        return knowledge, touched_known
    health = next((k for k in knows if set(k.topics) & subject and k.detail("who_knows")), None)
    if health is not None and not (touched_known and set(touched_known[0].topics) & subject):
        return health, ()
    return knowledge, touched_known


def told_answering(touched_known: Sequence[Fact], analysis: TurnAnalysis, lexicon: Lexicon) -> Fact | None:
    """The told fact the question touches, if saying it again answers this kind of question (question_kinds.yaml
    told_fact_kinds): "What do you reckon the brown one does?" is not answered by the worry they told about it."""
    if not touched_known:
        return None
    fact, fits = touched_known[0], lexicon.told_fact_kinds.get(analysis.kind or "")
    return fact if fits is None or fact.kind in fits else None


COMPANY = "company"  # the persona `knows` subject of who came with them today
_YOU = re.compile(r"\byou\b")
_SOMEONE_ELSE = re.compile(r"\b(he|him|his|she|her|they|them|your)\b")


def vocative(names: Sequence[str]) -> re.Pattern[str] | None:
    """A turn that opens by naming one of these people (the names in persona `knows`), for `addressed_to`; compiled once
    a consultation."""
    if not names:
        return None
    return re.compile(r"^\W*(?:(?:and|oh|hello|hi|hiya|morning|now|so|right),?\s+)*(" + "|".join(map(re.escape, names))
                      + r"),\s+(?:love,\s+|pet,\s+)?(.*)$", re.IGNORECASE)


def addressed_to(text: str, named: re.Pattern[str] | None) -> bool:
    """The turn speaks to someone else by name (`vocative`), whom it asks about "you" before any he, she or they ("Ken,
    do you notice when she's missed it?", "And hello Ken, how have you found her?"), not to the patient about them ("And
    Ken, how's he getting on?", "Ken, your husband, he has Parkinson's")."""
    lead = named.match(text.strip()) if named is not None else None
    if lead is None:
        return False
    rest = lead.group(2).lower()
    you = _YOU.search(rest)
    other = _SOMEONE_ELSE.search(rest)
    return you is not None and (other is None or other.start() > you.start()) and not rest.startswith(("your ", "yes", "yeah", "and "))


def who_came(text: str, knows: Sequence[Knowledge], lexicon: Lexicon) -> Knowledge | None:
    """Who came with them today (persona `knows` about company), when the turn asks it ("Just yourself today?", "Your
    wife's not with you?": persona.yaml company) and the scenario says."""
    came = company(knows)
    return came if came is not None and lexicon.persona_subjects[COMPANY].search(text.lower()) else None


def company(knows: Sequence[Knowledge]) -> Knowledge | None:
    """Who came with them today, if the scenario says."""
    return next((k for k in knows if k.about == COMPANY), None)
