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
