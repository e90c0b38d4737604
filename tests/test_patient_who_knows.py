"""What a question asks about, beyond its topic words (issue 10): who else knows of something and what they make of
it ("Does your boss know?", the `who_knows` aspect), what life at home is like, how they feel rather than what they
eat, and a question that points back at what the clinician was just asking about ("What's the story with it?").
Wording here is my own, in several voices, and in none of the benchmark consultations."""

from __future__ import annotations

import copy

import pytest
import yaml

from simulator.analysis import TurnReader
from simulator.patient import ScriptedPatient
from simulator.scenario.model import build_scenario

from conftest import SCENARIOS, fact, knows, play, starts_with_one_of


@pytest.fixture(scope="module")
def reader() -> TurnReader:
    return TurnReader()


def after_telling(scenario_id: str, opening: str, telling: str, question: str, fact_id: str) -> tuple:
    """The opening, a turn that brings out `fact_id` (checked), then `question`: (that fact, the reply to it)."""
    _, replies = play(scenario_id, [opening, telling, question])
    assert [f.id for f in replies[1].decision.disclosed] == [fact_id]
    return fact(scenario_id, fact_id), replies[2]


@pytest.mark.parametrize("question", [
    "Does the gaffer know you're diabetic, out of interest?",
    "Do any of the girls at work know you've got asthma?",
    "Have you told Jean?",
    "is your husband aware of any of this",
    "What does your daughter make of it all?",
    "How's your wife taking it, d'you think?",
    "Or do you tend to keep it to yourself?",
    "Has anybody else been told?",
    "what do they reckon at home about the tablets",
    "Does anybody, your daughter or a friend, know how bad it's got?",
])
def test_who_else_knows_is_read_as_such(reader: TurnReader, question: str) -> None:
    assert "who_knows" in reader.analyse(question).aspects


@pytest.mark.parametrize("question", [
    "Do you know what the brown inhaler is for?",  # what they know themselves
    "Has anyone told you what the kidney results mean?",  # what they were told
    "What do you think about starting a statin?",  # their own view
    "Would he know what to do if you had a bad attack?",  # what to do, not whether he knows of it
    "What did the consultant say about it?",  # what a clinician said
    "How does it feel when it comes on?",
    "Is it worse of a morning, do you know why?",  # what they know of it themselves
])
def test_questions_that_do_not_ask_who_else_knows(reader: TurnReader, question: str) -> None:
    assert "who_knows" not in reader.analyse(question).aspects


def test_asked_whether_the_boss_knows_the_patient_says_who_at_work_knows() -> None:
    _, replies = play("t2d-hypo-fear", ["Hiya Gary, grab a seat. What brings you along?", "Does the gaffer know you're diabetic, out of interest?"])
    assert starts_with_one_of(replies[1].text, knows("t2d-hypo-fear", "work").detail("who_knows")), replies[1].text


def test_who_else_knows_brings_out_no_secret_by_its_topic() -> None:
    """"...know you've got asthma?" names her breathing: it asks who knows, not about her nights."""
    _, replies = play("asthma-young-adult", ["Hi Jade, come on in. What can I do for you?", "Do any of the girls at work know you've got asthma?"])
    assert replies[1].decision.disclosed == ()
    assert starts_with_one_of(replies[1].text, knows("asthma-young-adult", "work").detail("who_knows")), replies[1].text


def test_does_she_know_right_after_telling_something_asks_about_that() -> None:
    """"Does Jean know about that?" after the grey inhaler left in a drawer: whether Jean knows *that*, not his chest."""
    skips, reply = after_telling(
        "copd-low-mood", "Morning Derek, have a seat. How can I help?",
        "Talk to me about the grey inhaler, the Anoro. How are you getting on with it?", "Does Jean know about that?", "skips_preventer",
    )
    assert starts_with_one_of(reply.text, skips.detail("who_knows")), reply.text


def test_with_nothing_written_on_who_knows_the_patient_answers_that_not_their_job() -> None:
    """A scenario without who_knows details: "Does your boss know?" gets a line about who knows (patient_lines.yaml),
    not what their job is."""
    with open(SCENARIOS["t2d-hypo-fear"], encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    stripped = copy.deepcopy(data)
    for item in (*stripped["patient"]["knows"], *stripped["facts"]):
        (item.get("details") or {}).pop("who_knows", None)
        if "details" in item and not item["details"]:
            del item["details"]
    scenario = build_scenario(stripped)
    engine = ScriptedPatient(scenario)
    opening = engine.respond("Hiya Gary, grab a seat. What brings you along?", 0, None)
    reply = engine.respond("Does your boss know about all this?", 2, opening.text)
    assert starts_with_one_of(reply.text, scenario.lines["who_knows"]), reply.text
    assert not any(line in reply.text for line in knows("t2d-hypo-fear", "work").says)


def test_how_are_things_at_home_is_what_home_is_like_not_who_lives_there() -> None:
    _, replies = play("ckd-pain-multimorbidity", ["Hello Maggie, come in, love. What's brought you in today?", "How's life at home at the minute?"])
    assert starts_with_one_of(replies[1].text, knows("ckd-pain-multimorbidity", "home").detail("what_like")), replies[1].text


def test_how_they_feel_about_it_all_is_not_what_they_eat_said_again() -> None:
    takeaways, reply = after_telling(
        "t2d-hypo-fear", "Hiya Gary, grab a seat. What brings you along?", "What's your eating like on a work day?",
        "And how do you feel about it all, honestly? The sugar creeping up and that?", "takeaway_evenings",
    )
    assert not reply.decision.touched_known
    assert not any(line[:30] in reply.text for line in takeaways.says), reply.text


def test_a_question_that_points_back_asks_about_what_was_just_asked_about() -> None:
    """"What's going on on the days it gets missed?" names nothing: it is the water tablet she has just told of."""
    skips, reply = after_telling(
        "heart-failure-carer", "Hello Pat, come in, sit yourself down. What can I do for you?",
        "Tell me about your water tablet, the furosemide. Do you manage to take it every day?",
        "What's going on on the days it gets missed?", "skips_water_tablet",
    )
    assert starts_with_one_of(reply.text, skips.detail("what_like")), reply.text


def test_pointing_back_can_bring_out_what_the_clinician_was_asking_about() -> None:
    """"What's the story with it?" right after the grey inhaler was raised opens that, and the session still records the
    turn as read (the subject it points back to is the patient's reading, not the transcript's)."""
    _, replies = play("copd-low-mood", [
        "Morning Derek, have a seat. How can I help?",
        "I'd like to go over your inhalers. The grey one, the Anoro, has only gone out five times this year.",
        "What's the story with it?",
    ])
    told = [f.id for reply in replies[1:] for f in reply.decision.disclosed]
    assert "skips_preventer" in told
    assert replies[2].decision.analysis.context_topics == ()


def test_since_when_points_back_to_what_was_asked_not_to_the_diagnosis() -> None:
    """"How long have you been doing them for?" after the home readings is the readings; "Since when, would you say?"
    after tiredness is not how long ago the diabetes was found."""
    _, replies = play("hypertension-proactive", [
        "Good morning, come in. What brings you in?",
        "Those home readings of yours, how are they looking?",
        "How long have you been doing them for, twice a day like that?",
    ])
    readings = fact("hypertension-proactive", "home_readings")
    assert starts_with_one_of(replies[2].text, readings.detail("since_when")), replies[2].text
    _, replies = play("t2d-hypo-fear", [
        "Hiya Gary, come in. What's brought you in?",
        "Are you more tired than usual, thirsty, that kind of thing?",
        "Since when, would you say?",
    ])
    health = knows("t2d-hypo-fear", "health")
    assert replies[2].decision.knowledge is None
    assert not any(line in replies[2].text for line in (*health.says, *health.detail("since_when"))), replies[2].text


def test_how_bad_of_what_they_came_with_is_answered_before_anything_new_it_brings_out() -> None:
    """"How bad is it, day to day? What does it stop you doing?" about the back she came with: how bad first, even when
    the question also brings out the shop-bought painkillers."""
    _, replies = play("ckd-pain-multimorbidity", [
        "Hello Maggie, come in, love. What's brought you in today?",
        "Your back and knees then. How bad is the pain from one day to the next? What does it stop you doing?",
    ])
    pain = fact("ckd-pain-multimorbidity", "back_knee_pain")
    assert replies[1].decision.disclosed and pain in replies[1].decision.touched_known
    assert starts_with_one_of(replies[1].text, pain.detail("how_often")), replies[1].text
    new = replies[1].decision.disclosed[0]
    assert any(line[:40] in replies[1].text for line in new.says), replies[1].text


@pytest.mark.parametrize("scenario_id, opening, question", [
    ("heart-failure-carer", "Morning Pat, come on in. What can I do for you?", "Anybody popping in to check on you, or is it all down to you?"),
    ("ckd-pain-multimorbidity", "Hello Maggie, come in, love. What's brought you in today?", "Who helps you at home, then?"),
    ("copd-low-mood", "Morning Derek. How can I help?", "Is there anyone to give you a hand?"),
    ("ckd-pain-multimorbidity", "Hello Maggie, come in, love. What's brought you in today?", "Who've you got about? Family, neighbours?"),
    ("copd-low-mood", "Morning Derek. How can I help?", "Have you got people around you?"),
])
def test_who_helps_them_is_answered_not_who_lives_with_them(scenario_id: str, opening: str, question: str) -> None:
    """Asked who gives them a hand, they say who does (home's who_helps), bring nothing out by the question's words
    ("check" is not their monitoring), even when the reader codes no question in it."""
    _, replies = play(scenario_id, [opening, question])
    reply = replies[1]
    assert "who_helps" in reply.decision.analysis.aspects and reply.decision.disclosed == ()
    assert starts_with_one_of(reply.text, knows(scenario_id, "home").detail("who_helps")), reply.text


def test_who_knows_of_the_condition_is_not_who_knows_of_a_secret_told_just_before() -> None:
    """After the cat comes out, "Does anyone at work or at home know you've got asthma?" asks who knows of her asthma
    (everyone), not of the cat (nobody): a named place is who was told, not what."""
    engine, replies = play("asthma-young-adult", [
        "Hi Jade, take a seat. What's up?",
        "That sounds hard. Has anything changed at home lately, any pets, new bedding, anything like that?",
    ])
    engine.state.disclosed.append("boyfriends_cat")  # told, whichever way the turn went
    reply = engine.respond("Ah right. Does anyone at work or at home know you've got asthma?", 4, replies[1].text)
    cat = fact("asthma-young-adult", "boyfriends_cat")
    assert not any(line in reply.text for line in cat.detail("who_knows")), reply.text
    assert starts_with_one_of(reply.text, knows("asthma-young-adult", "health").detail("who_knows")), reply.text


def test_a_question_pointing_back_at_a_medicine_is_about_how_they_take_it() -> None:
    """"How often would you say you miss it?" right after asking about the metformin (which he skips, and has not
    said) is how he takes it, not his worry about the letter said again; once he has owned up, how often he misses it."""
    letter, skips = fact("t2d-hypo-fear", "letter_worry"), fact("t2d-hypo-fear", "skips_evening_metformin")
    _, replies = play("t2d-hypo-fear", [
        "Hiya Gary, come in. What's brought you in?", "Are you still on the metformin?", "How often would you say you miss it, roughly?",
    ])
    assert not replies[1].decision.disclosed and not replies[2].decision.touched_known
    assert not any(line[:40] in replies[2].text for line in letter.says), replies[2].text
    _, reply = after_telling(
        "t2d-hypo-fear", "Hiya Gary, come in. What's brought you in?", "And the metformin, how are you getting on with it? Every day?",
        "How often would you say you miss it, roughly?", skips.id,
    )
    assert starts_with_one_of(reply.text, skips.detail("how_often")), reply.text
