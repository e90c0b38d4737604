"""Briefing: what the clinician knows before the patient walks in; start when ready."""

from __future__ import annotations

import re

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from simulator.scenario import ACTIVATION_LEVELS, Scenario
from simulator.tui.widgets.footer import KeyFooter

_ITEM = re.compile(r"^\s*([-*•]|\d+[.)])\s")


def reflow(text: str) -> str:
    """Join the hard-wrapped lines of a YAML block into paragraphs; keep blank lines and list items."""
    out: list[str] = []
    for line in text.splitlines():
        if not line.strip():
            out.append("")
        elif out and out[-1] and not _ITEM.match(line):
            out[-1] += " " + line.strip()
        else:
            out.append(line.strip())
    return "\n".join(out)


def briefing_text(scenario: Scenario) -> Text:
    p = scenario.patient
    text = Text()
    text.append(f"{p.name}, {p.age}", style="bold")
    text.append(f" ({p.pronouns}), {p.occupation}\n")
    text.append(f"{scenario.setting} · planned {scenario.duration_minutes} minutes · {scenario.difficulty}\n\n")
    text.append("Reason for the appointment\n", style="bold")
    text.append(f"{scenario.opening_reason}\n\n")
    text.append("Briefing\n", style="bold")
    text.append(f"{reflow(scenario.briefing)}\n\n")
    text.append("You are practising\n", style="bold")
    for objective in scenario.learning_objectives:
        text.append(f"- {objective}\n")
    text.append(f"\nPatient activation: {p.activation} ({ACTIVATION_LEVELS[p.activation]})", style="dim")
    return text


class BriefingScreen(Screen):
    BINDINGS = [
        Binding("enter", "start", "Start", id="briefing.start", tooltip="Invite the patient in"),
        Binding("escape", "back", "Back", id="briefing.back"),
    ]

    def __init__(self, scenario: Scenario) -> None:
        super().__init__(id="briefing")
        self.scenario = scenario

    def compose(self) -> ComposeResult:
        yield Static(f"Briefing: {self.scenario.title}", classes="screen-title", markup=False)
        with VerticalScroll(id="briefing-body"):
            yield Static(briefing_text(self.scenario), id="briefing-text")
        yield Static("Press enter when you are ready to invite the patient in.", id="briefing-hint")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#briefing-body").focus()

    def action_start(self) -> None:
        self.app.start_consultation(self.scenario)

    def action_back(self) -> None:
        self.app.pop_screen()


class BriefingModal(Screen):
    """The same briefing, re-read during the consultation."""

    BINDINGS = [Binding("escape,ctrl+b", "close", "Back to the patient", id="briefing.close")]

    def __init__(self, scenario: Scenario) -> None:
        super().__init__(id="briefing-again")
        self.scenario = scenario

    def compose(self) -> ComposeResult:
        yield Static(f"Briefing: {self.scenario.title}", classes="screen-title", markup=False)
        with VerticalScroll(id="briefing-body"):
            yield Static(briefing_text(self.scenario), id="briefing-text")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#briefing-body").focus()

    def action_close(self) -> None:
        self.dismiss()
