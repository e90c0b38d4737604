"""Saying back what was explained when no plan was agreed (issue 10): asked "tell me in your own words what you'd do
if...", the patient gives the advice back from their side, not "We didn't really pin anything down"; nothing hidden
comes out of a request to say something back. Wording is my own."""

from __future__ import annotations

import pytest

from simulator.patient.sayback import said_back
from simulator.scenario import load_scenario

from conftest import SCENARIOS, play, starts_with_one_of


@pytest.mark.parametrize(("told", "back"), [
    ("If the weight goes up by two kilos in three days, ring us the same day.", "If the weight goes up by two kilos in three days, ring you the same day."),
    ("Right, weigh yourself every morning, after the loo and before breakfast.", "Weigh myself every morning, after the loo and before breakfast."),
    ("I'd like you to take two water tablets each morning for three days.", "You'd like me to take two water tablets each morning for three days."),
    ("If you get a temperature, you ring us the same day.", "If I get a temperature, I ring you the same day."),
    ("Take it before two, so it does not keep you up all night.", "Take it before two, so it does not keep me up all night."),
    ("You are going to keep the brown one by your toothbrush.", "I am going to keep the brown one by my toothbrush."),
])
def test_advice_is_said_back_from_the_patients_side(told: str, back: str) -> None:
    assert said_back(told) == back


@pytest.mark.parametrize("told", ["Do you understand?", "Good.", "Sorry, let's take them one at a time.", "Shall we look at the inhalers now then?"])
def test_what_is_not_worth_saying_back_is_not(told: str) -> None:
    assert said_back(told) is None


PAT_OPENS = "Hello Pat, come in. How have you been since you got home?"
EXPLAINS = ("Your heart's a bit weak at pumping, so water can build up before you feel it. Weigh yourself every morning, "
            "after the loo. If the weight goes up by two kilos in three days, ring us the same day.")


def test_asked_to_say_back_what_was_explained_they_give_the_advice_back() -> None:
    _, replies = play("heart-failure-carer", [
        PAT_OPENS, EXPLAINS, "Just so I know I've explained it well, tell me in your own words what you'd do if the scales went up two kilos?",
    ])
    last = replies[-1]
    assert last.decision.disclosed == (), last.text  # the scales named in a say-back bring out nothing hidden
    assert "ring you the same day" in last.text, last.text


def test_with_nothing_explained_they_say_nothing_was_settled() -> None:
    _, replies = play("heart-failure-carer", [PAT_OPENS, "Just so I know I've explained it well, can you tell me back what you'll do?"])
    pool = load_scenario(SCENARIOS["heart-failure-carer"]).lines["teach_back_no_plan"]
    assert starts_with_one_of(replies[-1].text, pool), replies[-1].text
