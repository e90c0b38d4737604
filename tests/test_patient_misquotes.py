"""A detail the patient told, said back wrong, is put right (issue 10): "Your dad had a stroke at sixty-two" after
"...a stroke at sixty-three" gets "Sixty-three, actually."; a target ("under 135 over 85"), another measure in its own
sentence ("the monitor averaged 151 over 94"), a figure not said back as theirs, and small counts are not misquotes.
Wording is my own."""

from __future__ import annotations

import pytest

from simulator.analysis.lexicon import shared_lexicon
from simulator.patient.misquotes import misquoted_detail

from conftest import play, pool

TOLD = [
    "My father had a stroke at sixty-three. Blood pressure, they said.",
    "These are fourteen days of readings, morning and evening, on a validated upper-arm monitor. The average is 146 over 91.",
]


@pytest.mark.parametrize("turn, corrected", [
    ("Your dad had a stroke at sixty-two. I can see why that's on your mind.", "sixty-three"),
    ("your dad had a stroke at sixty one so this is close to home for you", "sixty-three"),
    ("So your home average is roughly 148 over 92 across a fortnight.", "146 over 91"),
    ("Your dad had his stroke at sixty-three, that must have been hard.", None),  # said right
    ("If your home average is under 135 over 85 in six weeks, we carry on.", None),  # a target
    ("Today in clinic you're 152 over 95, and the monitor you wore averaged 151 over 94.", None),  # other measures
    ("About 14 in 100 men like you would have a stroke in the next ten years.", None),  # not a figure of theirs
    ("Twelve days of readings, you've been busy.", None),  # a small count
])
def test_a_figure_they_told_said_back_wrong_is_found(turn: str, corrected: str | None) -> None:
    assert misquoted_detail(turn, TOLD, shared_lexicon().echo_stopwords) == corrected


def test_the_patient_puts_it_right_before_anything_else() -> None:
    _, replies = play("hypertension-proactive", [
        "Morning Martin, come in. What can I do for you?",
        "What is it about blood pressure that's been on your mind?",
        "Your dad had a stroke at sixty-two. Yeah, I can see why that's on your mind.",
    ])
    assert "sixty-three" in replies[1].text.lower()  # told first
    reply = replies[-1].text
    expected = [line.replace("{value}", "sixty-three") for line in pool("detail_misquoted", "hypertension-proactive")]
    assert any(reply.lower().startswith(line.lower()) for line in expected), reply


def test_one_important_thing_is_no_ruler_number() -> None:
    """From test47 at this stop's code: "One important thing. If you're ever poorly..." after Gary said 4 on a ruler got
    "It was 4, I said." first."""
    _, replies = play("t2d-hypo-fear", [
        "Hello Gary, come in.",
        "How confident are you about taking your tablets every day, out of ten?",
        "One important thing. If you're ever poorly and not eating, stop the metformin until you're eating again.",
    ])
    assert replies[1].decision.ruler is not None and replies[1].decision.ruler.scaled, replies[1].text
    assert replies[2].decision.misquoted is None, replies[2].text


def test_how_confident_then_what_would_make_it_higher_gets_the_number_and_what_would_help() -> None:
    """From the blind whole items of test66: "And how confident would you be, same scale? What would make that higher?"
    got only what would help, no number."""
    _, replies = play("t2d-hypo-fear", [
        "Hello Gary, come in.",
        "Out of ten, how important is it to you to get the sugar down?",
        "And how confident would you be about taking the tablets every day, same scale? What would make that higher?",
    ])
    ruler = replies[2].decision.ruler
    assert ruler is not None and ruler.kind == "confidence" and ruler.scaled, replies[2].text
    assert str(ruler.value) in replies[2].text, replies[2].text
