"""Turn analysis: each behaviour code with a positive and a negative example, spans, topics, context."""

from __future__ import annotations

import pytest

from simulator.analysis import TurnReader, behaviour_vocabulary

reader = TurnReader({"hypos": ("hypo", "hypos")})

POSITIVE = [
    ("greeting", "Hello Mrs Patel, come in and have a seat."),
    ("agenda_setting", "What would you like to talk about today?"),
    ("open_question", "How have you been getting on with the inhalers?"),
    ("open_question", "Tell me about a typical day."),
    ("closed_question", "Do you smoke?"),
    ("closed_question", "How many tablets do you take?"),
    ("closed_question", "do you check your feet"),
    ("reflection", "It sounds like the tablets have been upsetting your stomach."),
    ("reflection", "You're worried the new tablets will make you drowsy at work."),
    ("empathy", "That must be really hard, looking after him on your own."),
    ("empathy", "I'm sorry to hear that."),
    ("affirmation", "You've done really well to cut down on the sugary drinks."),
    ("summary", "Let me just summarise what you've told me so far."),
    ("elicit_ice", "What worries you most about the results?"),
    ("elicit_ice", "What were you hoping we could do today?"),
    ("elicit_beliefs", "What do you know about how the tablets work?"),
    ("scale_question", "On a scale of 0 to 10, how important is it for you to stop smoking?"),
    ("ask_permission", "Would it be okay if I shared some information about that?"),
    ("information", "Research shows that walking after meals lowers blood sugar."),
    ("advice", "You need to take the evening dose every day."),
    ("options", "There are a few options we could consider."),
    ("teach_back", "Can you tell me in your own words what you'll do?"),
    ("check_understanding", "Does that make sense?"),
    ("backchannel", "Mm-hmm."),
    ("backchannel", "Okay, right."),
    ("signposting", "I'm just going to ask you a few questions about your breathing."),
    ("partnership", "It's entirely your decision, and you know your own body best."),
    ("goal_setting", "What would you like to achieve over the next month?"),
    ("problem_solving", "What might get in the way of that?"),
    ("resources", "There's a diabetes education programme called DESMOND you might like."),
    ("safety_net", "If you notice any chest pain, call 999."),
    ("follow_up", "Let's book a follow-up in four weeks."),
    ("closing", "Thanks for coming in today, take care."),
    ("jargon", "Your HbA1c has gone up."),
    # conventions of the labelled development set (benchmarks/devset/README.md)
    ("open_question", "Hello, what can I do for you?"),
    ("open_question", "It's been a while, how are you?"),
    ("closed_question", "how many times have you been on steroids this year"),
    ("closed_question", "How far can you walk on the flat?"),
    ("reflection", "So in your mind insulin is linked with things going downhill?"),
    ("reflection", "Right, so you want something stronger."),
    ("empathy", "Take your time."),
    ("empathy", "It must have been a frightening time for you both."),
    ("information", "Most people with high blood pressure feel nothing at all."),
    ("information", "That being said, it is recommended that adults walk for thirty minutes a day."),
    ("advice", "Keep weighing yourself every morning before breakfast."),
    ("advice", "I'll start you on sertraline, once a day."),
    ("teach_back", "Can you talk me through what you'd do if your breathing got worse?"),
    ("agenda_setting", "Anything else while you're here?"),
    ("ask_permission", "Would it help if I explained what it actually means?"),
    ("follow_up", "I'll ring you on Friday to see how the weights are going."),
]

NEGATIVE = [
    ("greeting", "Your sugar levels are high."),
    ("agenda_setting", "Do you smoke?"),
    ("open_question", "Do you smoke?"),
    ("open_question", "What I'd like to do is check your feet."),
    ("closed_question", "Tell me about your week."),
    ("reflection", "So you're taking them every day?"),
    ("empathy", "Do you take your tablets?"),
    ("affirmation", "How often do you walk?"),
    ("summary", "Do you walk every day?"),
    ("elicit_ice", "Do you take the tablets in the morning?"),
    ("scale_question", "How are you today?"),
    ("ask_permission", "You need to stop smoking."),
    ("advice", "What would you like to do?"),
    ("options", "Do you take your inhaler?"),
    ("check_understanding", "How is your breathing?"),
    ("problem_solving", "How are you?"),
    ("resources", "How is your mood?"),
    ("safety_net", "How are you sleeping?"),
    ("follow_up", "What do you eat in a day?"),
    ("closing", "What brings you in?"),
    ("jargon", "Your HbA1c, which is a measure of your average sugar over three months, has gone up."),
    # back-channels are not questions, even with a question mark (codebook: back-channels)
    ("open_question", "Mm?"),
    ("closed_question", "Okay."),
    ("open_question", "Go on."),
    # a self-introduction is not a resource
    ("resources", "Hello, I'm Sam, one of the practice nurses here."),
    # "What can I do for you?" is an open question only; history-taking "anything else" is no agenda
    ("agenda_setting", "What can I do for you today?"),
    ("agenda_setting", "Are you taking anything else?"),
    ("reflection", "You've been started on apixaban for your heart rhythm."),
    ("reflection", "Do you mean you're feeling low?"),
    ("advice", "Take your time."),
    ("advice", "Would it help if I wrote it down?"),
    ("information", "Would it help if I wrote it down?"),
    ("information", "It's lovely to see you looking so much better."),
    ("elicit_ice", "I can see you're worried about the baby."),
    ("follow_up", "Morning Mr Price, nice to see you again."),
    ("closing", "Hello Mrs Adeyemi, thanks for coming back."),
    ("jargon", "That means you have high blood pressure, what we call hypertension."),
]


@pytest.mark.parametrize(("code", "text"), POSITIVE)
def test_code_is_detected(code: str, text: str) -> None:
    assert code in reader.analyse(text).codes


@pytest.mark.parametrize(("code", "text"), NEGATIVE)
def test_code_is_not_detected(code: str, text: str) -> None:
    assert code not in reader.analyse(text).codes


def test_every_vocabulary_code_has_a_positive_example() -> None:
    assert set(behaviour_vocabulary()) <= {code for code, _ in POSITIVE}


def test_each_hit_points_at_the_words_that_evidence_it() -> None:
    text = "Hello. It sounds like the evenings are hard. What worries you most?"
    result = reader.analyse(text)
    for hit in result.hits:
        assert text[hit.start : hit.end] == hit.text
    codes = {hit.code: hit.text for hit in result.hits}
    assert codes["greeting"] == "Hello"
    assert codes["reflection"].startswith("It sounds like")
    assert "worries you" in codes["elicit_ice"]


def test_topics_come_from_shared_and_scenario_keywords() -> None:
    result = reader.analyse("Have you had any hypos since starting the tablets?")
    assert set(result.topics) == {"hypos", "medication"}
    assert "hypos" not in TurnReader().analyse("Have you had any hypos?").topics


def test_a_short_prompt_inherits_the_topic_the_patient_just_raised() -> None:
    result = reader.analyse("Go on.", previous_patient="My inhaler never seems to help.")
    assert "open_question" in result.codes
    assert result.topics == ()
    assert "medication" in result.context_topics
    assert "medication" in result.engaged_topics


def test_echoing_the_patients_words_is_a_reflection() -> None:
    said = "I keep forgetting the evening tablets when I'm on late shifts."
    assert "reflection" in reader.analyse("You keep forgetting them on late shifts.", said).codes
    assert "reflection" not in reader.analyse("You keep forgetting them on late shifts.", "I'm fine.").codes


def test_a_question_made_of_the_patients_own_words_is_a_reflection_not_a_question() -> None:
    said = "Same. Bad days and worse days. Not much point going out anyway."
    assert reader.analyse("Not much point going out?", said).codes == ("reflection",)
    assert reader.analyse("Not much point going out?").codes == ("closed_question",)


def test_restating_the_patients_list_of_topics_is_agenda_setting_not_reflection() -> None:
    said = "The sugar results, and the tingling in my feet."
    codes = reader.analyse("OK, so the sugar results and the tingling in your feet. Anything else?", said).codes
    assert codes == ("agenda_setting",)


def test_anything_else_in_the_last_turn_also_closes_the_consultation() -> None:
    last = reader.closing_last(reader.analyse("I'll see you in a month. Anything else on your mind?"))
    assert {"agenda_setting", "follow_up", "closing"} <= set(last.codes)
    assert "closing" not in reader.closing_last(reader.analyse("How is your breathing?")).codes


def test_stacked_questions_are_counted() -> None:
    assert reader.analyse("Do you smoke? How much? And do you drink?").question_count == 3
