"""Elapsed time against the planned duration, e.g. "04:12 / 10:00"; over time it turns to a warning."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Static


def mmss(seconds: float) -> str:
    minutes, secs = divmod(max(0, int(seconds)), 60)
    return f"{minutes:02d}:{secs:02d}"


class ElapsedClock(Static):
    """Counts from `already` seconds (time spent before a resume) plus the time since it was mounted."""

    def __init__(self, planned_minutes: int, clock: Callable[[], float], already: float = 0.0, **kwargs) -> None:
        super().__init__(**kwargs)
        self.planned = planned_minutes * 60
        self.clock = clock
        self.already = already
        self.started = clock()

    def on_mount(self) -> None:
        self.tick()
        self.set_interval(1.0, self.tick)

    @property
    def elapsed(self) -> float:
        return self.already + self.clock() - self.started

    def tick(self) -> None:
        elapsed = self.elapsed
        self.set_class(elapsed > self.planned, "-over")
        self.update(f"{mmss(elapsed)} / {mmss(self.planned)}")

    def stop(self) -> None:
        """The consultation has ended: the clock stays where it is."""
        self.already, self.clock = self.elapsed, (lambda: 0.0)
        self.started = 0.0
        self.tick()
