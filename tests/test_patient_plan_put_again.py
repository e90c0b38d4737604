"""A plan put to them, then a turn that only asks what they make of it (issue 10), from the blind labels of test56 and
test59: "What do you think? Could that work for you?" just after Pat said yes to taking her water tablet when she gets
home got "Can't say it's been on my mind."; "Does that feel manageable, or is it too much at once?" got "No. Why do you
ask?". The question is about the plan just put: yes again, briefly, when they agreed it; unsure still when they were
not sure of it. A check of a reflection ("...Is that right?") is not about the plan. Wording is my own."""

from __future__ import annotations

import pytest

from simulator.scenario import load_scenario

from conftest import SCENARIOS, play

PAT = "heart-failure-carer"
PAT_TIMING = [
    "Hello Pat, come in and sit down. How have you been since you got home?",
    "Tell me how you've been getting on with the water tablet.",
    "You don't have to take it at eight in the morning, you know. On the days you're out, it's fine to take it when you get back, "
    "as long as it's before two.",
]
VIEW_ONLY = [
    "What do you think? Could that work for you?",
    "Does that feel manageable, or is it too much at once?",
    "So how does that sound?",
    "Thoughts?",
    "Is that doable, do you reckon?",
    "Would you be up for that?",
]


@pytest.mark.parametrize("question", VIEW_ONLY)
def test_asked_what_they_make_of_a_plan_they_just_agreed_they_say_yes_briefly(question: str) -> None:
    engine, replies = play(PAT, PAT_TIMING)
    assert engine.director.state.plans_agreed == ["tablet_when_home"], replies[-1].text
    disclosed = list(engine.director.state.disclosed)
    reply = engine.respond(question, 2 * len(PAT_TIMING), replies[-1].text)
    outcome = reply.decision.plan
    assert outcome is not None and outcome.kind == "still_agreed" and outcome.plan.id == "tablet_when_home", reply.text
    lines = load_scenario(SCENARIOS[PAT]).lines["still_agreed"]
    assert reply.text in lines  # a brief yes, not the plan said over again nor anything else
    assert engine.director.state.disclosed == disclosed  # nothing new comes out of a question about the plan


def test_a_plan_they_were_unsure_of_stays_unsure_when_asked_again() -> None:
    engine, replies = play(PAT, PAT_TIMING[:2])
    engine.director.state.confidence["water_tablet"] = 2
    offered = engine.respond(PAT_TIMING[2] + " Could you manage that?", 4, replies[-1].text)
    assert engine.director.state.plans_agreed == [], offered.text
    reply = engine.respond("What do you think? Could that work for you?", 6, offered.text)
    outcome = reply.decision.plan
    assert outcome is not None and outcome.plan is not None and outcome.plan.id == "tablet_when_home", reply.text
    assert outcome.kind == "barrier" and engine.director.state.plans_agreed == []


def test_the_plan_is_not_put_again_long_after() -> None:
    engine, replies = play(PAT, [*PAT_TIMING, "And who's at home with you these days?", "Does Ken manage the stairs?",
                                 "Do you get out much yourself?"])
    reply = engine.respond("Could that work for you?", 2 * (len(PAT_TIMING) + 3), replies[-1].text)
    assert reply.decision.plan is None or reply.decision.plan.kind != "still_agreed", reply.text


def test_checking_a_reflection_is_not_about_the_plan() -> None:
    engine, replies = play(PAT, PAT_TIMING)
    reply = engine.respond("So it's the toilet when you're out that's been putting you off it. Is that right?", 6, replies[-1].text)
    assert reply.decision.plan is None or reply.decision.plan.kind != "still_agreed", reply.text


def test_news_of_its_own_asks_about_the_news_not_the_plan() -> None:
    """A telling on something else ("...a carers' group at the library. How does that sound?") asks about that."""
    engine, replies = play(PAT, PAT_TIMING)
    reply = engine.respond("There's also a carers' group that meets at the library on Tuesdays, a lot of people find it a lifeline. "
                           "How does that sound?", 6, replies[-1].text)
    assert reply.decision.plan is None or reply.decision.plan.kind != "still_agreed", reply.text
