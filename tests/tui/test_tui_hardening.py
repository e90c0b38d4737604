"""The app under the inputs issue 12 found: a data folder that cannot be written, hostile session files,
long titles, the patient's pronouns. Driven with Pilot."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from textual.widgets import DataTable, Static

from simulator.resources import shipped_scenarios_dir
from simulator.scenario import load_scenario
from simulator.tui.screens.briefing import BriefingScreen
from simulator.tui.screens.consultation import ConsultationScreen, object_pronoun
from simulator.tui.screens.history import HistoryScreen

from tuihelpers import GOOD, T2D, frozen_app, saved_session, settle

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def notified(app, text: str) -> bool:
    return any(text in str(n.message) for n in app._notifications)


async def test_an_unwritable_data_folder_is_said_and_the_app_stays_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("in the way")
    monkeypatch.setenv("CONSULTSIM_HOME", str(blocker / "home"))
    app = frozen_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(BriefingScreen(load_scenario(T2D)))
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, BriefingScreen)  # still there to read; nothing typed was lost
        assert notified(app, "cannot be written") and notified(app, "CONSULTSIM_HOME")
        app.push_screen(HistoryScreen(app.settings))
        await settle(pilot)
        assert any(n.title == "Sessions cannot be listed" for n in app._notifications)


async def test_the_history_lists_good_sessions_beside_hostile_files(consultsim_home: Path) -> None:
    saved_session(GOOD[:2])
    folder = consultsim_home / "sessions"
    (folder / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    (folder / "bigint.json").write_text('{"id": ' + "9" * 5000 + "}")
    app = frozen_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(HistoryScreen(app.settings))
        await settle(pilot)
        assert app.screen.query_one(DataTable).row_count == 1
        assert any("2 session files could not be read" in str(n.title) for n in app._notifications)


async def test_a_long_title_ends_in_an_ellipsis_at_80_columns() -> None:
    scenario = dataclasses.replace(
        load_scenario(T2D), title="A very long scenario title that goes on and on, far beyond what eighty columns can show in one line"
    )
    app = frozen_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(BriefingScreen(scenario))
        await pilot.pause()
        title = app.screen.query_one(".screen-title", Static)
        line = title.render_line(0).text.rstrip()
        assert line.endswith("…") and len(line) <= 80


@pytest.mark.parametrize("scenario_id,word", [("asthma-young-adult", "her"), ("t2d-hypo-fear", "him")])
async def test_the_greeting_hint_uses_the_patients_pronouns(scenario_id: str, word: str) -> None:
    app = frozen_app(scenario=load_scenario(shipped_scenarios_dir() / f"{scenario_id}.yaml"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ConsultationScreen)
        assert f"Greet {word} to begin." in screen._status_text()


def test_object_pronouns() -> None:
    pronouns = ("she/her", "he/him", "they/them", "He / Him", "ze/hir", "", "she")
    assert [object_pronoun(p) for p in pronouns] == ["her", "him", "them", "him", "hir", "them", "them"]
