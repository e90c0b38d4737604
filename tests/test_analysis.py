"""The turn reader (docs/codebook.md): codes by function in everyday and textbook wording, speech
artefacts read through, evidence spans that point at the original words, topics, stacked questions."""

from __future__ import annotations

import pytest

from simulator.analysis import TurnReader, behaviour_vocabulary
from simulator.analysis.speech import read_speech
from simulator.analysis.units import split_units

reader = TurnReader({"hypos": ("hypo", "hypos")})

POSITIVE = [
    ("greeting", "Hello Mrs Patel, come in and have a seat."),
    ("agenda_setting", "Was there anything else you wanted to cover today?"),
    ("open_question", "How have you been getting on with the inhalers?"),
    ("open_question", "Tell me about a typical day."),
    ("open_question", "What's been happening?"),
    ("open_question", "so what's been going on with your breathing"),  # no question mark
    ("closed_question", "Do you smoke?"),
    ("closed_question", "How many tablets do you take?"),
    ("closed_question", "do you check your feet"),
    ("closed_question", "Any chest pain?"),
    ("reflection", "It sounds like the tablets have been upsetting your stomach."),
    ("reflection", "You're worried the new tablets will make you drowsy at work."),
    ("empathy", "That must be really hard, looking after him on your own."),
    ("empathy", "I'm sorry to hear that."),
    ("affirmation", "You've done really well to cut down on the sugary drinks."),
    ("summary", "Let me just summarise what you've told me so far."),
    ("elicit_ice", "What worries you most about the results?"),
    ("elicit_ice", "What were you hoping we could do today?"),
    ("elicit_beliefs", "What do you know about how the tablets work?"),
    ("elicit_beliefs", "What do you think the brown inhaler does?"),
    ("scale_question", "On a scale of 0 to 10, how important is it for you to stop smoking?"),
    ("ask_permission", "Would it be okay if I shared some information about that?"),
    ("advice", "You need to take the evening dose every day."),
    ("advice", "You could maybe try walking a bit more after tea."),
    ("options", "There are a few options we could consider."),
    ("teach_back", "Can you tell me in your own words what you'll do?"),
    ("check_understanding", "Does that make sense?"),
    ("goal_setting", "What would you like to achieve over the next month?"),
    ("problem_solving", "What might get in the way of that?"),
    ("problem_solving", "What gets in the way?"),
    ("resources", "There's a diabetes education programme called DESMOND you might like."),
    ("safety_net", "If you notice any chest pain, call 999."),
    ("follow_up", "Let's book a follow-up in four weeks."),
    ("closing", "Thanks for coming in today, take care."),
    ("backchannel", "Mm-hmm."),
    ("backchannel", "Okay, right."),
    ("signposting", "I'm just going to ask you a few questions about your breathing."),
    ("partnership", "It's entirely your decision, and you know your own body best."),
    ("jargon", "Your HbA1c has gone up."),
]

NEGATIVE = [
    ("agenda_setting", "Do you smoke?"),
    ("open_question", "Do you smoke?"),
    ("closed_question", "Tell me about your week."),
    ("reflection", "So are you taking them every day?"),
    ("empathy", "Do you take your tablets?"),
    ("affirmation", "How often do you walk?"),
    ("summary", "Do you walk every day?"),
    ("elicit_ice", "Do you take the tablets in the morning?"),
    ("scale_question", "How are you today?"),
    ("scale_question", "Out of ten, how bad is the pain?"),  # a pain score is not a ruler
    ("ask_permission", "You need to stop smoking."),
    ("advice", "What would you like to do?"),
    ("advice", "Take a deep breath in for me."),  # an examination instruction is not advice
    ("options", "Do you take your inhaler?"),
    ("check_understanding", "How is your breathing?"),
    ("problem_solving", "How are you?"),
    ("resources", "How is your mood?"),
    ("goal_setting", "Which one is the blue inhaler?"),
    ("resources", "Hello, I'm Sam, one of the practice nurses here."),  # a self-introduction
    ("resources", "Last time you mentioned trying the pacing diary. How did that go?"),  # a resource already in use
    ("resources", "so how did you get on with the food diary"),
    ("resources", "Was that a GP or a specialist or a physiotherapist?"),
    ("teach_back", "Can you tell me what year you were born, please?"),  # asks a fact, not what was explained
    ("teach_back", "Can you tell me what time you usually take it?"),
    ("safety_net", "How are you sleeping?"),
    ("follow_up", "What do you eat in a day?"),
    ("closing", "What brings you in?"),
    ("closing", "Hello Mrs Adeyemi, thanks for coming back."),
    ("jargon", "Your HbA1c, which is a measure of your average sugar over three months, has gone up."),
    ("jargon", "That means you have high blood pressure, what we call hypertension."),
    ("jargon", "Your long-term sugar test, the HbA1c, is 71 now."),  # named after the everyday thing it is
    ("jargon", "So the main number, the eGFR, is a bit like a percentage of how well your kidneys filter."),
    ("jargon", "So, the HbA1c — it is like the average sugar over three months — it was 58 last year."),
    # back-channels are not questions, even with a question mark
    ("open_question", "Mm?"),
    ("closed_question", "Okay."),
    ("open_question", "Go on."),
    ("agenda_setting", "What can I do for you today?"),  # a generic opener is an open question only
    ("agenda_setting", "Are you taking anything else?"),
]


@pytest.mark.parametrize(("code", "text"), POSITIVE)
def test_code_is_read(code: str, text: str) -> None:
    assert code in reader.analyse(text).codes


# Read in the middle of a consultation, after a patient's turn: the model reads a turn with nothing before it as the
# opening, where a statement of fact is rare (it puts "Research shows..." just under its line there, 0.249 for 0.25).
IN_CONTEXT = [
    ("goal_setting", "Which of those, or anything else, feels like something you could actually do?", "I suppose I could walk a bit more."),
    ("information", "Research shows that walking after meals lowers blood sugar.", "I do try to get out for a walk."),
    ("information", "Research shows that walking after meals lowers blood sugar.", "Okay."),
]


@pytest.mark.parametrize(("code", "text", "before"), IN_CONTEXT)
def test_code_is_read_in_context(code: str, text: str, before: str) -> None:
    assert code in reader.analyse(text, before).codes


@pytest.mark.parametrize(("code", "text"), NEGATIVE)
def test_code_is_not_read(code: str, text: str) -> None:
    assert code not in reader.analyse(text).codes


def test_every_vocabulary_code_has_a_positive_example() -> None:
    assert set(behaviour_vocabulary()) <= {code for code, _ in POSITIVE} | {code for code, _, _ in IN_CONTEXT}


def test_telling_is_not_greeting_and_reflecting_is_not_telling() -> None:
    asked = "So what did the blood test show?"
    assert "greeting" not in reader.analyse("Your sugar levels are high.", asked).codes
    said = "The evenings are the worst."
    # names the difficulty and restates their meaning: a reflection, and empathy too (codebook), never information
    reflecting = reader.analyse("It sounds like the evenings are hard.", said).codes
    assert "reflection" in reflecting and set(reflecting) <= {"reflection", "empathy"}


@pytest.mark.xfail(strict=True, reason="the model retrained with the played everyday consultations (2026-12-06) reads "
                   "'It sounds like...' as a reflection even when it names a diagnosis the patient did not say")
def test_a_diagnosis_in_a_reflections_words_is_information() -> None:
    assert "information" in reader.analyse("It sounds like a migraine.", "I get a throbbing headache on one side.").codes


def test_everyday_questions_mid_consultation() -> None:
    said = "Well, the new job started last month and it's been a lot."
    assert "open_question" in reader.analyse("How are you finding things?", said).codes
    assert "open_question" in reader.analyse("What's been happening?", said).codes
    helping = reader.analyse("Anyone at home helping out?", said)
    assert "closed_question" in helping.codes and "family" in helping.topics
    # the same words as the first thing said are a greeting, not a question about how things are
    assert reader.analyse("Hi there, how are you?").codes == ("greeting",)


# How someone is getting on with something, as clinicians ask it (several were read as a greeting or as no
# question at all, so the patient disclosed nothing to "How are you getting on with your inhalers?").
GETTING_ON = [
    "How are you getting on with the metformin?",
    "how are you getting on with the blue inhaler",
    "What's it like taking the tablets day to day?",
    "How are you managing with the stairs?",
    "How are you coping with everything?",
    "How're things with the water tablet?",
    "So how are you getting on with it all?",
    "What was it like when you came home?",
    "How has it been going at work?",
    "and how did you get on with the walking",
]


@pytest.mark.parametrize("text", GETTING_ON)
def test_asking_how_someone_is_getting_on_with_something_is_an_open_question_not_a_greeting(text: str) -> None:
    codes = reader.analyse(text).codes
    assert "open_question" in codes and "greeting" not in codes and "closed_question" not in codes, codes


@pytest.mark.parametrize("text", ["How's it going?", "Hiya, how are you?", "Morning! How are we?"])
def test_how_is_it_going_alone_still_greets(text: str) -> None:
    assert reader.analyse(text).codes == ("greeting",)


def test_a_question_with_a_function_keeps_its_form() -> None:
    codes = reader.analyse("Would it be okay if I shared some information about that?").codes
    assert {"ask_permission", "closed_question"} <= set(codes)
    assert {"teach_back", "open_question"} <= set(reader.analyse("Can you tell me in your own words what you'll do?").codes)


def test_each_hit_points_at_the_words_that_evidence_it() -> None:
    opening = "Hello Mrs Green, come in. What brings you in today?"
    result = reader.analyse(opening)
    assert {hit.code: hit.text for hit in result.hits}["greeting"].startswith("Hello")
    text = "It sounds like the evenings are hard. What worries you most?"
    result = reader.analyse(text, "The evenings are the worst.")
    for hit in result.hits:
        assert text[hit.start : hit.end] == hit.text
    codes = {hit.code: hit.text for hit in result.hits}
    assert codes["reflection"].startswith("It sounds like")
    assert "worries you" in codes["elicit_ice"]
    assert "information" not in codes  # offering back what the patient said is not informing


def test_spans_point_into_the_original_speech() -> None:
    text = "um so uh <UNSURE>what</UNSURE> what's been happening [laughs] with the the chest"
    result = reader.analyse(text)
    assert "open_question" in result.codes
    for hit in result.hits:
        assert text[hit.start : hit.end] == hit.text and hit.text.strip()


def test_speech_artefacts_are_read_through() -> None:
    assert read_speech("um so uh what- what's been happening <UNSURE>lately</UNSURE>").clean == "so what's been happening lately"
    assert read_speech("I- I- I think the the tablets are, are fine [laughs]").clean == "I think the tablets are fine"
    assert read_speech("so how long have- when did it start").clean == "so when did it start"
    assert read_speech("hi , martha . how are you ?").clean == "hi, martha. how are you?"
    assert read_speech("Dr. Shah said 1.5 mg at 6:30, BP 138/84.").clean == "Dr. Shah said 1.5 mg at 6:30, BP 138/84."
    assert read_speech("<INAUDIBLE_SPEECH/> Mm-hmm.").fillers_only
    # texting shorthand typed in lower case; a capital is something else ("a U and E")
    assert read_speech("how r u, pls tell me abt ur week").clean == "how are you, please tell me about your week"
    assert read_speech("You'll need a U and E in two weeks.").clean == "You'll need a U and E in two weeks."


def test_texting_shorthand_is_read_as_the_words_it_stands_for() -> None:
    assert reader.analyse("how d'u feel about that tbh").kind == "feelings"
    assert "open_question" in reader.analyse("so what do u think would help, whats gonna actually work for u").codes


def test_how_you_are_going_to_do_something_is_no_how_have_you_been() -> None:
    result = reader.analyse("How are you going to make that happen this week, do you reckon?")
    assert result.kind != "how_been" and "greeting" not in result.codes
    assert reader.analyse("How are you getting on with it all?").kind == "how_been"


def test_a_question_that_runs_on_without_punctuation_is_its_own_unit() -> None:
    units = [u.text for u in split_units("okay so it started on tuesday and how bad is it now")]
    assert units == ["okay so it started on tuesday", "and how bad is it now"]
    assert [u.text for u in split_units("do you get short of breath when you walk")] == ["do you get short of breath when you walk"]
    codes = reader.analyse("right so the pain is on the left side how long has it been like that").codes
    assert "closed_question" in codes


def test_a_reflection_said_as_a_question_asks_nothing_new() -> None:
    said = "Same. Bad days and worse days. Not much point going out anyway."
    codes = reader.analyse("Not much point going out?", said).codes
    assert "reflection" in codes and "closed_question" not in codes


def test_topics_come_from_shared_scenario_and_everyday_words() -> None:
    assert set(reader.analyse("Have you had any hypos since starting the tablets?").topics) == {"hypos", "medication"}
    assert "hypos" not in TurnReader().analyse("Have you had any hypos?").topics
    assert "family" in reader.analyse("Is there anyone around to give you a hand?").topics
    assert "medication" in reader.analyse("How are you getting on with what you were given?").topics
    assert "alcohol" in reader.analyse("And what about the booze?").topics
    # "X-wise" is about X (a helper's everyday script: "What sort of thing are you living on, grub-wise?")
    assert "diet" in reader.analyse("What sort of thing are you living on, grub-wise, on an ordinary day?").topics
    assert "money" in reader.analyse("How are things money-wise?").topics
    assert "medication" in reader.analyse("How do you get on with all the stuff we give you?").topics
    # the full-length model-patient run: night waking asked without the word "night" or "sleep"
    assert "sleep" in reader.analyse("Does it ever wake you up in the wee small hours?").topics
    # "Do you drink?" is about alcohol, "Do you drink fizzy drinks?" about diet
    assert set(reader.analyse("Do you drink?").topics) == {"alcohol"}
    assert set(reader.analyse("Do you drink fizzy drinks?").topics) == {"diet"}


def test_an_example_question_carries_a_scenario_topic() -> None:
    with_examples = TurnReader({"driving": ("forklift",)}, topic_examples={"driving": ("Do you get behind the wheel much?",)})
    assert "driving" in with_examples.analyse("Are you behind the wheel a lot for work?").topics
    assert "driving" not in with_examples.analyse("How's your back?").topics


def test_a_short_prompt_inherits_the_topic_the_patient_just_raised() -> None:
    result = reader.analyse("Tell me more about that.", previous_patient="My inhaler never seems to help.")
    assert "open_question" in result.codes
    assert "medication" in result.engaged_topics


def test_a_back_channel_inherits_nothing() -> None:
    result = reader.analyse("Mm.", previous_patient="My inhaler never seems to help.")
    assert result.codes == ("backchannel",)
    assert not result.engaged_topics and result.question_count == 0


def test_a_stuffed_question_is_stacked() -> None:
    assert reader.analyse("Tell me about your tablets, your diet, your family and your work?").stacked
    assert reader.analyse("Do you smoke? Do you drink? How's work? And the family?").stacked
    assert not reader.analyse("How are you getting on with the tablets?").stacked
    assert not reader.analyse("It sounds like work and the family are both hard. How are the tablets going?").stacked


def test_anything_else_in_the_last_turn_also_closes_the_consultation() -> None:
    last = reader.closing_last(reader.analyse("I'll see you in a month. Anything else on your mind?"))
    assert {"agenda_setting", "follow_up", "closing"} <= set(last.codes)
    assert "closing" not in reader.closing_last(reader.analyse("How is your breathing?")).codes


def test_stacked_questions_are_counted() -> None:
    assert reader.analyse("Do you smoke? How much? And do you drink?").question_count == 3


@pytest.mark.parametrize(
    ("said", "code"),
    [
        ("and the grey one what do ye reckon that one actually does for ye", "elicit_beliefs"),
        ("what do ye make of the letter", "elicit_ice"),
        ("so how are youse getting on with the new tablets", "open_question"),
    ],
)
def test_you_as_the_north_and_ireland_say_it_is_you(said: str, code: str) -> None:
    """ "ye" and "youse" are "you": without it the question to the patient was no question at all."""
    reading = TurnReader().analyse(said, None)
    assert code in reading.codes and reading.is_question
    assert any("ye" in h.text.lower().split() or "youse" in h.text.lower() for h in reading.hits)  # evidence quotes their words


@pytest.mark.parametrize(
    ("said", "standard"),
    [
        ("whats been happening since we last saw you", "what's been happening"),
        ("dont worry if youre not sure", "don't worry if you're not sure"),
        ("Hows the breathing", "How's the breathing"),
    ],
)
def test_contractions_typed_without_their_apostrophe_are_read_as_contractions(said: str, standard: str) -> None:
    speech = read_speech(said)
    assert speech.clean.startswith(standard)
    start, end = speech.to_original(0, len(standard))
    assert said[start:end] == said[: len(standard) - standard.count("'")]  # the span quotes their own words


@pytest.mark.parametrize(
    ("said", "code"),
    [
        ("And what's most likely to throw you off track with that?", "problem_solving"),
        ("What could scupper it, do you think?", "problem_solving"),
        ("What's going to be the hardest bit?", "problem_solving"),
        ("Could I just set a few things straight about the tablets?", "ask_permission"),
        ("What will you say to your wife tonight about what we've agreed?", "teach_back"),
    ],
)
def test_everyday_ways_of_asking_what_gets_in_the_way_for_permission_and_for_the_plan_back(said: str, code: str) -> None:
    assert code in TurnReader().analyse(said, None).codes


def test_medicines_named_together_are_one_subject_not_a_stacked_list() -> None:
    """ "How the two inhalers fit into your day, the grey one and the blue" is about medicines (the fresh dev
    consultations had it answered "that's a lot of things at once"); four unrelated subjects still stack."""
    from simulator.resources import shipped_scenarios_dir
    from simulator.scenario import load_scenario

    reader = TurnReader.for_scenario(load_scenario(shipped_scenarios_dir() / "copd-low-mood.yaml"))
    assert not reader.analyse("Talk me through how the inhalers fit into your day, the grey inhaler and the blue one and the tablets.", "Aye.").stacked
    assert reader.analyse("Tell me about your inhalers, your smoking, your drinking, your sleep and your mood?", "Aye.").stacked


def test_a_list_of_examples_after_a_question_is_not_a_stack_of_questions() -> None:
    """ "Does it wake you at all? Coughing, tight chest, wheezy?" asks one thing; a list of questions still stacks."""
    from simulator.resources import shipped_scenarios_dir
    from simulator.scenario import load_scenario

    reader = TurnReader.for_scenario(load_scenario(shipped_scenarios_dir() / "asthma-young-adult.yaml"))
    assert not reader.analyse("Anything at home that sets it off? Pets, dust, damp, smoke, the cold?", "Okay.").stacked
    assert not reader.analyse("Does your sleep or work get hit at all, does it wake you? Coughing, tight chest, wheezy?", "Okay.").stacked
    assert reader.analyse("Any smoking? Drinking? Exercise? Diet?", "Okay.").stacked
