"""Checking agreement and arranging the next contact (issue 10), from the used sets test37-test42: "Is that a deal?"
after a plan named the tablets is not a question about how they take them ("I just follow what's on the box"); asked
which way or time suits them for the next contact, they pick, in their own voice, not "Right. I'll do that."; "Does
that suit?" after a plan agrees to it. Wording is my own, in several voices."""

from __future__ import annotations

import pytest

from simulator.analysis import TurnReader

from conftest import play, pool

GARY = "t2d-hypo-fear"
MARTIN = "hypertension-proactive"
HELLO = "Hello, come on in and have a seat. How have things been?"


@pytest.mark.parametrize("line", [
    "So we swap the amlodipine for losartan and check your kidneys in a fortnight. Is that a deal?",
    "I'd keep the tablets as they are for now and look again in six weeks. Would that suit?",
    "Right, the new tablet once a day with your tea, and we'll see how the stomach is. How would that be?",
])
def test_a_check_that_they_agree_is_not_about_taking_the_tablets(line: str) -> None:
    analysis = TurnReader().analyse(line)
    assert analysis.kind != "medicine_use", analysis


@pytest.mark.parametrize("line", [
    "We'll check your bloods again in three months. Would you rather I phoned or sent a text with the results?",
    "i'll book you in with the nurse, would a morning or a friday be better for you",
    "The nurse will call in two weeks to see how it's going. Is a weekday evening easier for you?",
])
def test_asked_which_way_or_time_suits_them_they_pick(line: str) -> None:
    _, replies = play(GARY, [HELLO, line])
    assert replies[-1].text in pool("follow_up_choice", GARY), replies[-1].text


@pytest.mark.parametrize("line", [
    "I'll see you in six weeks with the readings, and we'll take it from there.",
    "Let's do the blood test in a fortnight, and a review in two months. Does that suit?",
    "We can talk about the cholesterol today or leave it for next time, whichever you prefer?",
])
def test_a_date_or_a_plan_without_a_choice_of_time_or_way_is_not_a_pick(line: str) -> None:
    _, replies = play(MARTIN, [HELLO, line])
    assert not any(choice in replies[-1].text for choice in pool("follow_up_choice", MARTIN)), replies[-1].text



def test_a_booking_that_names_something_told_books_and_does_not_tell_it_again() -> None:
    """A used set's whole consultation (test41, written by a helper; its labels are read): turn 23 books a call
    "to see what the scales are saying" after the dial-scales story was told, and got that story again."""
    from pathlib import Path
    probe = Path(__file__).resolve().parent.parent / "benchmarks" / "probes" / "everyday" / "heart-failure-carer.test41.txt"
    lines = [line.strip() for line in probe.read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")]
    booking = next(i for i, line in enumerate(lines) if "see what the scales are saying" in line)
    _, replies = play("heart-failure-carer", lines[: booking + 1])
    told = {sentence for reply in replies[:-1] for sentence in reply.text.split(". ") if len(sentence) > 20}
    assert replies[-1].text in pool("follow_up", "heart-failure-carer"), replies[-1].text
    assert not any(sentence in replies[-1].text for sentence in told), replies[-1].text


@pytest.mark.parametrize(("greeting", "said"), [
    ("Good afternoon, Mr Hale, come on in and take a seat.", "Good afternoon"),
    ("good evening martin, sorry you've had a wait", "Good evening"),
    ("Hello Martin, come in.", "Good morning"),  # no time of day given: their own line as written
])
def test_the_opening_greets_with_the_time_of_day_the_clinician_gave(greeting: str, said: str) -> None:
    _, replies = play(MARTIN, [greeting])
    assert replies[0].text.startswith(said), replies[0].text


def test_a_yes_or_no_about_something_told_is_answered_from_it_not_denied() -> None:
    _, replies = play(MARTIN, [
        HELLO, "And how are you getting on with the amlodipine, honestly?", "Right. Was it the ankles, then?",
    ])
    assert "stopped_amlodipine" in [f.id for r in replies for f in r.decision.disclosed]
    assert not replies[-1].text.startswith(("No", "Not")), replies[-1].text
    assert "ankles" in replies[-1].text or "swelling" in replies[-1].text, replies[-1].text


@pytest.mark.parametrize("check", ["Is that a fair summary?", "is that about right", "Have I got that right?"])
def test_what_they_said_offered_back_and_checked_gets_a_yes(check: str) -> None:
    _, replies = play(MARTIN, [
        HELLO, "And how are you getting on with the amlodipine, honestly?",
        f"So your ankles swelled up by the end of the day, and you stopped taking it. {check}",
    ])
    assert replies[-1].text.startswith(pool("summary", MARTIN)), replies[-1].text


@pytest.mark.parametrize("greeting", ["Hiya, come in. Is it okay I call you Martin?", "Morning. Do you mind if I call you Martin?"])
def test_asked_at_the_door_what_to_call_them_they_say_so_first(greeting: str) -> None:
    _, replies = play(MARTIN, [greeting])
    assert replies[0].decision.analysis.kind == "name", replies[0].decision.analysis
    assert replies[0].text.startswith(tuple(line.replace("{name}", "Martin") for line in pool("name", MARTIN))), replies[0].text


@pytest.mark.parametrize(("scenario_id", "greeting", "called"), [
    ("ckd-pain-multimorbidity", "Mrs Doyle? Come through. What should I call you?", "Maggie"),
    ("heart-failure-carer", "Hello, I'm one of the nurses here. Would you like me to call you Patricia or Pat?", "Pat"),
    ("hypertension-proactive", "Good morning. How would you like me to address you?", "Martin"),
    ("asthma-young-adult", "hiya come in, would you rather I called you Jade or something else?", "Jade"),
])
def test_asked_what_to_call_them_in_other_words_they_say_the_name_they_go_by(scenario_id: str, greeting: str, called: str) -> None:
    _, replies = play(scenario_id, [greeting])
    assert replies[0].decision.analysis.kind == "name", replies[0].decision.analysis
    assert replies[0].text.startswith(tuple(line.replace("{name}", called) for line in pool("name", scenario_id))), replies[0].text
