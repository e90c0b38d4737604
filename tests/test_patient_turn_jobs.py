"""What a turn does decides the patient's answer before what it names (issue 10): a proposal of what else to cover
is agreed to, not news and not a question about what it names; a safety-net or the next appointment said in one
breath is heard as that, not as a heap of questions; a question that brushes a secret but asks how they have been
or what their days are like gets that, without the secret, rather than a deflection. Wording is my own."""

from __future__ import annotations

import pytest

from simulator.scenario import load_scenario

from conftest import SCENARIOS, play, starts_with_one_of

OPENINGS = {
    "t2d-hypo-fear": "Hiya Gary, come in. What's brought you in?",
    "heart-failure-carer": "Morning Pat, come on in. What can I do for you?",
    "asthma-young-adult": "Hi Jade, take a seat. What's up?",
    "copd-low-mood": "Morning Derek. How can I help?",
    "hypertension-proactive": "Good morning, come in. What brings you in?",
}


def lines(scenario_id: str, pool: str) -> tuple[str, ...]:
    return load_scenario(SCENARIOS[scenario_id]).lines[pool]


@pytest.mark.parametrize("scenario_id, proposal", [
    ("t2d-hypo-fear", "Right, we'll sort the letter first. I'd also like to have a look at your tablets after, if that's okay with you."),
    ("heart-failure-carer", "Lovely. Can we also go over your water tablet before you go? Won't take long."),
    ("asthma-young-adult", "Your inhalers first, then the shifts. Sound good?"),
])
def test_a_proposal_of_what_else_to_cover_is_agreed_to_and_brings_nothing_out(scenario_id: str, proposal: str) -> None:
    _, replies = play(scenario_id, [OPENINGS[scenario_id], proposal])
    reply = replies[1]
    assert reply.decision.proposal and reply.decision.disclosed == () and reply.decision.plan is None
    assert starts_with_one_of(reply.text, lines(scenario_id, "permission")), reply.text


def test_a_proposal_with_a_question_of_its_own_is_that_question() -> None:
    """"I'd like to look at your inhalers. How often are you using the blue one?" asks how often."""
    _, replies = play("asthma-young-adult", [OPENINGS["asthma-young-adult"], "I'd like to look at your inhalers. How often are you using the blue one?"])
    assert not replies[1].decision.proposal
    assert not starts_with_one_of(replies[1].text, lines("asthma-young-adult", "permission")), replies[1].text


def test_a_safety_net_in_one_breath_is_heard_not_taken_for_a_heap_of_questions() -> None:
    turn = ("if you get more breathless than usual or your phlegm goes green or you get a temperature or chest pain give "
            "us a ring the same day or 111 out of hours ok")
    _, replies = play("copd-low-mood", [OPENINGS["copd-low-mood"], turn])
    assert not replies[1].decision.stacked
    assert starts_with_one_of(replies[1].text, lines("copd-low-mood", "safety_net")), replies[1].text


@pytest.mark.parametrize("scenario_id, turn", [
    ("hypertension-proactive", "We'll get the bloods done next week and then I'll see you again in a month to go through everything."),
    # said in one breath, naming four things checked: still the next appointment, not four questions at once
    # ("...and ill see you after that yeah" takes leave, as "See you in a month, okay?" does: goodbyes.py)
    ("copd-low-mood", "so well do the bloods in a fortnight and check your kidneys your blood pressure your weight and your sugar "
                      "and then ill ring you with the results yeah"),
])
def test_the_next_appointment_is_agreed_to(scenario_id: str, turn: str) -> None:
    _, replies = play(scenario_id, [OPENINGS[scenario_id], turn])
    assert not replies[1].decision.stacked
    assert starts_with_one_of(replies[1].text, lines(scenario_id, "follow_up")), replies[1].text


def test_a_question_brushing_a_secret_about_their_days_is_answered_without_it() -> None:
    """Derek is guarded once rushed; "What can you still manage these days?" touches the role he lost: he answers
    about his days, not "Can't say, really."."""
    _, replies = play("copd-low-mood", [
        OPENINGS["copd-low-mood"],
        "Right. Smoking? Inhalers? Oxygen? Weight?",  # rushed, closed: he closes up
        "Do you take the grey one? Every day? Any spacer?",
        "What does your day-to-day look like now, bit of shopping, odd jobs, that sort of thing?",
    ])
    last = replies[-1]
    assert last.decision.touched_hidden and last.decision.analysis.kind == "daily_life"
    deflections = {line for level in load_scenario(SCENARIOS["copd-low-mood"]).voice.values() for line in level["deflections"]}
    assert not any(last.text.startswith(line) for line in deflections), last.text
    assert starts_with_one_of(last.text, lines("copd-low-mood", "daily_life")), last.text


def test_asked_to_show_their_technique_they_have_a_go_not_say_the_plan_or_an_old_story() -> None:
    """With a plan agreed, "Show me how you take it, here's a dummy" is a demonstration, not the plan said back; and
    what they told at the start (the pharmacy sending her) is not how she takes it."""
    engine, replies = play("asthma-young-adult", [
        OPENINGS["asthma-young-adult"],
        "Have a go with this dummy inhaler for me, just how you'd normally take the blue one.",
    ])
    assert replies[0].decision.disclosed  # she came with something to tell
    assert replies[1].decision.showing and not replies[1].decision.touched_known
    assert starts_with_one_of(replies[1].text, engine.scenario.lines["demonstrate"]), replies[1].text
    plan = next(p for p in engine.scenario.accept_plans if p.says_back)
    engine.state.agree(plan.id, "clinician", 2)
    shown = engine.respond("Right, show me how you take the brown one now, with the dummy.", 4, replies[1].text)
    assert shown.decision.showing
    assert starts_with_one_of(shown.text, engine.scenario.lines["demonstrate"]), shown.text
    told_back = engine.respond("And tell me back what you'll do from tomorrow?", 6, shown.text)
    assert not told_back.decision.showing and any(line in told_back.text for line in plan.says_back), told_back.text


def test_asked_what_they_want_to_cover_an_activated_patient_asks_even_when_it_names_a_secret() -> None:
    """Pat (activation 3) asked what she wants to sort out, in a turn that mentions her tablets (which she keeps back
    a secret about): her own question, not the opening said again."""
    engine, replies = play("heart-failure-carer", [
        OPENINGS["heart-failure-carer"],
        "Before we get onto your tablets, what did you want to make sure we cover today?",
    ])
    assert replies[1].decision.touched_hidden
    assert replies[1].text.startswith(engine.scenario.patient.questions[0]), replies[1].text
