"""Snapshots of every screen at 80x24 and 120x40 (pytest-textual-snapshot; update with --snapshot-update).

Clock stopped, replies at once, no cursor blink, sessions with fixed ids and times, local time zone UTC.
"""

from __future__ import annotations

import pytest

from simulator.scenario import load_scenario

from tuihelpers import GOOD, T2D, frozen_app, saved_session, send, settle, type_text

# SVG snapshots are drawn by Textual itself: the release they were drawn with is RECORDED_WITH in
# tests/tui/conftest.py, and every test here fails under another one (recorded_textual) and draws in UTC.
pytestmark = pytest.mark.usefixtures("recorded_textual", "utc")
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


@pytest.mark.parametrize("size", SIZES)
def test_picker(snap_compare, size) -> None:
    assert snap_compare(frozen_app(), terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_picker_filtered(snap_compare, size) -> None:
    async def run_before(pilot) -> None:
        await type_text(pilot, "copd")
        await pilot.press("down")

    assert snap_compare(frozen_app(), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_briefing(snap_compare, size) -> None:
    async def run_before(pilot) -> None:
        await type_text(pilot, "diabetes")
        await pilot.press("enter")

    assert snap_compare(frozen_app(), terminal_size=size, run_before=run_before)


async def _consult(pilot) -> None:
    for line in GOOD[:3]:
        await send(pilot, line)
    pilot.app.focused.insert("And what about")  # a draft in the box
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
def test_consultation(snap_compare, size) -> None:
    assert snap_compare(frozen_app(scenario=load_scenario(T2D)), terminal_size=size, run_before=_consult)


@pytest.mark.parametrize("size", SIZES)
def test_consultation_end_confirmation(snap_compare, size) -> None:
    async def run_before(pilot) -> None:
        await _consult(pilot)
        await pilot.press("ctrl+e")

    assert snap_compare(frozen_app(scenario=load_scenario(T2D)), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_resumed_consultation(snap_compare, size) -> None:
    saved_session(GOOD[:4])

    async def run_before(pilot) -> None:
        await pilot.press("ctrl+o")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)

    assert snap_compare(frozen_app(), terminal_size=size, run_before=run_before)


async def _open_feedback(pilot) -> None:
    await pilot.press("ctrl+o")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES)
def test_feedback(snap_compare, size) -> None:
    saved_session(GOOD[:14], end=True)
    assert snap_compare(frozen_app(), terminal_size=size, run_before=_open_feedback)


@pytest.mark.parametrize("size", SIZES)
def test_feedback_self_management_item(snap_compare, size) -> None:
    saved_session(GOOD[:14], end=True)

    async def run_before(pilot) -> None:
        await _open_feedback(pilot)
        await pilot.press(*["down"] * 10)  # past the patient's side (two plans stand in this consultation) to a task

    assert snap_compare(frozen_app(), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_feedback_evidence_in_the_transcript(snap_compare, size) -> None:
    saved_session(GOOD[:14], end=True)

    async def run_before(pilot) -> None:
        await _open_feedback(pilot)
        await pilot.press("down", "down", "enter", "down", "enter")  # the plan agreed last, and the turn that agreed it
        await pilot.pause()

    assert snap_compare(frozen_app(), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_history(snap_compare, size) -> None:
    saved_session(GOOD[:14], end=True, stamp="2026-03-02T09:00:00.000+00:00")
    saved_session(GOOD[:4], stamp="2026-03-02T11:00:00.000+00:00")

    async def run_before(pilot) -> None:
        await pilot.press("ctrl+o")
        await settle(pilot)

    assert snap_compare(frozen_app(), terminal_size=size, run_before=run_before)
