"""Who came with them today, and a question put by name to someone who is not there (issue 10), from the blind labels of
test56, test59, test62 and test63: "Your wife is not with you today?" got Derek's opening with no word of whether she
came; "Ken, do you notice when she's missed it?" got "We potter along, me and Ken..." as if Pat were Ken. Every
scenario says who came (persona `knows` about company); a question to an absent husband gets that, and nothing comes
out of it. A question to the patient about him is still about him. Also: Derek turns down a group like the class he
left; "What would help nudge that up a bit?" asks what would raise the number. Wording is my own."""

from __future__ import annotations

import pytest

from simulator.analysis import TurnReader
from simulator.patient.asking import addressed_to, vocative
from simulator.scenario import load_scenario

from conftest import SCENARIOS, play

PAT = "heart-failure-carer"
DEREK = "copd-low-mood"
HELLO_PAT = "Hello Pat, come in and sit down. How have you been since you got home?"


def company_lines(scenario_id: str) -> tuple[str, ...]:
    return next(k for k in load_scenario(SCENARIOS[scenario_id]).patient.knows if k.about == "company").says


@pytest.mark.parametrize("scenario_id", sorted(SCENARIOS))
def test_every_scenario_says_who_came(scenario_id: str) -> None:
    assert company_lines(scenario_id)


@pytest.mark.parametrize("question", [
    "Just yourself today, is it?",
    "Is your husband not with you today?",
    "Did anyone come in with you this morning?",
    "On your own today?",
])
def test_asked_who_came_they_say_it_is_just_them(question: str) -> None:
    _, replies = play(PAT, [HELLO_PAT, question])
    assert any(line in replies[-1].text for line in company_lines(PAT)), replies[-1].text


def test_an_opening_that_asks_who_came_gets_the_answer_after_the_opening() -> None:
    _, replies = play(DEREK, ["Morning Derek, come in and take a seat. Is Jean not with you today?"])
    assert replies[0].text.endswith(company_lines(DEREK)), replies[0].text


@pytest.mark.parametrize("question", [
    "Ken, do you notice when she's missed her tablet?",
    "Ken, love, how have you found her since she got home?",
    "And hello Ken, would you be able to remind her in the mornings?",
])
def test_a_question_put_to_her_absent_husband_gets_who_came(question: str) -> None:
    engine, replies = play(PAT, [HELLO_PAT, question])
    assert replies[-1].text in company_lines(PAT), replies[-1].text
    assert replies[-1].decision.disclosed == ()  # a question to Ken brings nothing of hers out
    assert replies[-1].decision.plan is None


@pytest.mark.parametrize(("line", "addressed"), [
    ("Ken, do you notice when she's missed it?", True),
    ("And Ken, how have you found her?", True),
    ("And Ken, how's he getting on?", False),
    ("Ken, your husband, he has Parkinson's. How are things at home?", False),
    ("Ken, yes. Tell me a bit more about how things are with him.", False),
    ("And Ken, how is he keeping, and how are you managing?", False),
    ("How do you get on with Ken?", False),
])
def test_what_counts_as_speaking_to_someone_else(line: str, addressed: bool) -> None:
    assert addressed_to(line, vocative(("Ken", "Lisa"))) is addressed


def test_a_question_about_her_husband_is_still_about_him() -> None:
    _, replies = play(PAT, [HELLO_PAT, "And Ken, how's he getting on these days?"])
    assert replies[-1].text not in company_lines(PAT), replies[-1].text


@pytest.mark.parametrize("offer", [
    "If there was a group nearer home, would you try again?",
    "There's also a breathing group at the community centre. Would you think about giving it a go?",
])
def test_derek_turns_down_a_group_like_the_class_he_left(offer: str) -> None:
    _, replies = play(DEREK, ["Morning Derek, come in. How have things been with your chest?", offer])
    outcome = replies[-1].decision.plan
    assert outcome is not None and outcome.kind == "rejected" and outcome.plan.id == "back_to_class", replies[-1].text


@pytest.mark.parametrize("line", ["Five, so half and half. What would help nudge that up a bit?", "Six. What would maybe make it a seven?",
                                  "And what would make it a bit higher?"])
def test_asking_what_would_raise_the_number(line: str) -> None:
    assert TurnReader().analyse(line).kind == "ruler_up"
