"""A patient you can hold a conversation with (issue 10): answers what was asked, knows its own life,
remembers, says everything the ledger records, ends on a goodbye and only then, drops cues, and shows
how it left."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator import resources
from simulator.consultation import Consultation
from simulator.outcome import outcome_text, patient_outcome
from simulator.patient import ScriptedPatient
from simulator.rubric import grade_session
from simulator.scenario import load_scenario

from conftest import SCENARIO_FILES

T2D = next(p for p in SCENARIO_FILES if p.stem == "t2d-hypo-fear")


def talk(engine: ScriptedPatient, lines: list[str]) -> list:
    replies, previous = [], None
    for i, line in enumerate(lines):
        reply = engine.respond(line, 2 * i, previous)
        previous = reply.text
        replies.append(reply)
    return replies


@pytest.fixture()
def gary():
    return load_scenario(T2D)


def test_the_patient_knows_its_own_life(gary) -> None:
    engine = ScriptedPatient(gary)
    replies = talk(engine, ["Hello Gary, come in.", "How old are you now?", "Have you got any pets?", "What do you like doing in your spare time?"])
    age, pets, likes = (r.text for r in replies[1:])
    assert str(gary.patient.age) in age or "fifty-eight" in age.lower()
    knows = {k.about: k for k in gary.patient.knows}
    assert any(line in pets for line in knows["pets"].says)
    assert any(line in likes for line in knows["likes"].says)


@pytest.mark.parametrize(
    ("line", "about"),
    [
        ("Go on then, run me through your tablets.", "medicines"),
        ("fill me in on who's at home", "home"),
        ("who else lives with you", "home"),  # speech-to-text: no question mark, no auxiliary
        ("Are you still grafting or have you packed it in now?", "work"),
        ("What do you do for a bit of fun?", "likes"),
        ("Any hobbies, or is it all telly?", "likes"),
        ("Has the missus got much to say about all this?", ("family", "home")),
        # clipped, form-filling questions
        ("Age?", "age"),
        ("Can you tell me what year you were born, please?", "age"),  # a fact asked, not a teach-back
        ("Next of kin?", ("family", "home")),
        ("What keeps you busy these days?", "likes"),
    ],
)
def test_everyday_questions_about_the_patients_life_get_their_own_answer(gary, line: str, about: str | tuple[str, ...]) -> None:
    engine = ScriptedPatient(gary)
    replies = talk(engine, ["Hello Gary, come in.", "How have things been?", line])
    own = [said for k in gary.patient.knows if k.about in ((about,) if isinstance(about, str) else about) for said in k.says]
    assert any(said in replies[2].text for said in own), replies[2].text


@pytest.mark.parametrize("line", ["What's a day look like for you, start to finish?", "What does a bad day look like for you?"])
def test_asked_about_their_days_the_patient_describes_their_own_not_a_habit_or_a_stock_day(gary, line: str) -> None:
    """A typical day is the scenario's own day (its `responses: daily_life`), not the first habit on file ("Never
    smoked in my life") nor the shared "Most days are much the same"."""
    shared = set(resources.data_file("patient_lines.yaml")["responses"]["daily_life"])
    own = [said for said in gary.lines["daily_life"] if said not in shared]
    assert own  # the scenario words its own days
    replies = talk(ScriptedPatient(gary), ["Hello Gary, come in.", "How have things been?", line])
    assert any(replies[2].text.startswith(said) for said in own), replies[2].text


def test_a_question_with_no_scripted_answer_gets_a_reply_about_what_was_asked(gary) -> None:
    engine = ScriptedPatient(gary)
    replies = talk(engine, ["Hello Gary.", "What's a typical day like for you?", "How do you see things going over the next few years?"])
    own_life = [line for k in gary.patient.knows for line in k.says]
    assert any(line in replies[1].text for line in [*gary.lines["daily_life"], *own_life])  # about his days
    assert any(line in replies[2].text for line in gary.lines["future"])
    dont_know = [line for pool in ("unknown", "nothing_more", "not_covered") for line in gary.lines[pool]]
    assert not any(r.text in dont_know for r in replies[1:])


def test_asked_again_the_patient_says_so_and_then_gets_short(gary) -> None:
    engine = ScriptedPatient(gary)
    replies = talk(engine, ["Hello Gary.", "Have you got any pets?", "Have you got any pets?", "Have you got any pets?"])
    first, second, third = (r.text for r in replies[1:])
    lead = next(lead for lead in gary.lines["repeat"] if second.startswith(lead))
    said_again = second.removeprefix(lead).strip()
    # the same answer again, its opening at least (a long one is cut short): "As I said, we've got a dog, Bella."
    assert len(said_again) > 10 and first.lower().startswith(said_again.lower())
    assert any(third.startswith(lead) for lead in gary.lines["repeat_impatient"])


def test_a_word_the_patient_used_is_never_jargon_to_them(gary) -> None:
    engine = ScriptedPatient(gary)
    talk(engine, ["Hello Gary."])
    engine.director.heard_self("They said my HbA1c was up again.")
    reply = engine.respond("So your HbA1c has gone up, then?", 4, "They said my HbA1c was up again.")
    assert not reply.decision.confused
    fresh = ScriptedPatient(gary)
    talk(fresh, ["Hello Gary."])
    assert fresh.respond("So your HbA1c has gone up, then?", 4, None).decision.confused


def test_everything_the_ledger_records_is_said_even_by_a_terse_patient(gary) -> None:
    assert gary.patient.speech.verbosity == "terse"
    for path in SCENARIO_FILES:
        scenario = load_scenario(path)
        consultation = Consultation.start(scenario, seed=2, autosave=False)
        for line in (Path(__file__).parent / "consultations" / scenario.id / "good.txt").read_text().splitlines():
            if line.strip() and not consultation.ended:
                consultation.say(line)
        texts = {t.index: t.text for t in consultation.session.turns}
        for disclosure in consultation.session.disclosures:
            fact = scenario.fact(disclosure.fact)
            said = texts[disclosure.turn + 1]  # the patient's reply to the clinician turn that brought it out
            assert any(line.lower() in said.lower() for line in fact.says), (scenario.id, fact.id, said)


@pytest.mark.parametrize(
    "line",
    [
        "Right, that's us for today. Take care.",
        "See you in a month, Gary.",
        "Cheers, all the best.",
        "Mind how you go.",
        "Lovely, I'll let you get off then.",
        # a goodbye with thanks, a wish or a reminder after it, or a term of address
        "Goodbye, Mr Patel, and thank you.",
        "Bye for now, and mind the ice.",
        "Laters, bruv. Any problems, just come back in.",
        "Okay, you have a good day now, y'hear.",
        "right erm i think thats us done for today cheers",
        "Cheers, ta. Say hi to your mum for me.",  # regards sent home: said only at parting
        "Okay. Give my love to Sandra.",
        "Okay, bye for now, Gary.",  # "now" before a name is part of the goodbye
        "Right, that's it for today.",
        "Lovely to meet you, Gary. Take care of that back.",
        "Thank you, Gary. You are carrying a lot. Please greet Sandra for me.",
        "Brilliant. Thanks for coming in, Gary, even if the letter made you. Go and get some sleep.",
        "Right, see you after Christmas then, Gary.",
        "Grand, see you at the diabetes clinic in the autumn.",
        "Bye Gary, and happy birthday for Sunday.",
        "That's you good to go.",
        "Right, look after yourself. Cheerio just now.",  # Scots: "just now" is "for now"
        # a whole last turn: the booking first, then the leave-taking with what follows it
        "The bloods are booked for the 12th. Take care, Gary, and I'll give you a ring when they're back.",
        "Right, off you pop, and good luck at the wedding on Saturday.",
        "Okay, the new prescription's at the chemist. Lovely seeing you, Gary.",
        "That's everything for today, you can head off home now.",
        "Bye then, and remember, if you go shaky at work, stop the truck and have something sugary.",
        # who or what else to look after, and texting shorthand (both from the blind test50/51 transcripts)
        "Lovely to meet you, Gary. Look after yourself, and the tin.",
        "lovely to meet u gary, look after urself on them nights, see u soon",
        # (fresh test52/53, found after they were measured)
        "Okay. Thank you, Gary. Take care going home, and I will speak to you on Wednesday.",
        "Okay, you did very well today. Go careful on the forklift, and I see you in three weeks, ciao ciao.",
    ],
)
def test_a_goodbye_ends_the_consultation(gary, line: str) -> None:
    engine = ScriptedPatient(gary)
    assert talk(engine, ["Hello Gary.", "How have things been?", line])[-1].decision.closing


@pytest.mark.parametrize(
    "line",
    [
        "Hi Gary, good to see you, take a seat.",
        "Take care when you're lifting at work, won't you?",
        "My last patient said see you later.",
        "Thanks for telling me that. What else?",
        "Good afternoon.",  # a greeting, not "have a good afternoon"
        "We need to sort this out sooner rather than later.",
        "If it's no better in a week I'd like to come and see you again.",
        "I'll say hello to your GP for you.",
        "Can you say hi to your mum for me?",
        "See you in a minute, I'm just grabbing the nurse.",
        "I'll see you at the door once I've printed your form.",
        "Hello there, thanks for coming in. So it's your diabetes review today.",
        "spot on thats it",  # praise for a teach-back (speech-to-text), not leave-taking
        "Breathe right out first, then in slow through the spacer, and hold it. That's it.",  # like that
        "You need to take care of your feet, Gary.",
        "Yes, that's it exactly.",
        "Take care of yourself, and the tablets need to be taken twice a day.",
    ],
)
def test_a_farewell_word_in_a_greeting_question_or_advice_does_not(gary, line: str) -> None:
    engine = ScriptedPatient(gary)
    assert not talk(engine, ["Hello Gary.", "How have things been?", line])[-1].decision.closing


def test_the_goodbye_fits_how_it_went(gary) -> None:
    cold = ScriptedPatient(gary)
    rude = ["Hello.", "You must take your tablets.", "You need to lose weight.", "You should stop the coke.", "Your HbA1c is terrible.", "Bye."]
    goodbye = talk(cold, rude)[-1].text
    assert cold.state.affect == "guarded" and goodbye in gary.lines["closing_cool"]
    assert "lecturing" not in goodbye


def test_a_lecture_that_mentions_walking_makes_no_plan(gary) -> None:
    engine = ScriptedPatient(gary)
    lecture = ("Walking is very good for diabetes. Exercise lowers blood sugar, helps weight, helps the heart, and the guidance says "
               "adults should do 150 minutes a week of moderate activity such as brisk walking, cycling or swimming, and walking the dog "
               "counts as well, as does gardening or any activity that gets you a bit out of breath, so it all adds up over the week.")
    replies = talk(engine, ["Hello Gary.", lecture])
    assert replies[-1].decision.plan is None or replies[-1].decision.plan.kind != "agreed"
    assert engine.state.plan_agreed is None


def test_a_cue_is_dropped_taken_up_and_opens_what_it_hints_at(gary) -> None:
    engine = ScriptedPatient(gary)
    replies = talk(engine, ["Hello Gary.", "Do you take your tablets?"])
    cue = replies[-1].decision.cue
    assert cue is not None and any(line in replies[-1].text for line in cue.says)
    taken = engine.respond("It sounds like that's been on your mind. Tell me more about that?", 4, replies[-1].text)
    assert taken.decision.cue_outcome == ("taken_up", cue)
    assert engine.state.cues[-1]["outcome"] == "taken_up"


def test_missed_cues_are_recorded_and_the_patient_stops_offering_them(gary) -> None:
    engine = ScriptedPatient(gary)
    lines = ["Hello Gary.", "Do you take your tablets?", "Do you smoke?", "Do you drink?", "Any chest pain?", "Do you check your feet?",
             "Do you drive?", "Any family history?", "Do you take your tablets?", "Do you work shifts?", "Do you eat takeaways?"]
    talk(engine, lines)
    records = engine.state.cues
    assert [r["outcome"] for r in records[:2]] == ["missed", "missed"]
    assert engine.state.missed_run >= 2
    silenced_from = records[1]["answered"]
    assert not [r for r in records if r["turn"] > silenced_from]  # no cue after two missed in a row


def test_how_the_patient_left_is_read_from_the_record(gary) -> None:
    consultation = Consultation.start(gary, seed=0, autosave=False)
    for line in ["Hello Gary.", "Are you taking your metformin?", "You need to lose weight.", "Do you drink?", "Bye."]:
        if not consultation.ended:
            consultation.say(line)
    outcome = patient_outcome(consultation.session, gary)
    assert outcome is not None and outcome.rapport.start == gary.patient.rapport
    assert outcome.plan is None
    unsaid = {u.fact for u in outcome.unspoken}
    assert "hypo_fear" in unsaid and all(u.would_open for u in outcome.unspoken)
    prem = {item.id: item.score for item in outcome.prem.items}
    assert prem["understood"] <= 1 and prem["included"] <= 1
    report = grade_session(consultation.session, gary)
    assert report.outcome and report.to_dict()["outcome"]["prem"]["total"] == outcome.prem.total


def test_every_plan_still_standing_is_in_how_the_patient_left(gary) -> None:
    # the good consultation agrees Gary's own walk, then the clinician's slow-release metformin: both stand, the walk
    # is not dropped from the outcome because a plan for another behaviour came after it
    lines = (Path(__file__).resolve().parent / "consultations" / "t2d-hypo-fear" / "good.txt").read_text(encoding="utf-8").splitlines()
    consultation = Consultation.start(gary, seed=0, autosave=False)
    for line in (line.strip() for line in lines if line.strip() and not line.startswith("#")):
        if not consultation.ended:
            consultation.say(line)
    outcome = patient_outcome(consultation.session, gary)
    assert outcome is not None and outcome.plan is not None
    standing = [*outcome.also_agreed, outcome.plan]
    assert [p.source for p in standing] == ["patient", "clinician"] and len({p.plan for p in standing}) == 2
    assert outcome.plan.turn > outcome.also_agreed[0].turn
    text = "\n".join(outcome_text(outcome.to_dict(), visual=False))
    assert all(f"Plan: {p.plan}" in text for p in standing)


PROBES = Path(__file__).resolve().parent.parent / "benchmarks" / "probes"
PERSONA_KINDS = ("age", "work", "home", "family", "pets", "medicines", "habits", "likes")
DONT_KNOW = ("unknown", "nothing_more", "not_covered", "not_covered_closed")


def _dev_probes() -> dict[str, list[str]]:
    """The development sets of probe lines, written in many voices by people who had not seen this code
    (the held-out test set is for benchmarks/bench_fidelity.py only)."""
    import yaml

    merged: dict[str, list[str]] = {}
    for file in ("fidelity.dev.yaml", "fidelity.dev2.yaml", "endings.dev3.yaml", "endings.dev4.yaml"):
        for kind, lines in yaml.safe_load((PROBES / file).read_text(encoding="utf-8"))["probes"].items():
            merged.setdefault(kind, []).extend(lines)
    return merged


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.stem)
def test_every_written_goodbye_ends_it_and_every_near_miss_does_not(path: Path) -> None:
    scenario, probes = load_scenario(path), _dev_probes()
    def ends(line: str) -> bool:
        return talk(ScriptedPatient(scenario), ["Hello, come in.", "How have things been?", line])[-1].decision.closing

    wrong = [line for line in probes["goodbye"] if not ends(line)] + [line for line in probes["not_goodbye"] if ends(line)]
    assert not wrong, wrong


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.stem)
def test_questions_about_the_patients_own_life_never_get_a_dont_know(path: Path) -> None:
    scenario, probes = load_scenario(path), _dev_probes()
    known = {k.about for k in scenario.patient.knows}
    dont_know = {line for pool in DONT_KNOW for line in scenario.lines[pool]}
    wrong = []
    for kind in PERSONA_KINDS:
        if kind not in known:
            continue
        for line in probes[kind]:
            reply = talk(ScriptedPatient(scenario), ["Hello, come in.", line])[-1].text
            if reply in dont_know:
                wrong.append((kind, line, reply))
    assert not wrong, wrong


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.stem)
def test_a_question_about_one_habit_is_not_answered_with_another(path: Path) -> None:
    """The persona's lines about drink do not answer a question about exercise: a line the patient knows is
    said only to a question about what it covers."""
    scenario = load_scenario(path)
    asked = {
        "exercise": ["Do you get much exercise?", "Are you getting out for walks at all?"],
        "sleep": ["How are you sleeping?", "Getting a decent night's kip?"],
        "alcohol": ["Do you drink at all?", "How many units a week would you say?"],
        "smoking": ["Do you smoke?", "Still on the fags?"],
        "diet": ["What's your diet like?", "What sort of things do you eat in a day?"],
    }
    for topic, lines in asked.items():
        for line in lines:
            reply = talk(ScriptedPatient(scenario), ["Hello, come in.", line])[-1].text
            for known in scenario.patient.knows:
                if any(said in reply for said in known.says):
                    assert topic in known.topics or not known.topics, (line, reply, known.topics)


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.stem)
def test_how_often_they_take_it_is_not_answered_with_what_they_take(path: Path) -> None:
    """Usage questions ("How many times a day do you use the blue one?") get an answer about use, never the list
    of the patient's medicines that 'What are you on?' gets."""
    scenario = load_scenario(path)
    listing = [said for known in scenario.patient.knows if known.about == "medicines" for said in known.says]
    assert listing
    for line in ["How often do you take your tablets?", "How many times a day do you use your inhalers?", "Do you ever forget your medicines?",
                 "What time of day do you take your meds?", "Are you taking your tablets every day?", "How often are you needing your inhaler?"]:
        reply = talk(ScriptedPatient(scenario), ["Hello, come in.", line])[-1]
        if reply.decision.disclosed:
            continue  # the secret itself came out: an answer about use
        assert not any(said in reply.text for said in listing), (line, reply.text)
    which = talk(ScriptedPatient(scenario), ["Hello, come in.", "What medicines are you on at the moment?"])[-1]
    assert which.decision.disclosed or any(said in which.text for said in listing), which.text


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.stem)
def test_questions_with_another_job_are_not_answered_with_the_patients_life(path: Path) -> None:
    """From the hand check of whole dev consultations: 'What worries you most?', 'Would it help to bring your other half
    along?', a plan to agree to, a safety-net, were answered with the persona's lines about home, family or history."""
    scenario = load_scenario(path)
    life = [said for known in scenario.patient.knows for said in known.says]
    script = ["Hello, come in.", "How are things at home, who's there with you?"]
    for line in ["That's a lot to deal with. What worries you most about all of this?", "Would it help to bring your other half along next time?",
                 "How about we give it three months and see where the numbers are?", "What were you hoping we'd do for you today?"]:
        reply = talk(ScriptedPatient(scenario), [*script, line])[-1]
        assert not any(said in reply.text for said in life), (line, reply.text)
    net = talk(ScriptedPatient(scenario), [*script, "If you get chest pain or can't catch your breath, ring 999 straight away."])[-1]
    # when to ring, acknowledged (a cue or the patient's own question may follow)
    assert any(net.text.startswith(said) for said in scenario.lines["safety_net"]) or net.decision.disclosed, net.text
