"""The consultsim terminal app. `make_app` builds it for the CLI, the tests and the benchmark alike."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.events import DescendantFocus
from textual.screen import Screen

from simulator.errors import ConsultsimError
from simulator.tui import catalogue
from simulator.tui.catalogue import Entry
from simulator.tui.screens.picker import PickerScreen
from simulator.tui.settings import Settings

if TYPE_CHECKING:
    from simulator.scenario import Catalog, Scenario
    from simulator.session import Session
    from simulator.session.index import SavedSession

# Every screen but the picker (and the patient engine and grader behind them) is imported when first
# opened, and styled by screens.tcss, read then too: the picker comes up sooner (benchmarks/bench_tui.py).
SCREENS_CSS = Path(__file__).with_name("screens.tcss")


class ConsultsimApp(App[int]):
    CSS_PATH = "app.tcss"  # what every screen shares, and the picker's rules; the rest: SCREENS_CSS
    TITLE = "consultsim"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="app.quit", tooltip="Quit (asks first during a consultation)", priority=True),
    ]

    def __init__(self, settings: Settings, scenario: Scenario | None = None, saved: SavedSession | None = None) -> None:
        super().__init__()
        self.settings = settings
        self._start_scenario, self._start_saved = scenario, saved
        self.catalog: Catalog | None = None  # loaded when first needed (see _picker)
        self.entries: list[Entry] | None = None  # what the picker lists

    # -- start -------------------------------------------------------------------------------------

    def on_mount(self) -> None:
        if self._start_saved is not None:
            self.resume_session(self._start_saved)
        elif self._start_scenario is not None:
            self.start_consultation(self._start_scenario)
        else:
            self.push_screen(self._picker())
        if self.settings.ready is not None:
            self.call_after_refresh(self.settings.ready, self)

    def _picker(self) -> Screen:
        """The picker lists the scenarios noted at the last start if nothing has changed since; the catalogue
        (PyYAML, the schema, the scenario model: a tenth of the start-up) is then loaded when one is chosen."""
        if self.entries is None:
            self.entries = catalogue.noted_entries(self.settings.dirs)
            if self.entries is None:
                self._load_catalog()
        return PickerScreen(self.entries, self.catalog.problems if self.catalog else [])

    def _load_catalog(self) -> Catalog:
        self.catalog = self.settings.workspace.catalog
        loaded = catalogue.entries(self.catalog)
        catalogue.write_note(self.settings.dirs, self.catalog, loaded)
        if self.entries is not None and loaded != self.entries:  # listed from a note the files have outdated
            for screen in self.screen_stack:
                if isinstance(screen, PickerScreen):
                    screen.update_entries(loaded, self.catalog.problems)
        self.entries = loaded
        return self.catalog

    def scenario_for(self, entry: Entry) -> Scenario | None:
        """The scenario a picker entry stands for, or None if it is gone (the catalogue is loaded if need be)."""
        catalog = self.catalog or self._load_catalog()
        return next((s for s in catalog.scenarios if s.id == entry.id and s.source == entry.source), None)

    def brief(self, entry: Entry) -> None:
        """The briefing of a scenario the picker or the command palette lists."""
        from simulator.tui.screens.briefing import BriefingScreen

        scenario = self.scenario_for(entry)
        if scenario is None:  # changed since it was listed: the picker now lists what there is
            self.bell()
            return
        self.push_screen(BriefingScreen(scenario))

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        """Cursor blink off when asked (snapshot tests): a cursor shows only in the focused widget."""
        if not self.settings.blink and hasattr(event.widget, "cursor_blink"):
            event.widget.cursor_blink = False

    # -- navigation --------------------------------------------------------------------------------

    def push_screen(self, screen, *args, **kwargs):
        self._style_screens(screen)
        return super().push_screen(screen, *args, **kwargs)

    def switch_screen(self, screen):
        self._style_screens(screen)
        return super().switch_screen(screen)

    def _style_screens(self, screen: Screen | str) -> None:
        """Add screens.tcss to the stylesheet before the first screen other than the picker is styled.

        Added as app CSS, like app.tcss, so its rules win over widgets' defaults as they always did; only
        the new source is parsed (a screen's own CSS or CSS_PATH would have the whole stylesheet re-parsed).
        """
        if isinstance(screen, PickerScreen) or self.stylesheet.has_source(str(SCREENS_CSS)):
            return
        self.stylesheet.add_source(SCREENS_CSS.read_text(encoding="utf-8"), read_from=(str(SCREENS_CSS), ""))

    def start_consultation(self, scenario: Scenario) -> None:
        from simulator.consultation import Consultation

        try:
            consultation = Consultation.start(scenario, seed=self.settings.seed, llm=self.settings.llm, learner=self.settings.workspace.learner)
        except ConsultsimError as error:  # e.g. a data folder that cannot be written: say so, stay on the briefing
            self.notify(str(error), title="The consultation cannot start", severity="error", timeout=15)
            return
        self._open_consultation(consultation, 0.0)

    def resume_session(self, saved: SavedSession) -> None:
        from simulator.session.index import active_seconds, resume_consultation

        try:
            consultation, warning = resume_consultation(saved, llm=self.settings.llm, workspace=self.settings.workspace)
        except ConsultsimError as error:
            self.notify(str(error), title="The session cannot be resumed", severity="error", timeout=15)
            return
        if warning:
            self.notify(warning, title="Resuming", severity="warning", timeout=8)
        self._open_consultation(consultation, active_seconds(consultation.session))

    def _open_consultation(self, consultation, already: float) -> None:
        from simulator.tui.screens.consultation import ConsultationScreen

        replies = self.settings.streamed if consultation.engine.streams else self.settings.replies
        screen = ConsultationScreen(consultation, replies, self.settings.clock, already)
        self._replace_top(screen)

    def _replace_top(self, screen: Screen) -> None:
        """Open a screen in place of a briefing or consultation, so escape goes back to a list, not into the past."""
        from simulator.tui.screens.briefing import BriefingScreen
        from simulator.tui.screens.consultation import ConsultationScreen

        if len(self.screen_stack) > 1 and isinstance(self.screen, BriefingScreen | ConsultationScreen):
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def show_feedback(self, session: Session, scenario: Scenario | None = None) -> None:
        from simulator.tui.screens.feedback import FeedbackScreen

        self._replace_top(FeedbackScreen(session, scenario, self.settings))

    def action_history(self) -> None:
        from simulator.tui.screens.history import HistoryScreen

        if isinstance(self.screen, HistoryScreen):
            return
        self.push_screen(HistoryScreen(self.settings))

    def action_home(self) -> None:
        """Back to the scenario picker (it is opened if the app was started on a consultation)."""
        while len(self.screen_stack) > 1 and not isinstance(self.screen, PickerScreen):
            self.pop_screen()
        if not isinstance(self.screen, PickerScreen):
            self.push_screen(self._picker())

    def action_back(self) -> None:
        """Back to the list this screen was opened from (history or the picker), else to the picker."""
        from simulator.tui.screens.history import HistoryScreen

        if len(self.screen_stack) > 2 and isinstance(self.screen_stack[-2], PickerScreen | HistoryScreen):
            self.pop_screen()
        else:
            self.action_home()

    # -- quitting ----------------------------------------------------------------------------------

    async def action_quit(self) -> None:
        if getattr(self.screen, "confirm_quit", False):
            def answered(yes: bool | None) -> None:
                if yes:
                    self.exit(0)

            from simulator.tui.screens.confirm import ConfirmScreen

            self.push_screen(
                ConfirmScreen("Leave the consultation?", "Everything so far is saved. Come back to it with: consultsim resume"),
                answered,
            )
            return
        self.exit(0)

    # -- command palette: every key of the current screen, plus one entry per scenario --------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        seen = set()
        for key, active in screen.active_bindings.items():
            binding = active.binding
            if not binding.description or binding.action in ("command_palette", "quit") or binding.action in seen:
                continue
            seen.add(binding.action)
            node = active.node
            yield SystemCommand(
                f"{binding.description} ({binding.key_display or key})",
                binding.tooltip or binding.description,
                lambda node=node, action=binding.action: self.run_action(action, node),
            )
        yield SystemCommand("Quit (ctrl+q)", "Quit consultsim (asks first during a consultation)", self.action_quit)
        yield SystemCommand("History (ctrl+o)", "Past sessions: re-read or resume", self.action_history)
        yield SystemCommand("Scenarios", "Back to the scenario picker", self.action_home)
        if self.entries is not None:
            for entry in sorted(self.entries, key=lambda e: e.title):
                yield SystemCommand(
                    f"Practise: {entry.title}",
                    f"{', '.join(entry.conditions)} · {entry.difficulty} · open the briefing",
                    lambda entry=entry: self.brief(entry),
                )
        yield from (command for command in super().get_system_commands(screen) if command.title != "Quit")


def make_app(
    dirs: list[Path] | None = None,
    seed: int = 0,
    scenario: Scenario | None = None,
    saved: SavedSession | None = None,
    **settings,
) -> ConsultsimApp:
    """The app, opened on the scenario picker, or straight into a consultation (`scenario`) or a resumed one (`saved`)."""
    return ConsultsimApp(Settings(dirs=list(dirs or []), seed=seed, **settings), scenario=scenario, saved=saved)
