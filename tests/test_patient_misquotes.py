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
