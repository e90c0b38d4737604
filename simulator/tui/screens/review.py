"""The course lead's review: one row per session of a cohort, with the machine's marks and the course leads'.

A task cell shows the machine's score, and a course lead's beside it where there is one (`3|4`): the final
mark's score for that task, else the newest mark's. The cursor is a cell: `s` sorts by its column (again: the
other way), as does clicking a header; enter opens the session's feedback and transcript (FeedbackScreen),
`m` the marking form (marking.py), `c` how far the machine's marks agree with a course lead's
(calibration.py). The filter takes part of a learner's name or a scenario id, `<3` for a Kalamazoo mean
below 3, and dates (`2026-11`, `2026-11-01..2026-11-15`). Below the table, one plot at a time of the
sessions shown (review_plots.py): `d` how many scored 1..5 on each task, `f` which hidden facts each
learner brought out in the cursor's scenario, `t` each learner's mean score session by session; the same
key again hides it.

A sort or a filter keystroke lists the rows again: with a thousand sessions that is a few milliseconds of
listing and a redraw of the cells on screen that reuses how a cell showing the same thing was drawn
(widgets/cohort_table.py).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Input, Static

from simulator.errors import ConsultsimError
from simulator.review.cohort import Cohort, CohortRow
from simulator.session.index import format_duration, local_time
from simulator.tui.screens.review_plots import PlotView, facts_map, learner_trend
from simulator.tui.settings import Settings
from simulator.tui.widgets.cohort_table import CohortTable
from simulator.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from simulator.review.marks import Mark, MarkStore

# Column headings of the Kalamazoo tasks: three letters, to leave room for "3|4" and fit 120 columns.
SHORT = {
    "build_relationship": "Rel",
    "open_discussion": "Opn",
    "gather_information": "Gat",
    "understand_perspective": "Per",
    "share_information": "Shr",
    "reach_agreement": "Agr",
    "provide_closure": "Cls",
}
LEGEND = "3|4: machine|course lead (final mark, else newest) · filter: a name, a scenario, <3 (mean below 3), 2026-11 or A..B (dates)"
EMPTY = (
    "No sessions to review.\n\n"
    "A learner's sessions are the .json files in the sessions folder of their consultsim data folder. "
    "Copy them into one folder (a subfolder per learner is fine), then run:\n\n"
    "    consultsim review FOLDER\n\n"
    "ctrl+q quits."
)
BLOCKS = " ▏▎▍▌▋▊▉"
PLOTS = ("distribution", "facts", "trend")  # the ids of the plots below the table: ScoreBars, then PlotViews
PALETTE_WIDTH = 90  # narrower, the footer leaves out ctrl+p (it still opens the palette) to show every key


def short(task: str) -> str:
    return SHORT.get(task) or task[:3].capitalize()


def titles(settings: Settings, group: str | None) -> dict[str, str]:
    """The criteria titles of a rubric group (kalamazoo, self_management) as the workspace has them; None:
    those of every other group (a course's own rubrics)."""
    shipped = ("kalamazoo", "self_management")
    try:
        return {
            c.id: c.title for rubric in settings.workspace.rubrics
            if (rubric.group == group if group else rubric.group not in shipped) for c in rubric.criteria
        }
    except (ConsultsimError, OSError):
        return {}


def title_of(names: dict[str, str], key: str) -> str:
    return names.get(key) or key.replace("_", " ").capitalize()


def human_scores(marks: list[Mark]) -> dict[str, int]:
    """A course lead's score of each task: the final mark's if it has one, else the newest mark's that has one."""
    scores: dict[str, int] = {}
    for mark in marks:  # oldest first: the newest wins
        scores.update(mark.tasks)
    final = next((mark for mark in reversed(marks) if mark.final), None)
    if final is not None:
        scores.update(final.tasks)
    return scores


def task_cell(machine: int | None, human: int | None) -> Text:
    shown = "–" if machine is None else str(machine)
    if human is None:
        return Text(shown)
    return Text.assemble(shown, ("|", "dim"), (str(human), "bold" if human != machine else ""))


def fraction(part: int, whole: int) -> str:
    return f"{part}/{whole}" if whole else "–"


def clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


# A date as the table shows it, or its start: "2026", "2026-11", "2026-11-05"; two joined by ".." are a range
# (either end may be left open: "2026-11-15..").
_DAY = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")


def _dated(word: str) -> tuple[str, str] | None:
    """The (first, last) date prefixes a filter word asks for, or None if it is no date."""
    first, dots, last = word.partition("..")
    if not dots:
        return (word, word) if _DAY.match(word) else None
    if (first and not _DAY.match(first)) or (last and not _DAY.match(last)) or not (first or last):
        return None
    return first, last


def filtered(cohort: Cohort, text: str) -> Cohort:
    """The rows the filter lets through: `<N` keeps a Kalamazoo mean below N; a date or part of one
    (`2026-11`, `2026-11-05`) the sessions of that day, month or year, and `A..B` a range, by the local date the
    table shows; the other words, part of a learner's name or of a scenario id (case-insensitive)."""
    words = []
    for word in text.split():
        if word.startswith("<") and len(word) > 1:
            try:
                cohort = cohort.select(below=float(word[1:]))
                continue
            except ValueError:
                pass
        if dates := _dated(word):
            first, last = dates
            rows = []
            for row in cohort.rows:
                day = local_time(row.created)[:10]
                if (not first or day[: len(first)] >= first) and (not last or day[: len(last)] <= last):
                    rows.append(row)
            cohort = Cohort(rows, cohort.problems)
            continue
        if word != "<":  # half-typed
            words.append(word)
    needle = " ".join(words).casefold()
    if not needle:
        return cohort
    return Cohort([r for r in cohort.rows if needle in r.learner_name.casefold() or needle in r.scenario_id.casefold()], cohort.problems)


class ReviewFilter(Input):
    BINDINGS = [Binding("enter,down,escape", "done", "Table", id="review.filter.done", tooltip="Back to the table (the filter stays)")]

    def action_done(self) -> None:
        self.screen.query_one(CohortTable).focus()


class ScoreBars(Widget):
    """For each Kalamazoo task, how many of the shown sessions the machine scored 1, 2, 3, 4 and 5."""

    def __init__(self, names: dict[str, str], id: str | None = None) -> None:
        super().__init__(id=id)
        self.names = names
        self.rows: list[CohortRow] = []
        self.task_ids: list[str] = []
        self._counts: dict[str, Counter[int | None]] | None = None

    def show(self, rows: list[CohortRow], task_ids: list[str]) -> None:
        tasks_changed = task_ids != self.task_ids
        self.rows, self.task_ids, self._counts = rows, task_ids, None
        self.border_title = f"Machine scores of the {len(rows)} session{'s' * (len(rows) != 1)} shown"
        self.refresh(layout=tasks_changed)  # its height is a line per task

    @property
    def counts(self) -> dict[str, Counter[int | None]]:
        """Counted when drawn, once for the rows shown (not while it is hidden)."""
        if self._counts is None:
            self._counts = {task: Counter(row.tasks.get(task) for row in self.rows) for task in self.task_ids}
        return self._counts

    def get_content_height(self, container, viewport, width: int) -> int:
        return len(self.task_ids) + 1

    def render(self) -> Content:
        width = self.content_size.width or 76
        named = 26 if width >= 110 else 14 if width >= 70 else 0
        bar = max(3, (width - 4 - named - 5 * 5 - 4) // 5)
        counts = self.counts
        top = max([n for c in counts.values() for score, n in c.items() if score is not None] or [1])
        pieces: list[tuple[str, str] | str] = [" " * (4 + named)]
        for score in range(1, 6):
            pieces.append((f"   {score} {'':<{bar}}", "bold"))
        pieces.append(("   –\n" if any(c.get(None) for c in counts.values()) else "\n", "bold"))
        for task, count in counts.items():
            pieces.append((f"{short(task):<4}", "bold"))
            pieces.append(f"{clip(title_of(self.names, task), named - 1):<{named}}" if named else "")
            for score, style in zip(range(1, 6), ("$error", "$warning", "$warning", "$success", "$success"), strict=True):
                eighths = round(count.get(score, 0) * bar * 8 / top)
                drawn = "█" * (eighths // 8) + (BLOCKS[eighths % 8] if eighths % 8 else "")
                pieces.append(f"{count.get(score, 0):>3} ")
                pieces.append((f"{drawn:<{bar}} ", style))
            pieces.append(f"{count.get(None, 0):>3}\n" if count.get(None) else "\n")
        return Content.assemble(*pieces).rstrip()


class ReviewScreen(Screen):
    BINDINGS = [
        Binding("m", "mark", "Mark", id="review.mark", tooltip="Mark this session: your scores beside the machine's"),
        Binding("s", "sort", "Sort", id="review.sort", tooltip="Sort by the cursor's column (again: the other way)"),
        Binding("slash", "filter", "Filter", id="review.filter",
                tooltip="Filter: part of a learner's name, a scenario id, <3 for a mean below 3, a date or month (2026-11), a range (2026-11-01..2026-11-15)"),
        Binding("d", "plot('distribution')", "Scores", id="review.distribution", tooltip="Show or hide how many sessions scored 1-5 on each task"),
        Binding("f", "plot('facts')", "Facts", id="review.facts", tooltip="Show or hide the hidden facts each learner brought out, in the cursor's scenario"),
        Binding("t", "plot('trend')", "Trend", id="review.trend", tooltip="Show or hide each learner's mean score, session by session"),
        Binding("c", "calibrate", "Trust", id="review.calibrate", tooltip="How far the machine's marks agree with a course lead's, on the sessions shown"),
        Binding("escape", "clear_filter", "Clear filter", id="review.clear", show=False),
    ]
    AUTO_FOCUS = "#cohort"

    def __init__(self, cohort: Cohort, marks: MarkStore, rater: str | None, settings: Settings) -> None:
        super().__init__(id="review")
        self.cohort, self.marks, self.rater, self.settings = cohort, marks, rater, settings
        self.sort_key, self.descending = "date", False
        self.shown: list[CohortRow] = []
        self.marks_of: dict[str, list[Mark]] = {}
        self.names = titles(settings, "kalamazoo")
        self.task_ids = cohort.task_ids  # a property that reads every row: read once
        self.widths = {"learner": 16, "scenario": 16}
        self._cells: dict[str, list[str | Text]] = {}  # session id -> its cells, made once (again when marked)
        self._said: dict[str, str] = {}  # what each line that changes says
        self.plot: str | None = None  # the plot shown below the table, if any (PLOTS)
        self._plotted: str | None = None  # the scenario whose facts are drawn
        self._plotted_filter: str | None = None  # the filter of the rows plotted (a sort changes no plot)

    def compose(self) -> ComposeResult:
        with Horizontal(classes="screen-title"):
            yield Static("Review", id="review-title", markup=False)
            yield Static("", id="review-sort", markup=False)
        yield Static("", id="review-notice", markup=False)
        if not self.cohort.rows:
            yield Static(EMPTY, id="review-empty", markup=False)
        else:
            yield ReviewFilter(placeholder="Filter: a name, a scenario id, <3 (Kalamazoo mean below 3), 2026-11 or 2026-11-01..2026-11-15", id="review-filter")
            yield CohortTable(id="cohort", cursor_type="cell", zebra_stripes=True, fixed_columns=1, cell_padding=0)
            yield ScoreBars(self.names, id="distribution")
            yield PlotView(id="facts")
            yield PlotView(id="trend")
            yield Static("", id="review-detail", markup=False)
            yield Static(LEGEND, id="review-legend", markup=False)
        yield KeyFooter(show_command_palette=self.app.size.width >= PALETTE_WIDTH)

    def on_mount(self) -> None:
        problems = list(self.cohort.problems)
        try:
            self.marks_of = self.marks.all()
            problems += self.marks.problems
        except ConsultsimError as error:  # no marks folder to read: the machine's marks can still be reviewed
            problems.append(str(error))
        notice = self.query_one("#review-notice", Static)
        if problems:
            files = f"{len(problems)} file{'s' * (len(problems) != 1)} could not be read"
            notice.update(f"⚠ {files}: {' '.join(problems[0].split())}")
        notice.display = bool(problems)
        if not self.cohort.rows:
            self.query_one("#review-title", Static).update("Review: no sessions")
            return
        self.plot = "distribution" if self.app.size.height >= 36 else None
        for name in PLOTS:
            self.query_one(f"#{name}").display = name == self.plot
        rows = self.cohort.rows
        table = self.query_one(CohortTable)
        learner = min(16, max(7, *(len(r.learner_name) for r in rows)))
        scenario = min(16, max(8, *(len(r.scenario_id) for r in rows)))
        table.add_column("Learner", key="learner", width=learner + 1)
        table.add_column("Scenario", key="scenario", width=scenario + 1)
        table.add_column("Date", key="date", width=17)
        table.add_column("Time", key="duration", width=6)
        table.add_column("Turns", key="turns", width=6)
        for task in self.task_ids:
            table.add_column(short(task), key=task, width=4)
        table.add_column("SM", key="met", width=6)
        table.add_column("Co-prod.", key="level", width=15)
        table.add_column("Facts", key="facts", width=5)
        self.widths = {"learner": learner, "scenario": scenario}
        self.fill()

    # -- the table -------------------------------------------------------------------------------

    def cells(self, row: CohortRow) -> list[str | Text]:
        if row.session_id not in self._cells:
            self._cells[row.session_id] = self._make_cells(row)
        return self._cells[row.session_id]

    def _make_cells(self, row: CohortRow) -> list[str | Text]:
        human = human_scores(self.marks_of.get(row.session_id, []))
        met = row.criteria_met
        return [
            clip(row.learner_name, self.widths["learner"]),
            clip(row.scenario_id, self.widths["scenario"]),
            local_time(row.created),
            format_duration(row.seconds),
            str(row.turns),
            *(task_cell(row.tasks.get(task), human.get(task)) for task in self.task_ids),
            fraction(*met),
            row.level or "–",
            fraction(len(row.facts_found), len(row.facts_hidden)),
        ]

    def fill(self) -> None:
        """(Re)list the rows, sorted and filtered, the cursor kept on its session and column."""
        table = self.query_one(CohortTable)
        keep, column = (self.current.session_id if self.current else None), table.cursor_column
        ordered = self.cohort.sorted_by(self.sort_key, self.descending)
        self.shown = filtered(ordered, self.query_one(ReviewFilter).value).rows
        table.relist((row.session_id, self.cells(row)) for row in self.shown)
        index = next((i for i, row in enumerate(self.shown) if row.session_id == keep), 0)
        if self.shown:
            table.move_cursor(row=index, column=column, animate=False)
        label = table.columns[next(k for k in table.columns if k.value == self.sort_key)].label.plain
        total = len(self.cohort.rows)
        count = f"{total} session{'s' * (total != 1)}" if len(self.shown) == total else f"{len(self.shown)} of {total} sessions"
        self.say("#review-title", f"Review · {count}", layout=False)
        self.say("#review-sort", f"sorted by {label} {'↓' if self.descending else '↑'}")
        self.show_detail()
        if self.query_one(ReviewFilter).value != self._plotted_filter:
            self.show_plot()

    def say(self, static: str, text: str, layout: bool = True) -> None:
        """Update a line if it changed (each update is a redraw; with layout, of the whole screen)."""
        if self._said.get(static) != text:
            self._said[static] = text
            self.query_one(static, Static).update(text, layout=layout)

    def show_plot(self) -> None:
        """Draw the plot shown (if one is) of the rows shown."""
        self._plotted_filter = self.query_one(ReviewFilter).value if self.plot else None
        if self.plot == "distribution":
            self.query_one(ScoreBars).show(self.shown, self.task_ids)
        elif self.plot == "facts":
            rows, row = self.shown, self.current
            self.query_one("#facts", PlotView).show(lambda width: facts_map(rows, row.scenario_id if row else None, width))
            self._plotted = row.scenario_id if row else None
        elif self.plot == "trend":
            rows = self.shown
            self.query_one("#trend", PlotView).show(lambda width: learner_trend(rows, width))

    @property
    def current(self) -> CohortRow | None:
        if not self.cohort.rows:
            return None
        row = self.query_one(CohortTable).cursor_row
        return self.shown[row] if 0 <= row < len(self.shown) else None

    def show_detail(self) -> None:
        row = self.current
        if row is None:
            self.say("#review-detail", f"No session matches the filter '{self.query_one(ReviewFilter).value}'. Escape clears it.", layout=False)
            return
        mean = row.kalamazoo_mean
        parts = [row.session_id, row.scenario_title, row.learner_name, f"mean {mean:.1f}" if mean is not None else "mean –"]
        marks = self.marks_of.get(row.session_id, [])
        if marks:
            raters = list(dict.fromkeys(mark.rater for mark in marks))
            final = next((mark for mark in reversed(marks) if mark.final), None)
            parts.append(f"marked by {', '.join(raters)}" + (f" (final: {final.rater})" if final else ""))
        else:
            parts.append("not marked")
        if row.warning:
            parts.append(f"⚠ {row.warning}")
        self.say("#review-detail", " · ".join(parts), layout=False)

    @on(DataTable.CellHighlighted)
    def _highlighted(self) -> None:
        self.show_detail()
        row = self.current
        if self.plot == "facts" and row is not None and row.scenario_id != self._plotted:
            self.show_plot()  # the cursor is on another scenario

    @on(DataTable.CellSelected)
    def _selected(self) -> None:
        self.action_open()

    @on(DataTable.HeaderSelected)
    def _header(self, event: DataTable.HeaderSelected) -> None:
        self.query_one(CohortTable).move_cursor(column=event.column_index, animate=False)
        self.sort_by(str(event.column_key.value))

    @on(Input.Changed, "#review-filter")
    def _filter_changed(self) -> None:
        self.fill()

    def sort_by(self, key: str) -> None:
        self.descending = not self.descending if key == self.sort_key else False
        self.sort_key = key
        self.fill()

    # -- keys ------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("mark", "sort", "filter", "plot", "clear_filter", "calibrate") and not self.cohort.rows:
            return None  # nothing to act on: the keys are dimmed
        return True

    def action_sort(self) -> None:
        table = self.query_one(CohortTable)
        self.sort_by(str(table.ordered_columns[table.cursor_column].key.value))

    def action_filter(self) -> None:
        self.query_one(ReviewFilter).focus()

    def action_clear_filter(self) -> None:
        if self.query_one(ReviewFilter).value:
            self.query_one(ReviewFilter).value = ""  # Changed: listed again

    def action_plot(self, name: str) -> None:
        """Show this plot below the table, in place of another; hide it if it is shown."""
        self.plot = None if self.plot == name else name
        for other in PLOTS:
            widget = self.query_one(f"#{other}")
            if other != self.plot and widget.display:
                if widget.has_focus:
                    self.query_one(CohortTable).focus()
                widget.display = False
        self.show_plot()
        if self.plot:
            self.query_one(f"#{self.plot}").display = True

    def action_open(self) -> None:
        from simulator.session.store import load
        from simulator.tui.screens.feedback import FeedbackScreen

        row = self.current
        if row is None:
            return
        try:
            session = load(Path(row.path))
        except ConsultsimError as error:  # changed or removed since the cohort was read
            self.notify(str(error), title="Cannot open the session", severity="error", timeout=10)
            return
        try:
            scenario, warning = self.settings.workspace.scenario_for(session)
        except ConsultsimError as error:
            scenario, warning = None, f"{error}; graded without its scenario-specific items"
        if warning:
            self.notify(warning, title="Grading", severity="warning", timeout=8)
        self.app.push_screen(FeedbackScreen(session, scenario, self.settings))

    def action_calibrate(self) -> None:
        from simulator.tui.screens.calibration import CalibrationScreen

        marks = self.marks.all()  # from disk: every rater's, the ones just saved too
        self.app.push_screen(CalibrationScreen(Cohort(list(self.shown), []), marks, self.rater))

    def on_key(self, event: events.Key) -> None:
        """The marking form opens on the key itself, not after it has bubbled up as a binding: a mark typed straight
        after it ("m", "4") would otherwise reach this screen, not the form."""
        from simulator.tui.screens.marking import MarkingScreen

        if isinstance(self.app.screen, MarkingScreen):  # opened by the key before this one, not yet up
            self.app.screen.take_key(event.key, event.character)
            event.stop()
        elif any(binding.action == "mark" for binding in self._bindings.key_to_bindings.get(event.key, ())):
            event.stop()
            self.action_mark()

    def action_mark(self) -> None:
        from simulator.tui.screens.marking import MarkingScreen

        row = self.current
        if row is None:
            return
        self.app.push_screen(MarkingScreen(row, self.marks, self.rater, self.settings), self._marked)

    def _marked(self, mark: Mark | None) -> None:
        if mark is None:
            return
        self.rater = mark.rater  # the next marking form is filled in with it
        self.marks_of.setdefault(mark.session, []).append(mark)
        self._cells.pop(mark.session, None)
        table = self.query_one(CohortTable)
        row = next(r for r in self.shown if r.session_id == mark.session)
        for column, value in zip(table.ordered_columns, self.cells(row), strict=True):
            table.update_cell(mark.session, column.key, value)
        self.show_detail()
        self.notify(f"{row.learner_name}, {row.scenario_title}", title=f"Mark saved ({mark.rater}{', final' if mark.final else ''})", timeout=4)
