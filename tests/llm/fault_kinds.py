"""What the fault server (fault_server.py) plays and records: the faults, the request log, and the shapes of
its replies (a completion, stream pieces, token usage)."""

from __future__ import annotations

import socket
import time
import uuid
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Fault:
    kind: str  # ok | status | slow | drop | drop_mid_stream | stall_mid_stream | trickle | bad_body | empty_stream | proxy
    content: str | None = None
    code: int = 200  # the HTTP status of a `status` fault
    headers: tuple[tuple[str, str], ...] = ()
    seconds: float = 0.0
    after: int = 0

    @classmethod
    def ok(cls, content: str | None = None) -> Fault:
        return cls("ok", content)

    @classmethod
    def status(cls, code: int, retry_after: float | str | None = None, message: str | None = None) -> Fault:
        headers = (("Retry-After", str(retry_after)),) if retry_after is not None else ()
        return cls("status", message, code=code, headers=headers)

    @classmethod
    def slow(cls, seconds: float, content: str | None = None) -> Fault:
        return cls("slow", content, seconds=seconds)

    @classmethod
    def drop(cls) -> Fault:
        return cls("drop")

    @classmethod
    def drop_mid_stream(cls, after: int = 2, content: str | None = None) -> Fault:
        return cls("drop_mid_stream", content, after=after)

    @classmethod
    def stall_mid_stream(cls, after: int, seconds: float, content: str | None = None) -> Fault:
        return cls("stall_mid_stream", content, after=after, seconds=seconds)

    @classmethod
    def trickle(cls, every: float, pieces: int = 10, content: str | None = None) -> Fault:
        return cls("trickle", content, seconds=every, after=pieces)

    @classmethod
    def bad_body(cls) -> Fault:
        return cls("bad_body")

    @classmethod
    def empty_stream(cls) -> Fault:
        """A 200 event stream closed before its first event, as llama-cpp-python's server answers a prompt past its context."""
        return cls("empty_stream")

    @classmethod
    def proxy(cls) -> Fault:
        return cls("proxy")



@dataclass
class Logged:
    at: float  # time.monotonic() on arrival
    method: str
    path: str
    headers: dict[str, str]  # names in lower case
    body: bytes
    fault: str = ""
    json: Any = None
    disconnected: bool = False  # the client hung up before the response was complete
    done: float | None = None  # time.monotonic() when the server was done with it

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def messages_text(self) -> str:
        """Every message's content, decoded from the JSON (so escapes cannot hide anything)."""
        if not isinstance(self.json, dict):
            return ""
        parts = []
        for message in self.json.get("messages", []):
            content = message.get("content")
            if isinstance(content, str):
                parts.append(content)
            elif isinstance(content, list):
                parts += [p.get("text", "") for p in content if isinstance(p, dict)]
        return "\n".join(parts)


def pieces(content: str) -> list[str]:
    """A reply cut into word-sized stream chunks (each keeps its trailing space)."""
    pieces, current = [], ""
    for char in content:
        current += char
        if char == " ":
            pieces.append(current)
            current = ""
    if current:
        pieces.append(current)
    return pieces or [""]


def split(content: str, count: int) -> list[str]:
    """A reply cut into `count` pieces of about the same length."""
    count = max(1, min(count, len(content)))
    size = -(-len(content) // count)
    return [content[i : i + size] for i in range(0, len(content), size)] or [""]


def usage(request: dict[str, Any], content: str) -> dict[str, int]:
    prompt = sum(len(str(m.get("content", "")).split()) for m in request.get("messages", []))
    completion = max(1, len(content.split()))
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def completion(content: str, request: dict[str, Any], model: str) -> dict[str, Any]:
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:12]}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": usage(request, content),
    }


def closed_port() -> int:
    """A loopback port with nothing listening on it (a server that is down)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
