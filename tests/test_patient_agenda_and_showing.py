"""A passive patient's agenda, what matters to them, showing and being shown, and lines that do not contradict each
other (issue 10): asked what they would like to cover, a passive patient names what they came with again and keeps
what they hope for until asked; an activated one says it. Wording is my own, in several voices."""

from __future__ import annotations

import pytest

from simulator.patient.followup import repeated
from simulator.scenario import load_scenario

from conftest import SCENARIOS, play, pool, starts_with_one_of


@pytest.mark.parametrize(("scenario_id", "opening", "agenda"), [
    ("copd-low-mood", "Morning Derek, come on in. How are you keeping?", "Before I start poking about, is there anything you'd like us to get to today?"),
    ("ckd-pain-multimorbidity", "Hello Maggie, come in and sit down. How are you?", "You got our letter, I know. But first, what's top of your list today?"),
    ("asthma-young-adult", "Hiya Jade, come in. How are you doing?", "Is there anything else on your list you want us to get to?"),
])
def test_a_passive_patient_asked_for_their_agenda_keeps_what_they_hope_for(scenario_id: str, opening: str, agenda: str) -> None:
    _, replies = play(scenario_id, [opening, agenda])
    assert replies[1].decision.disclosed == (), replies[1].text


def test_an_activated_patient_asked_for_their_agenda_says_what_they_hope_for() -> None:
    _, replies = play("hypertension-proactive", [
        "Good morning Mr Hughes, come in. How are you?",
        "What's top of your list today?",
    ])
    assert any(f.kind == "expectation" for f in replies[1].decision.disclosed), replies[1].text


def test_asked_what_matters_most_a_passive_patient_says_what_they_hope_for() -> None:
    _, replies = play("ckd-pain-multimorbidity", [
        "Hello Maggie, come in and sit down. How are you?",
        "What matters most to you right now, the thing you'd hate to have to give up?",
    ])
    assert [f.id for f in replies[1].decision.disclosed] == ["grandchild_expectation"], replies[1].text


def test_asked_what_they_do_when_it_happens_they_say_and_are_asked_for_no_plan() -> None:
    _, replies = play("copd-low-mood", [
        "Morning Derek, come on in. How are you keeping?",
        "How's the breathing been?",
        "What do you do when that happens?",
    ])
    assert replies[-1].decision.plan is None
    assert not starts_with_one_of(replies[-1].text.split(". ", 1)[-1], pool("no_plan_idea", "copd-low-mood")), replies[-1].text
    assert "You're the nurse" not in replies[-1].text


@pytest.mark.parametrize("offer", [
    "That's not bad at all. Can I show you one wee thing that'll get more of it down?",
    "Let me show you a wee trick with it, is that okay?",
])
def test_offered_to_be_shown_something_they_agree(offer: str) -> None:
    _, replies = play("copd-low-mood", ["Morning Derek, come on in. How are you keeping?", offer])
    assert replies[-1].decision.proposal and replies[-1].decision.disclosed == ()
    assert starts_with_one_of(replies[-1].text, pool("permission", "copd-low-mood")), replies[-1].text


def test_shown_numbers_and_asked_about_them_is_not_an_offer_to_show() -> None:
    _, replies = play("hypertension-proactive", [
        "Good morning Mr Hughes, come in. How are you?",
        "Can I show you where your numbers sit? Today it's 152 over 95, and we aim for under 135 over 85 at home. Does that match what you've seen?",
    ])
    assert not replies[-1].decision.proposal


@pytest.mark.parametrize("ask", ["Would you mind showing me how you take the blue one?", "Show us with this one, how you'd take it."])
def test_asked_to_show_how_they_take_it_they_have_a_go(ask: str) -> None:
    _, replies = play("asthma-young-adult", ["Hiya Jade, come in. How are you doing?", ask])
    assert replies[-1].decision.showing, replies[-1].text
    assert starts_with_one_of(replies[-1].text, pool("demonstrate", "asthma-young-adult")), replies[-1].text


def test_asked_to_show_it_just_after_talking_about_it_they_still_have_a_go() -> None:
    # (fresh test54, after its measurement: what he told stayed the subject after a reflection, so "it" pointed at it
    # and he said the told line again instead of having a go)
    _, replies = play("copd-low-mood", [
        "Morning Derek, come on in. How are you keeping?",
        "And the grey inhaler, how's that going, honestly?",
        "So the grey one mostly stays in the drawer. That's really common.",
        "Would you mind just showing me how you take it? Just like you would at home.",
    ])
    assert replies[-1].decision.showing, replies[-1].text
    assert starts_with_one_of(replies[-1].text, pool("demonstrate", "copd-low-mood")), replies[-1].text


def test_lost_in_the_jargon_they_do_not_then_say_it_makes_sense() -> None:
    _, replies = play("heart-failure-carer", [
        "Hello Pat, come in. How have you been since you got home?",
        "Your weight's 73 kilos today, so nearly two kilos up, and there's a bit of oedema round your ankles.",
    ])
    assert replies[-1].decision.confused
    followed = [line for name in ("information", "understood", "reaction", "acknowledge") for line in pool(name, "heart-failure-carer")]
    assert not any(line in replies[-1].text for line in followed), replies[-1].text


def test_asked_how_news_sits_with_a_reason_after_it_is_still_a_check_on_the_news() -> None:
    _, replies = play("ckd-pain-multimorbidity", [
        "Hello Maggie, come in and sit down. How are you?",
        "The ibuprofen is hard on the kidneys, so I'd like you to stop it. How does that sit with you, given it's been helping?",
    ])
    assert replies[-1].decision.reacting, replies[-1].text


def test_an_offer_explained_is_not_met_with_what_would_that_involve() -> None:
    _, replies = play("heart-failure-carer", [
        "Hello Pat, come in. How have you been since you got home?",
        "With the weight up, I'd like you to take an extra water tablet each morning for three days, and we'll check your bloods after. How does that sound?",
    ])
    assert "What would that involve?" not in replies[-1].text


def test_a_repeat_never_starts_on_a_sentence_that_leans_on_the_one_before() -> None:
    line = "Hello, love. I got your letter, so here I am. It's me back, mainly. And the knees. Tony used to say I creaked."
    again = repeated(line, "what did you want to talk about today, the knees?")
    assert not again.startswith("And"), again
    assert "It's me back, mainly. And the knees." in again


def test_a_repeat_keeps_who_a_he_or_she_is() -> None:
    line = ("Our Ray had this. Last two years he were on oxygen, couldn't get from his chair to the toilet. When I wake up "
            "fighting for breath I think, that's me next. That class weren't for the likes of me.")
    again = repeated(line, "what goes through your mind when you can't get your breath")
    assert again.startswith("Our Ray had this."), again


def test_an_activated_patient_asks_nothing_while_saying_back_the_plan() -> None:
    _, replies = play("hypertension-proactive", [
        "Good morning Mr Hughes, come in. How are you?",
        "So that's ramipril once a day and home readings for a week. Just so I know I've explained it, can you tell me back what we've agreed?",
    ])
    listed = load_scenario(SCENARIOS["hypertension-proactive"]).patient.questions
    assert not any(q in replies[-1].text for q in listed), replies[-1].text


def test_a_word_the_patient_uses_in_their_own_lines_is_never_jargon_to_them() -> None:
    """Gary's whole worry is hypos: "hypo" said by the nurse before he has said it is still his word."""
    _, replies = play("t2d-hypo-fear", ["Hiya Gary, what's brought you in?", "have you ever had a hypo yourself or seen someone have one"])
    assert not replies[-1].decision.confused, replies[-1].text
    _, replies = play("t2d-hypo-fear", ["Hiya Gary, what's brought you in?", "Your HbA1c and eGFR are both a bit off, I'm afraid."])
    assert replies[-1].decision.confused, replies[-1].text


def test_an_activated_patient_choosing_from_a_menu_asks_none_of_their_list_questions() -> None:
    _, replies = play("hypertension-proactive", [
        "Good morning Mr Hughes, come in. How are you?",
        "So there are a few ways to go: restart the amlodipine at a lower dose, switch to a different tablet like ramipril, or "
        "three months of lifestyle changes first with home readings. Which would you prefer?",
    ])
    listed = load_scenario(SCENARIOS["hypertension-proactive"]).patient.questions
    assert not any(q in replies[-1].text for q in listed), replies[-1].text
