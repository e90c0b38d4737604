"""Saying back what was agreed (issue 10), found in ten blind rounds: with two plans agreed, "tell me what you're
going to do" gets both, in their own words, not only the latest; a request about one ("...for the pain") gets that one;
two picks of one change ("the one inhaler" after "the brown one by the toothbrush") are one change; "what would you
do if the scales went up?" is what they would do then, not the plan again; a second plan offered after the first is
said back is the one taken up; a barrier that comes out of a menu comes after the pick. Wording is my own."""

from __future__ import annotations

import pytest

from simulator.patient import ScriptedPatient
from simulator.scenario import load_scenario

from conftest import SCENARIOS, play

MAGGIE = "ckd-pain-multimorbidity"
PAT = "heart-failure-carer"
HELLO = "Hello, come on in and have a seat. What can I do for you today?"
TWO_PLANS = [
    HELLO,
    "Tell me about your back and your knees, how have they been?",
    "How about we swap the shop tablets for a rub-on gel for your knees, and you take the paracetamol regular, by the clock?",
    "And would it help if our pharmacist sat down with you and went through all your tablets, and put them in packs with the days on?",
]


def says_back(scenario_id: str, plan_id: str) -> tuple[str, ...]:
    return load_scenario(SCENARIOS[scenario_id]).accepted_plan(plan_id).says_back


def said(text: str, lines: tuple[str, ...]) -> bool:
    return any(line in text for line in lines)


@pytest.mark.parametrize("line", [
    "Just so I know I've explained it properly, can you tell me back what you're going to do from tomorrow?",
    "I've thrown a lot at you, sorry. Could you run it back to me in your own words, so I know I've made sense?",
    "So I know I haven't waffled, tell me back in your own words what we've agreed.",
])
def test_with_two_plans_agreed_both_are_said_back(line: str) -> None:
    engine, replies = play(MAGGIE, [*TWO_PLANS, line])
    assert engine.director.state.plans_agreed == ["gel_and_paracetamol", "pharmacist_review"]
    assert said(replies[-1].text, says_back(MAGGIE, "gel_and_paracetamol")), replies[-1].text
    assert said(replies[-1].text, says_back(MAGGIE, "pharmacist_review")), replies[-1].text


@pytest.mark.parametrize("line", [
    "Can you tell me back what you'll do for the pain, so I know I've been clear?",
    "Just so I know I've been clear, tell me back what you'll do about the painkillers.",
])
def test_asked_about_one_plan_that_one_is_said_back(line: str) -> None:
    _, replies = play(MAGGIE, [*TWO_PLANS, line])
    assert said(replies[-1].text, says_back(MAGGIE, "gel_and_paracetamol")), replies[-1].text
    assert not said(replies[-1].text, says_back(MAGGIE, "pharmacist_review")), replies[-1].text


def test_one_change_chosen_twice_is_said_back_once() -> None:
    """(The engine played by hand: the first pick is set as agreed at turn 2.)"""
    engine = ScriptedPatient(load_scenario(SCENARIOS["asthma-young-adult"]))
    engine.respond("Hi Jade, come on in. What's brought you in today?", 0, None)
    engine.director.state.agree("toothbrush_alarm", "clinician", 2)
    engine.respond("Or there's one inhaler that does both jobs, preventer and reliever, so it's the only one you carry. How about that?", 4, None)
    reply = engine.respond("Just so I know I've explained it, tell me back what you're going to do from tomorrow.", 6, None)
    assert engine.director.state.plans_agreed == ["toothbrush_alarm", "combined_inhaler"]
    assert said(reply.text, says_back("asthma-young-adult", "combined_inhaler")), reply.text
    assert not said(reply.text, says_back("asthma-young-adult", "toothbrush_alarm")), reply.text


WEIGH = [
    "Hello Pat, come in and sit down. How have you been since you got home?",
    "Tell me how you've been getting on with the water tablet.",
    "How about taking the water tablet when you get back in on your out days, as long as it's before two?",
]


@pytest.mark.parametrize("line", [
    "Just so I know I've explained it properly, what would you do if the scales went up two kilos?",
    "If you stood on the scales on Thursday and you were a kilo and a half up, what would you do?",
    "tell me what youd do if your ankles started coming up again",
])
def test_asked_what_they_would_do_if_it_happened_they_say_that_not_the_plan(line: str) -> None:
    engine, replies = play(PAT, [*WEIGH, line])
    assert engine.director.state.plans_agreed, "a plan was agreed before the question"
    assert not said(replies[-1].text, says_back(PAT, engine.director.state.plans_agreed[-1])), replies[-1].text
    assert "ring" in replies[-1].text.lower(), replies[-1].text


def test_what_they_were_told_to_do_then_is_said_back_from_their_side() -> None:
    told = "If your weight goes up by two kilos in two or three days, ring the heart failure nurses that same day."
    engine, replies = play(PAT, [*WEIGH, told, "Just so I know I've explained it, what would you do if your weight went up?"])
    assert "ring the heart failure nurses that same day" in replies[-1].text, replies[-1].text


def test_asked_the_plan_and_what_they_would_do_they_say_both() -> None:
    line = "Can you tell me back how you'll take the water tablet, and what you'd do if you got more puffed?"
    engine, replies = play(PAT, [*WEIGH, line])
    assert said(replies[-1].text, says_back(PAT, engine.director.state.plans_agreed[-1])), replies[-1].text
    assert "ring" in replies[-1].text.lower(), replies[-1].text


def test_a_second_plan_offered_beside_the_first_is_the_one_taken_up() -> None:
    lines = [*TWO_PLANS[:3], "Paracetamol by the clock and the gel, good. And our pharmacist could go through your tin with you. Would that help?"]
    engine, replies = play(MAGGIE, lines)
    assert engine.director.state.plans_agreed == ["gel_and_paracetamol", "pharmacist_review"]
    assert not said(replies[-1].text, load_scenario(SCENARIOS[MAGGIE]).accepted_plan("gel_and_paracetamol").says), replies[-1].text


@pytest.mark.parametrize("line", [
    "When you get home and Kerry asks what the doctor said, what'll you tell her?",
    "what are you gonna tell your daughter tonight about the tablets",
    "If you were telling your family tonight what we've agreed, what would you say?",
])
def test_asked_what_they_will_tell_someone_at_home_they_say_back_what_was_agreed(line: str) -> None:
    engine, replies = play(MAGGIE, [*TWO_PLANS, line])
    assert said(replies[-1].text, says_back(MAGGIE, "gel_and_paracetamol")) or said(replies[-1].text, says_back(MAGGIE, "pharmacist_review")), replies[-1].text


def test_asked_what_they_would_tell_someone_about_a_medicine_is_their_view_not_a_say_back() -> None:
    _, replies = play(MAGGIE, [*TWO_PLANS, "What would you tell a friend who asked you about dialysis?"])
    assert not said(replies[-1].text, says_back(MAGGIE, "gel_and_paracetamol")), replies[-1].text


# From the used sets test37-test42: a request put as telling someone at home, or as what they will do tomorrow, is a
# teach-back too; "if your sister asked..." is not a question about what they would do if something happened.
@pytest.mark.parametrize("line", [
    "Lovely. So I know I've not gabbled, tell me the plan the way you'd explain it to your Kerry tonight.",
    "Right then, tell me what you'll do from tomorrow, like you were telling a friend.",
    "If your grandson asked you what's changing after today, what would you tell him?",
])
def test_told_as_to_someone_at_home_or_for_tomorrow_they_say_the_plans_back(line: str) -> None:
    engine, replies = play(MAGGIE, [*TWO_PLANS, line])
    assert said(replies[-1].text, says_back(MAGGIE, "gel_and_paracetamol")), replies[-1].text
    assert not said(replies[-1].text, load_scenario(SCENARIOS[MAGGIE]).lines["what_if"]), "nothing was asked about what if"


def test_a_plan_offered_but_not_agreed_is_said_back_beside_the_one_agreed() -> None:
    """From test38's blind labels: "...what you're going to do for the pain this week, and what you're stopping?" with
    the pharmacist agreed and the gel offered but not taken up got only the pharmacist; the gel, as offered, comes too."""
    engine, replies = play(MAGGIE, [HELLO, "Tell me about your back and your knees, how have they been?"])
    engine.director.state.confidence["pain_relief"] = 2  # not sure she could stick to it
    offered = engine.respond(TWO_PLANS[2], 4, replies[-1].text)
    agreed = engine.respond(TWO_PLANS[3], 6, offered.text)
    assert engine.director.state.plans_agreed == ["pharmacist_review"], (offered.text, agreed.text)
    reply = engine.respond("So I know I've explained it right, tell me back what you'll do about your tablets, and what you'll do for the pain?",
                           8, agreed.text)
    assert said(reply.text, says_back(MAGGIE, "pharmacist_review")), reply.text
    assert said(reply.text, says_back(MAGGIE, "gel_and_paracetamol")), reply.text


@pytest.mark.parametrize("how", ["how you'd know things were getting worse", "what you'd look out for", "how you'd tell it was going wrong"])
def test_asked_how_they_would_know_it_was_getting_worse_they_say_what_they_would_do_then(how: str) -> None:
    """From test58's blind labels: the plan and "how you'd know things are getting worse" got only the plan."""
    engine, replies = play(MAGGIE, TWO_PLANS[:3])
    assert engine.director.state.plans_agreed == ["gel_and_paracetamol"], replies[-1].text
    reply = engine.respond(f"Just so I know I've been clear, tell me back what you're doing for the pain, and {how}?", 6, replies[-1].text)
    assert said(reply.text, says_back(MAGGIE, "gel_and_paracetamol")), reply.text
    lines = load_scenario(SCENARIOS[MAGGIE]).lines["what_if"]
    assert any(line in reply.text for line in lines), reply.text
