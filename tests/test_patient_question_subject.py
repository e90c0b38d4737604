"""What a question is about, when a turn tells something first (issue 10): the subject the question names, not
what was told before it; asked who helps or how often, what they have told of it before their everyday life; an
order laid out at more length still agreed to; a goodbye said in the past tense still a goodbye. Wording is my own."""

from __future__ import annotations

from simulator.analysis import TurnReader

from conftest import play, pool, starts_with_one_of

MAGGIE = "ckd-pain-multimorbidity"
MAGGIE_OPENS = "Hello Maggie, come in and sit down. What can I do for you today?"
KIDNEY_WORRY = "When you got our letter about your kidneys, what went through your mind?"


def test_a_question_after_news_is_about_what_it_names_not_what_the_news_named() -> None:
    _, replies = play(MAGGIE, [
        MAGGIE_OPENS,
        KIDNEY_WORRY,
        "Good. We'll repeat the kidney blood test in a fortnight. Do you have a blood pressure machine at home, or could you borrow one?",
    ])
    assert "dialysis_belief" in [f.id for f in replies[1].decision.disclosed], replies[1].text
    last = replies[-1].decision
    assert "dialysis_belief" not in [f.id for f in last.touched_known], replies[-1].text
    assert "machine, isn't it" not in replies[-1].text


def test_without_a_subject_of_its_own_the_question_is_about_the_news() -> None:
    """ "...When did you first notice that?" names no subject: the ankles told of before are what it asks about."""
    _, replies = play("heart-failure-carer", [
        "Hello Pat, come in. How have you been since you got home?",
        "Have you noticed any swelling in your ankles, or needing more pillows at night?",
        "I can see your ankles are a bit puffy today. When did you first notice that?",
    ])
    told = [f.id for f in replies[1].decision.disclosed]
    assert told, replies[1].text
    assert [f.id for f in replies[-1].decision.touched_known][:1] == told[:1], replies[-1].text


def test_asked_who_looks_after_them_a_carer_who_told_of_it_answers_from_that() -> None:
    _, replies = play("heart-failure-carer", [
        "Hello Pat, come in. How have you been since you got home?",
        "That sounds like a lot. How are things at home with Ken?",
        "Who looks after you, though?",
    ])
    assert "caring_for_ken" in [f.id for f in replies[1].decision.disclosed], replies[1].text
    assert replies[-1].text.startswith("Nobody, really."), replies[-1].text


def test_an_order_laid_out_at_length_is_still_agreed_to() -> None:
    _, replies = play(MAGGIE, [
        MAGGIE_OPENS,
        "I'd like to chat about the kidneys and the blood pressure as well. Would it suit you if we gave the back a good go first and then came on to those?",
    ])
    assert replies[-1].decision.proposal
    assert starts_with_one_of(replies[-1].text, pool("permission", MAGGIE)), replies[-1].text


def test_it_was_lovely_to_see_you_takes_leave_and_lovely_to_see_you_greets() -> None:
    reader = TurnReader()
    assert reader.analyse("Mind yourself, Maggie, it was lovely to see you.").goodbye
    assert reader.analyse("Right then, Mr Jones. It's been a pleasure talking to you.").goodbye
    assert not reader.analyse("Hello Maggie, lovely to see you. Come in and sit down.").goodbye
    assert reader.analyse("Thank you, Pat. Go well, and greet Ken for me.").goodbye
