"""Plans: whether a clinician turn puts a plan forward, whether the patient's words propose one or commit
to one, and whose the consultation's plan is. One place, read by the director, the grader and every
criterion (a plan is the patient's or the clinician's, never both).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from simulator.analysis.turns import TurnAnalysis

# "Why not a two?" after a ruler asks why that number; "Why not two alarms?" puts something forward
_NUMBER = r"(\d+|zero|nought|one|two|three|four|five|six|seven|eight|nine|ten)"
# ...and the help a clinician offers to get ("get the carers' centre to ring you", "refer you", "book you in"); "get you to"
# asks something of them
_HELP = (
    r"(get(ting)?(?! you to)|refer(ring)?|book(ing)?|arrang(e|ing)|sort(ing)?|organi[sz](e|ing)|set(ting)? you up|contact(ing)?|"
    r"see(ing)? about|look(ing)? into|find(ing)? you|(ring|phon|call)(e|ing)? (you (back|next|tomorrow|later|on|in|at|again|once|after|"
    r"when|with)|the|your|them|someone|somebody|round|ahead)|giv(e|ing) you|print(ing)?|email(ing)?|text(ing)?|send(ing)?|"
    r"writ(e|ing) (you|out|up|to)|put(ting)? (you|your (name|details)) (in|on|forward|through|down)|ask(ing)? (the|your|a|an|our|one of|someone|somebody)|"
    r"pass(ing)? (on )?your (name|details|number))"
)
# ...asked as leave to do it for them ("Would you be okay with me asking the doctor to see you?")
_HELP_ASKED = (
    r"(would you (let me|like me to|want me to)|do you want me to|shall I|can I|could I|I could|"
    r"(would|are) you (be )?(okay|ok|alright|all right|happy) (with me|if I|for me to)|(is it|would it be) (okay|ok|alright|all right) (if I|for me to))"
)
# A plan laid out after its lead-in ("So here's what I'm thinking: the grey one every morning with your first brew...")
_LAID_OUT = (
    r"here'?s what I('m| am) thinking|here is what I('m| am) thinking|here'?s what I('d| would) (suggest|do)|here is what I('d| would) suggest|"
    r"what I('d| would) suggest is|my suggestion (is|would be)|so the plan is|here'?s the plan|the plan would be"
)
_LAYS_OUT = re.compile(rf"\b({_LAID_OUT})\b", re.I)
# A question that puts a plan forward, as opposed to one that asks about current habits.
_OFFER = re.compile(
    r"\b(how about|what about (trying|starting|switching|taking|using|adding|cutting)|"
    r"would you (be willing|consider|like to try|try|be up for|be happy to|be able to)|"
    r"could you (try|manage|start)|shall we|do you think you could|would [\w' -]{1,80}? help\b(?! you (understand|remember))|"
    r"you could|we could|why not(?!,? ((let's |lets )?say,? )?(a |an )?{_NUMBER}\b(?!-| (?!tho\b|though\b|then\b|instead\b)\w))|"
    r"are you willing|might you|what if you|maybe you|"
    r"have you (thought about|considered)|what do you think (about|of) (trying|starting|switching|taking|using)|"
    r"{_LAID_OUT}|"
    # help offered ("Would you let me get the carers' centre to ring you?"), not leave to explain or a request of them
    r"{_HELP_ASKED} (just )?{_HELP}|would you (think about|have a think about|give (it|that|them|one) a (go|try|whirl))|"
    r"(?<!what )(?<!how )(could|would|can) you see yourself|are you up for)\b"
    .replace("{_NUMBER}", _NUMBER).replace("{_HELP_ASKED}", _HELP_ASKED).replace("{_HELP}", _HELP).replace("{_LAID_OUT}", _LAID_OUT),
    re.I,
)
# Codes that put a plan forward; information alone does not (a lecture that mentions walking is no offer).
OFFER_CODES = ("advice", "options")
INVITE_CODES = ("goal_setting", "problem_solving")
# A question that asks to pick: "which would you prefer", "would you rather", "what do you fancy".
_PICK = re.compile(r"\b(which|would you rather|(do|would) you prefer|what (would|do) you (like|want|fancy|think|feel)|how do you feel about)\b", re.I)
_VERBS = (
    r"(try|start|do|go|walk|take|cut|give|have|get|use|make|set|put|ask|keep|stop|switch|swap|aim|join|book|ring|call|bring|"
    r"swim|cycle|eat|drink|check|weigh|write|leave|pack|skip)"
)
# The patient putting their own plan forward, in words that propose wherever they come ("I could...").
_PROPOSES = re.compile(
    rf"\b(I (could|might) (maybe |probably |always |just )?{_VERBS}|maybe I (could|should|can|'ll|will)|what if I|how about (if )?I|"
    rf"I was (thinking|wondering) (I|about|of|if I)|I('d| would) (like|love|quite like) to (try|start|get back|go back|do|cut|give)|"
    rf"I think I (could|can|might) (try|start|do|manage|go|walk|take|cut|give)|could I (try|start|just|maybe)|"
    rf"is there (a|an|any) [\w' -]{{1,40}}? I could)\b",
    re.I,
)
# ... and in words that propose only when the clinician has just asked what they could do ("I'll...").
_PLANS_WHEN_ASKED = re.compile(rf"\b(I('ll| will)|I can|I('m| am) going to|I('m| am) gonna) (maybe |probably |just |try to |try and )?{_VERBS}\b", re.I)
# The patient committing to a plan (not just "okay" to advice).
_COMMITS = re.compile(
    r"\b(I('ll| will) (try|give it a (go|try|shot)|do (that|it|this)|have a go|start|take|give)|"
    r"I (can|could) (do|manage|try|give it a go|start)( that| it| this)?\b|I('m| am) (happy|willing|up for|game) (to|for|with)|"
    r"let's (do|try|give) (that|it)|go on then|deal|sounds like a plan|I('d| would) (like|be happy) to (try|do|give)|"
    r"yes,? (I'll|I will|I can|let's|please)|I('ll| will) (be|get) (there|on it))",
    re.I,
)
# The patient declining or doubting.
_DECLINES = re.compile(
    r"\b(no,? (thanks|thank you|I don't|I won't|not)|I don't (think|want|fancy)|I('d| would) rather not|not (for|with) me|"
    r"I can't see (it|that|myself)|easier said than done|not a chance|I won't)\b",
    re.I,
)


# Replies that choose nothing: "God knows.", "I'm not sure", "no idea".
_UNSURE = re.compile(r"\b(god knows|no idea|not sure|don't know|dunno|I can't think|haven't thought|never thought)\b", re.I)
_WORDS = re.compile(r"[A-Za-z][A-Za-z']*")


def offers_plan(analysis: TurnAnalysis, text: str) -> bool:
    """The turn puts a plan forward: advice or options, or a question that suggests a change."""
    if analysis.has("scale_question"):
        return False  # a ruler asks how they feel about a change; it does not offer one
    return analysis.has(*OFFER_CODES) or bool(_OFFER.search(text))


# "Who would you call if you needed help?" asks for something; "Would it help to bring her along?" offers something
_CONTENT_WH = r"who|where|when|how (?:many|much|old|long)"
_ASKS_FOR_CONTENT = re.compile(rf"^\W*(?:which|{_CONTENT_WH})\b", re.I)


# The question a turn ends on asks what they do, whatever it said before ("Lots of people leave it out on busy days.
# Does that ever happen with you? How many days a week?"); "Which would suit you?" after options still offers
# ("And what are you taking for the back at the moment?" asks what they take, after "Yes, that's a lot to keep track of.")
_LAST_ASKS_FOR_CONTENT = re.compile(
    rf"^\W*(?:(?:and|so|but|now|okay|ok|right),?\s+)?(?:(?:{_CONTENT_WH}|how often)\b|(?:does|did|has|do) (?:that|this|it) (?:ever )?happen"
    r"|what (?:are|do|did|have) you (?:been )?(?:taking|take|took|using|use|used|doing|do|had|got)\b)", re.I)


def lays_out(text: str) -> bool:
    """The turn lays out the plan after a lead-in ("So the plan is..."): a summing up, not advice out of the blue."""
    return bool(_LAYS_OUT.search(text))


def offers_something(analysis: TurnAnalysis) -> bool:
    """A question that proposes (a plan, a change, help) rather than asks for something the patient knows."""
    if not offers_plan(analysis, analysis.text) or _ASKS_FOR_CONTENT.match(analysis.text):
        return False
    asked = analysis.asked
    return not (asked and _LAST_ASKS_FOR_CONTENT.match(asked[-1]))


def invites_plan(analysis: TurnAnalysis) -> bool:
    return analysis.has(*INVITE_CODES)


def asked_to_pick(analysis: TurnAnalysis, text: str) -> bool:
    """Offered options and asked to pick one ("Which of those would you try first?", "Which sounds more like you?"):
    the kind of question says so, or options with a question that asks to pick."""
    return analysis.kind == "choice" or (analysis.has("options") and asks_to_choose(analysis, text))


def asks_to_choose(analysis: TurnAnalysis, text: str) -> bool:
    """The turn asks the patient to pick or shape the plan ("Which feels most doable?", "What day were
    you thinking of?"): an answer with content is the patient's choice (docs/rating-guide.md, action_plan).
    Options alone are not asking ("there's A or B ... does it hurt here?"): the question must ask to pick."""
    if not analysis.is_question:
        return False
    return analysis.has("goal_setting") or (analysis.has("options") and bool(_PICK.search(text)))


def question_asks_to_pick(analysis: TurnAnalysis) -> bool:
    """The question itself asks them to pick ("...or the weekly jab. What do you fancy?"), not only a word somewhere
    in the turn ("...which is higher than we'd like. Does that make sense?")."""
    return analysis.kind == "choice" or any(_PICK.search(question) for question in analysis.asked)


def chooses(reply: str) -> bool:
    """A reply that picks or sets something: words of its own, neither a refusal, a don't-know nor a question."""
    refuses = reply.rstrip().endswith("?") or _DECLINES.search(reply) or _UNSURE.search(reply)
    return len(_WORDS.findall(reply)) >= 2 and not refuses


def patient_proposes(reply: str, invited: bool = False) -> bool:
    """The patient's words put a plan of their own forward; `invited`: the clinician just asked for one."""
    if _DECLINES.search(reply):
        return False
    return bool(_PROPOSES.search(reply) or (invited and _PLANS_WHEN_ASKED.search(reply)))


def patient_commits(reply: str) -> bool:
    return bool(_COMMITS.search(reply)) and not _DECLINES.search(reply)


def owner(plans: Iterable[Mapping[str, Any]]) -> str | None:
    """Whose the consultation's plan is: "patient" if the patient put forward a plan that was agreed
    (the clinician may have shaped its details), else "clinician" if the patient agreed to the
    clinician's, else None."""
    sources = [p["source"] for p in plans]
    if "patient" in sources:
        return "patient"
    return "clinician" if sources else None
