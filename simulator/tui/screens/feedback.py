"""Feedback: the Kalamazoo 1-5 profile, the self-management checklist, co-production and metrics.

Each item opens its evidence; choosing an evidence turn scrolls the transcript to it and highlights it.
Narrow terminals show the details or the transcript (t switches); wide ones show both.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from simulator.errors import ConsultsimError
from simulator.outcome import differences, sparkline
from simulator.review.trust import trust_line
from simulator.rubric import CriterionResult, GradeReport
from simulator.rubric.render import value_label
from simulator.scenario import Scenario
from simulator.session import Session
from simulator.tui import grading
from simulator.tui.settings import Settings
from simulator.tui.widgets.footer import KeyFooter
from simulator.tui.widgets.transcript import Transcript

QUOTE = 60


@dataclass(frozen=True)
class Item:
    """One line of the feedback list and what it opens."""

    id: str
    label: Text
    detail: Text
    evidence: tuple[tuple[int, str, bool], ...]  # (turn, quote, counts for it)


def _bar(value: int | None) -> str:
    return ("█" * value + "░" * (5 - value)) if isinstance(value, int) else "  –  "


def _mark(result: CriterionResult) -> str:
    return {True: "✓", False: "✗"}.get(result.value, "–")  # type: ignore[arg-type]


def _detail(result: CriterionResult) -> Text:
    text = Text(f"{result.title}\n", style="bold")
    text.append(f"{value_label(result)}\n", style="italic")
    if result.anchor:
        text.append(f"{result.anchor}\n")
    if result.did_well:
        text.append("\nWhat went well\n", style="bold green")
        for line in result.did_well:
            text.append(f"- {line}\n")
    if result.try_next:
        text.append("\nOne thing to try next\n", style="bold yellow")
        text.append(f"{result.try_next}\n")
    text.append("\nWhy\n", style="bold")
    text.append(result.rationale)
    return text


def _criterion_item(result: CriterionResult, label: Text) -> Item:
    seen: dict[int, tuple[int, str, bool]] = {}
    for evidence in sorted(result.evidence, key=lambda e: e.turn):
        seen.setdefault(evidence.turn, (evidence.turn, evidence.quote, evidence.points >= 0))
    return Item(f"{result.group}.{result.id}", label, _detail(result), tuple(seen.values()))


def outcome_items(report: GradeReport, session: Session) -> list[Item | str]:
    """The patient's side first: how they left, what they left unsaid, their cues, what they would say."""
    o = report.outcome
    if not o:
        return []
    name = o["patient"].split()[0]
    items: list[Item | str] = [f"How {name} left"]
    detail = Text(f"How {name} left\n", style="bold")
    for label, measure, top in (("Rapport", o["rapport"], 10.0), ("Activation", o["activation"], 4.0)):
        detail.append(f"{label}: {measure['start']:g} → {measure['end']:g}  {sparkline(measure['path'], top)}\n")
    for kind in ("importance", "confidence"):
        for behaviour, measure in o[kind].items():
            detail.append(f"{kind.capitalize()}, {behaviour}: {measure['start']:g} → {measure['end']:g}  {sparkline(measure['path'])}\n")
    rapport = o["rapport"]
    items.append(Item("outcome.state", Text(f"◆ Rapport {rapport['start']:g} → {rapport['end']:g}, confidence and importance"), detail, ()))
    plan = o["plan"]
    if plan:
        # each plan still standing, the one agreed last last ("outcome.plan")
        standing = [(f"outcome.plan.{n}", p) for n, p in enumerate(o.get("also_agreed") or ())] + [("outcome.plan", plan)]
        for key, agreed in standing:
            whose = "their own" if agreed["source"] == "patient" else "the clinician's"
            detail = Text(f"The plan: {agreed['plan']}\n", style="bold")
            detail.append(f"{whose.capitalize()}; {agreed['likelihood']} to be carried out: {agreed['why']}.")
            quote = (agreed["turn"], _clip(session.turns[agreed["turn"]].text) if agreed["turn"] < len(session.turns) else "", True)
            named = f", {_clip(agreed['plan'], 24)}" if len(standing) > 1 else ""
            label = f"◆ Plan{named} ({whose}): {agreed['likelihood']}"
            items.append(Item(key, Text(label), detail, (quote,)))
    else:
        items.append(Item("outcome.plan", Text("◆ No plan agreed"), Text("No plan was agreed.", style="bold"), ()))
    for n, unsaid in enumerate(o["unspoken"]):
        detail = Text("Left unsaid\n", style="bold")
        detail.append(f"{unsaid['words']}\n\nWhat would have brought it out: {unsaid['would_open']}.")
        items.append(Item(f"outcome.unsaid.{n}", Text(f"✗ Unsaid: {_clip(unsaid['words'].split(': ', 1)[-1], 40)}"), detail, ()))
    for n, cue in enumerate(o["cues"]):
        taken = cue["outcome"] == "taken_up"
        detail = Text(f"A cue at turn {cue['turn']}\n", style="bold")
        detail.append(f"\"{cue['says']}\"\nIt hinted at: {cue['feeling'] or 'something unsaid'}.\n")
        detail.append("You took it up.\n" if taken else f"It was {cue['outcome'].replace('_', ' ')}. Exploring it would have opened: {cue['would_open']}\n")
        quote = (cue["turn"], _clip(cue["says"]), taken)
        items.append(Item(f"outcome.cue.{n}", Text(f"{'✓' if taken else '✗'} Cue, turn {cue['turn']}: {cue['outcome'].replace('_', ' ')}"), detail, (quote,)))
    prem = o["prem"]
    items.append(f"What {name} would say ({prem['total']}/100)")
    notes = differences(o, report.kalamazoo)
    for item in prem["items"]:
        detail = Text(f"{item['question']}\n", style="bold")
        detail.append(f"{item['score']} of 4, from what happened in the consultation (never from the rubric's scores).\n")
        for note in notes:
            detail.append(f"\n{note}\n", style="yellow")
        items.append(Item(f"outcome.prem.{item['id']}", Text(f"{'█' * item['score']}{'░' * (4 - item['score'])} {item['question']}"), detail, ()))
    if o.get("comment"):
        detail = Text(f"In {name}'s words\n", style="bold")
        detail.append(f"\"{o['comment']}\"\n\nSaid by the model that voiced {name}, when the consultation ended.")
        items.append(Item("outcome.comment", Text(f"❝ In {name}'s words: {_clip(o['comment'], 40)}"), detail, ()))
    return items


def build_items(report: GradeReport, session: Session) -> list[Item | str]:
    """The list, with section headings as plain strings; the patient's side comes first."""
    items: list[Item | str] = [*outcome_items(report, session), "Kalamazoo tasks (1-5)"]
    trust = report.extra.get("calibration", {})
    for key, result in report.kalamazoo.items():
        score = str(result.value) if isinstance(result.value, int) else "?"
        item = _criterion_item(result, Text.assemble((_bar(result.value), "bold"), f" {score} {result.title}"))
        if key in trust:  # the course's own calibration says how far this mark can be trusted
            item.detail.append(f"\n\nCalibration: {trust_line(trust[key])}.", style="dim")
        items.append(item)
    met, applicable = report.self_management_met
    items.append(f"Self-management support ({met} of {applicable} met)")
    for result in report.self_management.values():
        items.append(_criterion_item(result, Text(f"{_mark(result)} {result.title}")))
    if report.scenario_items:
        items.append("This scenario")
        for result in report.scenario_items.values():
            items.append(_criterion_item(result, Text(f"{_mark(result)} {result.title}")))
    items.append("Co-production")
    co = report.coproduction
    detail = Text(f"Co-production: {report.coproduction_level or 'not judged'}\n", style="bold")
    for part in (co.get("description"), co.get("rationale")):
        if part:
            detail.append(f"{part}\n")
    if co.get("try_next"):
        detail.append("\nOne thing to try next\n", style="bold yellow")
        detail.append(co["try_next"])
    turns = session.turns
    quotes = tuple((i, _clip(turns[i].text) if i < len(turns) else "", True) for i in co.get("evidence", []))
    items.append(Item("coproduction", Text(f"◆ Level: {report.coproduction_level or 'not judged'}"), detail, quotes))
    items.append("Key metrics")
    for metric in report.metrics.values():
        value = "n/a" if metric.value is None else f"{metric.value:g}"
        detail = Text(f"{metric.description}\n", style="bold")
        detail.append(f"{value} ({metric.band or 'too little to judge'}), from {metric.count} utterance{'s' * (metric.count != 1)}\n")
        if metric.fair is not None and metric.good is not None:
            detail.append(f"Fair from {metric.fair:g}, good from {metric.good:g}.\n")
        if metric.source:
            detail.append(f"\nSource: {metric.source}", style="dim")
        items.append(Item(f"metric.{metric.id}", Text(f"{value:>5} {metric.description}"), detail, ()))
    return items


def _clip(text: str, limit: int = QUOTE) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


class ItemList(OptionList):
    """Enter opens the item's evidence, named in the footer (see widgets/lists.py for why it is bound here)."""

    BINDINGS = [Binding("enter", "select", "Evidence", id="feedback.items.open", tooltip="Open the evidence for this item")]


class EvidenceList(OptionList):
    BINDINGS = [Binding("enter", "select", "Go to turn", id="feedback.evidence.go", tooltip="Show this turn in the transcript")]


class FeedbackScreen(Screen):
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    BINDINGS = [
        Binding("t", "toggle_transcript", "Transcript", id="feedback.transcript", tooltip="Show the transcript (or the details again)"),
        Binding("h", "export('html')", "HTML", id="feedback.html", tooltip="Export the feedback as one HTML page"),
        Binding("m", "export('md')", "Markdown", id="feedback.markdown", tooltip="Export the feedback as Markdown"),
        Binding("escape", "back", "Back", id="feedback.back"),
        Binding("ctrl+o", "app.history", "History", id="feedback.history", show=False),
    ]
    AUTO_FOCUS = "#items"

    def __init__(self, session: Session, scenario: Scenario | None, settings: Settings) -> None:
        super().__init__(id="feedback")
        self.session, self.scenario, self.settings = session, scenario, settings
        self.report: GradeReport | None = None
        self.items: list[Item | str] = []

    def compose(self) -> ComposeResult:
        title = self.session.scenario.name
        with Horizontal(classes="screen-title"):
            yield Static(f"Feedback: {title}", id="feedback-title", markup=False)
            yield Static("grading…", id="headline")
        with Horizontal(id="feedback-body"):
            yield ItemList(id="items")
            with Vertical(id="detail-pane"):
                with VerticalScroll(id="detail-box"):
                    yield Static("Grading the consultation…", id="detail")
                yield EvidenceList(id="evidence")
            name = self.scenario.patient.name if self.scenario else "patient"
            yield Transcript(name, self.session.turns, id="transcript")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.grade()

    @work(thread=True, exclusive=True, group="grade")
    def grade(self) -> None:
        try:
            report, scenario, warning = grading.grade(self.session, self.scenario, self.settings.workspace)
        except Exception as error:  # the grader failed on this session: say so, keep the transcript readable
            self.app.call_from_thread(self._failed, error)
        else:
            self.app.call_from_thread(self._show, report, scenario, warning)

    def _failed(self, error: Exception) -> None:
        self.query_one("#headline", Static).update("not graded")
        self.query_one("#detail", Static).update(f"The grader could not grade this session: {type(error).__name__}: {error}")
        self.notify(str(error), title="Grading failed", severity="error", timeout=10)
        self.add_class("-transcript")

    def _show(self, report: GradeReport, scenario: Scenario | None, warning: str | None) -> None:
        self.report = report
        if scenario is not None and self.scenario is None:
            self.scenario = scenario
            self.query_one(Transcript).set_patient_name(scenario.patient.name)
        if warning:
            self.notify(warning, title="Grading", severity="warning", timeout=8)
        self.query_one("#headline", Static).update(f" {grading.headline(report)}")
        self.items = build_items(report, self.session)
        options: list[Option] = []
        for index, item in enumerate(self.items):
            if isinstance(item, str):
                options.append(Option(Text(item, style="bold underline"), id=f"heading-{index}", disabled=True))
            else:
                options.append(Option(item.label, id=f"item-{index}"))
        listing = self.query_one("#items", OptionList)
        listing.clear_options()
        listing.add_options(options)
        listing.highlighted = 1
        self._show_item()

    @property
    def current(self) -> Item | None:
        index = self.query_one("#items", OptionList).highlighted
        if index is None or index >= len(self.items):
            return None
        item = self.items[index]
        return item if isinstance(item, Item) else None

    def _show_item(self) -> None:
        item = self.current
        if item is None:
            return
        self.query_one("#detail", Static).update(item.detail)
        self.query_one("#detail-box").scroll_home(animate=False)
        evidence = self.query_one("#evidence", OptionList)
        evidence.clear_options()
        for turn, quote, good in item.evidence:
            line = Text.assemble((f"turn {turn} ", "bold"), ("✓ " if good else "✗ ", "green" if good else "red"), f"“{_clip(quote)}”")
            evidence.add_option(Option(line, id=f"turn-{turn}"))
        evidence.display = bool(item.evidence)

    @on(OptionList.OptionHighlighted, "#items")
    def _item_highlighted(self) -> None:
        self._show_item()

    @on(OptionList.OptionSelected, "#items")
    def _item_selected(self) -> None:
        self.open_evidence()

    @on(OptionList.OptionSelected, "#evidence")
    def _evidence_selected(self, event: OptionList.OptionSelected) -> None:
        self.jump_to(int(event.option.id.removeprefix("turn-")))

    def open_evidence(self) -> None:
        """Enter on an item: its evidence turns, ready to choose one."""
        item = self.current
        if item is None:
            return
        if not item.evidence:
            self.notify("No turns to show for this item.", timeout=3)
            return
        evidence = self.query_one("#evidence", OptionList)
        evidence.focus()
        evidence.highlighted = 0

    def jump_to(self, turn: int) -> None:
        """Scroll the transcript to a turn and highlight it."""
        transcript = self.query_one(Transcript)
        self.add_class("-transcript")
        if transcript.highlight(turn):
            transcript.focus()

    def action_toggle_transcript(self) -> None:
        if self.has_class("-transcript"):
            self.remove_class("-transcript")
            self.query_one("#items").focus()
        else:
            self.add_class("-transcript")
            self.query_one(Transcript).focus()

    def action_back(self) -> None:
        focused = self.focused
        if focused is self.query_one(Transcript) or self.has_class("-transcript"):
            self.remove_class("-transcript")
            self.query_one("#evidence" if self.query_one("#evidence").display else "#items").focus()
        elif focused is self.query_one("#evidence"):
            self.query_one("#items").focus()
        else:
            self.app.action_back()

    def action_export(self, kind: str) -> None:
        if self.report is None:
            self.notify("Still grading.", severity="warning")
            return
        try:
            path = grading.export(self.report, self.session, kind, self.settings.export_dir)
        except ConsultsimError as error:
            self.notify(str(error), title="The feedback was not saved", severity="error", timeout=15)
            return
        self.notify(str(path), title=f"Saved the feedback as {'HTML' if kind == 'html' else 'Markdown'}", timeout=10)
