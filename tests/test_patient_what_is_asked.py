"""The patient answers what the question itself asks (issue 10), found in blind rounds 28-29: "What do you make of
that?" just after an explanation is a reaction to it, not a worry told again; "Is money a worry at all?" asks about
the money, not for their first worry; "Do they help?" of a told thing is whether it helps; a question after a summary
is about what the question names ("Losartan, and the wine. What makes losartan the one for you?"); the patient's own
trade is their work ("painter and decorator" is not pain); "Good luck with X, and see you in a month." takes leave.
Wording is my own, in several voices."""

from __future__ import annotations

import pytest

from simulator.analysis.reader import TurnReader

from conftest import fact, knows, play, pool, starts_with_one_of

MAGGIE = "ckd-pain-multimorbidity"
DEREK = "copd-low-mood"
MARTIN = "hypertension-proactive"
HELLO = "Hello, come on in and have a seat. What can I do for you today?"


MAGGIE_TOLD = [
    HELLO,
    "When the letter about your kidneys came, what went through your mind?",
    "Can I tell you what the test shows? Your kidneys are doing about half the work they should, which is common at "
    "your age, and most people with kidneys like yours never need dialysis.",
]


@pytest.mark.parametrize("line", [
    "What do you make of that?",
    "How does that sit with you?",
    "Is that what you were expecting?",
    "Does that surprise you at all?",
    "So how's that sound?",
])
def test_asked_how_the_news_landed_just_after_it_they_react_to_it(line: str) -> None:
    engine, replies = play(MAGGIE, [*MAGGIE_TOLD, line])
    assert "dialysis_belief" in engine.director.state.disclosed  # told before the news: what a repeat would say again
    reply = replies[-1].text
    # (asked whether it surprised them, whether it did: test_patient_news.py)
    reactions = ("reaction", "reaction_good", "surprised", "surprised_good", "offer_explained")
    assert starts_with_one_of(reply, tuple(line for name in reactions for line in pool(name, MAGGIE))), reply
    assert "machine" not in reply, reply


def test_the_same_question_about_nothing_explained_is_not_a_reaction() -> None:
    _, replies = play(MAGGIE, [HELLO, "When the letter about your kidneys came, what went through your mind?", "What do you make of that?"])
    assert not replies[-1].decision.reacting


@pytest.mark.parametrize("line", [
    "Is money a worry at all, with the heating and everything?",
    "I ask everybody this: is money a bit of a struggle at the moment?",
    "Are the bills a worry for you, love?",
])
def test_asked_whether_something_named_worries_them_they_do_not_tell_their_first_worry(line: str) -> None:
    engine, replies = play(MAGGIE, [HELLO, line])
    assert "dialysis_belief" not in engine.director.state.disclosed, replies[-1].text


def test_asked_what_worries_them_about_nothing_named_they_still_tell_it() -> None:
    engine, _ = play(MAGGIE, [HELLO, "Is there anything worrying you about your kidneys?"])
    assert "dialysis_belief" in engine.director.state.disclosed


@pytest.mark.parametrize("line", [
    "Do they help more than the paracetamol?",
    "And are they any good, the ibuprofen?",
    "Do the ibuprofen work for you, would you say?",
])
def test_asked_whether_a_told_thing_helps_they_say_how_much(line: str) -> None:
    helps = fact(MAGGIE, "otc_ibuprofen").detail("difference")
    engine, replies = play(MAGGIE, [HELLO, "Tell me about your back and your knees, how have they been?", line])
    assert "otc_ibuprofen" in engine.director.state.disclosed  # told before it was asked whether it helps
    assert any(line_ in replies[-1].text for line_ in helps), replies[-1].text


@pytest.mark.parametrize("line", [
    "You were a painter and decorator, weren't you? How long did you do that for?",
    "Painter and decorator, was it? Do you miss it?",
    "How many years were you a painter and decorator, roughly?",
])
def test_asked_about_their_own_trade_they_talk_about_their_work(line: str) -> None:
    work = knows(DEREK, "work")
    said = [*work.says, *(s for _, lines in work.details for s in lines)]
    _, replies = play(DEREK, [HELLO, line])
    assert "stairs" not in replies[-1].text, replies[-1].text
    assert any(s in replies[-1].text for s in said), replies[-1].text


def test_a_painter_is_not_in_pain() -> None:
    reader = TurnReader()
    assert "pain" not in reader.analyse("What was it like, being a painter all those years?").topics
    assert "pain" in reader.analyse("Is the pain any better?").topics
    assert "pain" in reader.analyse("How are the painkillers working?").topics


def test_a_question_after_a_summary_is_about_what_it_names() -> None:
    lines = [
        HELLO,
        "How much would you say you drink in a week?",
        "You mentioned the amlodipine. What happened with that?",
        "Losartan, and cutting back on the weekend wine. What makes losartan the one for you?",
    ]
    engine, replies = play(MARTIN, lines)
    assert {"alcohol_evenings", "stopped_amlodipine"} <= set(engine.director.state.disclosed)
    assert "wine" not in replies[-1].text and "red" not in replies[-1].text.split(), replies[-1].text


@pytest.mark.parametrize(("line", "ends"), [
    ("Lovely. Good luck with the new tablets, and see you in a month.", True),
    ("Good luck with January, Martin, and see you in six weeks.", True),
    ("Right, good luck with it all. See you after the blood test.", True),
    ("Good luck with that. What else is on your mind?", False),
    ("I'll check the results and see you in two weeks about them, but first, how's the sleep?", False),
])
def test_good_luck_and_see_you_take_leave(line: str, ends: bool) -> None:
    assert TurnReader().analyse(line).goodbye is ends


@pytest.mark.parametrize(("line", "ends"), [
    # a date made in the middle of the plan, with more of the plan after it: not a goodbye yet
    ("Bloods in a fortnight, and I'll see you in six weeks about the inhaler. We'll check your technique again then.", False),
    ("So I'll see you in a month with your diary. Write down what you ate before any low, even a rough guess.", False),
    ("We'll see you back in three months. In the meantime the nurse will ring you with the kidney results.", False),
    # ...and said before a parting word, a wish or thanks, or last of all, it takes leave
    ("Okay, I'll see you in six weeks. Mind how you go.", True),
    ("See you in a month, Derek. Thanks for coming in.", True),
    ("I'll see you in the new year. Bye for now, and all my love to your mum.", True),
    ("Right, I'll see you at the clinic in four weeks. Go steady.", True),
    ("Lovely, that's the plan then, and I'll see you in a month.", True),
])
def test_a_date_made_mid_plan_is_not_a_goodbye(line: str, ends: bool) -> None:
    assert TurnReader().analyse(line).goodbye is ends


MARTIN_WORRY = [HELLO, "Thanks for bringing all those readings. What worries you most about the blood pressure?"]


@pytest.mark.parametrize("line", [
    "What do you think is pushing your blood pressure up in the first place?",
    "What's your own theory on it? You strike me as someone who's read up.",
    "and what's your own take on why it's gone up",
])
def test_asked_what_they_think_a_worry_they_told_is_not_said_again(line: str) -> None:
    # (blind labels of test20-46: an ideas question answered with the worry told before was a non-answer 31 times in 34)
    engine, replies = play(MARTIN, [*MARTIN_WORRY, line])
    worry = fact(MARTIN, "father_stroke_fear")
    assert worry.id in engine.director.state.disclosed and replies[-1].decision.touched_known  # a told fact was at hand
    reply = replies[-1].text
    assert not any(said[:40] in reply for said in worry.says), reply
    assert starts_with_one_of(reply, (*pool("ideas", MARTIN), *(line for _, lines in worry.details for line in lines))), reply


def test_asked_again_what_worries_them_they_say_the_worry_again() -> None:
    _, replies = play(MARTIN, [*MARTIN_WORRY, "Sorry, say again, what is it that worries you most?"])
    assert "my father" in replies[-1].text, replies[-1].text


@pytest.mark.parametrize("question", ["What you think about that?", "What do you think about all that?"])
def test_what_they_think_about_what_they_were_just_told_is_a_reaction(question: str) -> None:
    news = "Your readings average about 146 over 91, which is above where we'd want them, and it's likely to need treating."
    _, replies = play(MARTIN, [*MARTIN_WORRY, f"{news} {question}"])
    assert replies[-1].decision.reacting, replies[-1].text


@pytest.mark.parametrize("line", ["and the amlodipine, how r u getting on w it", "And the amlodipine, how are you getting on with it?"])
def test_asked_how_they_get_on_with_a_medicine_they_said_they_stopped_they_say_so_again(line: str) -> None:
    # (fresh test53: after telling he had stopped it, Martin said "Much as usual, thank you. No symptoms to speak of.")
    stopped = fact(MARTIN, "stopped_amlodipine")
    engine, replies = play(MARTIN, [HELLO, "Tell me how the blood pressure tablets have been going for you.", line])
    assert replies[1].decision.disclosed == (stopped,), replies[1].text
    assert any(said[20:60] in replies[2].text for said in stopped.says), replies[2].text


@pytest.mark.parametrize("check", ["Anything you want to change?", "anything u want to change", "Anything you'd add or change?"])
def test_a_plan_checked_with_anything_you_want_to_change_is_taken_up_not_a_new_agenda(check: str) -> None:
    # (fresh test53, after its measurement: the plan went by while Martin asked the next question on his list)
    plan = "So the plan as I have it: losartan 50mg once a day from tomorrow, bloods in 2 weeks, keep doing home BP twice a day."
    _, replies = play(MARTIN, [HELLO, "Tell me how the blood pressure tablets have been going for you.", f"{plan} {check}"])
    outcome = replies[-1].decision.plan
    assert outcome is not None and outcome.kind == "agreed" and outcome.plan is not None and outcome.plan.id == "switch_tablet", replies[-1].text
