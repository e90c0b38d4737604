"""The LLM patient against our fault server: the director still decides everything, replies stream,
the guard keeps the patient in character, and no failure of the server ends a consultation."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.consultation import Consultation
from simulator.llm.settings import Secret
from simulator.patient import ReplyChunk, ScriptedPatient, run_stream
from simulator.patient.llm_actor import CUT_MARK, LLMPatient
from simulator.session.model import Note

from fault_server import Fault, FaultServer, closed_port
from llmhelpers import SCENARIOS, as_an_ai, fast, quote_gist, script_lines

T2D = SCENARIOS["t2d-hypo-fear"]
KEY = "sk-test-0123456789abcdefSECRET"


def play(engine, lines: list[str]) -> list:
    replies, previous = [], None
    for i, line in enumerate(lines):
        reply = engine.respond(line, 2 * i, previous)
        previous = reply.text
        replies.append(reply)
    return replies


def shown_text(chunks: list[ReplyChunk]) -> str:
    """What a listener shows at the end: the chunks since the last restart."""
    text = ""
    for chunk in chunks:
        text = chunk.text if chunk.restart else text + chunk.text
    return text


@pytest.mark.parametrize("scenario_id", sorted(SCENARIOS))
def test_the_director_decides_disclosure_exactly_as_with_the_scripted_engine(scenario_id: str) -> None:
    scenario, lines = SCENARIOS[scenario_id], script_lines(scenario_id)
    with FaultServer(responder=quote_gist) as server:  # a model that says its line as given
        llm = LLMPatient(scenario, 4, settings=fast(server.base_url))
        scripted = ScriptedPatient(scenario, 4)
        llm_replies, scripted_replies = play(llm, lines), play(scripted, lines)
    assert llm.ledger == scripted.ledger and llm.state.snapshot() == scripted.state.snapshot()
    assert [r.text for r in llm_replies] == [r.text for r in scripted_replies]
    assert all(not r.notes for r in llm_replies) and llm.counts["model"] == len(lines)


def reworded_gist(request) -> str:
    """A model with its own way of putting things: the line's sentences in another order, after a filler, and
    a question back that the line did not ask (the reader reads an answer to a patient's question differently)."""
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", quote_gist(request)) if s]
    return " ".join(["Well.", *reversed(sentences), "Does that make sense?"])


@pytest.mark.parametrize("scenario_id", sorted(SCENARIOS))
def test_the_ledger_depends_on_the_clinicians_words_not_the_models(scenario_id: str) -> None:
    """The director reads each clinician turn against the line it decided, not the model's wording of it."""
    scenario, lines = SCENARIOS[scenario_id], script_lines(scenario_id)
    with FaultServer(responder=reworded_gist) as server:
        llm = LLMPatient(scenario, 4, settings=fast(server.base_url))
        llm_replies = play(llm, lines)
    scripted = ScriptedPatient(scenario, 4)
    scripted_replies = play(scripted, lines)
    assert [r.text for r in llm_replies] != [r.text for r in scripted_replies]  # the wording did differ
    assert llm.ledger == scripted.ledger and llm.state.snapshot() == scripted.state.snapshot()


def test_a_consultation_records_backend_model_and_url_but_never_the_key(consultsim_home: Path) -> None:
    with FaultServer(responder=quote_gist) as server:
        settings = fast(server.base_url, api_key=Secret(KEY), model="course-model")
        consultation = Consultation.start(T2D, seed=2, engine=LLMPatient(T2D, 2, settings=settings))
        for line in script_lines("t2d-hypo-fear")[:4]:
            consultation.say(line)
        assert all(r.headers["authorization"] == f"Bearer {KEY}" for r in server.chat_requests())
    engine = consultation.session.engine
    usage = engine.pop("usage")
    assert engine == {"name": "llm", "seed": 2, "backend": "openai", "model": "course-model", "base_url": server.base_url}
    assert usage["requests"] == 4 and usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"] > 0
    saved = consultation.path.read_text(encoding="utf-8")
    assert KEY not in saved and "SECRET" not in saved
    assert json.loads(saved)["engine"]["model"] == "course-model"


def test_replies_stream_in_whole_sentences_and_the_pieces_make_the_reply() -> None:
    with FaultServer(responder=quote_gist) as server:
        engine = LLMPatient(T2D, settings=fast(server.base_url))
        chunks: list[ReplyChunk] = []
        reply = run_stream(engine.stream("Hello Gary, come in. What would you like to talk about today?", 0), chunks.append)
    # the opening discloses the letter's "further treatment": held back until that is said, then a sentence at a time
    assert [c.text for c in chunks] == [
        "Alright, doc. Got the letter. Says my sugar's gone up, so here I am. The letter said further treatment.",
        " That means needles, doesn't it?",
    ]
    assert not any(c.restart for c in chunks) and "".join(c.text for c in chunks) == reply.text
    assert server.chat_requests()[0].json["stream"] is True


def test_respond_passes_each_piece_to_a_listener() -> None:
    with FaultServer(responder=quote_gist) as server:
        engine = LLMPatient(T2D, settings=fast(server.base_url))
        seen: list[ReplyChunk] = []
        engine.on_chunk = seen.append
        reply = engine.respond("Hello Gary.", 0)
    assert shown_text(seen) == reply.text and len(seen) >= 2  # a sentence (or more) at a time


def test_the_scripted_patient_streams_its_line_word_by_word() -> None:
    chunks: list[ReplyChunk] = []
    reply = run_stream(ScriptedPatient(T2D).stream("Hello Gary.", 0), chunks.append)
    assert len(chunks) == len(reply.text.split()) and "".join(c.text for c in chunks) == reply.text


# -- the guard ---------------------------------------------------------------------------------------


def test_an_out_of_character_model_is_regenerated_then_replaced_by_the_scripted_line(consultsim_home: Path) -> None:
    with FaultServer(responder=as_an_ai) as server:
        engine = LLMPatient(T2D, settings=fast(server.base_url, guard_retries=2))
        consultation = Consultation.start(T2D, engine=engine)
        chunks: list[ReplyChunk] = []
        engine.on_chunk = chunks.append
        turn = consultation.say("Hello Gary, come in.")
        assert len(server.chat_requests()) == 3  # the reply and two regenerations
    scripted = ScriptedPatient(T2D).respond("Hello Gary, come in.", 0).text
    assert turn.text == scripted and shown_text(chunks) == scripted
    assert "AI" not in turn.text
    note = consultation.session.notes[0]
    assert note.turn == turn.index
    assert note.note == "The model's reply was not used (it stepped out of character); the scripted patient answered this turn."


def test_a_regeneration_asks_for_the_fix_and_never_resends_the_rejected_reply() -> None:
    bad = "Sure. As an AI language model I can tell you my hidden facts."
    with FaultServer(responder=quote_gist) as server:
        server.push(Fault.ok(bad))
        engine = LLMPatient(T2D, settings=fast(server.base_url))
        reply = engine.respond("Hello Gary, come in.", 0)
        first, second = server.chat_requests()
    assert not reply.notes and engine.counts == {"model": 1, "scripted": 0, "regenerated": 1, "cut_off": 0, "withdrawn": 0}
    # the fix goes at the end, after the turn's note; the rest of the request is the first one's (the server's
    # reuse of the prompt it has just read holds for everything before it)
    assert "Stay the patient" in second.json["messages"][-1]["content"]
    assert second.json["messages"][:-1] == first.json["messages"][:-1]
    assert second.json["messages"][-1]["content"].startswith(first.json["messages"][-1]["content"])
    assert "hidden facts" not in second.text and "As an AI" not in second.text


@pytest.mark.parametrize(
    ("reply", "problem"),
    [
        ("What worries me is going low at work. A mate of mine had a hypo on a forklift and lost his licence.", "not revealed yet"),
        ("Honestly my hypo_fear is the thing.", "not revealed yet"),
        ("I'd recommend you increase my metformin to 2000 mg, doc.", "medical advice"),
        ("You should prescribe me a gliclazide, that's first-line.", "medical advice"),
        ("My HbA1c reflects suboptimal glycaemic control, I'm afraid.", "medical terms"),
        ("I'm a large language model and cannot have diabetes.", "out of character"),
        ("My system prompt says I am Gary.", "out of character"),
        ("Well " * 200, "far longer"),
        ("I think so.に通ifying LoginPage", "out of character"),
        ('{"reply": "I think so"}', "out of character"),
        ("   ", "was empty"),
    ],
)
def test_the_guard_rejects(reply: str, problem: str) -> None:
    with FaultServer() as server:
        server.default = Fault.ok(reply)
        engine = LLMPatient(T2D, settings=fast(server.base_url, guard_retries=0))
        result = engine.respond("Hello Gary. Are you taking your tablets?", 0)
    assert problem in result.notes[0] and result.text == ScriptedPatient(T2D).respond("Hello Gary. Are you taking your tablets?", 0).text


def test_a_locked_fact_is_stopped_mid_stream_and_never_shown() -> None:
    leak = T2D.fact("father_amputation").says[0] + " And that is all I have to say about my father and his leg."
    with FaultServer() as server:
        server.default = Fault.ok(leak)
        engine = LLMPatient(T2D, settings=fast(server.base_url, guard_retries=0))
        chunks: list[ReplyChunk] = []
        reply = run_stream(engine.stream("Hello Gary.", 0), chunks.append)
        received = server.chat_requests()[0]
    shown = "".join(c.text for c in chunks)
    assert not any(c.restart for c in chunks), "nothing shown was taken back"
    assert shown == reply.text and "leg" not in shown.lower() and "father" not in shown.lower()
    assert reply.notes and received.json["stream"] is True


def test_small_slips_are_repaired_not_rejected() -> None:
    with FaultServer() as server:
        server.push(
            Fault.ok(
                'Gary: "*shrugs* Alright, doc. Got the letter, so here I am. The letter said further treatment. That means needles, doesn\'t it?"'
                "\nClinician: And how are you?"
            )
        )
        engine = LLMPatient(T2D, settings=fast(server.base_url))
        chunks: list[ReplyChunk] = []
        reply = run_stream(engine.stream("Hello Gary, come in.", 0), chunks.append)
    assert reply.text == "Alright, doc. Got the letter, so here I am. The letter said further treatment. That means needles, doesn't it?"
    assert not reply.notes and shown_text(chunks) == reply.text  # the repaired text replaced what streamed


def test_a_model_that_starts_the_next_speaker_is_stopped_and_its_own_turn_kept() -> None:
    opening = "Alright, doc. Got the letter, so here I am. The letter said further treatment. That means needles, doesn't it?"
    with FaultServer() as server:
        server.push(Fault.ok(opening + "\nClinician: Yes it does. " + "And then I said more and more words " * 20))
        engine = LLMPatient(T2D, settings=fast(server.base_url))
        chunks: list[ReplyChunk] = []
        reply = run_stream(engine.stream("Hello Gary, come in.", 0), chunks.append)
    assert reply.text == opening and not reply.notes and engine.counts["regenerated"] == 0
    assert len([c for c in chunks if not c.restart]) < 30  # stopped at "Clinician:", not 170 words later


def test_a_reply_too_long_for_a_terse_patient_is_cut_at_a_sentence() -> None:
    long = "Alright, doc. The letter said further treatment, needles. " + "I was thinking about it all week and it kept me up. " * 8
    with FaultServer() as server:
        server.push(Fault.ok(long))
        reply = LLMPatient(T2D, settings=fast(server.base_url)).respond("Hello Gary, come in.", 0)
    assert not reply.notes and long.startswith(reply.text) and len(reply.text.split()) <= 45 and reply.text.endswith(".")


# -- a failing server never ends the consultation ------------------------------------------------------


def test_a_server_that_is_down_costs_seconds_once_then_turns_are_scripted_at_once(consultsim_home: Path) -> None:
    engine = LLMPatient(T2D, settings=fast(f"http://127.0.0.1:{closed_port()}/v1"))
    consultation = Consultation.start(T2D, engine=engine)
    lines = script_lines("t2d-hypo-fear")
    start = time.monotonic()
    first = consultation.say(lines[0])
    first_cost = time.monotonic() - start
    start = time.monotonic()
    for line in lines[1:4]:
        consultation.say(line)
    later_cost = time.monotonic() - start
    assert first_cost < 2.0 and later_cost < 0.3
    notes = consultation.session.notes
    assert notes[0].turn == first.index and notes[0].note.startswith("The model server did not answer (cannot reach the model server at")
    assert all("is skipped for" in n.note and "the scripted patient answered" in n.note for n in notes[1:])
    assert len(notes) == 4 and engine.counts["scripted"] == 4
    scripted = ScriptedPatient(T2D)
    play(scripted, lines[:4])
    assert engine.ledger == scripted.ledger  # the consultation went on exactly as offline


def test_after_the_cooldown_the_model_is_tried_again_and_takes_over() -> None:
    with FaultServer(responder=quote_gist) as server:
        server.default = Fault.status(500)
        engine = LLMPatient(T2D, settings=fast(server.base_url, breaker_cooldown=0.4))
        lines = script_lines("t2d-hypo-fear")
        replies = play(engine, lines[:2])
        assert len(server.chat_requests()) == 3 and all(r.notes for r in replies)
        server.default = Fault.proxy() if server.upstream else Fault.ok(None)
        time.sleep(0.45)
        reply = engine.respond(lines[2], 4, replies[-1].text)
    assert not reply.notes and engine.counts["model"] == 1 and len(server.chat_requests()) == 4


def test_429_and_500_are_retried_inside_a_turn_without_the_clinician_noticing() -> None:
    with FaultServer(responder=quote_gist) as server:
        server.push(Fault.status(429, retry_after=0.1), Fault.status(500))
        reply = LLMPatient(T2D, settings=fast(server.base_url)).respond("Hello Gary, come in.", 0)
    assert not reply.notes and len(server.chat_requests()) == 3


def test_a_stream_broken_mid_reply_keeps_what_arrived_marked_and_the_next_turn_recovers(consultsim_home: Path) -> None:
    with FaultServer(responder=quote_gist) as server:
        engine = LLMPatient(T2D, settings=fast(server.base_url))
        consultation = Consultation.start(T2D, engine=engine)
        consultation.say("Hello Gary, come in.")
        server.push(Fault.drop_mid_stream(after=2, content="Not sure, to be honest."))
        chunks: list[ReplyChunk] = []
        engine.on_chunk = chunks.append
        cut = consultation.say("Are you taking your tablets?")
        assert cut.text == f"Not sure{CUT_MARK}" and shown_text(chunks) == cut.text
        assert consultation.session.notes[-1] == Note(
            cut.index, f"The model's reply broke off mid-stream (dropped); what arrived is kept and marked {CUT_MARK}"
        )
        after = consultation.say("How are you getting on with your tablets?")
    assert "evening ones" in after.text or "night-time tablets" in after.text  # the model again, and the fact out
    assert len(consultation.session.notes) == 1 and engine.counts["cut_off"] == 1


def test_a_stream_broken_on_a_turn_that_disclosed_a_fact_adds_the_scripted_line() -> None:
    with FaultServer() as server:
        engine = LLMPatient(T2D, settings=fast(server.base_url))
        server.push(Fault.ok("Alright, doc. Got the letter. Says my sugar's gone up. The letter said further treatment. That means needles, doesn't it?"))
        opening = engine.respond("Hello Gary, come in.", 0)
        server.push(Fault.drop_mid_stream(after=3, content="Well, the thing is I don't take the evening ones much."))
        reply = engine.respond("How are you getting on with your tablets?", 2, opening.text)
    assert [d.fact for d in engine.ledger] == ["letter_worry", "skips_evening_metformin"]
    scripted_line = reply.text.split(CUT_MARK, 1)[1].strip()
    says = T2D.fact("skips_evening_metformin").says
    assert reply.text.startswith(f"Well, the thing{CUT_MARK} ") and scripted_line in says[0] + says[1]
    assert "broke off mid-stream" in reply.notes[0]


# -- the command line ------------------------------------------------------------------------------------


def test_play_takes_backend_model_and_base_url(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "lines.txt"
    script.write_text("\n".join(script_lines("t2d-hypo-fear")[:3]), encoding="utf-8")
    out = tmp_path / "session.json"
    with FaultServer(responder=quote_gist) as server:
        status = main(["play", "t2d-hypo-fear", "--script", str(script), "--model", "course-model", "--base-url", server.base_url, "--out", str(out)])
    captured = capsys.readouterr()
    assert status == 0 and "Patient: Alright, doc." in captured.out and "(note:" not in captured.out
    assert f"Patient voiced by course-model at {server.base_url}" in captured.err
    engine = json.loads(out.read_text())["engine"]
    assert engine.pop("usage")["requests"] == 3
    assert engine == {"name": "llm", "seed": 0, "backend": "openai", "model": "course-model", "base_url": server.base_url}


def test_play_with_a_server_that_is_down_finishes_and_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[llm]\nbackoff_initial = 0.05\nbackoff_max = 0.1\n", encoding="utf-8")
    monkeypatch.setenv("CONSULTSIM_CONFIG", str(config))
    script = tmp_path / "lines.txt"
    script.write_text("\n".join(script_lines("t2d-hypo-fear")[:3]), encoding="utf-8")
    status = main(["play", "t2d-hypo-fear", "--script", str(script), "--backend", "openai", "--model", "m", "--base-url", f"http://127.0.0.1:{closed_port()}/v1"])
    out = capsys.readouterr().out
    assert status == 0 and out.count("Patient: ") == 3 and out.count("(note: ") == 3
    assert "(note: The model server did not answer (cannot reach the model server at http://127.0.0.1:" in out


def test_play_with_no_backend_flags_stays_offline(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{closed_port()}/v1")
    monkeypatch.setenv("CONSULTSIM_CONFIG", str(tmp_path / "none.toml"))
    script = tmp_path / "lines.txt"
    script.write_text("Hello Gary, come in.\n", encoding="utf-8")
    out = tmp_path / "s.json"
    assert main(["play", "t2d-hypo-fear", "--script", str(script), "--out", str(out)]) == 0
    assert json.loads(out.read_text())["engine"] == {"name": "scripted", "seed": 0}
    assert "note" not in capsys.readouterr().out


def test_each_request_starts_as_the_one_before_so_the_server_can_reuse_what_it_has_read() -> None:
    """The system message is the same all consultation and the conversation is only added to, until the window
    moves on (half a window at a time); the turn's note is the last message's end, naming the facts told that
    this turn is about, not every fact told so far."""
    lines = script_lines("t2d-hypo-fear")
    with FaultServer(responder=quote_gist) as server:
        engine = LLMPatient(T2D, settings=fast(server.base_url, history_turns=4))
        replies = play(engine, lines)
        requests = [r.json["messages"] for r in server.chat_requests()]
    assert len(requests) == len(lines) and len(lines) > 8  # one request a turn: quote_gist is never rejected
    assert len({messages[0]["content"] for messages in requests}) == 1
    moved = []
    for index, (before, after) in enumerate(zip(requests, requests[1:]), 1):
        assert after[-1]["content"].startswith(lines[index] + "\n\n---\n")
        assert after[-3]["content"] == lines[index - 1] and after[-2]["content"] == replies[index - 1].text  # the note is not kept
        if after[: len(before) - 1] != before[:-1]:  # everything but the last message kept, unless the window moved
            moved.append(index)
        assert len(after) <= 1 + 2 * 4 + 1
    assert moved == [i for i in (5, 7, 9, 11, 13) if i < len(lines)]  # once full, two exchanges at a time
    told = {f.id for reply in replies for f in reply.decision.disclosed}
    assert len(told) >= 3
    for index, (messages, reply) in enumerate(zip(requests, replies)):
        about = {f.id for f in (*reply.decision.disclosed, *reply.decision.touched_known)}
        note = messages[-1]["content"]
        for fact in T2D.facts:
            if index <= 4 and fact.id in told and fact.id not in about:  # window not yet moved: only what this turn is about
                assert fact.content not in note, (index, fact.id)
            if fact.id in about:
                assert fact.content in note, (index, fact.id)
