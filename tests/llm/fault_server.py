"""An OpenAI-compatible server of ours, on loopback, that misbehaves on purpose.

Standard library only (http.server). It answers POST /v1/chat/completions (streamed or not) and
GET /v1/models, logs every request it receives (arrival time, path, headers, body), and plays the faults
queued with `push()` one per chat request, then its `default` behaviour:

    Fault.ok(content)              a normal reply (content, or the `responder`'s answer to the request)
    Fault.status(429, retry_after=1)   an HTTP error with an OpenAI-style error body
    Fault.slow(seconds)            waits before answering (past the client's timeout)
    Fault.drop()                   closes the connection without answering
    Fault.drop_mid_stream(after=n) sends n content chunks of a streamed reply, then closes the connection
    Fault.stall_mid_stream(after=n, seconds=s)  sends n chunks, then goes quiet for s seconds
    Fault.trickle(every=s, pieces=n)   a reply in n pieces, one every s seconds (a slow server that keeps
                                   answering); not streamed, it waits n * s seconds, then sends it whole
    Fault.bad_body()               a 200 whose body is not JSON at all

Malformed and schema-invalid JSON are plain `Fault.ok("{not json")` / `Fault.ok('{"wrong": 1}')`.
`reject_response_formats={"json_schema"}` answers 400 to a request whose response_format has one of
those types (a server without structured output), like some local servers do.

A server that runs one request at a time, like llama.cpp with one slot: `slots=1` (a request that finds
every slot taken waits for one, or with `busy="503"` gets a 503). Whatever its slots, the server records the
most chat requests it ever had in hand at once (`max_concurrent`, waiting ones included) and, on each logged
request, whether the client hung up before the response was complete (`disconnected`: noticed while the
server waits, for a slot or before answering, and while it streams). `props={"total_slots": 2}` answers
GET /props as llama.cpp's server does (404 otherwise).

With `upstream=URL` it is a recording proxy: whatever is not a queued fault is passed through to the
real server, streamed responses chunk by chunk, and the request is logged on the way.
"""

from __future__ import annotations

import http.client
import json
import select
import socket
import struct
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import fault_kinds
from fault_kinds import Fault, Logged, closed_port, completion

__all__ = ["Fault", "FaultServer", "Logged", "closed_port"]

Responder = Callable[[dict[str, Any]], str]


def default_responder(request: dict[str, Any]) -> str:
    return "Well, I'm not really sure, to be honest."


@dataclass
class FaultServer:
    responder: Responder = default_responder
    upstream: str | None = None
    reject_response_formats: set[str] = field(default_factory=set)
    chunk_delay: float = 0.0
    model: str = "fault-model"
    slots: int | None = None  # chat requests run at once (None: no limit)
    busy: str = "wait"  # what a request that finds every slot taken gets: "wait" (for one) or "503"
    props: dict[str, Any] | None = None  # GET /props, as llama.cpp's server answers it

    def __post_init__(self) -> None:
        self.log: list[Logged] = []
        self.errors: list[str] = []  # what went wrong on our side (a proxy that could not reach upstream)
        self.faults: deque[Fault] = deque()
        self.default = Fault.proxy() if self.upstream else Fault.ok()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._slots = threading.Semaphore(self.slots) if self.slots else None
        self.active = 0  # chat requests in hand now (waiting for a slot included)
        self.max_concurrent = 0  # the most it ever had in hand at once

    # -- control -------------------------------------------------------------------------------

    def start(self) -> FaultServer:
        server = self

        class Handler(_Handler):
            owner = server

        self._httpd = _Quiet(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._httpd:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread:
            self._thread.join(timeout=5)

    def __enter__(self) -> FaultServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._httpd is not None
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def push(self, *faults: Fault) -> None:
        with self._lock:
            self.faults.extend(faults)

    def chat_requests(self) -> list[Logged]:
        with self._lock:
            return [r for r in self.log if r.path.endswith("/chat/completions")]

    def clear(self) -> None:
        with self._lock:
            self.log.clear()
            self.max_concurrent = self.active

    def disconnects(self, wait: float = 1.0) -> list[Logged]:
        """The chat requests whose client hung up mid-response (waiting up to `wait` s for one to be noticed)."""
        deadline = time.monotonic() + wait
        while True:
            found = [r for r in self.chat_requests() if r.disconnected]
            if found or time.monotonic() >= deadline:
                return found
            time.sleep(0.02)

    def _next_fault(self) -> Fault:
        with self._lock:
            return self.faults.popleft() if self.faults else self.default


class _Quiet(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up (a stream it stopped reading) is normal here: no traceback."""


class _Handler(BaseHTTPRequestHandler):
    owner: FaultServer
    protocol_version = "HTTP/1.1"
    _current: Logged | None = None  # the chat request in hand
    _slot = False  # it holds one of the server's slots

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    # -- plumbing ------------------------------------------------------------------------------

    def _record(self, fault: str = "") -> Logged:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {name.lower(): value for name, value in self.headers.items()}
        entry = Logged(time.monotonic(), self.command, self.path, headers, body, fault)
        try:
            entry.json = json.loads(body) if body else None
        except ValueError:
            entry.json = None
        with self.owner._lock:
            self.owner.log.append(entry)
        return entry

    def _send_json(self, status: int, payload: Any, headers: tuple[tuple[str, str], ...] = ()) -> None:
        data = json.dumps(payload).encode()
        self._finish()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def _abort(self) -> None:
        """Close the connection at once (a reset, not a clean end)."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    # -- routes --------------------------------------------------------------------------------

    def do_GET(self) -> None:  # noqa: N802
        entry = self._record()
        if self.owner.upstream:
            return self._proxy(entry)
        if self.path.rstrip("/") == "/props" and self.owner.props is not None:
            return self._send_json(200, self.owner.props)
        if self.path.rstrip("/").endswith("/models"):
            return self._send_json(200, {"object": "list", "data": [{"id": self.owner.model, "object": "model", "owned_by": "us"}]})
        self._send_json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})

    def do_POST(self) -> None:  # noqa: N802
        entry = self._record()
        if not self.path.rstrip("/").endswith("/chat/completions"):
            if self.owner.upstream:
                return self._proxy(entry)
            return self._send_json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})
        owner = self.owner
        with owner._lock:
            owner.active += 1
            owner.max_concurrent = max(owner.max_concurrent, owner.active)
        self._current = entry
        self._slot = False
        try:
            self._slot = self._take_slot(entry)
            if self._slot:
                self._answer(entry)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            entry.disconnected = True
            self.close_connection = True
        finally:
            self._finish()

    def _finish(self) -> None:
        """Done with the chat request in hand: called before its last bytes go, so that a client sent them
        and free to send its next request never finds this one still counted."""
        entry, self._current = self._current, None
        if entry is None:
            return
        if self._slot and self.owner._slots is not None:
            self.owner._slots.release()
        entry.done = time.monotonic()
        with self.owner._lock:
            self.owner.active -= 1

    def _answer(self, entry: Logged) -> None:
        request = entry.json if isinstance(entry.json, dict) else {}
        fault = self.owner._next_fault()
        entry.fault = fault.kind
        wanted = (request.get("response_format") or {}).get("type")
        if wanted in self.owner.reject_response_formats:
            entry.fault = "rejected_response_format"
            return self._send_json(
                400, {"error": {"message": f"response_format type {wanted!r} is not supported", "type": "invalid_request_error", "param": "response_format"}}
            )
        self._play(fault, request, entry)

    def _take_slot(self, entry: Logged) -> bool:
        """A slot to run the request in (always, without `slots`); False if the client hung up waiting, or a 503 was sent."""
        slots = self.owner._slots
        if slots is None:
            return True
        if self.owner.busy == "503":
            if slots.acquire(blocking=False):
                return True
            self._send_json(503, {"error": {"message": "the server is busy: every slot is taken", "type": "unavailable_error"}})
            return False
        while not slots.acquire(timeout=0.02):
            if self._hung_up():
                entry.disconnected = True
                self.close_connection = True
                return False
            if self.owner._stopping.is_set():
                self._abort()
                return False
        return True

    def _hung_up(self) -> bool:
        """The client closed its end (the request was read whole, so anything readable now is the end of it)."""
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            return bool(readable) and self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True

    def _wait(self, seconds: float, entry: Logged) -> bool:
        """Wait `seconds` as a working server does, watching the client; False if it hung up (or we stop)."""
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            if self._hung_up():
                entry.disconnected = True
                self.close_connection = True
                return False
            if self.owner._stopping.wait(min(0.02, left)):
                self._abort()
                return False
        return True

    def _play(self, fault: Fault, request: dict[str, Any], entry: Logged) -> None:
        owner = self.owner
        if fault.kind == "proxy":
            return self._proxy(entry)
        if fault.kind == "status":
            error_type = {400: "invalid_request_error", 401: "authentication_error", 404: "not_found_error", 429: "rate_limit_error"}.get(
                fault.code, "server_error"
            )
            message = fault.content or f"fault server: HTTP {fault.code}"
            return self._send_json(fault.code, {"error": {"message": message, "type": error_type, "code": str(fault.code)}}, fault.headers)
        if fault.kind == "drop":
            return self._abort()
        if fault.kind == "bad_body":
            data = b"<html>this is not JSON</html>"
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        if fault.kind == "empty_stream":
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self._finish()
            self._chunk(b"")
            return None
        if fault.kind == "slow" and not self._wait(fault.seconds, entry):
            return None
        content = fault.content if fault.content is not None else owner.responder(request)
        if request.get("stream"):
            return self._stream(content, request, fault, entry)
        if fault.kind == "trickle" and not self._wait(fault.seconds * fault.after, entry):
            return None
        if fault.kind == "drop_mid_stream":  # not streamed: half a body, then gone
            data = json.dumps(completion(content, request, owner.model)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            return self._abort()
        self._send_json(200, completion(content, request, owner.model))

    def _stream(self, content: str, request: dict[str, Any], fault: Fault, entry: Logged) -> None:
        owner = self.owner
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        cid = f"chatcmpl-{uuid.uuid4().hex[:12]}"
        pieces = fault_kinds.split(content, fault.after) if fault.kind == "trickle" else fault_kinds.pieces(content)

        def event(delta: dict[str, Any], finish: str | None = None, usage: dict[str, int] | None = None) -> None:
            payload: dict[str, Any] = {
                "id": cid, "object": "chat.completion.chunk", "created": int(time.time()), "model": owner.model,
                "choices": [] if usage else [{"index": 0, "delta": delta, "finish_reason": finish}],
            }
            if usage:
                payload["usage"] = usage
            self._chunk(b"data: " + json.dumps(payload).encode() + b"\n\n")

        event({"role": "assistant", "content": ""})
        for index, piece in enumerate(pieces):
            if fault.kind == "drop_mid_stream" and index >= fault.after:
                return self._abort()
            if fault.kind == "stall_mid_stream" and index == fault.after and not self._wait(fault.seconds, entry):
                return None
            if fault.kind == "trickle" and not self._wait(fault.seconds, entry):
                return None
            event({"content": piece})
            if owner.chunk_delay and not self._wait(owner.chunk_delay, entry):
                return None
        event({}, "stop")
        if (request.get("stream_options") or {}).get("include_usage"):
            event({}, usage=fault_kinds.usage(request, content))
        self._finish()
        self._chunk(b"data: [DONE]\n\n")
        self._chunk(b"")

    def _proxy(self, entry: Logged) -> None:
        """Pass the request to the real server and its answer back, streamed as it comes."""
        target = urlsplit(self.owner.upstream or "")
        connection = http.client.HTTPConnection(target.hostname, target.port, timeout=600)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection", "content-length", "accept-encoding")}
        headers["Content-Length"] = str(len(entry.body))
        headers["Accept-Encoding"] = "identity"
        path = self.path
        try:
            try:
                connection.request(self.command, path, body=entry.body, headers=headers)
                upstream = connection.getresponse()
            except OSError as error:  # the real server is not there: say so, as a proxy does
                self.owner.errors.append(f"proxy: {error!r}")
                return self._send_json(502, {"error": {"message": f"proxy: upstream failed: {error}", "type": "server_error"}})
            self.send_response(upstream.status)
            for name, value in upstream.getheaders():
                if name.lower() not in ("transfer-encoding", "connection", "content-length", "keep-alive", "content-encoding"):
                    self.send_header(name, value)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            while True:
                data = upstream.read1(65536)
                if not data:
                    break
                self._chunk(data)
            self._chunk(b"")
        finally:
            connection.close()
