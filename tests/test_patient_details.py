"""Follow-ups on what the patient has told (issue 10): the reader names what a question asks of its subject (how
often, since when, why, what it is like, whether it made a difference: lexicon/aspects.yaml), and a scenario's
`details` answer it instead of the same thing said again. Also: agreeing what the consultation will cover ("Is it
okay we do both?") is leave given, not a question that brings a secret out. Wording here is my own, in several voices,
and in none of the benchmark consultations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from simulator import resources
from simulator.analysis import TurnReader
from simulator.scenario import load_scenario

from conftest import SCENARIOS, play, starts_with_one_of


@pytest.fixture(scope="module")
def reader() -> TurnReader:
    return TurnReader()


def after_stopping(*questions: str) -> tuple:
    """Martin (hypertension) told he stopped the amlodipine, then asked these: (that fact, every reply)."""
    scenario = load_scenario(SCENARIOS["hypertension-proactive"])
    stopped = next(f for f in scenario.facts if f.id == "stopped_amlodipine")
    _, replies = play("hypertension-proactive", [
        "Morning Martin, come in. What would you like to get through today?",
        "Tell me how you've been getting on with the amlodipine.",
        *questions,
    ])
    assert replies[1].decision.disclosed and replies[1].decision.disclosed[0].id == "stopped_amlodipine"
    return stopped, replies


@pytest.mark.parametrize("question, aspect", [
    ("How many goes on the blue one would ye say, on a rotten day?", "how_often"),
    ("how often you taking them like", "how_often"),
    ("Roughly how much are you drinking in a week, would you say?", "how_often"),
    ("Is that three times a day, or less?", "how_often"),
    ("When was it you packed it in?", "since_when"),
    ("how long has that been going on for", "since_when"),
    ("And since when has it been like that, love?", "since_when"),
    ("What made ye give it up?", "why"),
    ("How come you stopped, do you think?", "why"),
    ("What's it like for you at night, when it comes on?", "what_like"),
    ("Talk me through what happens when you get tight.", "what_like"),
    ("Did it help at all, that one?", "difference"),
    ("And after you came off it, any different at all?", "difference"),
    ("When exactly did ye stop?", "since_when"),
])
def test_what_a_question_asks_of_its_subject(reader: TurnReader, question: str, aspect: str) -> None:
    assert reader.analyse(question).aspect == aspect


@pytest.mark.parametrize("question", [
    "And why that number, and not a lower one?",  # a ruler's reasons, not a subject's why
    "How much do you know about what the tablets do?",  # what they know, not an amount
    "When you get wheezy, what do you do?",  # "when" that asks no time
    "Right, so you're on the night shift this week.",  # asks nothing
    "Which one of those would you go for?",
])
def test_questions_that_ask_no_aspect_of_a_subject(reader: TurnReader, question: str) -> None:
    assert reader.analyse(question).aspect is None


def test_asked_how_often_of_something_told_the_patient_gives_the_figure_not_the_same_line_again() -> None:
    scenario = load_scenario(SCENARIOS["asthma-young-adult"])
    told = next(f for f in scenario.facts if f.id == "pharmacy_sent_her")  # said in her first reply
    assert told.detail("how_often")
    engine, replies = play("asthma-young-adult", [
        "Hiya Jade, take a seat. What's brought you in?",
        "Roughly how many puffs of the blue one are you having on a bad day?",
        "Sorry, how many was that again, on a bad day?",
    ])
    assert "pharmacy_sent_her" in engine.state.disclosed
    figure = replies[1].text
    assert starts_with_one_of(figure, told.detail("how_often")), figure
    assert not any(line in figure for line in told.says)
    # asked again, the same figure again, as something said before
    again = replies[2].text
    assert again != figure and replies[2].decision.disclosed == ()
    assert starts_with_one_of(again, scenario.lines["repeat"]), again
    assert any(sentence[1:] in again for sentence in figure.split(". ")), (figure, again)  # the figure, said again


def test_when_did_you_stop_after_telling_that_they_stopped_answers_when() -> None:
    stopped, replies = after_stopping("When did you stop, roughly?", "And what made you stop?")
    assert starts_with_one_of(replies[2].text, stopped.detail("since_when")), replies[2].text
    assert starts_with_one_of(replies[3].text, stopped.detail("why")), replies[3].text


def test_a_follow_up_naming_another_subject_is_about_that_subject() -> None:
    """"When did you stop?" is about what was said last; "When were you diagnosed?" names its own subject."""
    stopped, replies = after_stopping("And the smoking, when did you give that up?")
    assert not starts_with_one_of(replies[2].text, stopped.detail("since_when")), replies[2].text


@pytest.mark.parametrize("scenario_id, proposal", [
    ("asthma-young-adult", "From my side I'd like to check your breathing and the inhalers as well. Is it okay if we do both?"),
    ("ckd-pain-multimorbidity", "I'd like to look at the kidney bloods too, cos the pressure's up. Could we take the back first?"),
    ("heart-failure-carer", "So, your breathing, the fluid and your tablets. Shall we go in that order, Pat?"),
])
def test_agreeing_what_the_consultation_covers_gives_leave_and_brings_nothing_out(scenario_id: str, proposal: str) -> None:
    engine, replies = play(scenario_id, ["Hello, come on in and have a seat. What can I do for you today?", proposal])
    decision = replies[1].decision
    assert decision.analysis.kind == "permission"
    assert decision.disclosed == () and decision.plan is None
    assert starts_with_one_of(replies[1].text, engine.scenario.lines["permission"])


def test_the_scenario_format_names_every_aspect_the_reader_reads() -> None:
    schema = json.loads((Path(resources.__file__).parent / "schemas" / "scenario-v1.json").read_text(encoding="utf-8"))
    aspects = yaml.safe_load((Path(resources.__file__).parent / "data" / "lexicon" / "aspects.yaml").read_text(encoding="utf-8"))["aspects"]
    assert set(schema["$defs"]["details"]["properties"]) == set(aspects)


def test_every_shipped_scenario_answers_follow_ups_on_its_facts() -> None:
    for path in SCENARIOS.values():
        scenario = load_scenario(path)
        with_details = [f for f in scenario.facts if f.details]
        assert len(with_details) >= len(scenario.facts) * 0.8, scenario.id


def test_two_things_asked_of_it_get_two_answers_in_the_order_asked(reader: TurnReader) -> None:
    assert reader.analyse("Right. So when did you stop, and what made you decide to?").aspects == ("since_when", "why")
    stopped, replies = after_stopping("Right. So when did you stop, and what made you decide to?")
    reply = replies[2]
    assert reply.decision.plan is None  # "what made you decide" asks why they stopped, not for a plan
    when, why = stopped.detail("since_when")[0], stopped.detail("why")[0]
    assert when in reply.text and why in reply.text and reply.text.index(when) < reply.text.index(why), reply.text


def test_asked_how_many_of_what_they_said_with_a_figure_they_say_it_again() -> None:
    """"How many pillows?" after "I've gone up to three pillows": the telling holds the answer, not a detail about ankles."""
    scenario = load_scenario(SCENARIOS["heart-failure-carer"])
    swollen = next(f for f in scenario.facts if f.id == "swollen_more_pillows")
    assert swollen.detail("how_often") and "three pillows" in swollen.says[0]
    engine, replies = play("heart-failure-carer", [
        "Hello Pat, come in, sit yourself down. How have you been since you got home?",
        "Any swelling in your ankles, or trouble lying flat at night?",
        "And how many pillows do you sleep on these days?",
    ])
    assert "swollen_more_pillows" in engine.state.disclosed
    assert "three pillows" in replies[2].text and not any(line in replies[2].text for line in swollen.detail("how_often")), replies[2].text


@pytest.mark.parametrize("ask", [
    "Can I explain a wee bit about why the weighing matters? It won't take long.",
    "Would it be alright if I told you what the numbers mean? Two minutes, tops.",
])
def test_leave_asked_with_a_short_promise_is_given_not_taken_as_the_explanation(ask: str) -> None:
    engine, replies = play("heart-failure-carer", ["Hello Pat, come in, sit yourself down. How have you been since you got home?", ask])
    assert starts_with_one_of(replies[1].text, engine.scenario.lines["permission"]), replies[1].text


# Asked something of their life other than what it is ("Do you miss it?", "how far can you get?"), the patient's plain
# line about it ("Painter and decorator. Forty year, on me own.") answers nothing; what it is like there does.
@pytest.mark.parametrize("scenario_id, opening, question, about", [
    ("copd-low-mood", "Morning Derek, come in.", "You were a decorator, weren't you? Do you miss the work?", "work"),
    ("copd-low-mood", "Morning Derek, come in.", "so the stairs at home how far up do you get before you have to stop", "home"),
    ("heart-failure-carer", "Hello Pat, have a seat.", "How are things at home with Ken, day to day?", "home"),
    ("hypertension-proactive", "Morning Martin.", "How's the day job treating you at the minute, busy season?", "work"),
])
def test_a_question_asking_something_else_of_their_life_gets_what_it_is_like_not_what_it_is(
    scenario_id: str, opening: str, question: str, about: str
) -> None:
    _, replies = play(scenario_id, [opening, question])
    knows = next(k for k in load_scenario(SCENARIOS[scenario_id]).patient.knows if k.about == about)
    assert replies[1].text.startswith(knows.detail("what_like")), replies[1].text
    assert not any(said in replies[1].text for said in knows.says), replies[1].text


@pytest.mark.parametrize("scenario_id, opening, question, about", [
    ("copd-low-mood", "Morning Derek, come in.", "What did you do for work before you retired?", "work"),
    ("copd-low-mood", "Morning Derek, come in.", "who's at home with you these days", "home"),
    ("hypertension-proactive", "Morning Martin.", "And what line of work are you in?", "work"),
    ("heart-failure-carer", "Hello Pat, have a seat.", "Who lives with you, Pat?", "home"),
])
def test_a_question_asking_what_their_life_is_still_gets_their_plain_line(scenario_id: str, opening: str, question: str, about: str) -> None:
    _, replies = play(scenario_id, [opening, question])
    knows = next(k for k in load_scenario(SCENARIOS[scenario_id]).patient.knows if k.about == about)
    assert any(said in replies[1].text for said in knows.says), replies[1].text


def test_a_why_of_something_told_is_not_answered_with_their_plain_line_about_its_subject() -> None:
    """From a consultation written outside (probes/everyday, test48): the question names the tablet, which the
    patient's life knows as their medicines, but asks why they stopped it, which the told fact answers."""
    path = Path(__file__).resolve().parent.parent / "benchmarks/probes/everyday/hypertension-proactive.test48.txt"
    lines = [line for line in path.read_text().splitlines() if line.strip() and not line.startswith("#")]
    scenario = load_scenario(SCENARIOS["hypertension-proactive"])
    stopped = next(f for f in scenario.facts if f.id == "stopped_amlodipine")
    _, replies = play("hypertension-proactive", lines[:8])
    assert lines[7].startswith("What was behind that"), lines[7]
    assert replies[7].text.startswith(stopped.detail("why")), replies[7].text


@pytest.mark.parametrize("prompt", ["Mm. And then?", "right and then what", "Okay... what happened next?"])
def test_a_bare_and_then_asks_them_to_carry_on(prompt: str) -> None:
    _, replies = play("heart-failure-carer", ["Hello Pat, have a seat. How have you been since you got home?", prompt])
    assert replies[1].decision.carry_on, replies[1].decision
    assert not replies[1].text.startswith(("No", "Not")), replies[1].text


@pytest.mark.parametrize("question", ["What's an ordinary day like for you now, from when you get up?", "talk me through a normal day from the morning"])
def test_a_normal_day_is_their_day_not_one_habit(question: str) -> None:
    scenario = load_scenario(SCENARIOS["copd-low-mood"])
    habits = [said for k in scenario.patient.knows if k.about == "habits" for said in k.says]
    _, replies = play("copd-low-mood", ["Morning Derek, come in.", question])
    assert not any(said in replies[1].text for said in habits), replies[1].text
