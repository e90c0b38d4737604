"""A circuit breaker per server: a server found down costs a few seconds once, then is skipped for a
while (`cooldown`), then tried again with a single attempt (half-open) before it is trusted again."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from simulator.llm.errors import LLMError


class CircuitBreaker:
    def __init__(self, failures: int = 1, cooldown: float = 30.0, clock: Callable[[], float] = time.monotonic):
        self.threshold = failures
        self.cooldown = cooldown
        self.clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        self._last_error: LLMError | None = None
        self._trial = False  # a half-open trial request is in flight

    @property
    def state(self) -> str:
        """closed (use the server), open (skip it) or half_open (one trial request may go)."""
        with self._lock:
            return self._state()

    def _state(self) -> str:
        if self._opened_at is None:
            return "closed"
        return "open" if self.clock() - self._opened_at < self.cooldown else "half_open"

    def remaining(self) -> float:
        with self._lock:
            return 0.0 if self._opened_at is None else max(0.0, self.cooldown - (self.clock() - self._opened_at))

    def admit(self) -> int:
        """Before a request: how many attempts it may make (1 when half-open); raises when open."""
        with self._lock:
            state = self._state()
            if state == "closed":
                return 0  # no limit from the breaker
            if state == "half_open" and not self._trial:
                self._trial = True
                return 1
            wait = max(0.0, self.cooldown - (self.clock() - (self._opened_at or 0)))
            last = self._last_error.message if self._last_error else "it failed"
            raise LLMError("breaker_open", f"skipping the model server for {wait:.0f} s more (last time: {last})")

    def success(self) -> None:
        with self._lock:
            self._failures, self._opened_at, self._last_error, self._trial = 0, None, None, False

    def abandon(self) -> None:
        """A request ended by something other than the server (an interrupt): free the trial slot."""
        with self._lock:
            self._trial = False

    def failure(self, error: LLMError) -> None:
        with self._lock:
            trial, self._trial = self._trial, False
            if not error.counts_for_breaker:
                return
            self._failures += 1
            self._last_error = error
            if trial or self._failures >= self.threshold:
                self._opened_at = self.clock()


_registry: dict[str, CircuitBreaker] = {}
_registry_lock = threading.Lock()


def breaker_for(key: str, failures: int, cooldown: float) -> CircuitBreaker:
    """One breaker per server (base URL), shared by every client of it in this process (patient and judge)."""
    with _registry_lock:
        breaker = _registry.get(key)
        if breaker is None or (breaker.threshold, breaker.cooldown) != (failures, cooldown):
            breaker = _registry[key] = CircuitBreaker(failures, cooldown)
        return breaker
