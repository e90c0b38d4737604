"""Thanks for what they told, goodbyes with a parting reminder and "Mm hm." (issue 10), from the blind labels of test56-58:
"Thank you for telling me, that really does help." with nothing asked is answered as thanks (the scenario's `thanked`
lines), not as news ("Nobody's ever told me that") or a stock "Sorry, I'm not sure what you mean"; a question after the
thanks is still answered. "Goodbye for now, and take good care of yourself.", "...mind the step on the way out, and do
give that gel a fair trial." and "Tarra a bit, Pat" take leave. Wording is my own."""

from __future__ import annotations

import pytest

from simulator.analysis import TurnReader
from simulator.scenario import load_scenario

from conftest import SCENARIOS, play

OPENINGS = {
    "ckd-pain-multimorbidity": ["Hello Mrs Doyle, come and sit down. How's the back been?", "Tell me what you take for the pain, shop stuff included."],
    "copd-low-mood": ["Morning Derek, have a seat. How have you been keeping?", "Tell me how you get on with your inhalers day to day."],
    "hypertension-proactive": ["Hello Martin, come in. How are the readings?", "And how have you got on with the amlodipine?"],
}


@pytest.mark.parametrize("scenario_id", sorted(OPENINGS))
@pytest.mark.parametrize("thanks", [
    "Thanks for telling me that, I know it's not easy.",
    "I'm really glad you told me. Lots of people keep that to themselves.",
    "Thank you for being so honest with me, that does help.",
])
def test_thanks_for_what_they_told_is_answered_as_thanks(scenario_id: str, thanks: str) -> None:
    _, replies = play(scenario_id, [*OPENINGS[scenario_id], thanks])
    assert replies[-2].decision.disclosed, "they told something to be thanked for"
    assert replies[-1].text in load_scenario(SCENARIOS[scenario_id]).lines["thanked"], replies[-1].text


def test_a_question_after_the_thanks_is_still_answered() -> None:
    asked = "Thanks for telling me that. What does a normal day look like for you now?"
    _, replies = play("copd-low-mood", [*OPENINGS["copd-low-mood"], asked])
    assert replies[-1].text not in load_scenario(SCENARIOS["copd-low-mood"]).lines["thanked"], replies[-1].text


@pytest.mark.parametrize("line", [
    "Goodbye for now, Pat, and take good care of yourself.",
    "Bye then, mind the step on the way out, and do give the new timing a fair go.",
    "Right, I'll let myself out. Tarra a bit, Pat.",
    "Cheerio for now, and don't forget to weigh yourself every morning.",
])
def test_a_goodbye_with_a_parting_reminder_takes_leave(line: str) -> None:
    assert TurnReader().analyse(line).goodbye
    engine, replies = play("heart-failure-carer", ["Hello Pat, come in and sit down. How are you?", line])
    assert replies[-1].decision.closing and engine.state.ended


@pytest.mark.parametrize("line", ["Mind the step on your way in.", "Do give the new timing a fair go, won't you?", "Remember to bring your tablets."])
def test_a_reminder_alone_takes_no_leave(line: str) -> None:
    assert not TurnReader().analyse(line).goodbye


@pytest.mark.parametrize("line", [
    "On the days you go out, you can take it when you come home, as long as it's before two. Would that work?",
    "On a going-out day, take it as soon as you get back, before about two o'clock. How does that sound?",
])
def test_the_timing_plan_in_other_words_is_taken_up_not_proposed_back(line: str) -> None:
    _, replies = play("heart-failure-carer", ["Hello Pat, come in and sit down. How are you?", "How are you getting on with the water tablet?", line])  # noqa: E501
    outcome = replies[-1].decision.plan
    assert outcome is not None and outcome.plan is not None and outcome.plan.id == "tablet_when_home" and outcome.kind != "proposed", outcome


@pytest.mark.parametrize("line", ["Mm hm.", "Mm-hm.", "Please, go on.", "I see. Please, go on.", "mm hm go on"])
def test_mm_hm_and_please_go_on_are_back_channels(line: str) -> None:
    """From the blind labels of test58: "Mm hm." got "Sorry, I'm not sure what you mean."."""
    assert "backchannel" in TurnReader().analyse(line).codes


def test_mm_hm_after_telling_something_is_no_puzzle() -> None:
    engine, replies = play("hypertension-proactive", ["Hello Martin, come in. What have you been getting on the home readings?", "Mm hm."])
    assert replies[-1].text not in engine.scenario.lines["unknown"], replies[-1].text
