"""Plans laid out in one breath and plans offered but not taken up (issue 10), from the blind labels of test46, test52 and
test55: "So here's what I'm thinking: the grey one with your first brew... and I'll book you in" puts a plan forward
even with a booking in it; a plan offered that they were not sure of is still what they say back when asked about it,
but not what they would do if the scales went up; "Why not a four?" after a ruler asks why that number, while "why not
two alarms?" offers something. Wording is my own."""

from __future__ import annotations

import pytest

from simulator.analysis import TurnReader, plans
from simulator.scenario import load_scenario

from conftest import SCENARIOS, play

PAT = "heart-failure-carer"
PAT_WATER = [
    "Hello Pat, come in and sit down. How have you been since you got home?",
    "Tell me how you've been getting on with the water tablet.",
]
OFFER_TIMING = (
    "You don't have to take it at eight in the morning, you know. On the days you're out, it's fine to take it when you get back, "
    "as long as it's before two. Could you manage that?"
)


@pytest.mark.parametrize("line", [
    "Right, here's what I'm thinking. The grey one every morning with your first cuppa, and I'll book you in with the doctor about "
    "your mood. How does that sound?",
    "OK so here's what I'd suggest: grey inhaler next to the kettle, have it with your first brew, and I'll get you an appointment with Dr Shah. Alright?",
    "My suggestion is the grey one with your first cup of tea every day, and we'll see you back in a month. What do you reckon?",
])
def test_a_plan_laid_out_with_a_booking_in_it_is_taken_up(line: str) -> None:
    """Taken up: agreed, or (advice he did not ask for, which puts him on guard) a hurdle to that plan."""
    _, replies = play("copd-low-mood", ["Morning, come in. How have things been with your chest?", line])
    outcome = replies[-1].decision.plan
    assert outcome is not None and outcome.plan is not None and outcome.plan.id == "kettle_routine", replies[-1].text
    assert outcome.kind in ("agreed", "barrier"), outcome.kind
    if outcome.kind == "agreed":
        assert any(said in replies[-1].text for said in outcome.plan.says), replies[-1].text


def test_a_booking_alone_offers_no_plan() -> None:
    booking = "I'll book you in with the doctor next week about your mood, OK?"
    engine, _ = play("copd-low-mood", ["Morning, come in. How have things been with your chest?", booking])
    assert engine.director.state.plans_agreed == []


def offered_but_unsure() -> tuple:
    """Pat is offered taking the water tablet when she gets back, while too unsure of it to agree."""
    engine, replies = play(PAT, PAT_WATER)
    engine.director.state.confidence["water_tablet"] = 2
    reply = engine.respond(OFFER_TIMING, 2 * len(PAT_WATER), replies[-1].text)
    assert engine.director.state.plans_agreed == [], reply.text
    return engine, reply.text


def test_a_plan_offered_but_not_agreed_is_said_back_when_asked_about_it() -> None:
    engine, previous = offered_but_unsure()
    asked = "Just so I know I have been clear, can you tell me back how you will take the water tablet on the days you go out?"
    reply = engine.respond(asked, 2 * len(PAT_WATER) + 2, previous)
    says_back = load_scenario(SCENARIOS[PAT]).accepted_plan("tablet_when_home").says_back
    assert any(line[:40].lower() in reply.text.lower() for line in says_back), reply.text


def test_a_plan_offered_is_not_what_they_would_do_if_the_scales_went_up() -> None:
    engine, previous = offered_but_unsure()
    reply = engine.respond("And so I know I've been clear, what would you do if the scales went up two kilos?", 2 * len(PAT_WATER) + 2, previous)
    assert "water tablet when I get back" not in reply.text, reply.text
    assert reply.text in load_scenario(SCENARIOS[PAT]).lines["what_if"], reply.text


@pytest.mark.parametrize("line", ["Seven. Why not a four?", "4 ok. why not a 2 though, what's going for you already", "Six, right. Why not, say, a three?"])
def test_why_not_a_lower_number_asks_why_that_number(line: str) -> None:
    analysis = TurnReader().analyse(line)
    assert analysis.kind == "ruler_why", (analysis.kind, analysis.codes)
    assert not plans.offers_plan(analysis, line)


@pytest.mark.parametrize("line", ["Why not two alarms on your phone?", "why not a walk round the block after tea?", "Why not one puff through the spacer?"])
def test_why_not_something_to_do_offers_it(line: str) -> None:
    assert plans.offers_plan(TurnReader().analyse(line), line)


@pytest.mark.parametrize(("line", "offers"), [
    ("Would you let me get the carers' centre to give you a ring?", True),
    ("Shall I refer you to the physio for your back?", True),
    ("Do you want me to book you in with the practice pharmacist?", True),
    ("I could ask one of the nurses to pop round, if that'd help.", True),
    ("Would you be alright with me asking the doctor to have a chat with you about your mood?", True),
    ("Would you be happy for me to pass your name on to the stop smoking people?", True),
    ("There's a class nearer home starting in January. Would you have a think about it?", True),
    # leave to explain, or a request of them, is no offer
    ("Would you like me to explain what the water tablet does?", False),
    ("Can I get you to hop on the scales for me?", False),
    ("Can I call you Derek, or do you prefer Mr Price?", False),
    ("Can I just check how you use your inhaler?", False),
    ("Would you be okay if I explained a bit about the tablets?", False),
    ("What could you see yourself doing differently?", False),
])
def test_help_offered_is_an_offer_and_leave_to_explain_is_not(line: str, offers: bool) -> None:
    assert plans.offers_plan(TurnReader().analyse(line), line) is offers


@pytest.mark.parametrize("check", ["You are happy with that?", "That sound OK?", "Are you happy with that?"])
def test_a_plan_described_then_put_to_them_is_taken_up(check: str) -> None:
    described = "There's a newer sort of inhaler, just the one, that does both jobs, the preventer and the reliever together. " + check
    engine, replies = play("asthma-young-adult", ["Hiya Jade, come in, grab a seat. What's brought you in?", described])
    outcome = replies[-1].decision.plan
    assert outcome is not None and outcome.plan is not None and outcome.plan.id == "combined_inhaler", (replies[-1].text, outcome)


@pytest.mark.parametrize("line", [
    "Would you be up for a carer's assessment, so someone could sit with Ken and you could get to the rehab group?",
    "We could see about a sitter for Ken on a Tuesday, so you can get to the heart class. What do you think?",
])
def test_a_refusal_is_not_given_when_what_stood_in_its_way_is_seen_to(line: str) -> None:
    _, replies = play(PAT, [*PAT_WATER, line])
    refusal = next(p for p in load_scenario(SCENARIOS[PAT]).reject_plans if p.id == "rehab_class").says
    assert replies[-1].text not in refusal and not any(r in replies[-1].text for r in refusal), replies[-1].text


def test_the_refusal_still_stands_when_nothing_is_done_about_it() -> None:
    _, replies = play(PAT, [*PAT_WATER, "Would you consider going to the cardiac rehab classes at the hospital?"])
    refusal = next(p for p in load_scenario(SCENARIOS[PAT]).reject_plans if p.id == "rehab_class").says
    assert any(r in replies[-1].text for r in refusal), replies[-1].text


def test_a_teach_back_that_lays_out_the_plan_gets_that_plan_back_not_an_older_idea_of_theirs() -> None:
    martin = [
        "Hello Martin, come on in. What have you brought for me?",
        "On a scale of nought to ten, how confident are you that you'd take a tablet every day?",
        "What would make it higher?",  # he puts his own idea forward: alcohol-free weeknights
    ]
    engine, replies = play("hypertension-proactive", martin)
    assert engine.director.state.plans_agreed, replies[-1].text
    asked = "So, the plan: swap to losartan, 50 once a day, and bloods in two weeks. So I know I've been clear, what are you doing from tomorrow?"
    reply = engine.respond(asked, 2 * len(martin), replies[-1].text)
    says_back = load_scenario(SCENARIOS["hypertension-proactive"]).accepted_plan("switch_tablet").says_back
    assert any(line in reply.text for line in says_back), reply.text


@pytest.mark.parametrize(("line", "rebuffed"), [
    ("So the plan is metformin twice a day, the evening one with your break at work.", False),
    ("You should take the metformin twice a day, the evening one with your break at work.", True),  # the same, unasked
])
def test_a_plan_summed_up_after_its_lead_in_is_not_unasked_advice_to_rebuff(line: str, rebuffed: bool) -> None:
    """Gary on his guard (rapport set low), so advice he did not ask for is rebuffed; a summing up is not."""
    engine, replies = play("t2d-hypo-fear", ["Morning Gary, come in. How's things?"])
    engine.director.state.rapport = 3.0
    reply = engine.respond(line, 2, replies[-1].text)
    assert "advice_without_permission" in reply.decision.events
    assert any(said in reply.text for said in engine.scenario.lines["advice_rejected"]) is rebuffed, reply.text
