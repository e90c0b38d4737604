"""What the patient would say (issue 10): with a model configured, the patient adds two or three sentences in
character about how it went, asked once when the consultation ends, from what happened; a failed or
out-of-character answer leaves the patient-reported measure on its own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from simulator.cli import main
from simulator.consultation import Consultation

from fault_server import Fault, FaultServer
from llmhelpers import SCENARIOS, fast, quote_gist, script_lines, system_prompt

T2D = SCENARIOS["t2d-hypo-fear"]
ASKED = "On your way out, a friend asks you how it went"
SAYS = ("Honestly? Better than I thought. She didn't lecture me, and we've got a plan I came up with myself. "
        "Still haven't told her about my dad, mind. Maybe next time. Anyway, I'm off.")


def patient_or_comment(comment: str):
    def respond(request: dict[str, Any]) -> str:
        return comment if ASKED in system_prompt(request) else quote_gist(request)

    return respond


def consult(server: FaultServer, tmp_path: Path, lines: list[str] | None = None) -> Consultation:
    consultation = Consultation.start(T2D, seed=3, out=tmp_path / "session.json", llm=fast(server.base_url))
    for line in lines or script_lines("t2d-hypo-fear"):
        consultation.say(line)
        if consultation.ended:
            break
    if not consultation.ended:
        consultation.end()
    return consultation


def test_the_patient_says_how_it_went_once_from_what_happened(tmp_path: Path, capsys) -> None:
    with FaultServer(responder=patient_or_comment(SAYS)) as server:
        consultation = consult(server, tmp_path)
        asks = [r for r in server.chat_requests() if ASKED in system_prompt(r.json)]
    assert len(asks) == 1  # asked once, when the consultation ended
    prompt = system_prompt(asks[0].json)
    assert "Whether you felt listened to:" in prompt and "The plan:" in prompt
    saved = consultation.session.patient_comment
    assert saved is not None and saved.model == "test-model"
    # three sentences at most ("Honestly?" is one)
    assert saved.text == "Honestly? Better than I thought. She didn't lecture me, and we've got a plan I came up with myself."
    assert main(["grade", str(tmp_path / "session.json")]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "In Gary's words: \"Honestly? Better than I thought." in out


def test_what_the_patient_left_unsaid_is_in_the_prompt(tmp_path: Path) -> None:
    with FaultServer(responder=patient_or_comment(SAYS)) as server:
        consult(server, tmp_path, ["Hello Gary.", "Take your tablets and cut down the sugar. Bye now."])
        asks = [r for r in server.chat_requests() if ASKED in system_prompt(r.json)]
    prompt = system_prompt(asks[0].json)
    unsaid = prompt.split("What you still have not told them:", 1)[1]
    assert "nothing: you said what was on your mind" not in unsaid.split("\n")[0]  # a lecture leaves worries unsaid


@pytest.mark.parametrize(
    "words",
    [
        "As an AI language model, I think the consultation went well.",
        # seen from Gemma 3 270M on the real server: the prompt read out
        "You are a patient at a GP annual diabetes review. Your health: type 2 diabetes. Personality: friendly but defensive.",
        "You're 58 and you drive a forklift. It went fine.",
        "You should take 500 mg of metformin twice a day. It went well.",
    ],
)
def test_out_of_character_words_are_not_kept(tmp_path: Path, words: str) -> None:
    with FaultServer(responder=patient_or_comment(words)) as server:
        consultation = consult(server, tmp_path)
    assert consultation.ended and consultation.session.patient_comment is None


def test_a_server_failure_at_the_end_leaves_the_measure_on_its_own(tmp_path: Path) -> None:
    lines = script_lines("t2d-hypo-fear")
    with FaultServer(responder=quote_gist) as server:
        consultation = Consultation.start(T2D, seed=3, out=tmp_path / "session.json", llm=fast(server.base_url, max_attempts=1))
        for line in lines[:4]:
            consultation.say(line)
        server.push(Fault.status(500))
        consultation.end()  # the comment request fails: no exception, the consultation ends and is saved
    assert consultation.ended and consultation.session.patient_comment is None
    assert '"status": "ended"' in (tmp_path / "session.json").read_text(encoding="utf-8")


def test_the_scripted_patient_asks_no_server_and_has_no_comment(tmp_path: Path) -> None:
    consultation = Consultation.start(T2D, seed=3, out=tmp_path / "session.json")
    for line in script_lines("t2d-hypo-fear"):
        consultation.say(line)
    consultation.end()
    assert consultation.session.patient_comment is None
