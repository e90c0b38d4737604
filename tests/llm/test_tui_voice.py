"""The model patient in the terminal UI and the plain prompt, against our OpenAI-compatible server on loopback:
which backend and model are in use, replies streamed as they come, fall-backs said plainly, resuming with the
same voice."""

from __future__ import annotations

import argparse
import asyncio
import io
import json
from pathlib import Path

import pytest
from tui.tuihelpers import T2D, frozen_app, settle, shown_text, type_text

from simulator.consultation import Consultation, voice_label
from simulator.llm.options import settings_to_resume
from simulator.llm.settings import Secret
from simulator.plain import run_plain
from simulator.scenario import load_scenario
from simulator.session import load
from simulator.session.index import find_session
from simulator.tui.replies import StreamedReplies
from simulator.tui.widgets.chat_input import ChatInput
from simulator.tui.widgets.transcript import TurnView

from fault_server import FaultServer, closed_port
from llmhelpers import as_an_ai, fast, quote_gist

KEY = "sk-test-SECRET-0123456789"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"

HELLO = "Hello Gary, what brings you in today?"


def notes_shown(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


class RecordedReplies(StreamedReplies):
    """The app's own streamed replies, keeping what the transcript was shown after each chunk (polling the screen
    on a timer missed states when a loaded machine delivered two sentences in one turn of the event loop)."""

    def __init__(self) -> None:
        self.shown: list[str] = []

    async def stream(self, consultation, text):
        async for chunk in super().stream(consultation, text):
            self.shown.append(chunk.text if chunk.restart else (self.shown[-1] if self.shown else "") + chunk.text)
            yield chunk


@pytest.mark.anyio
async def test_the_model_voices_the_patient_and_its_reply_streams_in() -> None:
    recorded = RecordedReplies()
    with FaultServer(responder=quote_gist, chunk_delay=0.03) as server:
        app = frozen_app(scenario=load_scenario(T2D), llm=fast(server.base_url, api_key=Secret(KEY)), streamed=recorded)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            screen = app.screen
            voice = shown_text(screen.query_one("#voice"))
            assert voice.strip() == f"model test-model · 127.0.0.1:{server.port}"
            await type_text(pilot, HELLO)
            screen.query_one(ChatInput).action_send()  # not pilot.press: it would wait for the whole reply
            streaming_seen = False
            for _ in range(300):
                await asyncio.sleep(0.01)
                streaming_seen = streaming_seen or bool(screen.query(".-streaming"))
                if len(screen.consultation.session.turns) == 2:
                    break
            await settle(pilot)
            turns = screen.consultation.session.turns
            assert len(turns) == 2 and turns[1].text
            assert streaming_seen, "the reply's view should be marked as streaming while it comes in"
            assert len(recorded.shown) >= 2, f"the reply should have grown a sentence at a time, got {recorded.shown}"
            assert all(turns[1].text.startswith(part.rstrip()) for part in recorded.shown)  # each state a prefix of the reply
            assert screen.query(TurnView)[1].words == turns[1].text
            assert not screen.consultation.session.notes and not notes_shown(app)
            assert len(server.chat_requests()) == 1 and server.chat_requests()[0].json.get("stream") is True
        saved = screen.consultation.path.read_text(encoding="utf-8")
        assert KEY not in saved and json.loads(saved)["engine"]["model"] == "test-model"
        usage = load(screen.consultation.path).engine["usage"]  # load() validates against the session schema
        assert usage["requests"] == 1 and usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"] > 0


@pytest.mark.anyio
async def test_a_server_that_is_down_is_said_plainly_and_the_scripted_patient_answers() -> None:
    app = frozen_app(scenario=load_scenario(T2D), llm=fast(f"http://127.0.0.1:{closed_port()}/v1"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        for line in (HELLO, "Go on"):
            await type_text(pilot, line)
            await pilot.press("enter")
            await settle(pilot)
        session = screen.consultation.session
        assert len(session.turns) == 4 and all(turn.text for turn in session.turns)
        first, second = (note.note for note in session.notes)
        assert "did not answer" in first and "scripted patient answered" in first
        assert "skipped for" in second  # found down once: not tried again on the next turn
        shown = notes_shown(app)
        assert first in shown and second in shown
        assert shown_text(screen.query_one("#status")).strip().startswith("Note: The model server")


async def drawn_while_streaming(pilot, screen, recorded: RecordedReplies) -> list[str]:
    """Send the typed line and return every state of the patient's turn as handed to the transcript."""
    screen.query_one(ChatInput).action_send()  # not pilot.press: it would wait for the whole reply
    for _ in range(500):
        await asyncio.sleep(0.01)
        if len(screen.consultation.session.turns) == 2:
            break
    await settle(pilot)
    return recorded.shown


def gist_then_out_of_character(request) -> str:
    return quote_gist(request) + " As an AI language model, I must add that this is only a simulation."


@pytest.mark.anyio
@pytest.mark.parametrize("responder", [as_an_ai, gist_then_out_of_character], ids=["all-bad", "bad-second-half"])
async def test_a_rejected_reply_is_never_drawn(responder) -> None:
    recorded = RecordedReplies()
    with FaultServer(responder=responder, chunk_delay=0.01) as server:
        app = frozen_app(scenario=load_scenario(T2D), llm=fast(server.base_url), streamed=recorded)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            screen = app.screen
            await type_text(pilot, HELLO)
            drawn = await drawn_while_streaming(pilot, screen, recorded)
            reply = screen.consultation.session.turns[1]
            assert drawn and not [state for state in drawn if "AI" in state or "simulation" in state], drawn
            assert all(reply.text.startswith(state.rstrip()) for state in drawn)  # never taken back: each a prefix
            assert screen.query(TurnView)[1].words == reply.text
            if responder is as_an_ai:  # nothing usable: the scripted line, said to be so
                assert any("was not used" in note for note in notes_shown(app))
                assert len(server.chat_requests()) == 2  # the first try and one regeneration
            else:  # the good sentences stand; the rest was never shown
                assert len(server.chat_requests()) == 1 and not notes_shown(app)


@pytest.mark.anyio
async def test_resuming_a_model_session_keeps_its_voice_and_gives_the_model_the_conversation_so_far() -> None:
    with FaultServer(responder=quote_gist) as server:
        settings = fast(server.base_url)
        first = Consultation.start(load_scenario(T2D), seed=1, llm=settings)
        first.say(HELLO)
        saved = find_session(first.session.id)
        resumed_settings = settings_to_resume(argparse.Namespace(), saved.session.engine)
        assert (resumed_settings.backend, resumed_settings.model, resumed_settings.base_url) == ("openai", "test-model", server.base_url)
        server.clear()
        app = frozen_app(saved=saved, llm=settings)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            await type_text(pilot, "Go on")
            await pilot.press("enter")
            await settle(pilot)
        [request] = server.chat_requests()
        assert HELLO in request.messages_text and first.session.turns[1].text in request.messages_text
        resumed = load(first.path)
        assert resumed.engine["backend"] == "openai" and len(resumed.turns) == 4
        assert resumed.engine["usage"]["requests"] == 2  # the first part's request and the resumed part's


def test_resuming_scripted_when_the_model_session_is_carried_on_offline() -> None:
    with FaultServer(responder=quote_gist) as server:
        first = Consultation.start(load_scenario(T2D), seed=1, llm=fast(server.base_url))
        first.say(HELLO)
    resumed = Consultation.resume(first.scenario, load(first.path), first.path, llm=None)
    assert resumed.engine.name == "scripted"
    resumed.say("Go on")
    session = load(first.path)
    assert voice_label(session.engine) == "scripted patient (offline)"
    assert session.engine["usage"]["requests"] == 1  # the model's part of the session still counted
    assert any("from here the patient is voiced by the scripted patient" in n.note for n in session.notes)


def test_the_plain_prompt_names_the_voice_streams_and_prints_notes() -> None:
    with FaultServer(responder=quote_gist) as server:
        out = io.StringIO()
        stdin = io.StringIO(f"{HELLO}\n/quit\n")
        assert run_plain(scenario=load_scenario(T2D), stdin=stdin, stdout=out, llm=fast(server.base_url)) == 0
    text = out.getvalue()
    assert f"voiced by the model test-model at {server.base_url}" in text
    patient = next(line for line in text.splitlines() if line.startswith("Patient: "))
    assert len(patient) > len("Patient: ") + 5 and "(Note:" not in text

    out = io.StringIO()
    down = fast(f"http://127.0.0.1:{closed_port()}/v1")
    assert run_plain(scenario=load_scenario(T2D), stdin=io.StringIO(f"{HELLO}\n/quit\n"), stdout=out, llm=down) == 0
    assert "(Note: The model server did not answer" in out.getvalue()


def test_practise_with_a_bad_backend_setting_fails_before_the_app_starts(capsys, consultsim_home: Path) -> None:
    from simulator.cli import main

    assert main(["practise", "t2d-hypo-fear", "--plain", "--base-url", "ftp://example"]) == 1
    err = capsys.readouterr().err
    assert "must start with http:// or https://" in err and "Traceback" not in err
    assert main(["--backend", "openai", "practise", "t2d-hypo-fear", "--plain"]) == 1
    assert "needs a model" in capsys.readouterr().err


def test_bare_consultsim_with_no_terminal_still_rejects_a_bad_model_setting(capsys) -> None:
    from simulator.cli import main

    assert main(["--base-url", "ftp://example"]) == 1  # pytest's stdin is not a terminal: the welcome path
    assert "must start with http:// or https://" in capsys.readouterr().err
    assert main([]) == 0 and "t2d-hypo-fear" in capsys.readouterr().out
