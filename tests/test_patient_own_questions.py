"""Invited to ask, an activated patient asks their own question (issue 10): "Fire away with your questions.", "Go
on, read 'em out", "Any questions for me?" got "Sorry, I'm not sure what you mean." or "Not just now, no." followed by
the very question they said they did not have. A passive patient with no questions of their own says so. Wording is
my own, in several voices."""

from __future__ import annotations

import pytest

from simulator.scenario import load_scenario

from conftest import SCENARIOS, play, pool, starts_with_one_of

MARTIN = "hypertension-proactive"
MARTIN_OPENS = "Morning Martin, come in. What can I do for you?"


@pytest.mark.parametrize("invitation", [
    "Fire away with your questions.",
    "Go on, read 'em out, I'll jot them down.",
    "Have you got any questions for me?",
])
def test_invited_to_ask_an_activated_patient_asks_theirs_and_nothing_else(invitation: str) -> None:
    _, replies = play(MARTIN, [MARTIN_OPENS, invitation])
    questions = load_scenario(SCENARIOS[MARTIN]).patient.questions
    reply = replies[-1].text
    assert starts_with_one_of(reply, questions), reply  # the question itself, no "not just now" before it (another may follow)
    remaining = reply
    for question in questions:
        remaining = remaining.replace(question, "")
    assert not remaining.strip(), reply  # nothing but their own questions


def test_each_invitation_gets_the_next_question_not_the_same_again() -> None:
    _, replies = play(MARTIN, [MARTIN_OPENS, "Fire away with your questions.", "Good question. Anything else on your list?"])
    assert replies[1].text != replies[2].text


def test_a_patient_with_no_questions_of_their_own_says_so() -> None:
    _, replies = play("t2d-hypo-fear", ["Hiya Gary, come in. What's brought you in today?", "Fire away with your questions."])
    assert starts_with_one_of(replies[-1].text, pool("no_questions", "t2d-hypo-fear")), replies[-1].text


def test_seeing_their_feet_is_not_an_invitation_to_ask() -> None:
    _, replies = play(MARTIN, [MARTIN_OPENS, "Shoes and socks off then, let's see them feet."])
    assert replies[-1].text not in load_scenario(SCENARIOS[MARTIN]).patient.questions
