"""One client for any OpenAI-compatible server, with our one retry layer (tenacity) and a circuit breaker.

The openai client's own retries are off (max_retries=0). We retry 429 (honouring Retry-After), 408, 5xx,
timeouts and dropped connections, with exponential backoff and jitter, a bounded number of times and
within a time budget; never 400, 401, 403, 404 or 422. Every failure becomes an LLMError with a kind and
a plain message that names the server (without credentials) and never the key.

Helpers, for the patient and the judge alike: `chat` (one reply), `stream_chat` (a reply token by token)
and `complete_json` (a reply that must be JSON valid for a schema: the server's structured output where
it has it, JSON in the text otherwise, validated with jsonschema and re-asked a bounded number of times;
streamed, so that a slow server that keeps sending is not taken for a dead one).

`chat` and `complete_json` requests go to a server no more at once than its limiter allows (limiter.py:
the `concurrency` setting, else what the server says it takes, else 1).
"""

from __future__ import annotations

import functools
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar, cast

import jsonschema
import openai
import tenacity

from simulator.llm.breaker import CircuitBreaker, breaker_for
from simulator.llm.errors import InvalidOutput, LLMError, retry_after_of, server_message
from simulator.llm.jsonreply import parse_json, schema_name, with_json_instruction, with_schema_instruction
from simulator.llm.limiter import Limiter, Turn, limiter_for, server_slots
from simulator.llm.results import ChatResult, JSONResult, Messages, Usage
from simulator.llm.settings import LLMSettings, public_url
from simulator.llm.stream import ChatStream, collect

if TYPE_CHECKING:
    from openai.types.chat import ChatCompletionMessageParam

__all__ = ["ChatResult", "ChatStream", "ClientStats", "JSONResult", "LLMClient", "Usage", "parse_json"]

T = TypeVar("T")
# A 5xx that is really the server refusing a field of the request: retrying cannot help.
_VALIDATION = re.compile(r"validation error|Input should be|literal_error|extra_forbidden", re.I)
# Parameters we send that a server may not take (then they are dropped, or max_tokens renamed).
_OPTIONAL = ("stream_options", "seed", "max_tokens", "temperature")


@dataclass
class ClientStats:
    """What this client did; tests and benchmarks read it. Attempts count HTTP tries, retries included."""

    attempts: int = 0
    retries: int = 0
    failures: int = 0
    waits: list[float] = field(default_factory=list)


class LLMClient:
    def __init__(self, settings: LLMSettings, *, breaker: CircuitBreaker | None = None, sleep: Callable[[float], None] = time.sleep):
        self.settings = settings
        self.where = public_url(settings.base_url) if settings.base_url else "https://api.openai.com/v1"
        self.model = settings.model or ""
        self._openai = openai.OpenAI(
            base_url=settings.base_url,
            api_key=settings.key_for_client(),
            max_retries=0,  # the one retry layer is ours
            timeout=openai.Timeout(settings.timeout, connect=settings.connect_timeout),
        )
        self.breaker = breaker or breaker_for(self.where, settings.breaker_failures, settings.breaker_cooldown)
        self._sleep = sleep
        self.stats = ClientStats()
        self._lock = threading.Lock()
        self._json_mode: str | None = None if settings.structured_output == "auto" else settings.structured_output
        # In json_object mode the schema goes with the request (llama.cpp makes it a grammar); the prompt restates
        # it only once this server has shown it does not enforce it (a reply invalid for it): tokens saved per ask.
        self._restate_schema = False
        # initial * 2**(n-1), capped, plus up to `initial` of random jitter
        self._backoff = tenacity.wait_exponential(multiplier=settings.backoff_initial, max=settings.backoff_max) + tenacity.wait_random(
            0, settings.backoff_initial
        )
        self._refused: dict[str, str | None] = {}  # optional parameters this server refused -> what to send instead
        self._limiter: Limiter | None = None  # settled before the first request (it may ask the server)
        self._limiter_lock = threading.Lock()
        self._turns = threading.local()  # .current: the slot the request in hand holds, on this thread

    def close(self) -> None:
        self._openai.close()

    # -- public helpers ------------------------------------------------------------------------

    def available(self) -> bool:
        """False while the breaker is open (the server failed recently and is being skipped)."""
        return self.breaker.state != "open"

    def chat(self, messages: Messages, **params: Any) -> ChatResult:
        """One reply, not streamed."""

        def attempt(sent: dict[str, Any]) -> ChatResult:
            typed = cast("list[ChatCompletionMessageParam]", messages)  # plain dicts of the shape the client types
            response = self._openai.chat.completions.create(model=self.model, messages=typed, **sent)
            self._progressed()
            if not getattr(response, "choices", None):
                raise LLMError("bad_response", f"the model server at {self.where} sent a reply with no choices")
            usage = Usage(requests=1)
            usage.add(response.usage)
            choice = response.choices[0]
            return ChatResult(choice.message.content or "", choice.finish_reason, usage)

        return self.call_adapting(attempt, params, limited=True)

    def call_adapting(self, attempt: Callable[[dict[str, Any]], T], params: dict[str, Any], *, limited: bool = False) -> T:
        """`call`, and if the server refuses one of our optional parameters (400 naming it), once more
        without it (or, for max_tokens, with max_completion_tokens), remembered for later requests."""
        for _ in range(len(_OPTIONAL) + 1):
            sent = self._adapt(params)
            try:
                return self.call(functools.partial(attempt, sent), limited=limited)
            except LLMError as error:
                if not self._learn(error, sent):
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _adapt(self, params: dict[str, Any]) -> dict[str, Any]:
        sent = dict(params)
        for name, replacement in self._refused.items():
            if name in sent:
                value = sent.pop(name)
                if replacement:
                    sent[replacement] = value
        return sent

    def _learn(self, error: LLMError, sent: dict[str, Any]) -> bool:
        if error.kind != "bad_request":
            return False
        for name in _OPTIONAL:
            if name in sent and name not in self._refused and re.search(rf"\b{name}\b", error.message):
                replacement = "max_completion_tokens" if name == "max_tokens" and "max_completion_tokens" in error.message else None
                with self._lock:
                    self._refused[name] = replacement
                return True
        return False

    def stream_chat(self, messages: Messages, **params: Any) -> ChatStream:
        """A reply token by token: iterate for the text deltas; `.result` once it is done.

        Opening the stream and waiting for its first words are retried like any request (nothing has been
        shown yet). If it breaks after that, iteration raises StreamBroken with what had arrived.
        """
        return ChatStream(self, messages, params)

    def complete_json(
        self, messages: Messages, schema: dict[str, Any], *, name: str = "reply", reasks: int | None = None, stream: bool = True, **params: Any
    ) -> JSONResult:
        """A reply that is JSON valid for `schema`, re-asked up to `reasks` times (settings.json_reasks).

        Streamed and gathered (stream.collect): the timeout runs between pieces, `reply_budget` over the whole.
        `stream=False` asks for the whole reply at once (llama-cpp-python's server reports token usage only then).
        Raises InvalidOutput (with the problems, the last text and the tokens used) when it never is.
        """
        if stream:
            params = {"stream_options": {"include_usage": True}, **params}
        reasks = self.settings.json_reasks if reasks is None else reasks
        validator = jsonschema.Draft202012Validator(schema)
        usage = Usage()
        conversation = list(messages)
        problems: list[str] = []
        text = ""
        for ask in range(1, reasks + 2):
            mode = self._json_mode or "json_schema"
            result, mode = self._ask_json(conversation, schema, name, mode, params, stream)
            usage.add(result.usage)
            text = result.text
            data, problems = parse_json(text, validator)
            if not problems:
                return JSONResult(data, text, mode, ask, usage)
            if mode == "json_object":
                self._restate_schema = True  # not enforced here: the re-ask, and every ask after it, restates it
            conversation = [
                *conversation,
                {"role": "assistant", "content": text},
                {"role": "user", "content": "That reply is not valid: " + "; ".join(problems[:5])
                 + ". Reply again with only the JSON object, valid for the schema."},
            ]
        raise InvalidOutput(
            f"the model at {self.where} gave no valid JSON for {name} after {reasks + 1} tries: {problems[0]}",
            problems, text, usage, reasks + 1,
        )

    # -- structured output ---------------------------------------------------------------------

    def _ask_json(self, messages: Messages, schema: dict[str, Any], name: str, mode: str, params: dict[str, Any], stream: bool) -> tuple[ChatResult, str]:
        """Ask in `mode`; in auto mode a server that rejects it gets the next one (json_schema, json_object, text)."""
        order = ["json_schema", "json_object", "text"]
        while True:
            request = dict(params)
            if mode == "json_schema":
                request["response_format"] = {"type": "json_schema", "json_schema": {"name": schema_name(name), "schema": schema, "strict": False}}
                sent = messages
            elif mode == "json_object":  # OpenAI's JSON mode; llama.cpp also takes the schema here (a grammar)
                request["response_format"] = {"type": "json_object", "schema": schema}
                sent = with_schema_instruction(messages, schema) if self._restate_schema else with_json_instruction(messages)
            else:
                sent = with_schema_instruction(messages, schema)
            try:
                result = self.call_adapting(functools.partial(self._collect, sent), request, limited=True) if stream else self.chat(sent, **request)
            except LLMError as error:
                auto = self.settings.structured_output == "auto"
                if auto and mode != "text" and error.kind == "bad_request":
                    mode = order[order.index(mode) + 1]  # the server has no such response_format: step down
                    continue
                raise
            if self.settings.structured_output == "auto":
                self._json_mode = mode
            return result, mode

    def _collect(self, messages: Messages, sent: dict[str, Any]) -> ChatResult:
        return collect(self, messages, sent, on_piece=self._progressed)

    # -- how many at once ----------------------------------------------------------------------

    def limiter(self) -> Limiter:
        """This server's limiter, set to the `concurrency` setting, or else (asked once, before this client's
        first request) what the server says it can take, or else 1."""
        with self._limiter_lock:
            if self._limiter is None:
                limit = self.settings.concurrency
                if limit is None:
                    limit = server_slots(self.settings.base_url, self.settings.key_for_client(), self.settings.connect_timeout) or 1
                self._limiter = limiter_for(self.where, limit)
            return self._limiter

    def _progressed(self) -> None:
        """The request in hand got a piece of its reply (or all of it)."""
        turn: Turn | None = getattr(self._turns, "current", None)
        if turn is not None:
            turn.progressed()

    def _busy(self, error: LLMError) -> LLMError:
        """A timeout while the server was sending another request its reply: this one was waiting its turn
        there (more were let through than it runs at once), which is not a server that is down."""
        turn: Turn | None = getattr(self._turns, "current", None)
        if error.kind != "timeout" or turn is None or not turn.others_progressed():
            return error
        s = self.settings
        return LLMError(
            "busy",
            f"the model server at {self.where} was busy with another request and did not start this one within "
            f"{s.timeout:g} s: send fewer at once ({s.how_to_set('concurrency')}) or wait longer ({s.how_to_set('timeout')})",
        )

    # -- the retry layer -----------------------------------------------------------------------

    def call(self, attempt: Callable[[], T], *, limited: bool = False) -> T:
        """Run `attempt` (one HTTP request) under the breaker and the retry policy. `limited`: holding one of
        the server's slots throughout (retries and their waits included), the breaker asked once it is ours."""
        if not limited:
            return self._call(attempt)
        with self.limiter().slot() as turn:
            self._turns.current = turn
            try:
                return self._call(attempt)
            finally:
                self._turns.current = None

    def _call(self, attempt: Callable[[], T]) -> T:
        limit = self.breaker.admit()  # raises LLMError("breaker_open") while the server is skipped
        s = self.settings
        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(limit or s.max_attempts) | tenacity.stop_after_delay(s.retry_budget),
            wait=self._wait,
            retry=tenacity.retry_if_exception(self._should_retry),
            sleep=self._sleep,
            before_sleep=self._before_sleep,
            reraise=True,
        )
        try:
            result = retrying(self._one, attempt)
        except LLMError as error:
            error.attempts = retrying.statistics.get("attempt_number", 1)
            with self._lock:
                self.stats.failures += 1
            self.breaker.failure(error)
            raise
        except BaseException:
            self.breaker.abandon()  # not the server's doing (an interrupt): a trial slot must not stay taken
            raise
        self.breaker.success()
        return result

    def _one(self, attempt: Callable[[], T]) -> T:
        with self._lock:
            self.stats.attempts += 1
        try:
            return attempt()
        except LLMError:
            raise
        except (openai.OpenAIError, OSError, ValueError) as error:
            raise self._busy(self.classify(error)) from None

    def _should_retry(self, error: BaseException) -> bool:
        if not isinstance(error, LLMError) or not error.retryable:
            return False
        return error.retry_after is None or error.retry_after <= self.settings.retry_after_max

    def _wait(self, state: tenacity.RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, LLMError) and error.retry_after is not None:
            return error.retry_after  # the server said how long; honour it exactly
        return self._backoff(state)

    def _before_sleep(self, state: tenacity.RetryCallState) -> None:
        with self._lock:
            self.stats.retries += 1
            self.stats.waits.append(state.upcoming_sleep)

    def classify(self, error: BaseException) -> LLMError:
        """An exception from the openai client (or the transport under it) as an LLMError with a plain message."""
        where = self.where
        if isinstance(error, LLMError):
            return error
        if isinstance(error, openai.APITimeoutError):
            s = self.settings
            raise_it = f"if it is slow rather than down, raise {s.how_to_set('timeout')}"
            return LLMError("timeout", f"the model server at {where} did not answer within {s.timeout:g} s ({raise_it})")
        if isinstance(error, openai.APIConnectionError):
            if type(error.__cause__).__name__ in ("ConnectError", "ConnectionRefusedError", "gaierror"):
                return LLMError("down", f"cannot reach the model server at {where} (is it running?)")
            return LLMError("dropped", f"the connection to the model server at {where} dropped before the reply was complete")
        if isinstance(error, openai.APIStatusError):
            status = error.status_code
            detail = self._redact(server_message(error))
            if status == 429:
                retry_after = retry_after_of(error.response.headers)
                wait = f"; it asks to wait {retry_after:g} s" if retry_after is not None else ""
                return LLMError("rate_limited", f"the model server at {where} is limiting requests (429){wait}", status=429, retry_after=retry_after)
            if status in (401, 403):
                return LLMError(
                    "auth", f"the model server at {where} refused the API key ({status}); check ${self.settings.api_key_env}{detail}", status=status
                )
            if status == 404:
                return LLMError(
                    "not_found",
                    f"the model server at {where} has no model {self.model!r} or no chat endpoint (404): "
                    f"check --model and --base-url (a local server's URL usually ends in /v1){detail}",
                    status=404,
                )
            if status in (400, 422) or (status >= 500 and _VALIDATION.search(detail)):  # llama.cpp says 500 for a bad field
                return LLMError("bad_request", f"the model server at {where} rejected the request ({status}){detail}", status=status)
            if status == 408 or status >= 500:
                retry_after = retry_after_of(error.response.headers) if status == 503 else None
                return LLMError("server_error", f"the model server at {where} failed (HTTP {status}){detail}", status=status, retry_after=retry_after)
            return LLMError("http_error", f"the model server at {where} answered HTTP {status}{detail}", status=status)
        if isinstance(error, (openai.APIResponseValidationError, ValueError)):
            return LLMError("bad_response", f"the model server at {where} sent a reply that is not an OpenAI-style chat completion")
        if isinstance(error, OSError):
            return LLMError("dropped", f"the connection to the model server at {where} failed ({type(error).__name__})")
        return LLMError("bad_response", f"the model server at {where} failed ({type(error).__name__})")

    def _redact(self, text: str) -> str:
        key = self.settings.api_key.reveal() if self.settings.api_key else None
        if key:
            text = text.replace(key, "***")
        return re.sub(r"\b(sk-[A-Za-z0-9_-]{4})[A-Za-z0-9_*-]{8,}", r"\1***", text)
