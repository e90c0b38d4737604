"""The client against our fault-injecting server: what is retried, how long it waits (read from the
server's own request log), what is never retried, the breaker, streams that break, and structured output.

No patching: a real openai client talks HTTP to a real server on 127.0.0.1 that misbehaves on purpose.
"""

from __future__ import annotations

import time

import pytest

from simulator.llm.client import LLMClient
from simulator.llm.errors import InvalidOutput, LLMError, StreamBroken
from simulator.llm.settings import Secret

from fault_server import Fault, FaultServer, closed_port
from llmhelpers import fast

HELLO = [{"role": "user", "content": "Hello"}]
SCHEMA = {
    "type": "object",
    "required": ["met", "turns"],
    "additionalProperties": False,
    "properties": {"met": {"type": "boolean"}, "turns": {"type": "array", "items": {"type": "integer"}}},
}
KEY = "sk-test-0123456789abcdefSECRET"


@pytest.fixture
def server():
    with FaultServer() as running:
        yield running


def gaps(server: FaultServer) -> list[float]:
    times = [r.at for r in server.chat_requests()]
    return [b - a for a, b in zip(times, times[1:])]


# -- what is retried, and how long it waits --------------------------------------------------------


def test_429_is_retried_after_exactly_the_wait_the_server_asks_for(server: FaultServer) -> None:
    server.push(Fault.status(429, retry_after=0.4), Fault.status(429, retry_after=0.2))
    client = LLMClient(fast(server.base_url))
    assert client.chat(HELLO).text
    assert len(server.chat_requests()) == 3
    first, second = gaps(server)
    assert 0.4 <= first < 0.4 + 0.25 and 0.2 <= second < 0.2 + 0.25  # Retry-After, not the 0.05 s backoff
    assert client.stats.retries == 2 and client.stats.waits == [0.4, 0.2]


def test_a_retry_after_longer_than_we_wait_for_is_not_retried_and_says_so(server: FaultServer) -> None:
    server.push(Fault.status(429, retry_after=120))
    with pytest.raises(LLMError) as caught:
        LLMClient(fast(server.base_url)).chat(HELLO)
    assert caught.value.kind == "rate_limited" and len(server.chat_requests()) == 1
    assert "limiting requests (429); it asks to wait 120 s" in str(caught.value)


def test_500s_are_retried_with_exponential_backoff_and_jitter(server: FaultServer) -> None:
    server.push(Fault.status(500), Fault.status(502), Fault.status(503))
    client = LLMClient(fast(server.base_url, max_attempts=4, backoff_initial=0.1, backoff_max=2.0))
    assert client.chat(HELLO).text
    assert len(server.chat_requests()) == 4
    observed = gaps(server)
    for n, gap in enumerate(observed):
        base = 0.1 * 2**n  # 0.1, 0.2, 0.4, plus up to 0.1 of jitter
        assert base <= gap < base + 0.1 + 0.15, observed
    assert len(set(client.stats.waits)) == 3  # jittered: no two waits alike


def test_500s_that_go_on_stop_after_the_attempt_limit_with_a_clear_message(server: FaultServer) -> None:
    server.default = Fault.status(500, message="model crashed")
    with pytest.raises(LLMError) as caught:
        LLMClient(fast(server.base_url)).chat(HELLO)
    assert len(server.chat_requests()) == 3 and caught.value.attempts == 3
    assert caught.value.kind == "server_error"
    assert str(caught.value) == f"the model server at {server.base_url} failed (HTTP 500): model crashed"


def test_a_retry_budget_stops_retries_that_would_take_too_long(server: FaultServer) -> None:
    server.default = Fault.status(429, retry_after=0.3)
    with pytest.raises(LLMError):
        LLMClient(fast(server.base_url, max_attempts=10, retry_budget=0.5)).chat(HELLO)
    assert len(server.chat_requests()) == 3  # at 0, 0.3 and 0.6 s; none after the budget ran out


def test_a_slow_server_past_the_timeout_is_retried_then_reported_as_a_timeout(server: FaultServer) -> None:
    server.default = Fault.slow(2.0)
    client = LLMClient(fast(server.base_url, timeout=0.3))
    start = time.monotonic()
    with pytest.raises(LLMError) as caught:
        client.chat(HELLO)
    assert caught.value.kind == "timeout" and len(server.chat_requests()) == 3
    assert time.monotonic() - start < 3 * 0.3 + 1.0  # did not wait for the slow answers
    assert "did not answer within 0.3 s" in str(caught.value)


def test_a_slow_answer_then_a_quick_one_succeeds(server: FaultServer) -> None:
    server.push(Fault.slow(1.0))
    assert LLMClient(fast(server.base_url, timeout=0.3)).chat(HELLO).text
    assert len(server.chat_requests()) == 2


def test_a_dropped_connection_is_retried(server: FaultServer) -> None:
    server.push(Fault.drop(), Fault.drop_mid_stream())  # the second: half a (non-streamed) body, then gone
    assert LLMClient(fast(server.base_url)).chat(HELLO).text
    assert len(server.chat_requests()) == 3


@pytest.mark.parametrize(
    ("status", "kind", "says"),
    [
        (400, "bad_request", "rejected the request (400): fault server: HTTP 400"),
        (401, "auth", "refused the API key (401); check $OPENAI_API_KEY"),
        (403, "auth", "refused the API key (403)"),
        (404, "not_found", "has no model 'test-model' or no chat endpoint (404): check --model and --base-url"),
        (422, "bad_request", "rejected the request (422)"),
    ],
)
def test_400_401_404_are_never_retried(server: FaultServer, status: int, kind: str, says: str) -> None:
    server.default = Fault.status(status)
    client = LLMClient(fast(server.base_url))
    with pytest.raises(LLMError) as caught:
        client.chat(HELLO)
    assert len(server.chat_requests()) == 1 and caught.value.kind == kind and says in str(caught.value)
    assert client.available()  # a request we got wrong says nothing about the server's health


def test_the_key_goes_in_the_header_only_and_never_into_a_message(server: FaultServer) -> None:
    server.default = Fault.status(401, message=f"Incorrect API key provided: {KEY}")
    client = LLMClient(fast(server.base_url, api_key=Secret(KEY)))
    with pytest.raises(LLMError) as caught:
        client.chat(HELLO)
    request = server.chat_requests()[0]
    assert request.headers["authorization"] == f"Bearer {KEY}" and KEY not in request.text
    assert KEY not in str(caught.value) and "***" in str(caught.value)


def test_without_a_key_a_placeholder_is_sent(server: FaultServer) -> None:
    LLMClient(fast(server.base_url)).chat(HELLO)
    assert server.chat_requests()[0].headers["authorization"] == "Bearer no-key-needed"


def test_a_200_that_is_not_json_is_a_clear_error_and_not_retried(server: FaultServer) -> None:
    server.push(Fault.bad_body())
    with pytest.raises(LLMError) as caught:
        LLMClient(fast(server.base_url)).chat(HELLO)
    assert caught.value.kind == "bad_response" and len(server.chat_requests()) == 1


# -- the breaker -----------------------------------------------------------------------------------


def test_a_server_that_is_down_costs_a_few_retries_once_then_is_skipped() -> None:
    client = LLMClient(fast(f"http://127.0.0.1:{closed_port()}/v1"))
    start = time.monotonic()
    with pytest.raises(LLMError) as caught:
        client.chat(HELLO)
    first = time.monotonic() - start
    assert caught.value.kind == "down" and caught.value.attempts == 3
    assert "cannot reach the model server at http://127.0.0.1:" in str(caught.value) and "(is it running?)" in str(caught.value)
    assert 0.05 + 0.1 <= first < 2.0  # two backoffs, then done
    assert not client.available()
    start = time.monotonic()
    with pytest.raises(LLMError) as skipped:
        client.chat(HELLO)
    assert skipped.value.kind == "breaker_open" and time.monotonic() - start < 0.05
    assert "skipping the model server for 30 s more (last time: cannot reach" in str(skipped.value)
    assert client.stats.attempts == 3  # the skipped call made no attempt at all


def test_after_the_cooldown_one_trial_request_goes_and_success_closes_the_breaker(server: FaultServer) -> None:
    server.default = Fault.status(503)
    client = LLMClient(fast(server.base_url, breaker_cooldown=0.5))
    with pytest.raises(LLMError):
        client.chat(HELLO)
    assert len(server.chat_requests()) == 3 and client.breaker.state == "open"
    with pytest.raises(LLMError, match="skipping"):
        client.chat(HELLO)
    assert len(server.chat_requests()) == 3  # skipped: nothing sent
    time.sleep(0.55)
    assert client.breaker.state == "half_open"
    with pytest.raises(LLMError) as still_failing:
        client.chat(HELLO)
    assert still_failing.value.attempts == 1 and len(server.chat_requests()) == 4  # one trial, no retries
    assert client.breaker.state == "open"
    time.sleep(0.55)
    server.default = Fault.ok()
    assert client.chat(HELLO).text and client.breaker.state == "closed"
    assert len(server.chat_requests()) == 5


def test_clients_of_one_server_share_its_breaker(server: FaultServer) -> None:
    server.default = Fault.status(500)
    patient, judge = LLMClient(fast(server.base_url)), LLMClient(fast(server.base_url))
    with pytest.raises(LLMError):
        patient.chat(HELLO)
    assert not judge.available()


# -- streaming ---------------------------------------------------------------------------------------


def test_a_stream_arrives_in_pieces_with_its_usage(server: FaultServer) -> None:
    server.push(Fault.ok("Well, I do try to take them, most days."))
    stream = LLMClient(fast(server.base_url)).stream_chat(HELLO)
    pieces = list(stream)
    assert len(pieces) == 9 and "".join(pieces) == "Well, I do try to take them, most days."
    assert stream.result is not None and stream.result.finish_reason == "stop"
    assert stream.usage.completion_tokens == 9 and stream.usage.requests == 1
    assert server.chat_requests()[0].json["stream"] is True


def test_a_stream_dropped_mid_reply_keeps_what_arrived_and_is_not_retried(server: FaultServer) -> None:
    server.push(Fault.drop_mid_stream(after=3, content="I don't take the evening ones much."))
    stream = LLMClient(fast(server.base_url)).stream_chat(HELLO)
    got = []
    with pytest.raises(StreamBroken) as caught:
        for piece in stream:
            got.append(piece)
    assert caught.value.partial == "I don't take " == "".join(got)
    assert caught.value.cause == "dropped" and "broke off mid-stream" in str(caught.value)
    assert len(server.chat_requests()) == 1  # words were shown: a retry would say them twice


def test_a_stream_dropped_before_its_first_words_is_retried(server: FaultServer) -> None:
    server.push(Fault.drop_mid_stream(after=0), Fault.drop())
    assert "".join(LLMClient(fast(server.base_url)).stream_chat(HELLO)) == "Well, I'm not really sure, to be honest."
    assert len(server.chat_requests()) == 3


def test_a_stream_that_stalls_past_the_timeout_breaks_with_what_arrived(server: FaultServer) -> None:
    server.push(Fault.stall_mid_stream(after=2, seconds=3.0, content="One two three four."))
    with pytest.raises(StreamBroken) as caught:
        list(LLMClient(fast(server.base_url, timeout=0.3)).stream_chat(HELLO))
    assert caught.value.partial == "One two " and caught.value.cause == "timeout"


def test_an_empty_stream_says_the_prompt_may_be_past_the_context_and_is_not_retried(server: FaultServer) -> None:
    """llama-cpp-python's server answers a prompt longer than its context with a 200 and nothing else (measured
    2026-12-07: a real consultation past --n_ctx 8192): that is neither a dead server nor worth a retry."""
    server.push(Fault.empty_stream(), Fault.ok("Well, most days."))
    client = LLMClient(fast(server.base_url))
    with pytest.raises(LLMError) as caught:
        list(client.stream_chat([{"role": "user", "content": "word " * 400}]))
    assert caught.value.kind == "empty_reply" and not isinstance(caught.value, StreamBroken)
    assert "larger context" in str(caught.value) and "about 500 tokens" in str(caught.value), str(caught.value)
    assert len(server.chat_requests()) == 1
    assert "".join(client.stream_chat(HELLO)) == "Well, most days."  # the server is not skipped after it


def test_an_empty_stream_for_a_structured_reply_is_the_same_clear_error(server: FaultServer) -> None:
    server.push(Fault.empty_stream(), Fault.ok('{"met": true, "turns": [1]}'))
    client = LLMClient(fast(server.base_url))
    with pytest.raises(LLMError) as caught:
        client.complete_json(HELLO, SCHEMA, name="criterion group")
    assert caught.value.kind == "empty_reply" and "--n_ctx" in str(caught.value)
    assert len(server.chat_requests()) == 1
    assert client.complete_json(HELLO, SCHEMA, name="criterion group").data == {"met": True, "turns": [1]}


def test_opening_a_stream_is_retried_like_any_request(server: FaultServer) -> None:
    server.push(Fault.status(429, retry_after=0.1), Fault.status(500))
    assert "".join(LLMClient(fast(server.base_url)).stream_chat(HELLO))
    assert len(server.chat_requests()) == 3


# -- structured output ---------------------------------------------------------------------------------


def test_complete_json_uses_json_schema_where_the_server_has_it(server: FaultServer) -> None:
    server.push(Fault.ok('{"met": true, "turns": [2, 4]}'))
    result = LLMClient(fast(server.base_url)).complete_json(HELLO, SCHEMA, name="criterion group")
    assert result.data == {"met": True, "turns": [2, 4]} and result.mode == "json_schema" and result.asks == 1
    sent = server.chat_requests()[0].json["response_format"]
    assert sent == {"type": "json_schema", "json_schema": {"name": "criterion_group", "schema": SCHEMA, "strict": False}}
    assert result.usage.total_tokens > 0 and result.usage.requests == 1


def test_complete_json_steps_down_to_json_object_then_text_where_the_server_lacks_them() -> None:
    with FaultServer(reject_response_formats={"json_schema"}) as server:
        server.default = Fault.ok('{"met": false, "turns": []}')
        client = LLMClient(fast(server.base_url))
        assert client.complete_json(HELLO, SCHEMA).mode == "json_object"
        types = [(r.json.get("response_format") or {}).get("type") for r in server.chat_requests()]
        assert types == ["json_schema", "json_object"]
        client.complete_json(HELLO, SCHEMA)  # remembered: straight to json_object
        assert [(r.json.get("response_format") or {}).get("type") for r in server.chat_requests()][2:] == ["json_object"]
        assert all("JSON Schema" not in r.messages_text for r in server.chat_requests())  # valid: no need to restate it
    with FaultServer(reject_response_formats={"json_schema", "json_object"}) as server:
        server.default = Fault.ok('Sure! ```json\n{"met": true, "turns": [1]}\n```')
        result = LLMClient(fast(server.base_url)).complete_json(HELLO, SCHEMA)
        assert result.mode == "text" and result.data == {"met": True, "turns": [1]}
        last = server.chat_requests()[-1].json
        assert "response_format" not in last and "valid for this JSON Schema" in last["messages"][0]["content"]


def test_malformed_json_is_re_asked_with_the_problem(server: FaultServer) -> None:
    server.push(Fault.ok('{"met": true, "turns": [2,'), Fault.ok('{"met": true, "turns": [2]}'))
    result = LLMClient(fast(server.base_url)).complete_json(HELLO, SCHEMA)
    assert result.data == {"met": True, "turns": [2]} and result.asks == 2
    reask = server.chat_requests()[1].json["messages"]
    assert reask[-2] == {"role": "assistant", "content": '{"met": true, "turns": [2,'}
    assert "the reply is not JSON" in reask[-1]["content"]


def test_schema_invalid_json_is_re_asked_a_bounded_number_of_times_then_reported(server: FaultServer) -> None:
    server.default = Fault.ok('{"met": "yes", "extra": 1}')
    with pytest.raises(InvalidOutput) as caught:
        LLMClient(fast(server.base_url, json_reasks=2)).complete_json(HELLO, SCHEMA, name="rapport")
    assert len(server.chat_requests()) == 3 and caught.value.attempts == 3
    problems = caught.value.problems
    assert any("'turns' is a required property" in p for p in problems)
    assert any("met: 'yes' is not of type 'boolean'" in p for p in problems)
    assert "no valid JSON for rapport after 3 tries" in str(caught.value)
    assert caught.value.usage.requests == 3 and caught.value.usage.total_tokens > 0
    assert "is not of type 'boolean'" in server.chat_requests()[1].json["messages"][-1]["content"]


def test_an_optional_parameter_the_server_refuses_is_dropped_once_and_remembered(server: FaultServer) -> None:
    server.push(
        Fault.status(400, message="Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead."),
        Fault.status(400, message="Unrecognized request argument supplied: seed"),
    )
    client = LLMClient(fast(server.base_url))
    assert client.chat(HELLO, max_tokens=50, seed=3).text
    sent = [r.json for r in server.chat_requests()]
    assert ("max_tokens" in sent[0], "max_completion_tokens" in sent[1], "seed" in sent[1], "seed" in sent[2]) == (True, True, True, False)
    assert sent[2]["max_completion_tokens"] == 50
    client.chat(HELLO, max_tokens=10, seed=1)  # remembered: straight to what the server takes
    assert len(server.chat_requests()) == 4 and "seed" not in server.chat_requests()[3].json
    assert client.available()


def test_a_500_that_says_the_request_failed_validation_is_a_bad_request_not_retried(server: FaultServer) -> None:
    # llama-cpp-python's server answers a field it does not take (response_format json_schema) with a 500
    server.push(
        Fault.status(
            500,
            message="1 validation error: {'type': 'literal_error', 'loc': ('body', 'response_format', 'type'), "
            "'msg': \"Input should be 'text' or 'json_object'\"}",
        )
    )
    server.default = Fault.ok('{"met": true, "turns": [3]}')
    client = LLMClient(fast(server.base_url))
    result = client.complete_json(HELLO, SCHEMA)
    assert result.mode == "json_object" and len(server.chat_requests()) == 2 and client.breaker.state == "closed"


def test_json_mode_restates_the_schema_only_once_a_server_shows_it_does_not_enforce_it() -> None:
    with FaultServer(reject_response_formats={"json_schema"}) as server:
        client = LLMClient(fast(server.base_url))
        server.default = Fault.ok('{"met": true, "turns": [2]}')
        client.complete_json(HELLO, SCHEMA)  # json_schema refused, then json_object: valid, so the prompt had no schema
        assert "JSON Schema" not in server.chat_requests()[-1].messages_text
        assert "JSON object" in server.chat_requests()[-1].messages_text  # OpenAI's JSON mode wants the word in the prompt
        server.clear()
        server.push(Fault.ok('{"met": "yes"}'))  # ignores the schema it was sent
        result = client.complete_json(HELLO, SCHEMA)
        first, second = server.chat_requests()
        assert "JSON Schema" not in first.messages_text
        assert "valid for this JSON Schema" in second.messages_text and '"required":["met","turns"]' in second.messages_text
        assert result.data == {"met": True, "turns": [2]} and result.asks == 2
        server.clear()
        client.complete_json(HELLO, SCHEMA)  # learnt: restated from the first ask on
        assert "valid for this JSON Schema" in server.chat_requests()[0].messages_text
