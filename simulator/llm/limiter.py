"""How many requests go at once to one server: one limiter per server (base URL), shared by every client of
it in this process, like the circuit breaker.

The limit is the `concurrency` setting if one is given; otherwise what the server says it can take (a
llama.cpp server's GET /props `total_slots`, asked once by each client before its first request), otherwise
1. A server that runs one request at a time and is sent two works on them in turns, so each takes twice as
long and a timeout abandons both (llama-cpp-python's drops the first for the second); sent one at a time,
each gets the whole server. A request holds its slot through its retries (LLMClient.call, `limited`).

The limiter also counts the server's progress (a streamed piece, or a whole reply, for any request): a
request that timed out while the server was answering another was waiting its turn there (`busy`: more
requests were let through than the server runs at once), which is not a server that is down.
"""

from __future__ import annotations

import http.client
import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.request import Request, urlopen

from simulator.llm.settings import MAX_CONCURRENCY

PROPS_BYTES = 1_000_000  # /props holds the chat template: tens of kilobytes


class Limiter:
    """At most `limit` requests at once; the limit can change (a setting given, what the server said)."""

    def __init__(self, limit: int = 1):
        self._condition = threading.Condition()
        self._limit = limit
        self.active = 0  # requests holding a slot now
        self.peak = 0  # the most that ever held one at once
        self.events = 0  # pieces of replies (or whole replies) this server has sent, to any request

    @property
    def limit(self) -> int:
        return self._limit

    def set_limit(self, limit: int) -> None:
        with self._condition:
            self._limit = max(1, limit)
            self._condition.notify_all()

    @contextmanager
    def slot(self) -> Iterator[Turn]:
        """Hold one of the server's slots for the block (waiting for one to be free)."""
        with self._condition:
            while self.active >= self._limit:
                self._condition.wait()
            self.active += 1
            self.peak = max(self.peak, self.active)
            turn = Turn(self, self.events)
        try:
            yield turn
        finally:
            with self._condition:
                self.active -= 1
                self._condition.notify()

    def _progressed(self) -> int:
        with self._condition:
            self.events += 1
            return self.events


class Turn:
    """One request's hold on a slot. It counts its own progress, to tell it from the server's progress on others."""

    def __init__(self, limiter: Limiter, start: int):
        self.limiter = limiter
        self.start = start
        self.own = 0

    def progressed(self) -> None:
        """This request got a piece of its reply (or all of it)."""
        self.own += 1
        self.limiter._progressed()

    def others_progressed(self) -> bool:
        """The server sent something to another request while this one held its slot: it was busy, not down."""
        return self.limiter.events - self.start > self.own


_registry: dict[str, Limiter] = {}
_registry_lock = threading.Lock()


def limiter_for(key: str, limit: int) -> Limiter:
    """The limiter of the server `key` (its public base URL), set to `limit`."""
    with _registry_lock:
        limiter = _registry.setdefault(key, Limiter())
    if limiter.limit != limit:
        limiter.set_limit(limit)
    return limiter


def server_slots(base_url: str | None, key: str, timeout: float) -> int | None:
    """How many requests a llama.cpp server runs at once (GET /props, `total_slots`), or None when the server
    does not say (not llama.cpp, no such route, not reachable). Never for the OpenAI API (no base URL)."""
    if not base_url:
        return None
    root = re.sub(r"/v1$", "", base_url.rstrip("/"))
    request = Request(root + "/props", headers={"Authorization": f"Bearer {key}", "Accept": "application/json"})
    try:
        with urlopen(request, timeout=timeout) as response:  # noqa: S310 - the user's own server URL, http(s) only
            data = json.loads(response.read(PROPS_BYTES))
    except (OSError, ValueError, http.client.HTTPException):
        return None
    slots = data.get("total_slots") if isinstance(data, dict) else None
    if isinstance(slots, int) and not isinstance(slots, bool) and slots >= 1:
        return min(slots, MAX_CONCURRENCY)
    return None
