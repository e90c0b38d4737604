"""The marking form: a course lead's own marks for one session, saved beside the machine's (review/marks.py).

Every choice is a one-line row of its options, the machine's mark beside it: ←/→ or a key (1-5; y, n, a;
d, r, t) choose, 0 or delete clears, ↑/↓ or tab move on. The rater is required, and so is a reason for a
final mark (one that overrides the machine's). ctrl+s saves; escape cancels, asking first if anything
was changed. A rater who has marked the session before finds their newest mark filled in: saving records a
new mark (the old one stays in the record).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Static, TextArea

from simulator.errors import ConsultsimError
from simulator.review.marks import COPRODUCTION_LEVELS, Mark, MarkStore, check_mark, new_mark
from simulator.rubric.report import SELF_MANAGEMENT
from simulator.session.index import local_time
from simulator.tui.screens.review import title_of, titles
from simulator.tui.settings import Settings
from simulator.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from simulator.review.cohort import CohortRow

HELP = "choose: ←/→ 1-5 y/n/a d/r/t · clear: 0 · move: ↑/↓ tab · save: ctrl+s"
SCORES = [(n, str(n), str(n)) for n in range(1, 6)]
CRITERIA = [("met", "met", "y"), ("not_met", "not met", "n"), ("not_applicable", "n/a", "a")]
LEVELS = [(level, level, level[0]) for level in COPRODUCTION_LEVELS]  # d, r, t


class Choice(Widget, can_focus=True):
    """One of a few options, or none, all shown on one line: ←/→ or an option's key choose, 0 or delete clears."""

    BINDINGS = [
        Binding("left", "step(-1)", "Previous", show=False),
        Binding("right", "step(1)", "Next", show=False),
        Binding("0,delete,backspace", "choose(None)", "Clear", show=False),
    ]
    value: reactive[Any] = reactive(None)

    class Changed(Message):
        def __init__(self, choice: Choice, value: Any) -> None:
            super().__init__()
            self.choice, self.value = choice, value

        @property
        def control(self) -> Choice:
            return self.choice

    def __init__(self, options: Sequence[tuple[Any, str, str]], value: Any = None, id: str | None = None) -> None:
        super().__init__(id=id)
        self.options = [(None, "–", "")] + list(options)  # (value, label, key); the first: none chosen
        self.set_reactive(Choice.value, value if value in [o[0] for o in options] else None)
        self._spans: list[tuple[int, int, Any]] = []

    def render(self) -> Content:
        pieces: list[tuple[str, str] | str] = []
        spans, x = [], 0
        for value, label, _key in self.options:
            chosen = value == self.value
            style = ("bold $text on $accent" if self.has_focus else "bold $text on $primary-muted") if chosen else ("$text-muted" if value is None else "")
            pieces.append((f" {label} ", style))
            spans.append((x, x + len(label) + 2, value))
            x += len(label) + 2
        self._spans = spans
        return Content.assemble(*pieces)

    def get_content_width(self, container, viewport) -> int:
        return sum(len(label) + 2 for _, label, _ in self.options)

    def watch_value(self, value: Any) -> None:
        self.post_message(self.Changed(self, value))

    def action_step(self, by: int) -> None:
        values = [o[0] for o in self.options]
        self.value = values[max(0, min(len(values) - 1, values.index(self.value) + by))]

    def action_choose(self, value: Any) -> None:
        self.value = value

    def on_key(self, event: events.Key) -> None:
        for value, _label, key in self.options:
            if key and event.key == key:
                self.value = value
                event.stop()
                event.prevent_default()
                return

    def on_click(self, event: events.Click) -> None:
        for start, end, value in self._spans:
            if start <= event.x < end:
                self.value = value

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()


class MarkForm(VerticalScroll, can_focus=False):
    """↑/↓ move from field to field (the container would scroll instead); the comment box keeps them for its lines."""

    BINDINGS = [
        Binding("up", "app.focus_previous", "Previous field", show=False),
        Binding("down", "app.focus_next", "Next field", show=False),
    ]


class MarkingScreen(Screen[Mark | None]):
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="marking.save", tooltip="Save the mark (it is checked first)", priority=True),
        Binding("escape", "cancel", "Cancel", id="marking.cancel", tooltip="Leave without saving (asks first if anything was changed)"),
    ]
    AUTO_FOCUS = ""

    def __init__(self, row: CohortRow, marks: MarkStore, rater: str | None, settings: Settings) -> None:
        super().__init__(id="marking")
        self.row, self.marks, self.rater = row, marks, rater or ""
        self._early_keys: list[tuple[str, str | None]] | None = []  # typed before the form was up (take_key); None once up
        self.task_names = titles(settings, "kalamazoo")
        self.criterion_names = titles(settings, "self_management")
        self.item_names = titles(settings, None)  # a course's own rubrics' items (scenario items fall back to their ids)
        self.previous: Mark | None = None
        if self.rater:
            try:
                self.previous = marks.latest(row.session_id).get(self.rater)
            except ConsultsimError:  # a marks file we cannot read: saving will say so
                self.previous = None
        self.initial: dict[str, Any] = {}

    @property
    def task_ids(self) -> list[str]:
        return list(self.marks.task_ids)

    @property
    def criterion_ids(self) -> list[str]:
        return list(self.marks.criterion_ids)

    @property
    def self_management_ids(self) -> list[str]:
        return [c for c in self.criterion_ids if c in self.row.criteria or c in SELF_MANAGEMENT]

    @property
    def item_ids(self) -> list[str]:
        """This session's scenario items and a course's own rubrics' met/not-met items, marked like the criteria
        (the cohort's other scenarios' items do not apply to it)."""
        return [c for c in self.criterion_ids if c in self.row.other and c not in self.self_management_ids]

    def compose(self) -> ComposeResult:
        row, old = self.row, self.previous
        yield Static(f"Mark: {row.learner_name} · {row.scenario_title} · {row.session_id}", classes="screen-title", markup=False)
        when = f"Your mark of {local_time(old.time)} is filled in: saving adds a new one.\n" if old else ""
        yield Static(when + HELP, id="marking-help", markup=False)
        with MarkForm(id="marking-form"):
            with Horizontal(classes="mark-row"):
                yield Static("Rater (required)", classes="mark-label")
                yield Input(self.rater, placeholder="your name", id="rater", compact=True)
            yield self._heading("Kalamazoo tasks (1-5)")
            for task in self.task_ids:
                machine = row.tasks.get(task)
                yield self._row(title_of(self.task_names, task), "–" if machine is None else str(machine),
                                Choice(SCORES, old.tasks.get(task) if old else None, id=f"task-{task}"))
            yield self._heading("Self-management support")
            for criterion in self.self_management_ids:
                yield self._criterion_row(title_of(self.criterion_names, criterion), row.criteria.get(criterion), criterion)
            if self.item_ids:
                yield self._heading("Scenario and course items")
                for item in self.item_ids:
                    yield self._criterion_row(title_of(self.item_names, item), row.other.get(item), item)
            yield self._heading("Co-production", "-level")
            yield self._row("Level", row.level or "–", Choice(LEVELS, old.coproduction if old else None, id="coproduction"), "-level")
            yield Static("Comment", classes="mark-heading")
            yield TextArea(old.comment if old else "", id="comment", compact=True, soft_wrap=True, show_line_numbers=False)
            yield Checkbox("Final mark (overrides the machine's)", old.final if old else False, id="final", compact=True)
            with Horizontal(classes="mark-row"):
                yield Static("Reason", classes="mark-label")
                reason = (old.reason or "") if old else ""
                yield Input(reason, placeholder="required for a final mark: why it overrides the machine's", id="reason", compact=True)
            with Horizontal(id="marking-buttons"):
                yield Button("Save (ctrl+s)", id="save", variant="primary", compact=True)
                yield Button("Cancel (esc)", id="cancel", compact=True)
        yield Static("", id="marking-problems", markup=False)
        yield KeyFooter()

    def _criterion_row(self, label: str, machine: Any, criterion: str) -> Horizontal:
        shown = {True: "met", False: "not met"}.get(machine, "–") if isinstance(machine, bool | None) else str(machine)
        old = self.previous
        return self._row(label, shown, Choice(CRITERIA, old.criteria.get(criterion) if old else None, id=f"criterion-{criterion}"))

    def _heading(self, text: str, classes: str = "") -> Horizontal:
        parts = Static(text, classes="mark-label"), Static("machine", classes="mark-machine"), Static("yours")
        return Horizontal(*parts, classes=f"mark-heading {classes}")

    def _row(self, label: str, machine: str, choice: Choice, classes: str = "") -> Horizontal:
        parts = Static(label, classes="mark-label", markup=False), Static(machine, classes="mark-machine", markup=False), choice
        return Horizontal(*parts, classes=f"mark-row {classes}")

    def on_mount(self) -> None:
        self.query_one("#reason", Input).disabled = not self.query_one("#final", Checkbox).value
        self.query_one("#marking-problems").display = False
        self.initial = self.values()
        self.set_focus(self._first_field())  # at once, not after the next refresh: keys may already be on their way
        early, self._early_keys = self._early_keys or [], None
        for key, character in early:
            self.take_key(key, character)

    def _first_field(self) -> Widget:
        return self.query_one("#task-" + self.task_ids[0] if self.rater and self.task_ids else "#rater")

    def take_key(self, key: str, character: str | None) -> None:
        """A key typed the instant the form opened, which reached the screen below it first: to the field with focus
        (the first field, once the form is up)."""
        if self._early_keys is not None:  # not up yet: kept for on_mount
            self._early_keys.append((key, character))
            return
        field = self.focused or self._first_field()
        if self.focused is None:
            self.set_focus(field)
        field.post_message(events.Key(key, character))

    # -- the form --------------------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        """What the form holds, as new_mark's fields (rater included)."""
        final = self.query_one("#final", Checkbox).value
        reason = self.query_one("#reason", Input).value.strip()
        level = self.query_one("#coproduction", Choice).value
        return {
            "rater": self.query_one("#rater", Input).value.strip(),
            "tasks": {t: v for t in self.task_ids if (v := self.query_one(f"#task-{t}", Choice).value) is not None},
            "criteria": {c: v for c in [*self.self_management_ids, *self.item_ids] if (v := self.query_one(f"#criterion-{c}", Choice).value) is not None},
            "coproduction": level,
            "comment": self.query_one("#comment", TextArea).text.strip(),
            "final": final,
            "reason": (reason or None) if final else None,
        }

    @property
    def changed(self) -> bool:
        return bool(self.initial) and self.values() != self.initial

    @property
    def confirm_quit(self) -> bool:
        """ctrl+q asks first (ReviewApp.action_quit) if there is something unsaved."""
        return self.changed

    @on(Checkbox.Changed, "#final")
    def _final(self, event: Checkbox.Changed) -> None:
        reason = self.query_one("#reason", Input)
        reason.disabled = not event.value
        if event.value:
            reason.focus()

    def show_problems(self, problems: list[str]) -> None:
        box = self.query_one("#marking-problems", Static)
        box.update("Not saved: " + "; ".join(problems))
        box.display = True
        self.app.bell()

    # -- saving and leaving ----------------------------------------------------------------------

    def action_save(self) -> None:
        fields = self.values()
        rater = fields.pop("rater")
        mark = new_mark(self.row.session_id, rater, **fields)
        problems = check_mark(mark, self.marks.task_ids, self.marks.criterion_ids)
        problems = ["the rater's name is required" if p == "no rater" else p for p in problems]
        if problems:
            self.show_problems(problems)
            if not rater:
                self.query_one("#rater").focus()
            elif mark.final and not mark.reason:
                self.query_one("#reason").focus()
            return
        try:
            self.marks.add(mark)
        except ConsultsimError as error:  # a marks file that cannot be read or written: nothing is lost, say why
            self.show_problems([str(error)])
            return
        self.dismiss(mark)

    def action_cancel(self) -> None:
        if not self.changed:
            self.dismiss(None)
            return
        from simulator.tui.screens.confirm import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                self.dismiss(None)

        self.app.push_screen(ConfirmScreen("Leave without saving this mark?", "What you changed on the form is not saved."), answered)

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()
