"""What can go wrong talking to a model server, one kind at a time, each with a plain message."""

from __future__ import annotations

import email.utils
from datetime import UTC, datetime
from typing import Any

from simulator.errors import ConsultsimError

# kind -> (retried?, counts towards opening the circuit breaker?)
KINDS: dict[str, tuple[bool, bool]] = {
    "down": (True, True),  # connection refused, unknown host
    "dropped": (True, True),  # the connection closed before a whole response came
    "timeout": (True, True),  # no reply within `timeout` (nor any sign the server was busy with another)
    "busy": (True, False),  # no reply within `timeout` while the server was answering another request: alive
    "too_slow": (False, False),  # still replying, slowly, when `reply_budget` ran out: alive, not retried
    "rate_limited": (True, True),  # 429
    "server_error": (True, True),  # 5xx (and 408)
    "bad_request": (False, False),  # 400, 422
    "auth": (False, False),  # 401, 403
    "not_found": (False, False),  # 404
    "http_error": (False, False),  # any other status
    "bad_response": (False, False),  # a 200 whose body is not a chat completion
    "empty_reply": (False, False),  # a 200 stream with nothing in it: a request the server would not run (a prompt past its context)
    "breaker_open": (False, False),  # skipped: the server failed recently
    "invalid_output": (False, False),  # a structured reply that stayed invalid after the re-asks
    "stream_broken": (False, False),  # a stream that stopped mid-reply (what arrived is kept)
}


class LLMError(ConsultsimError):
    """A failed model request. `kind` is one of KINDS; the message names the server, never a key."""

    def __init__(self, kind: str, message: str, *, status: int | None = None, retry_after: float | None = None, attempts: int = 1):
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.status = status
        self.retry_after = retry_after
        self.attempts = attempts

    @property
    def retryable(self) -> bool:
        return KINDS[self.kind][0]

    @property
    def counts_for_breaker(self) -> bool:
        return KINDS[self.kind][1]


class StreamBroken(LLMError):
    """A streamed reply stopped part-way; `partial` is what arrived before it did."""

    def __init__(self, message: str, partial: str, cause: str = "dropped"):
        super().__init__("stream_broken", message)
        self.partial = partial
        self.cause = cause


class InvalidOutput(LLMError):
    """A structured reply that was still not valid JSON for its schema after the re-asks."""

    def __init__(self, message: str, problems: list[str], last_text: str, usage: object, attempts: int):
        super().__init__("invalid_output", message, attempts=attempts)
        self.problems = problems
        self.last_text = last_text
        self.usage = usage


# -- what a server's error response says -------------------------------------------------------


def server_message(error: Any) -> str:
    """What the server's error body says (its message, on one line), to end ours with; "" if nothing."""
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


def retry_after_of(headers: Any) -> float | None:
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
