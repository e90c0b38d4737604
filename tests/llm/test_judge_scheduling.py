"""The model judge fitted to its server, against our fault server on loopback: requests one at a time to a
server that runs one at a time (more where a setting or the server says so), streamed so that a slow server
that keeps answering is graded, a silent one hung up on with the setting to change named, a slow one never
taken for a dead one by the breaker; and evidence that cites every turn marked unspecific, disagreements
with the rules given a one-line reason."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
from test_judge import agreeable_model
from test_rubric import GOOD, POOR

from simulator import resources
from simulator.cli import main
from simulator.rubric import KALAMAZOO_TASKS, SELF_MANAGEMENT, grade_transcript_text
from simulator.rubric.llm_judge import LLMJudge, unspecific
from simulator.rubric.render import render_markdown, render_text

from fault_server import Fault, FaultServer
from llmhelpers import fast

GOOD_CLINICIAN = list(range(0, 40, 2))  # the clinician's turns in GOOD (20 of them)
POOR_CLINICIAN = list(range(0, 14, 2))  # and in POOR (7)


def graded(report: Any) -> bool:
    return all(r.status not in ("ungraded",) and r.value is not None for r in report.kalamazoo.values())


def ungraded_reasons(report: Any) -> list[str]:
    return [r.rationale for r in [*report.kalamazoo.values(), *report.self_management.values()] if r.status == "ungraded"]


# -- one at a time -------------------------------------------------------------------------------------


def test_the_judge_never_sends_a_single_slot_server_two_requests_at_once() -> None:
    with FaultServer(responder=agreeable_model(), slots=1) as server:
        server.default = Fault.trickle(every=0.05, pieces=6)  # each reply takes a while: room to overlap
        report = grade_transcript_text(POOR, judge=LLMJudge(fast(server.base_url), mode="llm"))
        first, second = sorted(server.chat_requests(), key=lambda r: r.at)
    assert graded(report)
    assert server.max_concurrent == 1
    assert first.done is not None and second.at >= first.done  # the second was sent once the first was answered
    assert all(r.json["stream"] is True for r in (first, second))  # streamed: a slow server is seen to be alive


def test_with_concurrency_2_set_the_two_requests_go_together() -> None:
    with FaultServer(responder=agreeable_model(), slots=1) as server:
        server.default = Fault.trickle(every=0.1, pieces=6)
        report = grade_transcript_text(POOR, judge=LLMJudge(fast(server.base_url, concurrency=2, timeout=5.0), mode="llm"))
    assert graded(report) and server.max_concurrent == 2


def test_a_llama_cpp_server_that_says_it_runs_two_at_once_gets_two() -> None:
    with FaultServer(responder=agreeable_model(), props={"total_slots": 2}) as server:
        server.default = Fault.trickle(every=0.1, pieces=6)
        report = grade_transcript_text(POOR, judge=LLMJudge(fast(server.base_url), mode="llm"))
        asked = [r for r in server.log if r.path == "/props"]
    assert graded(report) and server.max_concurrent == 2
    assert len(asked) == 1 and asked[0].headers["authorization"] == "Bearer no-key-needed"  # asked once, before the first request


# -- slow, silent, too slow ------------------------------------------------------------------------------


def test_a_slow_server_that_keeps_sending_is_graded_though_each_reply_outlasts_the_timeout() -> None:
    with FaultServer(responder=agreeable_model(), slots=1) as server:
        server.default = Fault.trickle(every=0.1, pieces=8)  # a piece every 0.1 s, 0.8 s a reply
        judge = LLMJudge(fast(server.base_url, timeout=0.4, max_attempts=1), mode="llm")
        report = grade_transcript_text(POOR, judge=judge)
        replies = server.chat_requests()
    assert graded(report) and not report.extra["llm"]["ungraded"]
    assert len(replies) == 2 and all(r.done is not None and r.done - r.at > 0.4 for r in replies)  # each longer than the timeout
    assert judge.client.breaker.state == "closed"


def test_a_silent_server_times_out_naming_the_setting_and_is_hung_up_on() -> None:
    with FaultServer(responder=agreeable_model(), slots=1) as server:
        server.default = Fault.slow(10.0)
        report = grade_transcript_text(POOR, judge=LLMJudge(fast(server.base_url, timeout=0.3, max_attempts=1), mode="llm"))
        hung_up = server.disconnects()
        assert len(server.chat_requests()) == 1  # the other request, next in line, found the breaker open: skipped at once
    reasons = ungraded_reasons(report)
    assert len(reasons) == len(KALAMAZOO_TASKS) + len(SELF_MANAGEMENT)
    assert sum("skipping the model server" in r for r in reasons) in (len(KALAMAZOO_TASKS), len(SELF_MANAGEMENT))
    assert "did not answer within 0.3 s" in reasons[0]
    assert "raise --llm-timeout or `timeout` under [llm] in" in reasons[0]  # the setting to change, flag and file
    assert hung_up and all(r.done is not None and r.done - r.at < 2.0 for r in hung_up)  # it stopped working on it


def test_a_reply_still_trickling_when_the_budget_runs_out_is_ungraded_but_the_server_is_not_skipped() -> None:
    with FaultServer(responder=agreeable_model(), slots=1) as server:
        server.push(Fault.trickle(every=0.1, pieces=30), Fault.trickle(every=0.1, pieces=30))  # 3 s each
        judge = LLMJudge(fast(server.base_url, timeout=0.5, reply_budget=0.6), mode="llm")
        slow = grade_transcript_text(POOR, judge=judge)
        assert server.disconnects()  # hung up on: the server stops generating
        assert len(server.chat_requests()) == 2  # too slow is not retried
        assert judge.client.breaker.state == "closed"
        then = grade_transcript_text(GOOD, judge=judge)  # the next session of the folder: asked, and graded
    reasons = ungraded_reasons(slow)
    assert reasons and "was still replying after 0.6 s" in reasons[0] and "`reply_budget` under [llm]" in reasons[0]
    assert graded(then)


def test_more_requests_than_the_server_runs_at_once_are_busy_not_a_server_that_is_down() -> None:
    with FaultServer(responder=agreeable_model(), slots=1) as server:
        server.default = Fault.trickle(every=0.15, pieces=10)  # the first holds the one slot for 1.5 s
        judge = LLMJudge(fast(server.base_url, concurrency=2, timeout=0.4, max_attempts=1), mode="llm")
        report = grade_transcript_text(POOR, judge=judge)
        assert server.disconnects()  # the waiting one was hung up on
        reasons = ungraded_reasons(report)
        assert reasons and "busy with another request" in reasons[0] and "--llm-concurrency" in reasons[0]
        assert judge.client.breaker.state == "closed"  # busy is not down
        server.default = Fault.ok()
        assert graded(grade_transcript_text(GOOD, judge=judge))


def test_a_folder_graded_from_the_command_line_against_a_slow_server_is_graded_throughout(tmp_path: Path, capsys, monkeypatch) -> None:
    folder = tmp_path / "cohort"
    folder.mkdir()
    (folder / "a.txt").write_text(POOR)
    (folder / "b.txt").write_text(GOOD)
    config = tmp_path / "config.toml"
    config.write_text("[llm]\nmax_attempts = 1\nbackoff_initial = 0.05\n")
    monkeypatch.setenv("CONSULTSIM_CONFIG", str(config))
    with FaultServer(responder=agreeable_model(why="rules too generous"), slots=1) as server:
        server.push(*[Fault.trickle(every=0.1, pieces=8)] * 2)  # the first session: each reply outlasts the timeout
        code = main(["grade", str(folder), "--judge", "hybrid", "--model", "m", "--base-url", server.base_url, "--llm-timeout", "0.4", "--format", "json"])
        assert server.max_concurrent == 1 and len(server.chat_requests()) == 4
    assert code == 0
    reports = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(reports) == 2
    for data in reports:
        assert not data["extra"]["llm"]["ungraded"]
        assert all(c["llm"]["status"] == "scored" for c in data["kalamazoo"].values())


# -- what the model adds ------------------------------------------------------------------------------


def test_the_rule_for_unspecific_evidence() -> None:
    assert unspecific(7, 7) and unspecific(3, 3) and not unspecific(2, 2) and not unspecific(1, 1)
    assert unspecific(11, 20) and not unspecific(10, 20) and not unspecific(3, 4) and unspecific(4, 4)


def test_evidence_citing_every_clinician_turn_is_marked_unspecific_not_shown_as_evidence() -> None:
    with FaultServer(responder=agreeable_model(cite=tuple(POOR_CLINICIAN))) as server:
        report = grade_transcript_text(POOR, judge=LLMJudge(fast(server.base_url), mode="llm"))
        hybrid = grade_transcript_text(POOR, judge=LLMJudge(fast(server.base_url), mode="hybrid"))
        prompt = server.chat_requests()[0].messages_text
    assert "never every turn" in prompt
    result = report.kalamazoo["build_relationship"]
    assert result.evidence == [] and "Evidence unspecific: the model cited 7 of the 7 clinician turns" in result.rationale
    assert set(report.extra["llm"]["unspecific_evidence"]) == set(KALAMAZOO_TASKS) | set(SELF_MANAGEMENT)  # the level cites turn 0 only
    opinion = hybrid.kalamazoo["build_relationship"].second_opinion
    assert opinion is not None and opinion["evidence"] == [] and opinion["evidence_unspecific"] is True
    assert "evidence unspecific" in render_text(hybrid)


def test_evidence_citing_more_than_half_of_many_turns_is_unspecific_and_a_few_turns_are_kept() -> None:
    with FaultServer(responder=agreeable_model(cite=tuple(GOOD_CLINICIAN[:11]))) as many:
        report = grade_transcript_text(GOOD, judge=LLMJudge(fast(many.base_url), mode="hybrid"))
    opinion = report.kalamazoo["open_discussion"].second_opinion
    assert opinion is not None and opinion["evidence_unspecific"] and opinion["evidence"] == []
    with FaultServer(responder=agreeable_model(cite=(2, 4, 7))) as few:
        report = grade_transcript_text(GOOD, judge=LLMJudge(fast(few.base_url), mode="hybrid"))
    opinion = report.kalamazoo["open_discussion"].second_opinion
    assert opinion is not None and opinion["evidence"] == [2, 4] and opinion["evidence_unspecific"] is False


def test_hybrid_disagreements_with_the_rules_carry_a_one_line_reason() -> None:
    why = "No turn asks what she makes of it; the rules counted a closed question.\nSecond line, never shown."
    rules = grade_transcript_text(GOOD)  # the model says 4 for every task and "met" for every criterion
    differs = next(task for task, result in rules.kalamazoo.items() if result.value != 4)
    agreed = next(c for c, result in rules.self_management.items() if result.value is True)
    with FaultServer(responder=agreeable_model(score=4, met=True, why=why)) as server:
        report = grade_transcript_text(GOOD, judge=LLMJudge(fast(server.base_url), mode="hybrid"))
        request = server.chat_requests()[0]
    assert "disagreement" not in request.messages_text and "Rule-based" not in request.messages_text  # its own view, rules unseen
    assert report.self_management[agreed].value is True
    assert report.self_management[agreed].second_opinion["disagreement"] is None  # the same value: agrees
    differing = report.kalamazoo[differs].second_opinion
    assert differing["disagreement"] == "No turn asks what she makes of it; the rules counted a closed question."
    listed = report.extra["llm"]["disagreements"]
    assert differs in listed and agreed not in listed
    assert "Model disagrees: 4/5 very good (turns 0). No turn asks what she makes of it;" in " ".join(render_text(report).split())
    assert "*Model judge disagrees:*" in render_markdown(report)
    jsonschema.validate(report.to_dict(), resources.schema("grade-v1"))


def test_a_disagreement_without_a_rationale_still_says_there_is_no_reason() -> None:
    with FaultServer(responder=agreeable_model(score=1, why=" ")) as server:
        report = grade_transcript_text(GOOD, judge=LLMJudge(fast(server.base_url), mode="hybrid"))
    assert report.kalamazoo["build_relationship"].second_opinion["disagreement"] == "the model gave no reason"
