"""Rulers and prompts to go on (issue 10), from blind rounds 30-31: asked how important and how sure in one turn,
the patient gives both numbers; a number quoted back wrong ("An eight, that's good." after they said four) is put
right before the rest is answered; "Tell me a bit more about that." asks them to go on, like "Mm. Go on.", not a
question about nothing ("Can't say it's been on my mind."). Wording is my own, in several voices."""

from __future__ import annotations

import re

import pytest

from conftest import play, pool

DEREK = "copd-low-mood"
PAT = "heart-failure-carer"
HELLO = "Hello, come on in and have a seat. How have you been?"


def numbers(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"\b(\d{1,2})\b", text)]


@pytest.mark.parametrize("line", [
    "Out of ten, how important is it to you to get the breathing sorted, and how confident are you that you could take the grey one every day?",
    "On a scale of nought to ten, how important is the grey one to you? And how sure are you that you'll remember it?",
])
def test_asked_how_important_and_how_sure_they_give_both_numbers(line: str) -> None:
    engine, replies = play(DEREK, [HELLO, line])
    state = engine.director.state
    behaviour = replies[-1].decision.ruler.behaviour
    assert numbers(replies[-1].text) == [round(state.importance[behaviour]), round(state.confidence[behaviour])], replies[-1].text


def test_asked_one_ruler_they_give_one_number() -> None:
    _, replies = play(DEREK, [HELLO, "Out of ten, how confident are you that you could take the grey one every day?"])
    assert len(numbers(replies[-1].text)) == 1 and replies[-1].decision.second_ruler is None, replies[-1].text


@pytest.mark.parametrize("quote", [
    "An eight, that's good. Why an eight and not a four?", "A nine. What would make it a ten?", "Right, a seven. What stops it being higher?",
])
def test_a_ruler_number_quoted_back_wrong_is_put_right(quote: str) -> None:
    engine, replies = play(PAT, [HELLO, "Out of ten, how confident are you that you can weigh yourself every morning?", quote])
    said = numbers(replies[1].text)[0]
    assert replies[-1].decision.misquoted == said
    fixes = [line.replace("{value}", str(said)) for line in pool("ruler_misquoted", PAT)]
    assert any(replies[-1].text.startswith(f) for f in fixes), replies[-1].text
    assert len(replies[-1].text) > max(len(f) for f in fixes), "the question after the number is answered too"


@pytest.mark.parametrize("quote", ["A {n}, you said. What would make it one higher?", "{n}. Okay. What would help you get it up a bit?"])
def test_a_ruler_number_quoted_back_right_is_not_corrected(quote: str) -> None:
    engine, replies = play(PAT, [HELLO, "Out of ten, how confident are you that you can weigh yourself every morning?"])
    said = numbers(replies[1].text)[0]
    words = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
    reply = engine.respond(quote.format(n=words[said]).capitalize(), 4, replies[1].text)
    assert reply.decision.misquoted is None, reply.text


@pytest.mark.parametrize("line", ["Mm. Tell me a bit more about that.", "Go on, tell me more.", "tell me a little bit more", "I see. Say a bit more?"])
def test_asked_to_tell_more_they_go_on_not_a_stock_line(line: str) -> None:
    _, replies = play(PAT, [HELLO, "Tell me how you've been getting on with the water tablet.", line])
    assert replies[-1].decision.carry_on
    for stock in ("not_covered", "not_covered_closed", "unknown", "nothing_more"):
        assert replies[-1].text not in pool(stock, PAT), replies[-1].text


def test_tell_me_more_about_something_named_is_a_question_about_it() -> None:
    _, replies = play(PAT, [HELLO, "Tell me how you've been getting on with the water tablet.", "Tell me more about Ken and how he's been managing."])
    assert not replies[-1].decision.carry_on


@pytest.mark.parametrize("line", ["Go on.", "Mm. Go on, I'm listening.", "mm go on"])
def test_asked_to_go_on_after_telling_something_they_carry_it_on_not_drop_a_hint(line: str) -> None:
    engine, replies = play(PAT, [HELLO, "Have you been weighing yourself at home?"])
    weighing = engine.scenario.fact("not_weighing")
    assert [f.id for f in replies[1].decision.disclosed] == ["not_weighing"], replies[1].text
    reply = engine.respond(line, 4, replies[1].text)
    # the scales, the glasses, then why: more of the same telling ("And first thing I'm straight in the kitchen..."),
    # not a hint about something else ("Ken didn't do so well while I was in.")
    assert reply.decision.cue is None and reply.text in weighing.detail("why"), reply.text


# From the used sets test37-test42: a follow-up said without its question mark, or on a new ruler, still gets the
# number put right; "why X and not Y?" is the reasons, not the ruler again in words ("Fairly important, I'd say.").
@pytest.mark.parametrize("quote", [
    "nine ok why a nine and not a five",  # speech-to-text, no marks
    "a ten thats brilliant what would make it even higher",
    "Nine. And how important is it to you, out of ten, to weigh every morning?",  # a new ruler asked straight after
])
def test_a_ruler_number_quoted_wrong_in_a_run_or_before_a_new_ruler_is_put_right(quote: str) -> None:
    engine, replies = play(PAT, [HELLO, "Out of ten, how confident are you that you can weigh yourself every morning?", quote])
    said = numbers(replies[1].text)[0]
    assert said not in (9, 10), "the scenario's confidence must not be the number quoted for this test to mean anything"
    assert replies[-1].decision.misquoted == said, replies[-1].text


@pytest.mark.parametrize("line", ["Why eight, and not a two?", "how come a nine but not a three", "what makes it a ten and not a five then"])
def test_why_that_number_and_not_lower_asks_their_reasons(line: str) -> None:
    engine, replies = play(PAT, [HELLO, "Out of ten, how important is it to you to weigh yourself every morning?", line])
    assert replies[-1].decision.analysis.kind == "ruler_why", replies[-1].decision.analysis
    assert replies[-1].decision.ruler is None, "the reasons, not the ruler again in words"
    assert any(reason in replies[-1].text for reason in pool("ruler_why", PAT)), replies[-1].text


@pytest.mark.parametrize(("scenario_id", "line"), [
    ("hypertension-proactive", "On a scale of nought to ten, how important is it for you to bring the pressure down?"),
    ("ckd-pain-multimorbidity", "Out of ten, love, how important is keeping them kidneys as they are?"),
    ("t2d-hypo-fear", "nought to ten how important is it to you getting your sugars under control"),
    # the goal in other words: sorted, back down, to target, looked after
    ("asthma-young-adult", "Scale of nought to ten, how much does getting the asthma sorted out matter to you?"),
    ("t2d-hypo-fear", "how important out of ten is it for you to get the HbA1c back down"),
    ("hypertension-proactive", "Zero to ten, how important is it to you to get your blood pressure on target?"),
    ("ckd-pain-multimorbidity", "On a scale of one to ten, love, how important is looking after those kidneys to you?"),
])
def test_a_ruler_about_the_goal_gives_how_much_the_goal_matters(scenario_id: str, line: str) -> None:
    engine, replies = play(scenario_id, ["Hello there, have a seat.", line])
    patient = engine.director.scenario.patient
    assert patient.goal_importance is not None and patient.goal_importance > min(b.importance for b in patient.behaviours)
    assert numbers(replies[-1].text)[:1] == [round(patient.goal_importance)], replies[-1].text


def test_a_ruler_naming_a_behaviour_and_the_goal_is_about_the_behaviour() -> None:
    engine, replies = play("hypertension-proactive", [HELLO, "Out of ten, how important is cutting the salt, to get the pressure down?"])
    assert replies[-1].decision.ruler.behaviour == "salt", replies[-1].decision.ruler


@pytest.mark.parametrize("line", [
    "And how sure are you that you'll manage it, same scale?",
    "same scale how confident are you you'll keep it up",
])
def test_a_second_ruler_on_the_same_scale_gets_a_number(line: str) -> None:
    engine, replies = play(PAT, [HELLO, "Nought to ten, how important is it to you to weigh yourself every morning?", line])
    assert replies[-1].decision.ruler is not None and replies[-1].decision.ruler.scaled, replies[-1].decision
    assert numbers(replies[-1].text), replies[-1].text
