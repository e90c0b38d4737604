"""A technical word explained to the patient is theirs from then on (issue 10): told "your long-term sugar test, the
HbA1c", Gary is not lost when "we'll check the HbA1c in three months" comes later; unexplained, it still loses him.
Wording is my own."""

from __future__ import annotations

import pytest

from simulator.analysis import TurnReader

from conftest import play

GARY_OPENS = "Hiya Gary, come in. What's brought you in today?"
LATER = "Right, I'll get the nurse to book you in, and we'll check the HbA1c again in three months."


def test_a_word_explained_earlier_does_not_lose_them_later() -> None:
    engine, replies = play("t2d-hypo-fear", [
        GARY_OPENS,
        "So your long-term sugar test, the HbA1c, has gone from 58 to 71 over the year.",
        LATER,
    ])
    assert not replies[1].decision.confused and not replies[2].decision.confused, [r.text for r in replies]
    assert "hba1c" in engine.state.own_words


def test_the_same_word_never_explained_loses_them() -> None:
    engine, replies = play("t2d-hypo-fear", [GARY_OPENS, "Your HbA1c has gone from 58 to 71 over the year.", LATER])
    assert replies[1].decision.confused and replies[2].decision.confused
    assert "hba1c" not in engine.state.own_words


@pytest.mark.parametrize("line", [
    "Now, your HbA1c. That's your average sugar over about three months. It's 71.",
    "We checked your eGFR. That's how well the kidneys are filtering.",
])
def test_jargon_explained_in_the_next_breath_is_not_jargon(line: str) -> None:
    """From test66's blind whole items: "Now, your HbA1c. That's your average sugar over about three months." got
    "Sorry, you've lost me there. What's that in English?"."""
    assert "jargon" not in TurnReader().analyse(line).codes


def test_jargon_followed_by_a_verdict_is_still_jargon() -> None:
    assert "jargon" in TurnReader().analyse("Your HbA1c is 71. That's high.").codes
