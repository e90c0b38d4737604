"""The model judge, against our OpenAI-compatible server on loopback: grouped requests validated against
a schema, hybrid results side by side, invalid replies and failing servers 'ungraded' (never 'not met'),
and no key in any report."""

from __future__ import annotations

import json
from typing import Any

import pytest
from test_rubric import GOOD, POOR

from simulator.llm.settings import Secret
from simulator.rubric import KALAMAZOO_TASKS, SELF_MANAGEMENT, grade_transcript_text
from simulator.rubric.llm_judge import LLMJudge, plan_requests
from simulator.rubric.model import load_shipped_rubrics

from fault_server import Fault, FaultServer
from llmhelpers import fast


def schema_of(request: dict[str, Any]) -> dict[str, Any]:
    response_format = request.get("response_format") or {}
    if response_format.get("type") == "json_schema":
        return response_format["json_schema"]["schema"]
    return response_format.get("schema") or {}


def agreeable_model(score: int = 4, met: bool = True, cite: tuple[int, ...] = (0, 1, 999), why: str | None = None):
    """A model that answers every criterion it is asked, citing a clinician turn, a patient turn and a turn that does not exist,
    with `why` (or "model view of <criterion>") as its rationale."""

    def respond(request: dict[str, Any]) -> str:
        schema = schema_of(request)
        criteria = schema["properties"]["criteria"]["required"]
        item = schema["properties"]["criteria"]["properties"][criteria[0]]
        likert = 5 in item["properties"]["value"].get("enum", [])
        answer: dict[str, Any] = {
            "criteria": {c: {"value": score if likert else met, "evidence": list(cite), "rationale": why or f"model view of {c}"} for c in criteria}
        }
        if "coproduction_level" in schema["properties"]:
            answer["coproduction_level"] = {"value": "recognisable", "evidence": [0], "rationale": "shared"}
        return json.dumps(answer)

    return respond


@pytest.fixture
def server():
    with FaultServer(responder=agreeable_model()) as running:
        yield running


def test_two_grouped_requests_instead_of_one_per_criterion() -> None:
    rubrics = load_shipped_rubrics()
    grouped = plan_requests(rubrics)
    assert [r.name for r in grouped] == ["kalamazoo", "self_management"]
    assert len(plan_requests(rubrics, per_criterion=True)) == len(KALAMAZOO_TASKS) + len(SELF_MANAGEMENT) + 1


def test_llm_judge_grades_every_criterion_with_valid_evidence(server: FaultServer) -> None:
    report = grade_transcript_text(POOR, judge=LLMJudge(fast(server.base_url), mode="llm"))
    assert report.judge == "llm"
    assert len(server.chat_requests()) == 2
    for task in KALAMAZOO_TASKS:
        result = report.kalamazoo[task]
        assert result.value == 4 and result.status == "scored" and result.judge == "llm"
        assert [e.turn for e in result.evidence] == [0]  # patient turn 1 and the made-up 999 are dropped
    assert all(report.self_management[c].value is True for c in SELF_MANAGEMENT)
    assert report.coproduction_level == "recognisable"
    usage = report.extra["llm"]["usage"]
    assert usage["requests"] == 2 and report.extra["llm"]["requests"] == 2


def test_hybrid_keeps_the_rules_and_shows_the_model_beside_them(server: FaultServer) -> None:
    rules = grade_transcript_text(GOOD)
    report = grade_transcript_text(GOOD, judge=LLMJudge(fast(server.base_url), mode="hybrid"))
    assert report.judge == "hybrid"
    for task in KALAMAZOO_TASKS:
        assert report.kalamazoo[task].value == rules.kalamazoo[task].value
        assert report.kalamazoo[task].second_opinion["value"] == 4
    prompt = server.chat_requests()[0].messages_text
    assert "[0] Clinician:" in prompt
    data = report.to_dict()
    assert data["kalamazoo"]["build_relationship"]["llm"]["rationale"] == "model view of build_relationship"
    assert report.coproduction["llm"]["value"] == "recognisable"


def test_the_model_beside_the_rules_grades_without_seeing_them(server: FaultServer) -> None:
    """Shown the rules' results, a small model copied every score and turned every self-management met/not met
    upside down (Qwen2.5-Coder-1.5B, 2026-12-06): in hybrid mode it is asked exactly what the model judge is asked,
    and where its value differs from the rules', its rationale is kept as the disagreement."""
    rules = grade_transcript_text(POOR)
    report = grade_transcript_text(POOR, judge=LLMJudge(fast(server.base_url), mode="hybrid"))
    hybrid_requests = [r.json for r in server.chat_requests()]
    grade_transcript_text(POOR, judge=LLMJudge(fast(server.base_url), mode="llm"))
    model_requests = [r.json for r in server.chat_requests()[len(hybrid_requests):]]
    assert sorted(map(json.dumps, hybrid_requests)) == sorted(map(json.dumps, model_requests))
    assert not any(word in json.dumps(hybrid_requests) for word in ("Rule-based", "rule-based", "disagreement"))
    differing = [c for c in SELF_MANAGEMENT if rules.self_management[c].value is not True]
    assert differing  # the model says met (agreeable_model) where the rules said not met
    for criterion in differing:
        opinion = report.self_management[criterion].second_opinion
        assert opinion["value"] is True and opinion["disagreement"] == f"model view of {criterion}"
    agreed = [c for c in SELF_MANAGEMENT if rules.self_management[c].value is True]
    assert all(report.self_management[c].second_opinion.get("disagreement") is None for c in agreed)


def test_an_invalid_reply_after_the_re_asks_is_ungraded_never_not_met() -> None:
    with FaultServer(responder=lambda request: '{"criteria": {"build_relationship": {"value": 9}}}') as bad:
        report = grade_transcript_text(GOOD, judge=LLMJudge(fast(bad.base_url, json_reasks=1), mode="llm"))
        assert len(bad.chat_requests()) == 2 * 2  # each group: the ask and one re-ask
    for result in [*report.kalamazoo.values(), *report.self_management.values()]:
        assert result.status == "ungraded" and result.value is None
        assert "stayed invalid" in result.rationale
    assert set(report.extra["llm"]["ungraded"]) == set(KALAMAZOO_TASKS) | set(SELF_MANAGEMENT)


def test_a_reply_that_recovers_on_a_re_ask_is_graded(server: FaultServer) -> None:
    server.push(Fault.ok("not json at all"), Fault.ok("{\"criteria\": 1}"))
    report = grade_transcript_text(GOOD, judge=LLMJudge(fast(server.base_url, json_reasks=2), mode="llm"))
    assert all(r.status == "scored" for r in report.kalamazoo.values())
    assert len(server.chat_requests()) == 4


def test_one_bad_group_leaves_the_other_graded() -> None:
    good = agreeable_model()

    def only_kalamazoo(request: dict[str, Any]) -> str:
        return "sorry, no" if "coproduction_level" in schema_of(request)["properties"] else good(request)

    with FaultServer(responder=only_kalamazoo) as half:
        report = grade_transcript_text(GOOD, judge=LLMJudge(fast(half.base_url, json_reasks=1), mode="llm"))
    assert all(r.status == "scored" for r in report.kalamazoo.values())
    assert all(r.status == "ungraded" and r.value is None for r in report.self_management.values())


def test_a_server_that_is_down_leaves_everything_ungraded_with_the_reason() -> None:
    with FaultServer() as gone:
        url = gone.base_url
    report = grade_transcript_text(GOOD, judge=LLMJudge(fast(url, max_attempts=1), mode="hybrid"))
    assert all(r.value is not None for r in report.kalamazoo.values())  # the rules still stand
    assert all(r.second_opinion["status"] == "ungraded" for r in report.kalamazoo.values())
    assert "could not be asked" in report.kalamazoo["build_relationship"].second_opinion["rationale"]


def test_the_api_key_never_reaches_the_report(server: FaultServer) -> None:
    key = "sk-test-DO-NOT-LEAK-1234567890"
    settings = fast(server.base_url).with_(api_key=Secret(key))
    report = grade_transcript_text(GOOD, judge=LLMJudge(settings, mode="hybrid"))
    assert any(key in r.headers.get("authorization", "") for r in server.chat_requests())
    assert key not in json.dumps(report.to_dict())
    from simulator.rubric.render import render_html, render_markdown, render_text

    for text in (render_text(report), render_markdown(report), render_html([report])):
        assert key not in text
