"""The patient answers the question that was asked (issue 10, whole consultations): a question about their
worries gets a worry and one about their hopes for today gets a hope, asked again they say it again; a
"how sure are you?" with no scale is answered in words; a plan they are sure of has small hurdles; the
kind of a question is read from the sentence that asks it. Wording here is not from the dev consultations."""

from __future__ import annotations

import dataclasses

import pytest

from simulator import resources
from simulator.analysis import TurnReader
from simulator.patient import ScriptedPatient
from simulator.scenario import load_scenario

from conftest import SCENARIOS, play


def _fact(engine: ScriptedPatient, fact_id: str):
    return engine.scenario.fact(fact_id)


def says(reply: str, lines) -> bool:
    """The first sentence of one of the lines is in the reply (after a lead such as "Like I said," its first
    letter may be lower case; said again, a long line is cut short)."""
    return any(line.split(". ")[0][1:] in reply for line in lines)


def test_said_again_a_long_answer_is_cut_short_not_recited() -> None:
    engine, replies = play(
        "heart-failure-carer",
        ["Hello Mrs Price, come in. How can I help?", "What's frightening you most about it all?", "What scares you most, do you think?"],
    )
    again = replies[2]
    told = next(f for f in engine.scenario.facts if f.id in {k.id for k in again.decision.touched_known})
    longest = max(told.says, key=len)
    assert longest.count(". ") >= 2  # a long line to begin with
    assert again.text.count(". ") <= 2 and len(again.text) < len(longest)


@pytest.mark.parametrize(
    ("line", "told", "not_told"),
    [
        # a worry answers a question about worries, not what they hoped for today...
        ("Is anything about it frightening you?", "steroid_worry", "expects_more_blue"),
        ("What's the thing that scares you most about all this?", "steroid_worry", "expects_more_blue"),
        ("Anything playing on your mind about the inhalers?", "steroid_worry", "expects_more_blue"),
        ("Are you nervous about anything to do with the treatment?", "steroid_worry", "expects_more_blue"),
        # ... and a hope answers a question about hopes, not a worry
        ("What were you hoping to come away with?", "expects_more_blue", "steroid_worry"),
        ("Ideally, what would you want to get out of this appointment?", "expects_more_blue", "steroid_worry"),
        ("What were you after from seeing us?", "expects_more_blue", "steroid_worry"),
    ],
)
def test_asked_for_a_worry_or_a_hope_they_tell_that_one(line: str, told: str, not_told: str) -> None:
    engine, replies = play("asthma-young-adult", ["Hiya Jade, have a seat. What can I do for you?", line])
    disclosed = {f.id for f in replies[1].decision.disclosed}
    assert told in disclosed and not_told not in disclosed
    if told == "expects_more_blue":
        assert disclosed == {told}  # a hope comes alone: nothing else is let out in its place
    assert says(replies[1].text, _fact(engine, told).says)


def test_a_worry_told_already_is_told_again_when_asked_again_in_other_words() -> None:
    engine, replies = play(
        "asthma-young-adult",
        ["Hiya Jade, have a seat. What can I do for you?", "Anything that frightens you about it?", "What worries you most, would you say?"],
    )
    again = replies[2]
    assert not again.decision.disclosed
    assert [f.id for f in again.decision.touched_known][:1] == ["steroid_worry"]
    assert says(again.text, _fact(engine, "steroid_worry").says)
    assert not says(again.text, _fact(engine, "expects_more_blue").says)


def test_an_expectation_question_to_a_patient_whose_scenario_has_none_gets_a_hope_not_a_secret() -> None:
    engine, replies = play("t2d-hypo-fear", ["Morning Gary, have a seat. What's brought you in?", "So what were you hoping we'd sort out today?"])
    assert not replies[1].decision.disclosed  # no expectation fact: nothing else comes out in its place
    pools = engine.scenario.lines
    assert replies[1].text in pools["expectations"] + pools["agenda"] + pools["nothing_more"]


def test_the_kind_of_question_is_read_from_the_sentence_that_asks() -> None:
    reader = TurnReader.for_scenario(load_scenario(SCENARIOS["t2d-hypo-fear"]))
    said_worry_then_asked_family = reader.analyse("That sounds like a proper worry. Who's at home with you these days?", None)
    assert said_worry_then_asked_family.kind != "concerns"
    assert reader.analyse("That sounds hard. What's worrying you most?", None).kind == "concerns"


@pytest.mark.parametrize("line", ["And how's work?", "How's work treating you?", "what's work like at the minute"])
def test_contracted_everyday_phrases_find_their_topic(line: str) -> None:
    reader = TurnReader.for_scenario(load_scenario(SCENARIOS["hypertension-proactive"]))
    assert "work" in reader.analyse(line, None).topics


def test_asking_for_anything_else_does_not_take_up_what_the_patient_just_said() -> None:
    reader = TurnReader.for_scenario(load_scenario(SCENARIOS["t2d-hypo-fear"]))
    said = "Got the letter. Says my sugar's gone up. That means needles, doesn't it?"
    agenda = reader.analyse("I hear you. Is there anything else you want to cover while you're here?", said)
    assert not agenda.context_topics
    empathy = reader.analyse("That must have been a real shock.", said)
    assert empathy.context_topics  # empathy alone still takes up what was said


@pytest.mark.parametrize("line", ["How sure are you that you can keep that up?", "How confident do you feel about giving it a go?"])
def test_a_confidence_question_without_a_scale_is_answered_in_words(line: str) -> None:
    engine, replies = play(
        "t2d-hypo-fear",
        ["Morning Gary, have a seat. What's brought you in?", "What sort of things could you see yourself doing?", line],
    )
    ruler = replies[2].decision.ruler
    assert ruler is not None and ruler.kind == "confidence" and not ruler.scaled
    level = "low" if ruler.value < 4 else "mid" if ruler.value < 7 else "high"
    assert any(reply in replies[2].text for reply in engine.scenario.lines[f"confidence_{level}"])
    assert not any(ch.isdigit() for ch in replies[2].text)


def test_a_ruler_on_a_scale_still_gets_a_number() -> None:
    ruler_line = "On a scale of nought to ten, how confident are you that you could cut down the takeaways?"
    _, replies = play("t2d-hypo-fear", ["Morning Gary, have a seat.", ruler_line])
    ruler = replies[1].decision.ruler
    assert ruler is not None and ruler.scaled and str(ruler.value) in replies[1].text


def test_a_plan_they_are_sure_of_has_a_small_hurdle_and_a_shaky_one_a_real_barrier() -> None:
    engine, _ = play("asthma-young-adult", ["Hiya Jade, have a seat. What can I do for you?"])
    director = engine.director
    plan = next(p for p in engine.scenario.accept_plans if p.behaviour)
    engine.state.agree(plan.id, "patient", 0)
    reader = director.reader
    asked = reader.analyse("What could trip you up with that, do you think?", None)
    assert asked.has("problem_solving")
    engine.state.confidence[plan.behaviour] = plan.min_confidence + 3
    assert director.planner.plan(asked, asked.text, 2, ()).kind == "foreseen"
    engine.state.confidence[plan.behaviour] = plan.min_confidence
    assert director.planner.plan(asked, asked.text, 4, ()).kind == "barrier"


def test_a_patient_at_ease_answers_a_plain_question_that_a_wary_one_does_not() -> None:
    question = "Roughly how many cups of tea and what have you do you have in a day?"
    engine, replies = play("heart-failure-carer", ["Hello Mrs Price, come in. How can I help?", question])
    assert engine.state.affect != "open" and "fluid_tea" not in engine.state.disclosed  # a closed question, not yet at ease
    engine.state.rapport = 9.0  # at ease now
    again = engine.respond(question, 4, replies[-1].text)
    assert "fluid_tea" in engine.state.disclosed and says(again.text, _fact(engine, "fluid_tea").says)
    assert engine.ledger[-1].reason.endswith("to a patient at ease")


def test_a_line_with_its_own_way_in_gets_no_second_one() -> None:
    from dataclasses import replace

    from simulator.patient.voice import Voice, with_prefix, without_opener

    voice = Voice.of(load_scenario(SCENARIOS["ckd-pain-multimorbidity"]))
    assert "Kerry" in voice.names
    assert with_prefix("Well,", "Oh, I'm a great tea drinker.", voice) == "Oh, I'm a great tea drinker."
    assert with_prefix("Honestly,", "I stopped it, to be honest.", voice) == "I stopped it, to be honest."
    assert with_prefix("Well,", "The tablets make me queasy.", voice) == "Well, the tablets make me queasy."
    assert with_prefix("As I said,", "Kerry can't afford it.", voice) == "As I said, Kerry can't afford it."
    assert with_prefix("As I said,", "Kerry can't afford it.", replace(voice, names=frozenset())) == "As I said, kerry can't afford it."
    assert without_opener("Now you mention it, my ankles are up.", voice) == "My ankles are up."


def test_asked_to_say_back_a_plan_nobody_settled_they_say_so() -> None:
    say_back = "So just so I know it's gone in, can you tell me in your own words what you're going to do?"
    engine, replies = play("copd-low-mood", ["Morning Mr Booth, have a seat.", say_back])
    assert replies[1].decision.analysis.has("teach_back") and not engine.state.plan_agreed
    assert any(replies[1].text.startswith(line) for line in engine.scenario.lines["teach_back_no_plan"])  # a cue may follow


@pytest.mark.parametrize("line", ["How do you actually use your inhalers day to day?", "How do you manage the tablets in a normal week?"])
def test_how_they_use_their_medicines_is_not_which_they_take(line: str) -> None:
    reader = TurnReader.for_scenario(load_scenario(SCENARIOS["t2d-hypo-fear"]))
    assert reader.analyse(line, None).kind == "medicine_use"


@pytest.mark.parametrize(
    "line",
    [
        "So what would you like us to get sorted for you today?",
        "What are you wanting to get out of the next quarter of an hour?",
        "When you walk out of here, what are you hoping to go home with?",
        "If you could change one thing today, what would make the biggest difference for you?",
    ],
)
def test_what_they_want_from_today_is_an_expectation_however_it_is_put(line: str) -> None:
    engine, replies = play("asthma-young-adult", ["Hiya Jade, have a seat.", line])
    assert replies[1].decision.analysis.kind == "expectations"
    assert {f.id for f in replies[1].decision.disclosed} == {"expects_more_blue"}  # a hope, not what "home" brings to mind


def test_a_cue_is_taken_up_by_going_into_it_not_by_any_reflection_or_anything_else() -> None:
    opening = ["Hiya Jade, have a seat.", "Any side effects from your inhalers?"]
    _, replies = play("asthma-young-adult", opening)
    cue = replies[1].decision.cue
    assert cue is not None and cue.leads_to == "steroid_worry"
    # "anything else?" moves on, and a reflection of the night cough is about something else
    for moving_on in ("Okay. Is there anything else you wanted to bring up today?", "So it's the coughing at night that's getting to you."):
        engine, replies = play("asthma-young-adult", [*opening, moving_on])
        assert replies[2].decision.cue_outcome is None or replies[2].decision.cue_outcome[0] != "taken_up"
        assert "steroid_worry" not in engine.state.disclosed
    # straight after it, a bare "go on" takes it up, and so does a question about its subject
    for going_in in ("Oh? How do you mean?", "What do people say about the brown one?"):
        engine, replies = play("asthma-young-adult", [*opening, going_in])
        assert replies[2].decision.cue_outcome == ("taken_up", cue), going_in


def test_asked_about_a_pet_they_told_of_they_say_it_again_not_who_lives_at_home() -> None:
    engine, replies = play(
        "asthma-young-adult",
        ["Hiya Jade, have a seat.", "That sounds really hard going, with the shifts and everything.",
         "Has anything changed at home lately?", "Any animals at home, or at your mum's?"],
    )
    assert "boyfriends_cat" in engine.state.disclosed
    last = replies[-1].decision
    assert last.knowledge is None and [f.id for f in last.touched_known][:1] == ["boyfriends_cat"]
    assert "cat" in replies[-1].text.lower()


@pytest.mark.parametrize(
    ("line", "pool"),
    [
        ("If you ever feel shaky or sweaty at work, stop, have something sugary and ring us that day.", "safety_net"),
        ("Sugar that runs high for years is what damages the feet and the eyes. Does that make sense?", "understood"),
        ("I'll see you again in three months with a blood test first. Does that suit?", "follow_up"),
    ],
)
def test_a_turn_that_tells_is_acknowledged_and_brings_nothing_out(line: str, pool: str) -> None:
    """Telling them something and checking it landed asks nothing about their life: no secret comes out and
    nothing they said is said again (the fresh dev consultations had safety nets answered with a repeat)."""
    engine, replies = play("t2d-hypo-fear", ["Morning Gary, have a seat.", "How have you been getting on with the tablets and the sugar?", line])
    last = replies[-1]
    assert last.decision.disclosed == () and last.decision.touched_known == () and last.decision.knowledge is None
    assert last.text.split(" Is ")[0] in engine.scenario.lines[pool] or any(last.text.startswith(x) for x in engine.scenario.lines[pool])


def test_asked_for_questions_they_have_none_and_asked_if_it_made_sense_they_say_yes() -> None:
    engine, replies = play("t2d-hypo-fear", ["Morning Gary, have a seat.", "Any questions for me so far?", "Does all that make sense?"])
    assert replies[1].text in engine.scenario.lines["no_questions"]
    assert replies[2].text in engine.scenario.lines["understood"] and not replies[2].text.startswith("No")


def test_a_choice_between_options_is_not_a_check_that_it_landed() -> None:
    engine, replies = play(
        "t2d-hypo-fear",
        ["Morning Gary, have a seat.", "There's a couple of ways we could go: a gentler tablet, or getting a bit more active. Which way are you leaning?"],
    )
    decision = replies[1].decision
    assert decision.plan is not None or decision.disclosed  # a view on the options, not "Yes, that makes sense"
    assert replies[1].text not in engine.scenario.lines["understood"]


def test_asked_to_say_the_plan_back_they_say_the_plan_even_when_asked_what_would_change_it() -> None:
    engine, _ = play("t2d-hypo-fear", ["Morning Gary, have a seat."])
    plan = next(p for p in engine.scenario.accept_plans if p.behaviour)
    engine.state.agree(plan.id, "patient", 0)
    reply = engine.respond("Go on then, run the plan back to me in your own words, and what would make us think again?", 2, None)
    assert reply.decision.plan is None  # not a hurdle or a new proposal
    assert reply.decision.analysis.has("teach_back")


def test_an_idea_of_their_own_is_not_called_off_in_the_same_breath() -> None:
    engine, _ = play("t2d-hypo-fear", ["Morning Gary, have a seat."])
    engine.state.confidence["activity"] = 1.0  # not sure enough of it yet
    decision = engine.respond("How about walking the dog again in the evenings?", 2, None).decision
    assert decision.plan is not None and decision.plan.kind == "barrier"
    idea = _fact(engine, "walking_idea")
    assert idea.kind == "idea"
    # the same turn, had it brought out his own idea: the idea is said, and no stock barrier calls it off
    with_idea = dataclasses.replace(decision, disclosed=(idea,))
    text = engine.actor.reply(with_idea, engine.state)
    assert says(text, idea.says)
    assert not any(line in text for line in engine.scenario.lines["barriers"])


def test_asked_again_about_one_of_several_tablets_they_say_what_they_told_of_that_one() -> None:
    engine, replies = play(
        "ckd-pain-multimorbidity",
        ["Hello Margaret, come in.", "What are you taking for the pain at the moment, including anything from the shop?",
         "And how do you get on with all the tablets we give you? Talk me through it.",
         "Does the water tablet ever get missed, on the busy days?"],
    )
    told = {f.id for f in replies[-1].decision.touched_known}
    assert "tablet_muddle" in told
    assert "water one" in replies[-1].text


def test_after_a_ruler_what_would_take_it_higher_gets_what_would_help_not_the_number_again() -> None:
    engine, replies = play("asthma-young-adult", [
        "Hiya Jade, have a seat.", "On a scale of nought to ten, how sure are you that you could take the brown one every day?",
        "Okay. And what would it take to get you up to an eight?",
    ])
    assert replies[1].decision.ruler is not None
    last = replies[2]
    assert last.decision.ruler is None and last.decision.analysis.kind == "ruler_up"
    assert last.text in engine.scenario.lines["ruler_up"]


def test_a_question_split_off_a_run_keeps_the_kind_of_its_sentence() -> None:
    """ "If ten's certain, how confident | are you that...?" is one question about confidence, however the reader
    splits it."""
    reading = TurnReader().analyse(
        "If zero's not at all and ten's totally certain, how confident are you that you'll keep it up every day?", "Okay, I'll try."
    )
    assert reading.kind == "confidence"
    assert TurnReader().analyse("That's a real worry. Has anyone close to you been through it?", "I'm worried.").kind != "concerns"


def test_asked_for_their_idea_of_what_the_medicines_do_they_give_their_belief_not_a_worry() -> None:
    engine, replies = play("asthma-young-adult", [
        "Hiya Jade, have a seat.", "No judgement at all, but what happened with the brown one?",
        "In your own mind, what are the two inhalers actually doing in there, the blue and the brown?",
    ])
    assert "stopped_preventer" in engine.state.disclosed  # the belief waits for this in the scenario
    assert [f.id for f in replies[2].decision.disclosed] == ["blue_is_the_treatment"]  # not the worry about the brown one


def test_asked_whether_a_tablet_gets_left_out_nothing_about_their_diet_comes_out() -> None:
    engine, replies = play("t2d-hypo-fear", ["Morning Gary, have a seat.", "The teatime tablet, does that one ever get left out?"])
    decision = replies[1].decision
    assert decision.analysis.kind == "medicine_use"
    assert "takeaway_evenings" not in {f.id for f in decision.disclosed}


def test_asked_to_say_back_a_plan_nobody_agreed_they_say_so_not_a_line_about_their_health() -> None:
    engine, replies = play("copd-low-mood", [
        "Morning Derek, come in.", "Can you tell me back what you'll do tomorrow morning, and if you wake up short of breath at night?",
    ])
    assert replies[1].decision.knowledge is None
    assert any(replies[1].text.startswith(line) for line in engine.scenario.lines["teach_back_no_plan"])  # a cue may follow


def test_a_hope_asked_for_beside_a_word_about_what_comes_next_is_answered_as_a_hope() -> None:
    engine, replies = play("t2d-hypo-fear", ["Morning Gary, have a seat.", "So what do you want to get out of today? Then I'll go through my list."])
    assert replies[1].decision.analysis.kind == "expectations"
    assert replies[1].text not in engine.scenario.lines["follow_up"]


@pytest.mark.parametrize("scenario_id", sorted(SCENARIOS))
def test_said_back_an_agreed_plan_is_that_plan_in_their_own_words(scenario_id: str) -> None:
    """Not the behaviour's label ("taking the preventer, or a combined inhaler"), and not another plan."""
    for plan in load_scenario(SCENARIOS[scenario_id]).accept_plans:
        engine, _ = play(scenario_id, ["Hello, come on in."])
        engine.state.agree(plan.id, "patient", 0)
        reply = engine.respond("Just so I know I've explained it properly, can you tell me back what you'll do?", 2, None)
        assert reply.decision.analysis.has("teach_back")
        assert plan.says_back and any(reply.text.startswith(line) for line in plan.says_back), (plan.id, reply.text)  # a cue may follow


@pytest.mark.parametrize("line", ["So what can I do for you today?", "What made you book in, then?", "What do you want to make sure we talk about today?"])
def test_asked_what_they_came_for_they_say_it_again_or_ask_their_own_question(line: str) -> None:
    """Not a worry nobody has asked about, and not "Not much to say on that"."""
    engine, replies = play("t2d-hypo-fear", ["Morning Gary, have a seat.", line])
    decision = replies[1].decision
    assert decision.analysis.kind == "agenda" and decision.disclosed == ()
    assert [f.id for f in decision.touched_known][:1] == ["letter_worry"]
    assert "letter" in replies[1].text.lower()
    engine, replies = play("heart-failure-carer", ["Hello Mrs Price, come in.", "That sounds a lot. " + line])
    assert replies[1].decision.disclosed == ()  # her fear of hospital waits for a question about worries
    own = any(replies[1].text.startswith(q) for q in engine.scenario.patient.questions)  # an activated patient's own question
    assert own or [f.id for f in replies[1].decision.touched_known][:1] == ["better_but_puffed"], replies[1].text


def test_after_a_ruler_why_not_lower_gets_their_reasons_and_a_scale_asked_in_words_gets_a_number() -> None:
    engine, replies = play("t2d-hypo-fear", [
        "Morning Gary, have a seat.", "From nought to ten, how much does getting the sugar down matter to you?", "And why that number, not lower?",
    ])
    assert replies[1].decision.ruler is not None and replies[1].decision.ruler.scaled
    assert any(ch.isdigit() for ch in replies[1].text)
    assert replies[2].decision.ruler is None and replies[2].text in engine.scenario.lines["ruler_why"]


def test_asked_whether_they_still_take_a_tablet_they_keep_back_they_hedge() -> None:
    engine, replies = play("t2d-hypo-fear", ["Morning Gary, have a seat.", "Are you still taking the metformin, both doses?"])
    decision = replies[1].decision
    assert decision.analysis.kind == "medicine_use" and decision.touched_hidden
    assert any(replies[1].text.startswith(line) for line in engine.scenario.lines["medicine_use_evasive"])  # a cue may follow


def test_asked_to_show_how_they_use_an_inhaler_they_say_how_not_that_nothing_was_settled() -> None:
    engine, replies = play("copd-low-mood", [
        "Morning Derek, come in.", "Be honest with me, how do you get on with the blue one, day to day?",
        "Could you show me how you use it? Here's a dummy one.",
    ])
    assert "reliever_overuse" in engine.state.disclosed
    assert not any(replies[2].text.startswith(line) for line in engine.scenario.lines["teach_back_no_plan"])
    assert "blue" in replies[2].text.lower()


def test_when_to_ring_is_acknowledged_even_beside_a_summary_and_asks_for_no_hurdle() -> None:
    engine, _ = play("t2d-hypo-fear", ["Morning Gary, have a seat."])
    plan = next(p for p in engine.scenario.accept_plans if p.behaviour)
    engine.state.agree(plan.id, "patient", 0)
    reply = engine.respond(
        "So to sum up, the slower tablets with your tea. If you feel shaky at work, stop the truck, have something sugary and ring us.", 2, None
    )
    assert reply.decision.analysis.has("safety_net")
    assert reply.decision.plan is None and any(reply.text.startswith(line) for line in engine.scenario.lines["safety_net"])


@pytest.mark.parametrize(
    ("scenario_id", "line", "called"),
    [
        ("heart-failure-carer", "Hello, come in. Is it Patricia, or do you prefer Pat?", "Pat"),
        ("hypertension-proactive", "Morning, have a seat. Is it okay if I call you Martin?", "Martin"),
        ("ckd-pain-multimorbidity", "Come in, pet. What would you like me to call you?", "Maggie"),  # "Margaret (Maggie) Doyle": the name she goes by
        # from test64's blind whole items ("No, not really."): asked of the two of them, she answers for herself
        ("heart-failure-carer", "Good morning, come in. What would you both like me to call you, please?", "Pat"),
    ],
)
def test_asked_what_to_call_them_they_say_first(scenario_id: str, line: str, called: str) -> None:
    engine, replies = play(scenario_id, [line])
    assert replies[0].decision.opening and replies[0].text.startswith(called)
    assert any(opening in replies[0].text for opening in engine.scenario.opening_says)  # and then open as always
    later = engine.respond("Sorry, what do you like to be called again?", 2, replies[0].text)
    assert called in later.text


def test_go_on_gets_a_little_more_about_what_they_were_saying_not_a_bare_mm() -> None:
    engine, replies = play("asthma-young-adult", [
        "Hiya Jade, have a seat.", "How have the nights been, with the cough?", "Mm. Go on.",
    ])
    last = replies[-1].decision
    assert last.analysis.has("backchannel") and last.disclosed == ()  # nothing new told on a back-channel
    # what the nights are like: more of the cough they were telling, not a hint of something else
    night = engine.scenario.fact("night_cough")
    assert last.cue is None and replies[-1].text in night.detail("what_like"), replies[-1].text


def test_go_on_with_nothing_more_to_tell_drops_a_hint_of_what_is_on_their_mind() -> None:
    engine, replies = play("asthma-young-adult", ["Hiya Jade, have a seat.", "How have the nights been, with the cough?"])
    for turn in range(2, 7):  # each "go on" carries the telling on, never the same line twice, until it runs out
        replies.append(engine.respond("Mm. Go on.", 2 * turn, replies[-1].text))
        told = replies[-1].decision
        assert told.disclosed == () and replies[-1].text not in [r.text for r in replies[:-1]], replies[-1].text
        if told.cue is not None:
            break
    assert told.cue is not None and any(line in replies[-1].text for line in told.cue.says), replies[-1].text


def test_offered_a_menu_they_take_the_first_they_feel_able_to_do() -> None:
    engine, _ = play("t2d-hypo-fear", ["Morning Gary, have a seat."])
    walk = next(p for p in engine.scenario.accept_plans if p.id == "evening_walk")
    tablet = next(p for p in engine.scenario.accept_plans if p.id == "slow_release_metformin")
    engine.state.confidence[walk.behaviour] = walk.min_confidence - 1  # not sure of the walking yet
    engine.state.confidence[tablet.behaviour] = tablet.min_confidence + 1
    reply = engine.respond("A couple of options: walking the dog after tea, or a slow-release tablet that's kinder on the stomach. Which suits?", 2, None)
    assert reply.decision.plan is not None and reply.decision.plan.kind == "agreed" and reply.decision.plan.plan.id == tablet.id


# -- this stop (dev3 leftovers): risk, permission tags, obstacles, continuers; wording of my own -----------------------------


@pytest.mark.parametrize(
    "line",
    [
        "Have you ever felt you'd be better off not here?",
        "Some folk in your position start to think about ending it all. Has that been you at all?",
        "I have to ask everyone this. Any thoughts of hurting yourself?",
        "When it's that bad, do you ever get to feeling life isn't worth living?",
    ],
)
def test_a_question_about_self_harm_gets_a_plain_answer_first(line) -> None:
    engine, replies = play("copd-low-mood", ["Morning Derek. How's things?", line])
    assert replies[1].decision.analysis.kind == "risk"
    assert replies[1].text.startswith(engine.scenario.lines["risk"]), replies[1].text  # a hint of the low mood may follow
    # his own answer, not the shared pool's; a patient whose scenario gives no such thoughts answers no from it
    assert not set(engine.scenario.lines["risk"]) & set(load_scenario(SCENARIOS["t2d-hypo-fear"]).lines["risk"])
    engine, replies = play("t2d-hypo-fear", ["Hello Gary, what brings you in?", line])
    assert replies[1].text.startswith(engine.scenario.lines["risk"]), replies[1].text


def test_the_risk_kind_is_read_from_the_whole_turn_but_a_mood_question_stays_a_feelings_one() -> None:
    reader = TurnReader()
    assert reader.analyse("A lot of people feel low enough to think about suicide. Have you?", "Aye.").kind == "risk"
    assert reader.analyse("You've had a rough year. How's your mood been?", "Aye.").kind != "risk"


@pytest.mark.parametrize(
    "line",
    [
        "I'll just have a quick feel of your ankles, is that alright?",
        "I'd like to go over your blood results next, that okay?",
        "We need to talk about the tablets, is that okay with you?",
    ],
)
def test_what_the_clinician_is_about_to_do_then_is_that_okay_asks_permission_and_gets_a_yes(line) -> None:
    engine, replies = play("t2d-hypo-fear", ["Hello Gary, what brings you in?", line])
    assert "ask_permission" in replies[1].decision.analysis.codes
    assert replies[1].decision.disclosed == () and not replies[1].decision.knowledge
    assert replies[1].text.startswith(tuple(engine.scenario.lines["permission"])), replies[1].text


def test_a_plan_sent_by_the_app_is_no_plan_b_and_barriers_are_still_problem_solving() -> None:
    reader = TurnReader()
    assert "problem_solving" not in reader.analyse("I'll send the plan by text this afternoon.", "Okay.").codes
    assert "problem_solving" in reader.analyse("What barriers do you see to that?", "Okay.").codes
    assert "problem_solving" in reader.analyse("What do you reckon might get in the way of it?", "Okay.").codes


def test_asked_what_got_in_the_way_with_nothing_agreed_they_give_a_hurdle_not_a_plan() -> None:
    engine, replies = play(
        "t2d-hypo-fear",
        ["Hello Gary, what brings you in?", "You've not been in for your last couple of checks. What's been getting in the way?"],
    )
    outcome = replies[1].decision.plan
    assert outcome is not None and outcome.kind == "barrier" and engine.state.plan_agreed is None
    assert replies[1].text.startswith(tuple(engine.scenario.lines["barriers"])), replies[1].text


@pytest.mark.parametrize("line", ["Mm-hmm. Go on, I'm listening.", "Right, okay, keep going.", "Yeah, I'm listening."])
def test_a_continuer_among_acknowledgements_is_a_back_channel(line) -> None:
    assert TurnReader().analyse(line, "It's been a rough few months.").codes == ("backchannel",)


@pytest.mark.parametrize("line", ["spot on thats it", "Perfect, that's it.", "That's right.", "Nice one."])
def test_praise_that_only_agrees_is_a_back_channel_not_a_puzzle(line) -> None:
    # said after a teach-back: the patient hears agreement, not something to answer "Hm, not sure." to
    assert TurnReader().analyse(line, "So I take the new one with my breakfast.").codes == ("backchannel",)


def test_being_on_nights_is_work_not_sleep() -> None:
    topics = TurnReader().analyse("Could you do a morning, or are you on nights that week?", "Okay.").topics
    assert "work" in topics and "sleep" not in topics


@pytest.mark.parametrize(
    "opening",
    [
        "Hello, I'm Sam, one of the nurses. Is it Patricia, or do you go by something else?",
        "Come in. Patricia, yes? Is Patricia alright, or would you like something else?",
        "Hiya. Is it Patricia, or would you prefer Pat?",
    ],
)
def test_asked_at_the_opening_what_to_call_them_they_say_first(opening) -> None:
    engine, replies = play("heart-failure-carer", [opening])
    assert replies[0].decision.analysis.kind == "name"
    name_lines = [line.replace("{name}", engine.actor.voice.called) for line in engine.scenario.lines["name"]]
    assert replies[0].text.startswith(tuple(name_lines)), replies[0].text


@pytest.mark.parametrize("line", ["Is it worse, or better?", "Or would you prefer the tablets?", "Is that okay, or would you rather not?"])
def test_a_choice_between_two_things_is_not_a_question_about_their_name(line) -> None:
    assert TurnReader().analyse(line, "Okay.").kind != "name"


def test_permission_asked_and_then_the_explanation_given_gets_a_reaction_to_it_not_a_go_ahead() -> None:
    engine, replies = play("t2d-hypo-fear", [
        "Hello Gary, what brings you in?",
        "Can I say a bit about the sugar test? It's a kind of average over three months, and yours has crept up since last year.",
        "can i tell you what that number means its an average of your sugar over the last three months and yours has gone up since last year",
    ])
    for reply in replies[1:]:
        assert reply.text.startswith(tuple(engine.scenario.lines["information"])), reply.text
    _, asked_only = play("t2d-hypo-fear", ["Hello Gary, what brings you in?", "Could I tell you a bit about what the sugar test means?"])
    assert asked_only[1].text.startswith(tuple(engine.scenario.lines["permission"])), asked_only[1].text


def test_a_ruler_asked_with_what_would_raise_it_gets_the_number_and_what_would_help() -> None:
    engine, replies = play("asthma-young-adult", [
        "Hi Jade, what brings you in?",
        "Shall we try the one inhaler that does both jobs, every day?",
        "From nought to ten, how confident are you about using it every day? And what would nudge that up a notch?",
    ])
    decision = replies[2].decision
    assert decision.ruler is not None and decision.ruler.scaled and str(decision.ruler.value) in replies[2].text
    assert any(line in replies[2].text for line in engine.scenario.lines["ruler_up"]), replies[2].text


@pytest.mark.parametrize("line", [
    "Six. And what would make it an eight?", "six ok what could get you to a seven", "What would make it a seven or an eight, do you think?",
])
def test_what_would_make_it_a_higher_number_is_asked_after_the_ruler(line: str) -> None:
    # (blind labels of test39-40: "And what would make it an eight?" got "Oh, that's a new one. Not really, no.")
    engine, replies = play("asthma-young-adult", [
        "Hi Jade, what brings you in?",
        "Shall we try the one inhaler that does both jobs, every day?",
        "From nought to ten, how confident are you about using it every day?",
        line,
    ])
    assert replies[3].decision.analysis.kind == "ruler_up"
    assert any(said in replies[3].text for said in engine.scenario.lines["ruler_up"]), replies[3].text


def test_what_would_make_it_higher_with_nothing_on_the_table_brings_the_plan_they_have_in_mind() -> None:
    engine, replies = play("hypertension-proactive", [
        "Hello Martin, come in. What brings you in today?",
        "How important is it to you, nought to ten, to get the blood pressure down?",
        "Eight. What would make it a ten?",
    ])
    plan = replies[2].decision.plan
    assert plan is not None and plan.kind == "proposed" and plan.plan is not None, replies[2].text
    assert any(line in replies[2].text for line in plan.plan.proposes), replies[2].text


@pytest.mark.parametrize("line", ["Lovely to see you. Take care, yeah?", "Right, see you in a month, okay?"])
def test_a_goodbye_with_a_tag_ends_the_consultation(line) -> None:
    engine, replies = play("hypertension-proactive", ["Hello Martin, what brings you in?", line])
    assert replies[1].decision.closing and engine.state.ended
    assert not TurnReader().analyse("Take care of that knee, yeah? And what about the tablets?", "Okay.").goodbye


def test_go_on_straight_after_a_hint_takes_it_up_and_go_on_otherwise_brings_a_hint_not_a_stock_line() -> None:
    _, replies = play("copd-low-mood", ["Morning Derek, come in. What brings you along?", "That sounds hard going.", "Mm, go on."])
    assert replies[1].decision.cue is not None  # the hint, dropped
    outcome = replies[2].decision.cue_outcome
    assert outcome is not None and outcome == ("taken_up", replies[1].decision.cue)
    # (a bare "Mm." carries on what she was telling until there is no more of it: test_a_bare_mm_carries_on_what_was_told)
    engine, replies = play("asthma-young-adult", ["Hi Jade, what brings you in today?", "Mm, right.", "Mm.", "Mm.", "Go on, love."])
    assert replies[4].decision.analysis.codes == ("backchannel",)
    cue = replies[4].decision.cue
    assert cue is not None and replies[4].text in cue.says, replies[4].text  # the hint alone, no "That's about it"
    assert not set(cue.topics) & set(engine.director.reader.topics_in(replies[3].text))  # nothing near "So, yeah.": whatever is on her mind


@pytest.mark.parametrize("mm", ["Mm.", "Mm, right.", "mm hmm"])
def test_a_bare_mm_carries_on_what_was_told_and_tells_nothing_new(mm: str) -> None:
    # (blind labels: "Mm." answered "Mm." after the patient had begun to tell something was a non-answer 6 times in 8)
    engine, replies = play("asthma-young-adult", ["Hi Jade, what brings you in today?", mm])
    told = replies[0].decision.disclosed
    assert told and not replies[1].decision.disclosed
    said = [line for f in told for line in (*f.says, *(d for _, lines in f.details for d in lines))]
    assert replies[1].text not in replies[0].text and any(replies[1].text in line for line in said), replies[1].text


@pytest.mark.parametrize(
    ("said", "read_as"),
    [
        ("'Ow are yer keepin'?", "How are you keeping?"),
        ("'Ave yer 'ad any pain in yer chest?", "Have you had any pain in your chest?"),
        ("what you doin about the tablets", "what you doing about the tablets"),
        ("Ow d'yer feel about it?", "How do you feel about it?"),
    ],
)
def test_dropped_h_and_g_and_yer_are_read_as_the_words_they_are(said, read_as) -> None:
    from simulator.analysis.speech import read_speech

    speech = read_speech(said)
    assert speech.clean == read_as
    assert speech.to_original(0, len(speech.clean)) == (0, len(said))  # evidence quotes the whole turn as said
    assert TurnReader().analyse(said, "Aye.").is_question


def test_said_again_they_give_the_sentences_that_answer_not_the_lead_in() -> None:
    from simulator.patient.followup import repeated

    line = ("Well, I'll be honest with you, love. The water tablet, I don't take it on the days I go out. Tuesdays when I take "
            "Ken to the day centre, Thursdays for the shopping, and church on a Sunday. I'd never make it to a toilet in time.")
    again = repeated(line, "Which days is it you miss, would you say?")
    assert "honest" not in again and "Tuesdays" in again and "the days I go out" in again
    assert repeated(line, "Why's that?").startswith("Well, I'll be honest")  # nothing shared: it opens as it did


def test_a_normalising_remark_then_a_question_about_what_they_do_asks_them_and_they_say_what_they_told() -> None:
    engine, replies = play("heart-failure-carer", [
        "Hello Mrs Hughes, come in. How have you been?",
        "Tell me how the tablets are going, day to day.",
        "Loads of folk skip the water pill when they've got to be out and about, I'd do the same. "
        "Has that happened to you? How many days, roughly?",
    ])
    assert "skips_water_tablet" in {f.id for f in replies[1].decision.disclosed}
    decision = replies[2].decision
    assert not decision.offer and decision.touched_known and decision.touched_known[0].id == "skips_water_tablet"
    # "How many days, roughly?" of the water tablet they told of: how many days (its `details`), not the telling again
    assert replies[2].text in decision.touched_known[0].detail("how_often"), replies[2].text


def test_a_short_follow_up_with_no_subject_is_about_what_they_just_said() -> None:
    engine, replies = play("heart-failure-carer", [
        "Hello Mrs Hughes, come in. How have you been?",
        "Tell me how the tablets are going, day to day.",
        "And how many days a week, about?",
    ])
    a = replies[2].decision.analysis
    assert not a.topics and "medication" in a.context_topics
    assert replies[2].decision.knowledge is None and replies[2].decision.touched_known[0].id == "skips_water_tablet"


def test_asked_to_pick_from_options_that_name_a_plan_they_choose_and_tell_nothing_but_hurdles_or_ideas() -> None:
    engine, replies = play("ckd-pain-multimorbidity", [
        "Hello Margaret, come in. What can I do for you today?",
        "For the pain there are a few things we could try: a gel you rub on the knees, regular paracetamol, or some gentle exercise. "
        "Which do you fancy starting with?",
    ])
    decision = replies[1].decision
    assert decision.plan is not None and decision.plan.plan is not None and decision.plan.plan.id == "gel_and_paracetamol"
    assert all(f.kind in ("barrier", "idea") for f in decision.disclosed), [f.id for f in decision.disclosed]


def test_how_many_goes_a_day_asks_how_they_use_it() -> None:
    reader = TurnReader.for_scenario(load_scenario(SCENARIOS["copd-low-mood"]))
    assert reader.analyse("And the blue one, how many goes a day would you say?", "Aye.").kind == "medicine_use"


def test_a_medicine_working_is_not_their_work_and_a_working_day_is() -> None:
    reader = TurnReader()
    assert "work" not in reader.analyse("You won't notice the tablets working, but they are. Any dizzy spells?", "Okay.").topics
    assert "work" in reader.analyse("Talk me through a normal working day.", "Okay.").topics
    assert "work" in reader.analyse("Are you still working at the depot?", "Okay.").topics


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("So I know I've got it across right, tell me back what you'll do this week.", "teach_back"),
        ("Is there one small thing you'd fancy having a go at?", "goal_setting"),
    ],
)
def test_everyday_teach_back_and_goal_setting(line, code) -> None:
    assert code in TurnReader().analyse(line, "Okay.").codes


def test_a_follow_up_booked_with_a_word_of_advice_is_not_rejected_as_a_lecture() -> None:
    engine, replies = play("copd-low-mood", [
        "Morning Derek. What brings you in?",
        "I'll see you again in a month to see how the grey one's going. Try and keep it by the kettle so you see it.",
    ])
    assert replies[1].text not in engine.scenario.lines["advice_rejected"], replies[1].text


@pytest.mark.parametrize("line", ["How many hours a week do you do?", "What kind of work are you doing these days?"])
def test_a_short_question_about_their_own_life_is_not_taken_as_a_follow_up_to_the_last_reply(line) -> None:
    engine, replies = play("t2d-hypo-fear", ["Hello Gary, what brings you in?", line])
    knowledge = replies[1].decision.knowledge
    assert knowledge is not None and knowledge.about == "work", replies[1].text


@pytest.mark.parametrize(
    "line",
    [
        "Your sugar test came back at 71, up from 58 last year. Had you heard that?",
        "Your blood pressure was a bit high today, 150 over 90. That's higher than we like, yeah?",
        "The kidney number has dropped a bit since last time. Does that fit with what you were told?",
    ],
)
def test_told_something_and_asked_only_if_it_landed_they_take_it_in(line) -> None:
    engine, replies = play("t2d-hypo-fear", ["Hello Gary, what brings you in?", line])
    decision = replies[1].decision
    assert decision.checking and not decision.disclosed and decision.knowledge is None
    taken_in = ("information", "acknowledge", "reaction_good", "reaction_bad")  # (news that says which way it runs gets its reaction)
    assert replies[1].text.startswith(tuple(line for pool in taken_in for line in engine.scenario.lines[pool])), replies[1].text


@pytest.mark.parametrize(("line", "pool"), [
    ("The good news is the metformin on its own won't give you hypos, and neither will most of what we'd add.", "reaction_good"),
    ("I'm afraid the sugar test is up again this year, it's at 71 now.", "reaction_bad"),
    ("Metformin works mainly on the liver, it stops it letting out too much sugar.", "information"),
])
def test_news_told_with_nothing_asked_gets_the_reaction_it_calls_for(line: str, pool: str) -> None:
    """From the blind pairs of test65: "...the good news is a lot of what protects them is in our hands" got "Right, love.
    I'll try and remember that.", and news that worried got "So it's not as bad as I thought, then?"."""
    engine, replies = play("t2d-hypo-fear", ["Hello Gary, what brings you in?", line])
    assert replies[1].text.startswith(tuple(engine.scenario.lines[pool])), replies[1].text


def test_how_they_have_been_on_their_own_is_not_where_they_live() -> None:
    _, replies = play("ckd-pain-multimorbidity", ["Hello Margaret, come in.", "How have things been since Tony died, on your own?"])
    assert replies[1].decision.analysis.kind in ("how_been", "feelings") and replies[1].decision.knowledge is None


def test_go_on_after_something_told_brings_a_little_more_of_it_when_no_hint_is_left() -> None:
    engine, replies = play("t2d-hypo-fear", ["Hello Gary, what brings you in?", "What's the biggest worry about going on something stronger?"])
    told = {f.id for f in replies[1].decision.disclosed} | {f.id for f in replies[1].decision.touched_known}
    assert "hypo_fear" in told, replies[1].text
    engine.state.missed_run = 9  # no hint left to drop: only more of what was said
    fact = engine.scenario.fact("hypo_fear")
    more = engine.respond("Mm, go on.", 4, replies[1].text)
    assert more.decision.carry_on and not more.decision.disclosed and more.decision.cue is None
    carried_on = (*fact.says, *fact.detail("what_like"), *fact.detail("why"))  # its telling, or what it was like, or why
    assert more.text not in replies[1].text and any(more.text in line for line in carried_on), more.text


@pytest.mark.parametrize("question", [
    "Can I ask a bit about home, Maggie? How are things day to day, since you lost your husband?",
    "Is it alright if I ask about your days? What's a normal day like for you now?",
])
def test_a_question_asked_after_asking_leave_is_answered_not_given_leave(question: str) -> None:
    engine, replies = play("ckd-pain-multimorbidity", ["Hello Maggie, come on in.", "What did you want to get sorted today?", question])
    permission = engine.scenario.lines["permission"]
    assert not any(replies[-1].text.startswith(line) for line in permission), replies[-1].text


@pytest.mark.parametrize("leave", [
    "Would it be okay if I shared a couple of things that might help, and then you tell me what fits your life?",
    "Can I tell you what the blood tests actually show? And then you tell me what you make of it.",
])
def test_leave_asked_in_more_than_one_breath_is_still_only_leave(leave: str) -> None:
    engine, replies = play("ckd-pain-multimorbidity", ["Hello Maggie, come on in.", leave])
    assert any(replies[-1].text.startswith(line) for line in engine.scenario.lines["permission"]), replies[-1].text


def test_after_a_summary_the_question_asks_about_what_it_names_not_what_was_summed_up() -> None:
    engine, replies = play("copd-low-mood", [
        "Hello Derek, come on in.", "And the inhalers, talk me through a normal day. What do you use, and when?",
        "So the grey one's more when you remember, and the blue one's the one you reach for. What is it about the blue one?",
    ])
    told = {f.id for f in replies[1].decision.disclosed}
    assert {"reliever_overuse", "skips_preventer"} <= told, replies[1].text
    blue = engine.scenario.fact("reliever_overuse")
    assert replies[-1].decision.touched_known[0] is blue, replies[-1].text


@pytest.mark.parametrize("line", [
    "When people are this low, some start to feel life's not worth living, or think of harming themselves. Any of that for you?",
    "Some folk in your shoes feel they'd be better not to be here. Has that crossed your mind at all?",
    "can i ask have you had any thoughts of hurting yourself or that living isn't worth it",
])
def test_asked_about_self_harm_in_everyday_words_they_answer_it(line: str) -> None:
    """A safety question in the third person or with "life's" is still the risk question: a plain answer, never a
    stock reaction or a told line again."""
    engine, replies = play("copd-low-mood", ["Morning Derek, come in.", "How's your mood been these last few weeks?", line])
    assert replies[-1].decision.analysis.kind == "risk", replies[-1].decision.analysis
    assert replies[-1].text.startswith(tuple(engine.scenario.lines["risk"])), replies[-1].text


@pytest.mark.parametrize("ask", ["Lovely. Would you mind running me through what we've agreed?", "could you be walking me through the plan, just so I know"])
def test_asked_to_run_through_what_was_agreed_in_the_ing_form_they_say_it_back(ask: str) -> None:
    _, replies = play("hypertension-proactive", [
        "Morning Martin.", "How have you been getting on with the amlodipine?",
        "Shall we try losartan instead, one a day, and a week of readings before the review?", ask,
    ])
    assert replies[-1].decision.analysis.has("teach_back"), replies[-1].decision.analysis
    assert not replies[-1].text.startswith(("No", "Not")), replies[-1].text


@pytest.mark.parametrize("line", ["Seven. Why seven and not, let's say, four?", "Nine. Why nine, and not, say, five?", "six why why six and not say a two"])
def test_why_that_number_and_not_say_a_lower_one_asks_their_reasons(line: str) -> None:
    # (fresh test52/53, after their measurement: "Fairly important, I'd say." or "That's not something I've thought about")
    assert TurnReader().analyse(line, "Probably 6. It's annoying more than anything.").kind == "ruler_why"


def test_after_a_reflection_a_follow_up_that_names_nothing_is_still_about_what_they_told() -> None:
    # (fresh test53, after its measurement: "How many days in a week would that be, roughly?" got "Not that I know of.")
    engine, replies = play("heart-failure-carer", [
        "Hello Pat, come in and sit yourself down. How have you been since you got home?",
        "And the tablets, tell me how you get on with them, the water tablet especially. Honestly, whatever you say is fine.",
        "Ah. So on the days you've got to be out, you leave the water tablet off because you'd be hunting for a toilet. That's honest of you.",
        "How many days in a week would that be, roughly?",
    ])
    skips = engine.scenario.fact("skips_water_tablet")
    assert skips.id in engine.director.state.disclosed, [r.text for r in replies]
    assert replies[3].text in skips.detail("how_often"), replies[3].text


@pytest.mark.parametrize("line", ["Mm. Take your time.", "mm take your time", "No rush. In your own time."])
def test_take_your_time_asks_them_to_go_on(line: str) -> None:
    # (blind labels of test45 and test52: "Mm. Take your time." got "Dunno, love." or "Ooh, I'm not sure, love. Go on.")
    _, replies = play("copd-low-mood", ["Morning Derek, come in. What brings you along?", "That sounds hard going.", line])
    assert replies[2].decision.carry_on, replies[2].decision.analysis.codes


def test_their_own_words_given_back_are_agreed_with_not_taken_as_news() -> None:
    """From test63's blind labels: "So some weeks they get taken, and some weeks the tin just sits there." after Maggie
    told of her tablet tin got "Oh. Well, nobody's ever told me that before.". (Her own words here are from another of
    her lines.)"""
    engine, replies = play("ckd-pain-multimorbidity", [
        "Hello Margaret, come in and sit down.",
        "How are you getting on with all your tablets?",
        "And who's at home with you these days?",
        "So, the tablets. There's that many, and some days it's a case of taking what looks right.",  # a turn later
    ])
    assert "take what looks right" in replies[1].text, replies[1].text  # she told it first
    assert replies[3].text.startswith(tuple(engine.scenario.lines["acknowledge"])), replies[3].text
    advice = engine.respond("It would help to get the chemist to put them in packs with the days on.", 8, replies[3].text)
    assert not advice.text.startswith(tuple(engine.scenario.lines["acknowledge"])), advice.text  # advice is news, however worded


def test_asked_about_self_harm_while_on_his_guard_he_still_answers_it() -> None:
    """From test62's blind labels: a guarded Derek, asked whether he has thought he would be better off not here, said
    "Nowt to say about that, really.", which leaves a safety question unanswered when the scenario has his answer."""
    engine, replies = play("copd-low-mood", ["Morning Derek, come in.", "And how are the stairs these days?"])
    engine.director.state.rapport = 1.0  # on his guard, his low mood not yet told
    reply = engine.respond("When your mood is this low, some people think they would be better off not here. Have you had thoughts like that?",
                           4, replies[-1].text)
    assert engine.director.state.affect == "guarded" and reply.decision.touched_hidden  # (his low mood is kept back)
    assert reply.text.startswith(tuple(engine.scenario.lines["risk"])), reply.text


@pytest.mark.parametrize("scenario_id", ["asthma-young-adult", "ckd-pain-multimorbidity", "copd-low-mood", "heart-failure-carer",
                                         "hypertension-proactive", "t2d-hypo-fear"])
def test_a_safety_net_is_taken_in_their_own_voice(scenario_id: str) -> None:
    """From test63's blind labels: "Ring you. I'd not sit on it." from the shared pool is not Martin's voice; every
    scenario has its own safety-net and what-if lines."""
    engine, replies = play(scenario_id, ["Hello, come in.", "If it gets any worse over the next few days, ring us the same day."])
    assert replies[-1].text.startswith(tuple(engine.scenario.lines["safety_net"])), replies[-1].text
    shared = resources.data_file("patient_lines.yaml")["responses"]
    assert not set(engine.scenario.lines["safety_net"]) & set(shared["safety_net"])
    assert not set(engine.scenario.lines["what_if"]) & set(shared["what_if"])
