"""Scenario picker: the shipped scenarios and any --dir, with what each one is for; type to filter.

It lists `Entry`s (simulator/tui/catalogue.py), which a start may read from a note without loading the
scenario catalogue; the app turns the chosen entry into its scenario.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from simulator.tui.catalogue import Entry
from simulator.tui.widgets.footer import KeyFooter
from simulator.tui.widgets.lists import FilterInput, ScenarioList

if TYPE_CHECKING:
    from simulator.errors import Problem


def search_text(entry: Entry) -> str:
    parts = [entry.id, entry.title, entry.setting, entry.difficulty, *entry.conditions, *entry.learning_objectives]
    return " ".join(parts).lower()


def matches(entry: Entry, query: str) -> bool:
    """Every word of the query appears somewhere in the scenario's id, title, conditions, setting or objectives."""
    haystack = search_text(entry)
    return all(word in haystack for word in query.lower().split())


def describe(entry: Entry) -> Text:
    text = Text(f"{entry.title}\n", style="bold")
    for label, value in [
        ("Condition", ", ".join(entry.conditions)),
        ("Setting", entry.setting),
        ("Difficulty", entry.difficulty),
        ("Activation", f"{entry.activation} {entry.activation_label}"),
        ("Patient", f"{entry.patient_name}, {entry.patient_age}, {entry.patient_occupation}"),
        ("Planned", f"{entry.duration_minutes} minutes"),
    ]:
        text.append(f"{label:<11}", style="bold")
        text.append(f"{value}\n")
    text.append("\nLearning objectives\n", style="bold")
    for objective in entry.learning_objectives:
        text.append(f"- {objective}\n")
    text.append(f"\n{where(entry)}", style="dim")
    return text


def where(entry: Entry) -> str:
    """"shipped", or the file of a scenario of one's own."""
    return "shipped with consultsim" if entry.shipped else entry.source


class PickerScreen(Screen):
    """Lists scenarios; enter opens the briefing of the highlighted one."""

    BINDINGS = [
        Binding("down", "move(1)", "Next", show=False, id="picker.down"),
        Binding("up", "move(-1)", "Previous", show=False, id="picker.up"),
        Binding("escape", "clear_filter", "Clear filter", id="picker.clear"),
        Binding("ctrl+o", "app.history", "History", id="picker.history", tooltip="Past sessions: re-read or resume"),
    ]
    AUTO_FOCUS = "#filter"

    def __init__(self, entries: list[Entry], problems: list[Problem] | None = None) -> None:
        super().__init__(id="picker")
        self.problems = list(problems or [])  # files skipped, reported when the picker opens
        self.scenarios = sorted(entries, key=lambda e: (e.title.lower(), e.id))
        self.shown: list[Entry] = list(self.scenarios)
        self.applied: str | None = ""  # the query `shown` was filtered with

    def compose(self) -> ComposeResult:
        yield Static("consultsim: choose a scenario", id="title", classes="screen-title")
        yield FilterInput(placeholder="Type to filter: condition, setting, difficulty, objective…", id="filter")
        with Horizontal(id="picker-body"):
            yield ScenarioList(*self._options(), id="scenario-list")
            with VerticalScroll(id="scenario-detail-box"):
                yield Static(id="scenario-detail")
        yield KeyFooter()

    def on_mount(self) -> None:
        self._report(self.problems)
        listing = self.query_one(OptionList)
        if self.shown:
            listing.highlighted = 0
        self._show_detail()  # now, not after a refresh: the first frame is the whole picker, in one layout pass

    def _options(self) -> list[Option]:
        options = []
        for entry in self.shown:
            facts = f"{', '.join(entry.conditions)} · {entry.difficulty} · activation {entry.activation}"
            prompt = Text.assemble((entry.title, "bold"), "\n", (facts, "dim"))
            options.append(Option(prompt, id=entry.id))
        return options

    def _report(self, problems: list[Problem]) -> None:
        for problem in problems:
            self.notify(str(problem), title="Scenario skipped", severity="warning", timeout=8)

    def update_entries(self, entries: list[Entry], problems: list[Problem]) -> None:
        """The catalogue, loaded after the picker opened from a note, differs from it: list it instead."""
        self._report(problems)
        self.scenarios = sorted(entries, key=lambda e: (e.title.lower(), e.id))
        self.applied = None  # filter again, even with the same query
        self.apply_filter(self.query_one("#filter", Input).value)

    @property
    def current(self) -> Entry | None:
        index = self.query_one(OptionList).highlighted
        return self.shown[index] if index is not None and 0 <= index < len(self.shown) else None

    def _show_detail(self) -> None:
        entry = self.current
        detail = self.query_one("#scenario-detail", Static)
        detail.update(describe(entry) if entry else Text("No scenario matches the filter. Escape clears it."))

    @on(Input.Changed, "#filter")
    def _filter(self, event: Input.Changed) -> None:
        self.apply_filter(event.value)

    def apply_filter(self, query: str) -> None:
        if query == self.applied:
            return
        self.applied = query
        self.shown = [e for e in self.scenarios if matches(e, query)]
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
        entry = self.current
        if entry is None:
            self.app.bell()
            return
        self.app.brief(entry)

    def choose_by_id(self, scenario_id: str) -> None:
        """Palette: open the briefing of a scenario by id."""
        entry = next((e for e in self.scenarios if e.id == scenario_id), None)
        if entry is not None:
            self.app.brief(entry)
