"""The rules judge: each criterion with a positive and a negative example, evidence and rationale,
'not enough evidence' versus 'not met', criteria that do not apply, metrics and co-production."""

from __future__ import annotations

import pytest

from simulator.rubric import KALAMAZOO_TASKS, SELF_MANAGEMENT, grade_transcript_text

GOOD = """\
Nurse: Hello Mrs Green, I'm Sam, one of the practice nurses. Come in and have a seat.
Patient: Thank you.
Nurse: What would you like to talk about today, and is there anything else on your list?
Patient: My sugars, mainly. And I've been so tired.
Nurse: That sounds really hard, being tired all the time.
Patient: It is. I can't keep up with the grandchildren.
Nurse: It sounds like the tiredness is getting in the way of time with your grandchildren.
Patient: It really is.
Nurse: What worries you most about your diabetes at the moment?
Patient: That I'll end up on insulin like my mum.
Nurse: What do you understand about how insulin is used in diabetes?
Patient: I thought it meant you'd failed.
Nurse: So you're worried that needing insulin would mean you had failed.
Patient: Yes, exactly.
Nurse: Let me just summarise what you've told me so far: you're tired, you worry about insulin, \
and you want to keep up with the grandchildren. Have I got that right?
Patient: Yes, that's it.
Nurse: Would it be okay if I shared some information about that?
Patient: Yes please.
Nurse: Many people with diabetes need insulin at some point. It is not a failure, it is how the condition changes.
Patient: Oh. I didn't know that.
Nurse: There are a few options we could consider, such as walking more, changing your tablets, or seeing the dietitian. Which would you prefer?
Patient: I think I could walk to school with the grandchildren.
Nurse: On a scale of 0 to 10, how confident are you that you could do that?
Patient: About a seven.
Nurse: Why a seven and not a four?
Patient: Because I used to do it before my knee went.
Nurse: You've done really well to get your knee moving again after the operation.
Patient: Thank you.
Nurse: What would you like to do, and when will you start?
Patient: I'll walk them to school on Mondays, Wednesdays and Fridays from next week.
Nurse: What might get in the way of that?
Patient: Rain, probably.
Nurse: There's also a local walking group and the DESMOND education course, if you'd like.
Patient: The walking group sounds good.
Nurse: Just to check I've explained things well, can you tell me in your own words what you're going to do?
Patient: Walk the kids to school three days a week, and try the walking group.
Nurse: Is there anything else we should cover today?
Patient: No, that's everything.
Nurse: Let's book a review in four weeks, and if you notice you're feeling very thirsty or unwell, call the surgery sooner. Take care.
Patient: Thank you, bye.
"""

POOR = """\
Doctor: Your HbA1c is 71.
Patient: Is that bad?
Doctor: Do you take your metformin?
Patient: Mostly.
Doctor: Do you eat sweets?
Patient: Sometimes.
Doctor: Do you exercise?
Patient: Not really.
Doctor: Do you smoke?
Patient: No.
Doctor: You need to lose weight and you must take your tablets every day. You should also cut out sugar. \
Your glycaemic control is suboptimal and you risk nephropathy and retinopathy.
Patient: Okay.
Doctor: I'm going to increase your metformin.
Patient: Right.
"""

SHORT = "Doctor: Hello.\nPatient: Hi.\nDoctor: Bye.\n"


@pytest.fixture(scope="module")
def good():
    return grade_transcript_text(GOOD, "good.txt")


@pytest.fixture(scope="module")
def poor():
    return grade_transcript_text(POOR, "poor.txt")


def test_every_task_and_criterion_is_graded(good) -> None:
    assert list(good.kalamazoo) == list(KALAMAZOO_TASKS)
    assert list(good.self_management) == list(SELF_MANAGEMENT)


@pytest.mark.parametrize("task", KALAMAZOO_TASKS)
def test_a_good_consultation_scores_higher_than_a_poor_one_on_every_task(task, good, poor) -> None:
    better = good.kalamazoo[task].value
    worse = poor.kalamazoo[task].value
    assert isinstance(better, int) and better >= 4
    assert worse is None or worse < better


@pytest.mark.parametrize("task", KALAMAZOO_TASKS)
def test_each_scored_task_cites_turns_that_exist(task, good) -> None:
    result = good.kalamazoo[task]
    assert result.evidence and result.rationale.startswith("Did:")
    for evidence in result.evidence:
        turn = good.turns[evidence.turn]
        assert turn.speaker == "clinician"
        assert evidence.quote.rstrip("…")[:20] in turn.text


@pytest.mark.parametrize("criterion", SELF_MANAGEMENT)
def test_each_self_management_criterion_is_met_in_the_good_consultation(criterion, good) -> None:
    result = good.self_management[criterion]
    assert result.value is True, result.rationale
    assert result.evidence


@pytest.mark.parametrize(
    "criterion", ["beliefs", "importance_confidence", "action_plan", "problem_solving", "partnership", "resources", "teach_back", "follow_up"]
)
def test_each_self_management_criterion_is_not_met_in_the_poor_consultation(criterion, poor) -> None:
    result = poor.self_management[criterion]
    assert result.value is False and result.status == "not_met"
    assert result.try_next


def test_a_ruler_without_exploring_the_answer_does_not_meet_importance_confidence() -> None:
    text = GOOD.replace("Nurse: Why a seven and not a four?", "Nurse: Okay.")
    result = grade_transcript_text(text).self_management["importance_confidence"]
    assert result.value is False
    assert "explored the answer" in result.rationale


def test_does_that_make_sense_is_not_teach_back() -> None:
    text = GOOD.replace("can you tell me in your own words what you're going to do?", "does that make sense?")
    assert grade_transcript_text(text).self_management["teach_back"].value is False


def test_a_plan_dictated_by_the_clinician_is_not_a_patient_chosen_action_plan() -> None:
    assert grade_transcript_text(POOR).self_management["action_plan"].value is False


def test_too_short_a_consultation_is_not_enough_evidence_not_a_fail() -> None:
    report = grade_transcript_text(SHORT)
    assert all(r.value is None and r.status == "insufficient" for r in report.kalamazoo.values())
    assert all(r.status == "insufficient" for r in report.self_management.values())
    assert report.coproduction_level is None
    assert report.self_management_met == (0, 0)


def test_a_criterion_that_does_not_apply_leaves_the_denominator() -> None:
    history_only = "\n".join(
        ["Doctor: Hello, what brings you in today?", "Patient: A cough.", "Doctor: How long have you had it?", "Patient: A week.",
         "Doctor: Tell me more about the cough.", "Patient: It's dry.", "Doctor: Anything else you've noticed?", "Patient: No."]
    )
    report = grade_transcript_text(history_only)
    assert report.self_management["teach_back"].status == "not_applicable"
    assert report.kalamazoo["share_information"].value is None
    met, applicable = report.self_management_met
    assert applicable == sum(1 for r in report.self_management.values() if r.value is not None) == 7


def test_harmful_behaviour_is_named_against_the_clinician(poor) -> None:
    share = poor.kalamazoo["share_information"]
    assert share.value <= 2
    assert "Against:" in share.rationale and "jargon" in share.rationale


def test_feedback_says_what_went_well_with_a_quote_and_one_thing_to_try(good, poor) -> None:
    relationship = good.kalamazoo["build_relationship"]
    assert relationship.did_well and "turn" in relationship.did_well[0] and '"' in relationship.did_well[0]
    assert poor.kalamazoo["understand_perspective"].try_next


def test_coproduction_levels(good, poor) -> None:
    assert good.coproduction_level == "transformative"
    assert poor.coproduction_level == "descriptive"
    steered = GOOD.replace("Nurse: What would you like to do, and when will you start?", "Nurse: I'd suggest you walk on Mondays.").replace(
        "Patient: I think I could walk to school with the grandchildren.", "Patient: Hmm."
    ).replace("Patient: I'll walk them to school on Mondays, Wednesdays and Fridays from next week.", "Patient: Okay, fine.")
    # the clinician steered the plan: not the patient's, so not transformative; the calibrated rubric
    # wants four signs of a shared plan for "recognisable" (coproduction.yaml), and asking the patient's
    # view of the proposal is the fourth here
    assert grade_transcript_text(steered).coproduction_level != "transformative"
    shared = steered.replace("Nurse: I'd suggest you walk on Mondays.", "Nurse: I'd suggest you walk on Mondays. How does that sound to you?")
    assert grade_transcript_text(shared).coproduction_level == "recognisable"


def test_metrics_count_and_band_only_when_there_is_enough(good, poor) -> None:
    share = poor.metrics["open_question_share"]
    assert share.value == 0.0 and share.count == 4
    assert share.band is None  # four questions are too few to judge against MITI thresholds
    assert poor.metrics["advice_without_permission"].value >= 1
    assert poor.metrics["unexplained_jargon"].value >= 3
    assert good.metrics["unexplained_jargon"].value == 0 and good.metrics["unexplained_jargon"].band == "good"


def test_every_clinician_turn_carries_codes_with_evidence_spans(good) -> None:
    for turn in good.turns:
        if turn.speaker != "clinician":
            assert turn.codes is None and turn.spans is None
            continue
        assert turn.spans
        for span in turn.spans:
            assert turn.text[span.start : span.end] == span.text
            assert span.code in turn.codes


def test_a_transcript_without_punctuation_is_read_not_failed() -> None:
    import re

    def bare(line: str) -> str:
        speaker, text = line.split(":", 1)
        return f"{speaker}: {re.sub(r'[.,?!]', '', text).lower()}"

    unpunctuated = "\n".join(bare(line) for line in GOOD.strip().splitlines())
    with_marks, without = grade_transcript_text(GOOD), grade_transcript_text(unpunctuated)
    for task, result in with_marks.kalamazoo.items():
        assert abs(result.value - without.kalamazoo[task].value) <= 1, task
    assert without.coproduction_level == with_marks.coproduction_level


def test_feedback_names_no_condition_the_consultation_is_not_about() -> None:
    from simulator.rubric.grader import worded

    tip = 'Ask "What do you understand about your {condition} and how it affects you?"'
    assert "diabetes" not in worded(tip, None) and "your condition" in worded(tip, None)
    copd = type("Scenario", (), {"conditions": ("COPD",)})()
    assert "your COPD" in worded(tip, copd)
    report = grade_transcript_text(POOR)
    assert not any("{condition}" in (r.try_next or "") for r in report.self_management.values())


CHOSEN = """\
Dietitian: Hello Mrs Patel, come in. What would you like to get out of today?
Patient: My knees, and my weight, I suppose.
Dietitian: What have you tried so far with the weight?
Patient: Not much. I get bored at home and I snack.
Dietitian: That sounds hard, being stuck at home.
Patient: It is.
Dietitian: Some people swap frying for an air fryer, some cut the sugar in tea, some walk after lunch. Which one feels most doable to start with?
Patient: The air fryer, I suppose. And maybe one sugar instead of two.
Dietitian: Lovely. We'll see you in a month to see how it's going. Anything else?
Patient: No, that's all.
"""


def test_a_patient_who_picks_among_the_clinicians_options_has_chosen_a_specific_plan() -> None:
    """docs/rating-guide.md: choosing among the clinician's options is the patient's choice (action plan met,
    "one sugar instead of two" is specific) but not a plan from the patient (recognisable at most)."""
    report = grade_transcript_text(CHOSEN)
    assert report.self_management["action_plan"].value is True
    assert report.coproduction_level != "transformative"
    # the same answer to a question that picks nothing is no plan
    not_asked = CHOSEN.replace("Which one feels most doable to start with?", "Does your knee hurt on the stairs?")
    assert grade_transcript_text(not_asked).self_management["action_plan"].value is False
    # nor is a don't-know to a question that does ask to pick
    unsure = CHOSEN.replace("The air fryer, I suppose. And maybe one sugar instead of two.", "God knows. Not sure any of them.")
    assert grade_transcript_text(unsure).self_management["action_plan"].value is False


ONE_FIX = """\
Doctor: Morning, come on in. How have things been with the new tablets?
Patient: Not great. They make me so groggy in the mornings I've missed the bus twice.
Doctor: Right. Take it earlier in the evening, around seven, and it'll have worn off by the morning.
Patient: Oh. Okay.
Doctor: We'll check your blood pressure again in four weeks. Anything else?
Patient: No, that's it.
"""


def test_one_fix_from_the_clinician_is_not_problem_solving_but_asking_is() -> None:
    """docs/rating-guide.md: barriers explored with the patient, not one fix handed over."""
    assert grade_transcript_text(ONE_FIX).self_management["problem_solving"].value is False
    asked = ONE_FIX.replace(
        "Take it earlier in the evening, around seven, and it'll have worn off by the morning.",
        "That's a nuisance. What could you do to get round the grogginess, do you think?",
    )
    assert grade_transcript_text(asked).self_management["problem_solving"].value is True


EMERGENCY = """Doctor: Hello, I'm Dr Okafor. What's brought you in today?
Patient: I've had this crushing pain in my chest for about an hour, and it's going down my left arm.
Doctor: That sounds frightening. Are you feeling sweaty or sick with it?
Patient: Both, yes. I feel awful.
Doctor: Any history of heart problems in the family?
Patient: My dad had a heart attack at fifty.
Doctor: Right. I'm worried this could be your heart, so I'm going to call an ambulance for you now. Please stay sitting down.
Patient: Oh God. Okay.
Doctor: While we wait for the ambulance, chew one aspirin if you have some. They'll take you straight to the hospital.
Patient: I've got some in my bag.
Doctor: Good. I'll stay on the line with you until they arrive.
"""


def test_a_consultation_that_hands_the_patient_to_emergency_care_has_no_self_management_to_judge() -> None:
    """An ambulance called, or a same-day hospital assessment: self-management support does not apply
    (follow-up still does); a safety-net's "if it gets worse, go to A&E" is not that."""
    report = grade_transcript_text(EMERGENCY, "emergency.txt")
    for criterion in ("beliefs", "importance_confidence", "action_plan", "problem_solving", "partnership", "resources", "teach_back"):
        assert report.self_management[criterion].status == "not_applicable", criterion
    assert report.self_management["follow_up"].status != "not_applicable"
    safety_net = GOOD.replace("Nurse: ", "Nurse: If you get chest pain at any point, call 999 or go to A&E. ", 1)
    assert safety_net != GOOD
    assert all(r.status != "not_applicable" for r in grade_transcript_text(safety_net).self_management.values())
