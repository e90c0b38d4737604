"""Menus, households, typed contractions, goodbyes with a door left open, and what a reflection takes up (issues 9
and 10): offered a choice they are not yet sure of, the patient names the one they lean to without agreeing to it;
asked who they live with, they say so and bring nothing hidden out. Wording is my own."""

from __future__ import annotations

import pytest

from simulator.analysis import TurnReader
from simulator.analysis.speech import read_speech
from simulator.scenario import load_scenario

from conftest import SCENARIOS, play, starts_with_one_of

reader = TurnReader()
MAUREEN_OPENS = "Hello Maureen, come in, have a seat. What can I do for you today?"


def plan_of(scenario_id: str, plan_id: str):
    return next(p for p in load_scenario(SCENARIOS[scenario_id]).accept_plans if p.id == plan_id)


def test_every_plan_a_patient_would_accept_has_a_hesitant_pick() -> None:
    for path in SCENARIOS.values():
        scenario = load_scenario(path)
        assert all(plan.leans for plan in scenario.accept_plans), scenario.id


def test_a_menu_they_are_not_sure_of_gets_the_one_they_lean_to_and_agrees_nothing() -> None:
    engine, replies = play("ckd-pain-multimorbidity", [
        MAUREEN_OPENS,
        "A couple of things might help the pain without harming your kidneys: a gel you rub on your knees, or some exercises "
        "from the physio you can do at home. Which would you go for?",
    ])
    decision = replies[1].decision
    assert decision.plan is not None and decision.plan.kind == "leaning" and decision.plan.plan.id == "gel_and_paracetamol"
    assert starts_with_one_of(replies[1].text, plan_of("ckd-pain-multimorbidity", "gel_and_paracetamol").leans), replies[1].text
    assert engine.state.plans_agreed == []


def test_one_plan_offered_on_its_own_is_a_hurdle_not_a_lean() -> None:
    engine, replies = play("ckd-pain-multimorbidity", [MAUREEN_OPENS, "Would you try some exercises from the physio you can do at home?"])
    decision = replies[1].decision
    assert decision.plan is not None and decision.plan.kind == "barrier", decision.plan
    assert engine.state.plans_agreed == []


def test_a_menu_with_one_they_feel_able_for_is_agreed() -> None:
    engine, replies = play("copd-low-mood", [
        "Morning Derek, come on in. How can I help?",
        "We could keep the grey one by the kettle with your morning cuppa, or have another go with the spacer. Which would suit you?",
    ])
    assert replies[1].decision.plan is not None and replies[1].decision.plan.kind == "agreed"
    assert engine.state.plans_agreed == ["kettle_routine"]


@pytest.mark.parametrize("scenario_id, opening, question", [
    ("t2d-hypo-fear", "Hiya Gary, come in. What's brought you in?", "Who lives with you at home?"),
    ("hypertension-proactive", "Good morning, come in. What brings you in?", "And who's at home with you these days?"),
])
def test_asked_who_they_live_with_they_say_so_and_nothing_hidden_comes_out(scenario_id: str, opening: str, question: str) -> None:
    _, replies = play(scenario_id, [opening, question])
    decision = replies[1].decision
    assert decision.disclosed == () and decision.knowledge is not None and decision.knowledge.about == "home"
    home = next(k for k in load_scenario(SCENARIOS[scenario_id]).patient.knows if k.about == "home")
    assert starts_with_one_of(replies[1].text, home.says), replies[1].text


@pytest.mark.parametrize("typed, clean", [
    ("so id like to check your feet", "so I'd like to check your feet"),
    ("ok ill ring you with the results", "ok I'll ring you with the results"),
    ("she was ill last week", "she was ill last week"),
    ("can i see your id card", "can i see your id card"),
])
def test_id_and_ill_typed_without_an_apostrophe_are_read_by_the_word_after(typed: str, clean: str) -> None:
    assert read_speech(typed).clean == clean


@pytest.mark.parametrize("turn, ends", [
    ("Lovely, take care Jade, and give us a ring if it plays up.", True),
    ("Okay Pat, take care of yourself too. Goodbye, and I speak to you on Friday.", True),
    ("Cheers my lover, see you dreckly.", True),
    ("Give us a ring if it plays up.", False),
    ("I'll speak to you on Friday about the results, and then we can decide.", False),
    ("Go on, get yourself home before the rain comes.", True),
    ("Right, you get off and enjoy your weekend.", True),
    ("How do you get yourself home after a night shift?", False),
    # fresh test41/test42 goodbyes that did not end (2026-12-06): a place or time after the wish, a tag, a term of
    # address with "me", a lower-case name in a transcript, "it's been a pleasure"
    ("Okay Jade, lovely to meet you. Look after yourself on those nights, yes?", True),
    ("okay gary thank you very much take care of yourself and stay safe at work", True),
    ("Lovely to meet you, Maggie. You take care, me duck, and ring us if you're stuck with anything.", True),
    ("Ta-ra pet, and look after yourself for once, eh?", True),
    ("Thank you, Mr Hale. It's been a pleasure. Good afternoon to you.", True),
    ("lovely take care derek and um tell your wife i said hello", True),
    ("Right, go on then, take care Jade, and ring if anything's not right, honestly, don't sit on it.", True),
    ("fair enough . that's all right . um , if it bothers you , that's why i recommended it", False),
    ("the numbers are high that's all um look what about alcohol free beers", False),
    ("Good afternoon to you, come on in and sit down.", False),
    ("So you get off the bus and then what?", False),
])
def test_a_goodbye_with_a_door_left_open_still_ends(turn: str, ends: bool) -> None:
    assert reader.analyse(turn).goodbye is ends


def test_a_reflection_of_something_said_before_takes_up_nothing_of_the_last_turn() -> None:
    heart = TurnReader.for_scenario(load_scenario(SCENARIOS["heart-failure-carer"]))
    said = "Three days out of seven I leave it out. The other days I have it first thing, with my breakfast."
    about_ken = heart.analyse("It sounds like you've an awful lot on your plate, looking after Ken.", said)
    assert "reflection" in about_ken.codes and about_ken.context_topics == ()
    # empathy that names nothing of its own still takes up what they have just said
    assert heart.analyse("That sounds hard.", said).context_topics


# A menu in the clinician's own words names no plan by the scenario's keywords ("the grey one every morning" is not
# "kettle"); asked to pick from it, the patient picks one whose behaviour it names, and tells no hidden fact instead.
# Written for this test in voices of my own, not taken from the everyday sets.
DEREK_OPENS = "Morning Derek, come on in. How have you been keeping?"


@pytest.mark.parametrize("menu", [
    "There's a few things we could try: the grey one every morning, another go at rehab in a smaller group, or some help "
    "with the cigarettes. I don't want to pile it all on. Which one would you pick to start with?",
    "so um we could get the inhalers sorted have another go at the classes look at the smoking or have a chat about how "
    "youve been feeling which one feels most doable to start with",
])
def test_a_menu_in_the_clinicians_words_gets_a_pick_not_a_fact_or_a_muddle(menu: str) -> None:
    warm = "That sounds like a rotten winter, love. It must really get you down, not being able to do what you used to."
    engine, replies = play("copd-low-mood", [DEREK_OPENS, warm, menu])
    decision = replies[-1].decision
    assert decision.plan is not None and decision.plan.kind in ("agreed", "leaning"), decision.plan
    assert decision.plan.plan is not None and decision.plan.plan.behaviour in ("inhalers", "activity")
    assert not decision.stacked and decision.disclosed == (), (decision.disclosed, replies[-1].text)
    plan = decision.plan.plan
    assert starts_with_one_of(replies[-1].text, plan.says if decision.plan.kind == "agreed" else plan.leans), replies[-1].text


def test_a_choice_between_what_may_be_true_is_not_a_menu_of_plans() -> None:
    # "either you've a stash or you've stopped it": which is true, nothing to take up
    engine, replies = play("hypertension-proactive", [
        "Morning Martin, come in. What can I do for you?",
        "The computer says your last prescription went out four months ago. So either you've a stash in a drawer or you've "
        "stopped them. No row either way. Which is it?",
    ])
    assert replies[1].decision.plan is None or replies[1].decision.plan.kind != "agreed", replies[1].decision.plan
    assert engine.state.plans_agreed == []


def test_a_ruler_that_names_the_plan_asks_how_sure_and_agrees_nothing() -> None:
    # unpunctuated, the reader may not code the ruler; its kind is still confidence, and a ruler offers no plan
    engine, replies = play("copd-low-mood", [
        DEREK_OPENS,
        "the grey one with your first cup of tea ok and out of ten how sure are you that you could do that every morning",
    ])
    assert replies[1].decision.ruler is not None and replies[1].decision.plan is None
    assert engine.state.plans_agreed == []
