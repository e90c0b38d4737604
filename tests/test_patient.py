"""The offline patient: director state and disclosure rules, and the scripted actor's behaviour."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from simulator.patient import ScriptedPatient
from simulator.scenario import load_scenario
from simulator.scenario.model import build_scenario

from conftest import SCENARIO_FILES

EXAMPLE = next(p for p in SCENARIO_FILES if p.stem == "t2d-hypo-fear")


def example_data() -> dict:
    return yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))


def scenario_with(change) -> object:
    data = copy.deepcopy(example_data())
    change(data)
    return build_scenario(data)


def run(engine: ScriptedPatient, lines: list[str]) -> list[str]:
    replies, previous = [], None
    for i, line in enumerate(lines):
        previous = engine.respond(line, 2 * i, previous).text
        replies.append(previous)
    return replies


@pytest.fixture
def example():
    return load_scenario(EXAMPLE)


def test_volunteered_facts_come_out_in_the_opening_and_are_not_hidden(example) -> None:
    engine = ScriptedPatient(example)
    reply = engine.respond("Hello Gary, come in.", 0)
    assert engine.ledger[0].fact == "letter_worry" and engine.ledger[0].turn == 0
    assert "needles" in reply.text
    assert not example.fact("letter_worry").hidden


def test_the_ledger_records_turn_and_reason_for_each_disclosure(example) -> None:
    engine = ScriptedPatient(example)
    run(engine, ["Hello Gary.", "How are you getting on with your tablets?"])
    entry = next(d for d in engine.ledger if d.fact == "skips_evening_metformin")
    assert entry.turn == 2
    assert "open question" in entry.reason and "medication" in entry.reason


def test_a_closed_question_does_not_unlock_an_open_question_fact(example) -> None:
    engine = ScriptedPatient(example)
    run(engine, ["Hello Gary.", "Are you taking your tablets?"])
    assert "skips_evening_metformin" not in engine.state.disclosed


def test_a_topic_question_fact_comes_out_on_any_question_about_its_topic(example) -> None:
    engine = ScriptedPatient(example)
    run(engine, ["Hello Gary.", "Do you eat takeaways much?"])
    assert "takeaway_evenings" in engine.state.disclosed


def test_an_ice_question_with_no_topic_brings_out_the_first_hidden_concern(example) -> None:
    engine = ScriptedPatient(example)
    run(engine, ["Hello Gary.", "Is there anything worrying you?"])
    assert "hypo_fear" in engine.state.disclosed


def test_after_empathy_needs_empathy_first(example) -> None:
    cold = ScriptedPatient(example)
    run(cold, ["Hello Gary.", "Has anyone in your family had diabetes?"])
    assert "father_amputation" not in cold.state.disclosed
    warm = ScriptedPatient(example)
    run(warm, ["Hello Gary.", "That must be really hard.", "Has anyone in your family had diabetes?"])
    assert "father_amputation" in warm.state.disclosed


def test_a_rapport_fact_waits_for_enough_rapport(example) -> None:
    engine = ScriptedPatient(example)
    run(engine, ["Hello Gary.", "Tell me about your family."])
    assert engine.state.rapport < 6 and "wife_worried" not in engine.state.disclosed
    run(engine, ["That sounds really hard.", "I can understand why you feel that way.", "It sounds like it's been a lot.", "How is your family with all this?"])
    assert engine.state.rapport >= 6
    assert "wife_worried" in engine.state.disclosed


def test_after_gates_a_fact_on_another(example) -> None:
    engine = ScriptedPatient(example)
    run(engine, ["Hello Gary.", "How could you be more active in your day?"])
    assert "walking_idea" not in engine.state.disclosed  # needs skips_evening_metformin first
    run(engine, ["How are you getting on with your tablets?", "What kind of activity did you used to do?"])
    assert "walking_idea" in engine.state.disclosed


def test_no_more_than_two_facts_come_out_in_one_turn() -> None:
    def all_on_medication(data):
        for fact in data["facts"]:
            fact.update(disclose="topic_question", topics=["medication"])
            fact.pop("min_rapport", None)
            fact.pop("after", None)
        data["facts"][0]["disclose"] = "volunteered"
        data["self_tests"] = []

    engine = ScriptedPatient(scenario_with(all_on_medication))
    run(engine, ["Hello.", "Do you take your tablets?"])
    assert len([d for d in engine.ledger if d.turn == 2]) == 2


def test_closed_question_runs_lower_rapport_and_empathy_raises_it(example) -> None:
    engine = ScriptedPatient(example)
    run(engine, ["Hello Gary."])
    start = engine.state.rapport
    run(engine, ["Do you smoke?", "Do you drink?", "Do you exercise?", "Do you check your feet?"])
    assert engine.state.rapport < start
    low = engine.state.rapport
    run(engine, ["That must be really difficult."])
    assert engine.state.rapport > low


def test_advice_without_permission_costs_rapport_but_asking_first_does_not(example) -> None:
    blunt = ScriptedPatient(example)
    run(blunt, ["Hello Gary.", "You need to cut out the fizzy drinks."])
    polite = ScriptedPatient(example)
    run(polite, ["Hello Gary.", "Would it be okay if I made a suggestion?", "You need to cut out the fizzy drinks."])
    assert blunt.state.rapport < polite.state.rapport


def test_a_guarded_patient_deflects_and_keeps_open_question_facts(example) -> None:
    engine = ScriptedPatient(example)
    run(
        engine,
        ["Hello Gary.", "Do you smoke?", "Do you drink?", "Do you exercise?", "Do you check your feet?", "Your HbA1c is bad, you must take your tablets.",
         "You need to take them every day, no excuses."],
    )
    assert engine.state.affect == "guarded"
    reply = engine.respond("How are you getting on with your tablets?", 20, None).text
    assert "skips_evening_metformin" not in engine.state.disclosed
    assert any(reply.startswith(line) for line in example.voice["guarded"]["deflections"])  # a cue may follow


def test_jargon_confuses_a_patient_with_low_health_literacy(example) -> None:
    engine = ScriptedPatient(example)
    run(engine, ["Hello Gary."])
    reply = engine.respond("Your HbA1c suggests suboptimal glycaemic control.", 2, None).text
    assert any(line in reply for line in example.lines["jargon"])


def test_jargon_does_not_confuse_a_patient_with_high_health_literacy() -> None:
    scenario = scenario_with(lambda d: d["patient"]["speech"].update(health_literacy="high"))
    engine = ScriptedPatient(scenario)
    run(engine, ["Hello Gary."])
    reply = engine.respond("Your HbA1c suggests suboptimal glycaemic control.", 2, None).text
    assert not any(line in reply for line in scenario.lines["jargon"])


def test_rulers_answer_with_the_current_numbers(example) -> None:
    engine = ScriptedPatient(example)
    run(engine, ["Hello Gary."])
    confidence = round(engine.state.confidence["metformin"])
    reply = engine.respond("On a scale of 0 to 10, how confident are you about taking your tablets every day?", 2, None)
    assert reply.decision.ruler.kind == "confidence" and reply.decision.ruler.behaviour == "metformin"
    assert str(confidence) in reply.text and "{value}" not in reply.text
    reply = engine.respond("And on a scale of 0 to 10, how important is being more active to you?", 4, None)
    assert reply.decision.ruler.kind == "importance" and reply.decision.ruler.behaviour == "activity"
    assert str(round(engine.state.importance["activity"])) in reply.text


def test_a_plan_is_accepted_when_confident_and_resisted_when_not(example) -> None:
    engine = ScriptedPatient(example)
    run(engine, ["Hello Gary.", "Would a slow release tablet that's gentler on the stomach help?"])
    assert engine.state.plan_agreed == "slow_release_metformin" and engine.state.plan_source == "clinician"
    shaky = ScriptedPatient(scenario_with(lambda d: d["patient"]["behaviours"][0].update(confidence=1)))
    replies = run(shaky, ["Hello Gary.", "Would a slow release tablet that's gentler on the stomach help?"])
    assert shaky.state.plan_agreed is None
    assert any(replies[-1].startswith(line) for line in shaky.scenario.lines["barriers"])  # a cue may follow


def test_a_rejected_plan_gets_its_reaction(example) -> None:
    engine = ScriptedPatient(example)
    replies = run(engine, ["Hello Gary.", "I think you should start insulin."])
    assert "Not insulin" in replies[-1]
    assert engine.state.plan_agreed is None


def test_an_activated_patient_proposes_a_plan_and_a_passive_one_waits_to_be_told() -> None:
    active = ScriptedPatient(scenario_with(lambda d: d["patient"].update(activation=4)))
    replies = run(active, ["Hello Gary.", "What could you do to be more active?"])
    assert active.state.plan_source == "patient"
    assert any(line in replies[-1] for plan in active.scenario.accept_plans for line in plan.proposes)
    passive = ScriptedPatient(scenario_with(lambda d: d["patient"].update(activation=1)))
    replies = run(passive, ["Hello Gary.", "What could you do to be more active?"])
    assert passive.state.plan_agreed is None
    assert any(line in replies[-1] for line in passive.scenario.lines["no_plan_idea"])


def test_an_activated_patient_asks_their_own_questions() -> None:
    scenario = scenario_with(lambda d: d["patient"].update(activation=4, rapport=6))
    engine = ScriptedPatient(scenario)
    # asked when told something or checked with, not tacked onto an answer about their life
    lines = ["Hello Gary.", "How are things?", "Your sugar test came back a bit higher this time.", "How is work?", "Okay.", "How is home?"]
    replies = run(engine, lines)
    asked = [i for i, r in enumerate(replies) if "Is this going to mean injections?" in r]
    assert asked and all(lines[i] not in ("How are things?", "How is work?", "How is home?") for i in asked), replies
    passive = ScriptedPatient(scenario_with(lambda d: d["patient"].update(activation=1, rapport=6)))
    replies = run(passive, lines)
    assert not any("Is this going to mean injections?" in r for r in replies)


def test_the_patient_closes_when_the_clinician_closes(example) -> None:
    engine = ScriptedPatient(example)
    run(engine, ["Hello Gary."])
    reply = engine.respond("Thanks for coming in, take care.", 2, None)
    assert reply.decision.closing and engine.state.ended
    assert reply.text in example.lines["closing_not_agreed"]


def test_going_along_with_what_they_were_told_is_not_leaving_to_carry_on_as_before(example) -> None:
    """Told what to do and asked what they think, they said they would try it; no plan of their own was agreed, so the
    goodbye is neither "I'll have a think" nor thanks for a plan they made."""
    engine = ScriptedPatient(example)
    replies = run(engine, [
        "Hello Gary.",
        "The new tablet works by making you wee out the extra sugar. I'd like you to try it, one a day with breakfast. How do you feel about that?",
        "Right, that's us for today. Take care, Gary.",
    ])
    assert engine.state.went_along and not engine.state.plan_agreed, replies
    assert replies[-1] in example.lines["closing_told"], replies[-1]


def test_the_same_line_is_never_said_twice_in_a_row(example) -> None:
    engine = ScriptedPatient(example)
    replies = run(engine, ["Hello Gary."] + ["Okay."] * 12 + ["Do you drive?"] * 6)
    for before, after in zip(replies, replies[1:]):
        assert before != after


@pytest.mark.parametrize("scenario_path", SCENARIO_FILES, ids=lambda p: p.stem)
def test_the_same_seed_gives_the_same_words_and_another_seed_varies_them(scenario_path: Path) -> None:
    scenario = load_scenario(scenario_path)
    script = ["Hello.", "What would you like to talk about today?", "Okay.", "Okay.", "Go on.", "I see.", "Right.", "Mm."]
    first = run(ScriptedPatient(scenario, seed=1), script)
    assert first == run(ScriptedPatient(scenario, seed=1), script)
    others = [run(ScriptedPatient(scenario, seed=seed), script) for seed in range(2, 8)]
    assert any(other != first for other in others)


def test_replies_sound_more_open_as_rapport_grows(example) -> None:
    """The same disclosure is prefixed from the guarded, then the open, voice."""
    def prefixes(level: str) -> tuple[str, ...]:
        return example.voice[level]["prefixes"]

    seen = set()
    for seed in range(12):
        warm = ScriptedPatient(scenario_with(lambda d: d["patient"].update(rapport=9)), seed=seed)
        reply = run(warm, ["Hello.", "How are you getting on with your tablets?"])[-1]
        seen |= {p for p in prefixes("open") if reply.startswith(p)}
        assert not any(reply.startswith(p) for p in prefixes("guarded"))
    assert seen


@pytest.mark.parametrize("question", ["Is your back still bad?", "Are the knees any better?", "Still got the bad back, then?"])
def test_asked_again_about_what_she_came_with_she_answers_and_keeps_the_secret_beside_it(question: str) -> None:
    """The back pain she came about shares its topic with the ibuprofen she has not owned up to (an open question
    about the pain brings that out): asked a closed question about the
    back again she talks about the back (the hand check of the model patient found 'I've not thought about it,
    love.' to 'Is your back still bad?'), and the ibuprofen stays unsaid."""
    scenario = load_scenario(next(p for p in SCENARIO_FILES if p.stem == "ckd-pain-multimorbidity"))
    engine, previous = ScriptedPatient(scenario, 1), None
    for index, line in enumerate(["Hello Margaret, come in.", "Are you taking your tablets?", question]):
        reply = engine.respond(line, 2 * index, previous)
        previous = reply.text
    assert reply.decision.touched_known and not reply.decision.disclosed
    back = scenario.fact("back_knee_pain")
    assert any(word in reply.text.lower() for word in ("back", "knee")), reply.text
    assert reply.text not in scenario.voice[engine.state.affect]["deflections"]
    assert "ibuprofen" not in reply.text.lower() and "otc_ibuprofen" not in engine.state.disclosed
    assert back.id in engine.state.disclosed


SIDE_EFFECT_QUESTIONS = ["Any side effects?", "Any side-effects from the medication at all?", "Are the tablets giving you any bother?",
                         "Have they upset your tummy at all?", "Any side effects from them?"]


@pytest.mark.parametrize("scenario_path", SCENARIO_FILES, ids=lambda p: p.stem)
@pytest.mark.parametrize("question", SIDE_EFFECT_QUESTIONS)
def test_asked_about_side_effects_the_patient_does_not_list_their_medicines_again(scenario_path: Path, question: str) -> None:
    """The hand check of the model patient found "Any side effects?" answered with the list of medicines (the
    scripted line's fault: side effects were a keyword of the medication topic). Asked after the list (where a
    scenario gives it there), the patient answers about side effects: what they know of them, a secret's
    deflection or its cue, never the list again."""
    scenario = load_scenario(scenario_path)
    engine = ScriptedPatient(scenario, 3)
    medicines = next(k for k in scenario.patient.knows if k.about == "medicines")
    replies = run(engine, ["Hello, come in.", "Which tablets are you on at the moment?", question])
    assert not any(line in replies[2] for line in medicines.says), replies[2]
    side_effects = next((k for k in scenario.patient.knows if k.about == "side_effects"), None)
    touched = {f.id for f in scenario.facts if "side_effects" in f.topics}
    assert side_effects is not None or touched, "each scenario says what its patient has to say about side effects"
    if side_effects is not None and not touched:
        assert any(line in replies[2] for line in side_effects.says), replies[2]


@pytest.mark.parametrize("scenario_path", [p for p in SCENARIO_FILES if p.stem in ("t2d-hypo-fear", "hypertension-proactive", "heart-failure-carer")],
                         ids=lambda p: p.stem)
def test_an_open_question_about_side_effects_brings_out_the_side_effect_the_patient_kept_quiet(scenario_path: Path) -> None:
    scenario = load_scenario(scenario_path)
    engine = ScriptedPatient(scenario, 0)
    run(engine, ["Hello, come in, have a seat.", "Tell me how you've got on with side effects from your tablets."])
    assert set(engine.state.disclosed) & {f.id for f in scenario.facts if "side_effects" in f.topics and f.disclose == "open_question"}


def test_how_are_you_getting_on_with_your_inhalers_opens_up_the_inhalers() -> None:
    """The reader took this everyday open question for a greeting or no question at all, so nothing came out."""
    scenario = load_scenario(next(p for p in SCENARIO_FILES if p.stem == "copd-low-mood"))
    engine = ScriptedPatient(scenario, 0)
    run(engine, ["Morning Derek, come in, have a seat.", "How are you getting on with your inhalers?"])
    assert {"reliever_overuse", "skips_preventer"} & set(engine.state.disclosed)


def test_a_reflection_takes_up_what_it_reflects_not_everything_the_patient_said() -> None:
    """The hand check of the second Qwen run (index 65): thanks for "two weeks of readings" read as a reflection took
    up "any more tablets", said in the same turn, and the agenda question brought out the amlodipine he stopped."""
    scenario = load_scenario(next(p for p in SCENARIO_FILES if p.stem == "hypertension-proactive"))
    engine = ScriptedPatient(scenario, 0)
    run(engine, ["Good morning, Mr Hale. I'm Dr Patel. Please come in and take a seat.",
                 "Thank you for bringing two weeks of readings, you've clearly put in a lot of work. What would you like to cover today?"])
    assert "stopped_amlodipine" not in engine.state.disclosed
    reflected = ScriptedPatient(scenario, 0)  # offering back what he said about tablets does take that up
    run(reflected, ["Good morning, Mr Hale. I'm Dr Patel. Please come in and take a seat.",
                    "So you'd rather not talk about more tablets until you've had a proper go at the lifestyle side."])
    assert "stopped_amlodipine" in reflected.state.disclosed
