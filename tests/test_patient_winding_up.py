"""The end of a consultation and checks after a proposal (issue 10): "anything else before you go?" gets "no, that's
everything" from a patient with nothing more, not the opening's "that's the main thing" again; "anything you want to
ask me?" asks for questions, not whether they followed; "Fair enough?" after the clinician lays out the order agrees
to it; "want to have another go?" after a technique tip has another go; "what do you make of that?" after news gets a reaction to
it, not something told before said again. Wording is my own, in several voices."""

from __future__ import annotations

import pytest

from simulator.scenario import load_scenario

from conftest import SCENARIOS, play, starts_with_one_of

GARY = "t2d-hypo-fear"
OPENING = ["Hiya Gary, come in. What's brought you in today?", "Right. And what's worrying you most about it?"]


def pool(name: str, scenario_id: str = GARY) -> tuple[str, ...]:
    return load_scenario(SCENARIOS[scenario_id]).lines[name]


@pytest.mark.parametrize("line", [
    "anything else before you go",
    "Before you head off, is there anything else?",
    "Is there owt else before you go, like?",
    "Is there anything else we haven't talked about that you wanted to?",
])
def test_an_invitation_at_the_end_gets_no_more_not_the_opening_line(line: str) -> None:
    _, replies = play(GARY, [*OPENING, line])
    assert starts_with_one_of(replies[-1].text, pool("no_questions")), replies[-1].text
    assert not starts_with_one_of(replies[-1].text, pool("agenda")), replies[-1].text


def test_the_same_invitation_at_the_start_is_still_the_opening_one() -> None:
    _, replies = play(GARY, [OPENING[0], "Was there anything else you wanted to talk about today?"])
    assert not starts_with_one_of(replies[-1].text, pool("no_questions")), replies[-1].text


@pytest.mark.parametrize("line", [
    "Anything else you want to ask me before you go?",
    "Have you got any questions for me before you go?",
    "Any other questions for me?",
])
def test_asked_for_their_questions_they_have_none_rather_than_saying_they_followed(line: str) -> None:
    _, replies = play(GARY, [*OPENING, line])
    assert starts_with_one_of(replies[-1].text, pool("no_questions")), replies[-1].text
    assert not starts_with_one_of(replies[-1].text, pool("understood")), replies[-1].text


def test_asked_whether_they_followed_they_say_so() -> None:
    _, replies = play(GARY, [*OPENING, "The new tablet goes in the morning with your metformin. Does that make sense?"])
    assert starts_with_one_of(replies[-1].text, pool("understood")), replies[-1].text


@pytest.mark.parametrize("check", ["Fair enough?", "Deal?", "Does that suit you?"])
def test_an_order_laid_out_and_checked_is_agreed_to(check: str) -> None:
    maggie = "ckd-pain-multimorbidity"
    _, replies = play(maggie, [
        "Hello Maggie, come in. What can I do for you today?",
        f"Right. We've a quarter of an hour. How about we make a start on the back, then the kidneys, and we'll finish with the tablets. {check}",
    ])
    assert starts_with_one_of(replies[-1].text, pool("permission", maggie)), replies[-1].text
    assert replies[-1].decision.disclosed == ()


def test_asked_to_have_another_go_after_a_tip_they_have_a_go() -> None:
    jade = "asthma-young-adult"
    _, replies = play(jade, [
        "Hi Jade, what's brought you in?",
        "Can you show me how you take the blue one, like you would at home?",
        "Not bad at all. If you breathe right out first and then press it nice and slow, more gets down into your lungs. Want to have another go?",
    ])
    assert starts_with_one_of(replies[-1].text, pool("demonstrate", jade)), replies[-1].text


MAGGIE = "ckd-pain-multimorbidity"
NEWS = ("Your kidneys are working at a little under half of what a young person's would, and most people at your stage "
        "never need dialysis. {check}")


@pytest.mark.parametrize("check", ["What do you make of that?", "How does that sit with you?", "So how does that land?"])
def test_asked_how_news_lands_they_react_to_it_not_repeat_what_they_told(check: str) -> None:
    _, replies = play(MAGGIE, [
        "Hello Maggie, come in. What can I do for you today?",
        "What's the worry with the kidneys, in your mind?",
        NEWS.format(check=check),
    ])
    assert replies[1].decision.disclosed, replies[1].text  # the worry, told
    last = replies[-1]
    assert last.decision.reacting and last.decision.touched_known == ()
    assert starts_with_one_of(last.text, pool("reaction_good", MAGGIE)), last.text  # "never need dialysis" eases


def test_asked_how_news_lands_they_tell_no_habit_it_named() -> None:
    _, replies = play(GARY, [
        "Hiya Gary, what's brought you in?",
        "Most of the newer tablets hardly ever cause a hypo on their own; it's mostly insulin, and one older tablet we'd keep "
        "away from with your job. How does that sound?",
    ])
    assert replies[-1].decision.reacting
    assert all(f.kind in ("concern", "belief", "expectation", "idea") for f in replies[-1].decision.disclosed), replies[-1].text


def test_how_is_that_for_you_about_their_life_is_not_a_check_on_news() -> None:
    _, replies = play("heart-failure-carer", [
        "Hello Pat, how have you been since you got home?",
        "I gather you're the one keeping everything going for Ken. How is that for you?",
    ])
    assert not replies[-1].decision.reacting
    assert not starts_with_one_of(replies[-1].text, pool("reaction", "heart-failure-carer")), replies[-1].text
