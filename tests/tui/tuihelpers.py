"""Helpers for the terminal UI tests: a frozen app, typing, waiting, sessions with fixed times."""

from __future__ import annotations

import json
from pathlib import Path

from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget

from simulator.consultation import Consultation
from simulator.resources import shipped_scenarios_dir
from simulator.scenario import load_scenario
from simulator.session import sessions_dir
from simulator.tui.app import ConsultsimApp, make_app
from simulator.tui.replies import PacedReplies

REPO = Path(__file__).resolve().parents[2]
T2D = shipped_scenarios_dir() / "t2d-hypo-fear.yaml"
GOOD = [
    line.strip()
    for line in (REPO / "tests" / "consultations" / "t2d-hypo-fear" / "good.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]


def frozen_app(**kwargs) -> ConsultsimApp:
    """The app with a stopped clock, replies shown at once and no cursor blink: the same screen every run."""
    kwargs.setdefault("clock", lambda: 1000.0)
    kwargs.setdefault("replies", PacedReplies(pace=0))
    kwargs.setdefault("blink", False)
    return make_app(**kwargs)


async def settle(pilot: Pilot) -> None:
    """Let workers (replies, grading) finish and the screen catch up."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def type_text(pilot: Pilot, text: str) -> None:
    await pilot.press(*[{" ": "space"}.get(ch, ch) for ch in text])


async def send(pilot: Pilot, text: str, keys: bool = False) -> None:
    """Put a clinician line in the input (pasted, or typed key by key), press Enter and wait for the reply."""
    if keys:
        await type_text(pilot, text)
    else:
        pilot.app.focused.insert(text)
    await pilot.press("enter")
    await settle(pilot)


def shown_text(widget: Widget) -> str:
    """What a widget shows, as plain text (all of it, scrolled out of view or not)."""
    return "\n".join(strip.text for strip in widget.render_lines(Region(0, 0, widget.size.width, widget.size.height)))


def saved_session(lines: list[str], *, end: bool = False, stamp: str = "2026-03-02T09:00:00.000+00:00", seconds: int = 40) -> Path:
    """A session file played from `lines`, with fixed ids and times (for snapshots), in the sessions folder."""
    consultation = Consultation.start(load_scenario(T2D), seed=0, autosave=False)
    for line in lines:
        consultation.say(line)
    if end:
        consultation.end()
    session = consultation.session
    data = session.to_dict()
    hour = stamp[11:13]
    data["id"] = f"20260302-{hour}0000-{'e' if end else 'u'}{len(lines):05d}"
    data["created"] = stamp
    for number, turn in enumerate(data["turns"]):
        turn["timestamp"] = stamp[:14] + f"{(number * seconds) // 60:02d}:{(number * seconds) % 60:02d}.000+00:00"
    data["updated"] = data["turns"][-1]["timestamp"] if data["turns"] else stamp
    path = sessions_dir() / f"{data['id']}.json"
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    path.chmod(0o600)
    return path
