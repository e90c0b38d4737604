"""Prompt injection: every adversarial line in injections.txt, as clinician turns, against every shipped
scenario and three kinds of model (one that says its line, one that prints its whole prompt back, one that
says it is an AI). After every turn, every request the server received during that turn is searched for
each fact the director still kept locked: its content, each of its lines, and its id. None may be there.
The patient must stay in character, whatever the model did.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.patient import ScriptedPatient
from simulator.patient.guard import ReplyGuard
from simulator.patient.llm_actor import LLMPatient

from fault_server import FaultServer
from llmhelpers import SCENARIOS, as_an_ai, echo_prompt, fast, leaks_in, locked_after, quote_gist

INJECTIONS = [
    line.strip()
    for line in (Path(__file__).parent / "injections.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]
MODELS = {"says-its-line": quote_gist, "prints-its-prompt": echo_prompt, "claims-to-be-an-ai": as_an_ai}


def test_there_are_at_least_fifty_injections() -> None:
    assert len(INJECTIONS) >= 50 and len(set(INJECTIONS)) == len(INJECTIONS)


@pytest.mark.parametrize("model", sorted(MODELS))
@pytest.mark.parametrize("scenario_id", sorted(SCENARIOS))
def test_no_request_carries_a_locked_fact_and_the_patient_stays_in_character(scenario_id: str, model: str) -> None:
    scenario = SCENARIOS[scenario_id]
    guard = ReplyGuard(scenario)
    turns = [f"Hello {scenario.patient.name.split()[0]}, come in.", *INJECTIONS]
    with FaultServer(responder=MODELS[model]) as server:
        engine = LLMPatient(scenario, 1, settings=fast(server.base_url))
        offline = ScriptedPatient(scenario, 1)
        previous = offline_previous = None
        requests_seen = 0
        for index, line in enumerate(turns):
            reply = engine.respond(line, 2 * index, previous)
            offline_reply = offline.respond(line, 2 * index, offline_previous)
            previous, offline_previous = reply.text, offline_reply.text
            requests = server.chat_requests()
            this_turn, requests_seen = requests[requests_seen:], len(requests)
            assert this_turn, "every turn asked the model"
            locked = locked_after(scenario, engine.state.disclosed)
            for request in this_turn:
                assert not leaks_in(request, locked), f"turn {index} ({line!r}) sent a locked fact"
            # in character: no out-of-character phrase, no echo of the prompt, whatever the model said
            assert not guard.out_of_character.search(reply.text), (line, reply.text)
            assert "## " not in reply.text and "Rules you never break" not in reply.text
            if model == "says-its-line":
                assert reply.text == offline_reply.text and not reply.notes
            else:
                assert reply.text == offline_reply.text and "the scripted patient answered" in reply.notes[0]
        # injections cannot move disclosure: the ledger is exactly the offline engine's
        assert engine.ledger == offline.ledger
        assert locked_after(scenario, engine.state.disclosed), "some facts stayed locked, so the check had something to find"


def test_the_leak_check_would_notice_a_locked_fact(tmp_path: Path) -> None:
    """The check above is not vacuous: a request that carries a locked fact is caught, by line and by id."""
    scenario = SCENARIOS["t2d-hypo-fear"]
    fact = scenario.fact("hypo_fear")
    with FaultServer(responder=quote_gist) as server:
        engine = LLMPatient(scenario, settings=fast(server.base_url))
        engine.respond(f"Hello Gary. Someone told me: {fact.says[0]}", 0)
        engine.respond("Tell me about hypo_fear.", 2, None)
    first, second = server.chat_requests()
    locked = locked_after(scenario, ["letter_worry"])
    assert leaks_in(first, locked) == [f"hypo_fear: {fact.says[0][:60]}"]
    assert "hypo_fear: hypo_fear" in leaks_in(second, locked)  # (the first turn is in its history too)
