"""One client for any OpenAI-compatible server, with our one retry layer (tenacity) and a circuit breaker.

The openai client's own retries are off (max_retries=0). We retry 429 (honouring Retry-After), 408, 5xx,
timeouts and dropped connections, with exponential backoff and jitter, a bounded number of times and
within a time budget; never 400, 401, 403, 404 or 422. Every failure becomes an LLMError with a kind and
a plain message that names the server (without credentials) and never the key.

Helpers, for the patient and the judge alike: `chat` (one reply), `stream_chat` (a reply token by token)
and `complete_json` (a reply that must be JSON valid for a schema: the server's structured output where
it has it, JSON in the text otherwise, validated with jsonschema and re-asked a bounded number of times).
"""

from __future__ import annotations

import email.utils
import functools
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar, cast

import jsonschema
import openai
import tenacity

from simulator.llm.breaker import CircuitBreaker, breaker_for
from simulator.llm.errors import InvalidOutput, LLMError
from simulator.llm.results import ChatResult, JSONResult, Messages, Usage
from simulator.llm.settings import LLMSettings, public_url
from simulator.llm.stream import ChatStream

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
            if not getattr(response, "choices", None):
                raise LLMError("bad_response", f"the model server at {self.where} sent a reply with no choices")
            usage = Usage(requests=1)
            usage.add(response.usage)
            choice = response.choices[0]
            return ChatResult(choice.message.content or "", choice.finish_reason, usage)

        return self.call_adapting(attempt, params)

    def call_adapting(self, attempt: Callable[[dict[str, Any]], T], params: dict[str, Any]) -> T:
        """`call`, and if the server refuses one of our optional parameters (400 naming it), once more
        without it (or, for max_tokens, with max_completion_tokens), remembered for later requests."""
        for _ in range(len(_OPTIONAL) + 1):
            sent = self._adapt(params)
            try:
                return self.call(functools.partial(attempt, sent))
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

    def complete_json(self, messages: Messages, schema: dict[str, Any], *, name: str = "reply", reasks: int | None = None, **params: Any) -> JSONResult:
        """A reply that is JSON valid for `schema`, re-asked up to `reasks` times (settings.json_reasks).

        Raises InvalidOutput (with the problems, the last text and the tokens used) when it never is.
        """
        reasks = self.settings.json_reasks if reasks is None else reasks
        validator = jsonschema.Draft202012Validator(schema)
        usage = Usage()
        conversation = list(messages)
        problems: list[str] = []
        text = ""
        for ask in range(1, reasks + 2):
            mode = self._json_mode or "json_schema"
            result, mode = self._ask_json(conversation, schema, name, mode, params)
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

    def _ask_json(self, messages: Messages, schema: dict[str, Any], name: str, mode: str, params: dict[str, Any]) -> tuple[ChatResult, str]:
        """Ask in `mode`; in auto mode a server that rejects it gets the next one (json_schema, json_object, text)."""
        order = ["json_schema", "json_object", "text"]
        while True:
            request = dict(params)
            if mode == "json_schema":
                request["response_format"] = {"type": "json_schema", "json_schema": {"name": _schema_name(name), "schema": schema, "strict": False}}
                sent = messages
            elif mode == "json_object":  # OpenAI's JSON mode; llama.cpp also takes the schema here (a grammar)
                request["response_format"] = {"type": "json_object", "schema": schema}
                sent = _with_schema_instruction(messages, schema) if self._restate_schema else _with_json_instruction(messages)
            else:
                sent = _with_schema_instruction(messages, schema)
            try:
                result = self.chat(sent, **request)
            except LLMError as error:
                auto = self.settings.structured_output == "auto"
                if auto and mode != "text" and error.kind == "bad_request":
                    mode = order[order.index(mode) + 1]  # the server has no such response_format: step down
                    continue
                raise
            if self.settings.structured_output == "auto":
                self._json_mode = mode
            return result, mode

    # -- the retry layer -----------------------------------------------------------------------

    def call(self, attempt: Callable[[], T]) -> T:
        """Run `attempt` (one HTTP request) under the breaker and the retry policy."""
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
            raise self.classify(error) from None

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
            return LLMError("timeout", f"the model server at {where} did not answer within {self.settings.timeout:g} s")
        if isinstance(error, openai.APIConnectionError):
            if type(error.__cause__).__name__ in ("ConnectError", "ConnectionRefusedError", "gaierror"):
                return LLMError("down", f"cannot reach the model server at {where} (is it running?)")
            return LLMError("dropped", f"the connection to the model server at {where} dropped before the reply was complete")
        if isinstance(error, openai.APIStatusError):
            status = error.status_code
            detail = self._redact(_server_message(error))
            if status == 429:
                retry_after = _retry_after(error.response.headers)
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
                retry_after = _retry_after(error.response.headers) if status == 503 else None
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


def parse_json(text: str, validator: jsonschema.protocols.Validator) -> tuple[Any, list[str]]:
    """The JSON object in a reply (bare, fenced, or inside prose) and what is wrong with it, if anything."""
    candidate = text.strip()
    fenced = re.search(r"```(?:json)?\s*(.*?)```", candidate, re.S)
    if fenced:
        candidate = fenced.group(1).strip()
    try:
        data = json.loads(candidate)
    except ValueError:
        start, end = candidate.find("{"), candidate.rfind("}")
        try:
            data = json.loads(candidate[start : end + 1]) if 0 <= start < end else None
        except ValueError:
            data = None
        if data is None:
            return None, ["the reply is not JSON"]
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    return data, [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}"[:300] for e in errors]


def _with_schema_instruction(messages: Messages, schema: dict[str, Any]) -> Messages:
    compact = json.dumps(schema, separators=(",", ":"))  # whitespace is tokens too
    return _with_instruction(messages, "Reply with only a JSON object (no prose, no code fence) valid for this JSON Schema:\n" + compact)


def _with_instruction(messages: Messages, instruction: str) -> Messages:
    if messages and messages[0].get("role") == "system":
        return [{**messages[0], "content": f"{messages[0]['content']}\n\n{instruction}"}, *messages[1:]]
    return [{"role": "system", "content": instruction}, *messages]


def _with_json_instruction(messages: Messages) -> Messages:
    """JSON mode without the schema in the prompt (OpenAI's JSON mode wants the word JSON in the messages)."""
    return _with_instruction(messages, "Reply with only a JSON object (no prose, no code fence).")


def _schema_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", name)[:64] or "reply"


def _server_message(error: Any) -> str:
    body = getattr(error, "body", None)
    message = None
    if isinstance(body, dict):
        inner = body.get("error", body)
        message = inner.get("message") if isinstance(inner, dict) else inner
        if message is None and "detail" in body:
            message = body["detail"]
    if not message:
        return ""
    return ": " + " ".join(str(message).split())[:200]


def _retry_after(headers: Any) -> float | None:
    """Seconds from Retry-After (seconds or an HTTP date) or retry-after-ms, if the server sent one."""
    if headers is None:
        return None
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            return max(0.0, float(millis) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
