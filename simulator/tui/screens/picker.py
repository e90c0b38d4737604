"""Scenario picker: the shipped scenarios and any --dir, with what each one is for; type to filter."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from simulator.resources import shipped_scenarios_dir
from simulator.scenario import ACTIVATION_LEVELS, Catalog, Scenario
from simulator.tui.screens.briefing import BriefingScreen
from simulator.tui.widgets.lists import FilterInput, ScenarioList


def search_text(scenario: Scenario) -> str:
    parts = [scenario.id, scenario.title, scenario.setting, scenario.difficulty, *scenario.conditions, *scenario.learning_objectives]
    return " ".join(parts).lower()


def matches(scenario: Scenario, query: str) -> bool:
    """Every word of the query appears somewhere in the scenario's id, title, conditions, setting or objectives."""
    haystack = search_text(scenario)
    return all(word in haystack for word in query.lower().split())


def describe(scenario: Scenario) -> Text:
    p = scenario.patient
    text = Text(f"{scenario.title}\n", style="bold")
    for label, value in [
        ("Condition", ", ".join(scenario.conditions)),
        ("Setting", scenario.setting),
        ("Difficulty", scenario.difficulty),
        ("Activation", f"{p.activation} {ACTIVATION_LEVELS[p.activation]}"),
        ("Patient", f"{p.name}, {p.age}, {p.occupation}"),
        ("Planned", f"{scenario.duration_minutes} minutes"),
    ]:
        text.append(f"{label:<11}", style="bold")
        text.append(f"{value}\n")
    text.append("\nLearning objectives\n", style="bold")
    for objective in scenario.learning_objectives:
        text.append(f"- {objective}\n")
    text.append(f"\n{where(scenario)}", style="dim")
    return text


def where(scenario: Scenario) -> str:
    """"shipped", or the file of a scenario of one's own."""
    source = Path(scenario.source)
    return "shipped with consultsim" if source.parent.resolve() == shipped_scenarios_dir().resolve() else str(source)


class PickerScreen(Screen):
    """Lists scenarios; enter opens the briefing of the highlighted one."""

    BINDINGS = [
        Binding("down", "move(1)", "Next", show=False, id="picker.down"),
        Binding("up", "move(-1)", "Previous", show=False, id="picker.up"),
        Binding("escape", "clear_filter", "Clear filter", id="picker.clear"),
        Binding("ctrl+o", "app.history", "History", id="picker.history", tooltip="Past sessions: re-read or resume"),
    ]
    AUTO_FOCUS = "#filter"

    def __init__(self, catalog: Catalog) -> None:
        super().__init__(id="picker")
        self.catalog = catalog
        self.scenarios = sorted(catalog.scenarios, key=lambda s: (s.title.lower(), s.id))
        self.shown: list[Scenario] = list(self.scenarios)
        self.applied = ""  # the query `shown` was filtered with

    def compose(self) -> ComposeResult:
        yield Static("consultsim: choose a scenario", id="title", classes="screen-title")
        yield FilterInput(placeholder="Type to filter: condition, setting, difficulty, objective…", id="filter")
        with Horizontal(id="picker-body"):
            yield ScenarioList(*self._options(), id="scenario-list")
            with VerticalScroll(id="scenario-detail-box"):
                yield Static(id="scenario-detail")
        yield Footer()

    def on_mount(self) -> None:
        for problem in self.catalog.problems:
            self.notify(str(problem), title="Scenario skipped", severity="warning", timeout=8)
        listing = self.query_one(OptionList)
        if self.shown:
            listing.highlighted = 0
        self.call_after_refresh(self._show_detail)  # the list first: it is what the clinician reads and moves in

    def _options(self) -> list[Option]:
        options = []
        for scenario in self.shown:
            facts = f"{', '.join(scenario.conditions)} · {scenario.difficulty} · activation {scenario.patient.activation}"
            prompt = Text.assemble((scenario.title, "bold"), "\n", (facts, "dim"))
            options.append(Option(prompt, id=scenario.id))
        return options

    @property
    def current(self) -> Scenario | None:
        index = self.query_one(OptionList).highlighted
        return self.shown[index] if index is not None and 0 <= index < len(self.shown) else None

    def _show_detail(self) -> None:
        scenario = self.current
        detail = self.query_one("#scenario-detail", Static)
        detail.update(describe(scenario) if scenario else Text("No scenario matches the filter. Escape clears it."))

    @on(Input.Changed, "#filter")
    def _filter(self, event: Input.Changed) -> None:
        self.apply_filter(event.value)

    def apply_filter(self, query: str) -> None:
        if query == self.applied:
            return
        self.applied = query
        self.shown = [s for s in self.scenarios if matches(s, query)]
        listing = self.query_one(OptionList)
        listing.clear_options()
        listing.add_options(self._options())
        if self.shown:
            listing.highlighted = 0
        self._show_detail()

    @on(OptionList.OptionHighlighted, "#scenario-list")
    def _highlighted(self) -> None:
        self._show_detail()

    @on(OptionList.OptionSelected, "#scenario-list")
    def _selected(self) -> None:
        self.action_choose()

    @on(Input.Submitted, "#filter")
    def _submitted(self) -> None:
        self.action_choose()

    def action_move(self, step: int) -> None:
        listing = self.query_one(OptionList)
        if self.shown:
            listing.highlighted = ((listing.highlighted or 0) + step) % len(self.shown)

    def action_clear_filter(self) -> None:
        self.query_one("#filter", Input).value = ""
        self.query_one("#filter", Input).focus()

    def action_choose(self) -> None:
        self.apply_filter(self.query_one("#filter", Input).value)  # a paste and Enter may come before Changed
        scenario = self.current
        if scenario is None:
            self.app.bell()
            return
        self.app.push_screen(BriefingScreen(scenario))

    def choose_by_id(self, scenario_id: str) -> None:
        """Palette: open the briefing of a scenario by id."""
        scenario = next((s for s in self.scenarios if s.id == scenario_id), None)
        if scenario is not None:
            self.app.push_screen(BriefingScreen(scenario))
