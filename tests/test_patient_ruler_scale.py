"""A ruler's scale carries to the next ruler (issue 10), from the blind labels of test56: "On a scale of nought to ten,
how important...?" then "And how confident are you that...?" is on the same scale, so it gets a number, not "Fairly, I
think"; an anchored scale ("if nought is not bothered and ten is really important") is a scale; "why seven and not,
like, a four?" asks why that number. Long after a scale, a ruler in words is still answered in words. Wording is my own."""

from __future__ import annotations

import re

import pytest

from simulator.analysis import TurnReader

from conftest import play

PAT = "heart-failure-carer"
HELLO = "Hello Pat, come on in and sit down. How have you been keeping?"
IMPORTANCE = "Out of ten, where ten is really important, how important is it to you to weigh yourself every morning?"


def numbers(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"\b(\d{1,2})\b", text)]


@pytest.mark.parametrize("between", [[], ["Why that number and not a lower one?"], ["Right. And why not lower?", "Mm, fair enough."]])
@pytest.mark.parametrize("confidence", ["And how confident are you that you could do it?", "and how sure you'd keep it up, even on church days"])
def test_a_ruler_soon_after_one_with_a_scale_gets_a_number(between: list[str], confidence: str) -> None:
    _, replies = play(PAT, [HELLO, IMPORTANCE, *between, confidence])
    ruler = replies[-1].decision.ruler
    assert ruler is not None and ruler.kind == "confidence" and ruler.scaled, replies[-1].decision
    assert ruler.value in numbers(replies[-1].text), replies[-1].text


def test_a_ruler_long_after_the_scale_is_answered_in_words() -> None:
    later = ["How's the breathing been?", "And the ankles, how are they?", "What about sleeping, how many pillows?"]
    later.append("How sure are you that you can keep that up?")
    _, replies = play(PAT, [HELLO, IMPORTANCE, *later])
    ruler = replies[-1].decision.ruler
    assert ruler is not None and not ruler.scaled and not numbers(replies[-1].text), replies[-1].text


@pytest.mark.parametrize("line", [
    "Right, if nought is not bothered at all and ten is really important, how important is it to you to weigh yourself?",
    "So if zero means it doesn't matter and ten means it matters loads, how important is getting the weight checked?",
])
def test_an_anchored_scale_is_a_scale(line: str) -> None:
    _, replies = play(PAT, [HELLO, line])
    ruler = replies[-1].decision.ruler
    assert ruler is not None and ruler.scaled and ruler.value in numbers(replies[-1].text), replies[-1].text


@pytest.mark.parametrize("line", ["Seven, okay. Why seven and not, like, a four?", "six right why six and not like a two"])
def test_why_that_number_and_not_like_a_lower_one(line: str) -> None:
    assert TurnReader().analyse(line).kind == "ruler_why"
