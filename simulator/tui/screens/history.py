"""History: past sessions with scenario, date, duration and headline scores; open one to re-read, resume an unfinished one."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.geometry import Size
from textual.screen import Screen
from textual.widgets import DataTable, Static
from textual.widgets.data_table import RowKey

from simulator.errors import ConsultsimError
from simulator.session.index import format_duration, local_time
from simulator.session.keeper import SessionSummary
from simulator.tui.settings import Settings
from simulator.tui.widgets.footer import KeyFooter

FIXED_COLUMNS = 16 + 5 + 6 + 22 + 2 * 5 + 3  # date, time, status, scores, cell padding, scrollbar


class SessionTable(DataTable):
    """Enter opens the session, named in the footer (see widgets/lists.py for why it is bound here)."""

    BINDINGS = [Binding("enter", "select_cursor", "Open", id="history.open", tooltip="Re-read the transcript and feedback")]

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        """Every column here has a fixed width and every row one line, so only the scrollable size changes.
        DataTable would measure every cell of every new row for widths it does not use: most of a second
        for a thousand sessions (benchmarks/bench_grade_folder.py)."""
        if any(column.auto_width for column in self.columns.values()) or any(row.auto_height or row.height != 1 for row in self.rows.values()):
            super()._update_dimensions(new_rows)
            return
        width = sum(column.get_render_width(self) for column in self.columns.values())
        self.virtual_size = Size(width, len(self.rows) + (self.header_height if self.show_header else 0))


class HistoryScreen(Screen):
    BINDINGS = [
        Binding("r", "resume", "Resume", id="history.resume", tooltip="Carry on an unfinished consultation"),
        Binding("escape", "back", "Back", id="history.back"),
    ]
    AUTO_FOCUS = "#sessions"

    def __init__(self, settings: Settings) -> None:
        super().__init__(id="history")
        self.settings = settings
        self.store = settings.workspace.store
        self.saved: list[SessionSummary] = []  # the list shows summaries; a session is read when opened
        self.words: dict[str, str] = {}  # session id -> headline in words, once graded
        self.shown_once = False

    def compose(self) -> ComposeResult:
        yield Static("Past sessions", classes="screen-title")
        yield SessionTable(id="sessions", cursor_type="row", zebra_stripes=True)
        yield Static("", id="session-detail")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        title_width = max(14, self.app.size.width - FIXED_COLUMNS)
        self.title_width = title_width
        table.add_column("Date", key="date", width=16)
        table.add_column("Scenario", key="scenario", width=title_width)
        table.add_column("Time", key="time", width=5)
        table.add_column("Status", key="status", width=6)
        table.add_column("K̄ SM co-prod.", key="scores", width=22)
        self.reload()

    def on_screen_resume(self) -> None:
        if self.shown_once and self.saved:  # back from a resumed or re-read session: statuses and scores may have changed
            self.reload()
        self.shown_once = True  # the first resume is the first showing, just after on_mount listed everything

    def reload(self) -> None:
        try:
            self.saved, problems = self.store.summaries()
        except ConsultsimError as error:  # no data folder to read: say where and how to choose another
            self.saved, problems = [], []
            self.notify(str(error), title="Sessions cannot be listed", severity="error", timeout=15)
        if problems:
            self.notify(
                "\n".join(problems[:3]) + (f"\n…and {len(problems) - 3} more" if len(problems) > 3 else ""),
                title=f"{len(problems)} session file{'s' * (len(problems) != 1)} could not be read",
                severity="warning",
                timeout=8,
            )
        table = self.query_one(DataTable)
        table.clear()
        title_width = self.title_width
        ungraded = []
        for saved in self.saved:
            title = saved.title if len(saved.title) <= title_width else saved.title[: title_width - 1] + "…"
            headline = self.store.headline(saved)  # graded at an earlier opening, and unchanged since
            if headline is None:
                ungraded.append(saved)
            else:
                self.words[saved.id] = headline[1]
            table.add_row(
                local_time(saved.created),
                title,
                format_duration(saved.active_seconds),
                "ended" if saved.finished else Text("open", style="bold"),
                headline[0] if headline else "…",
                key=saved.id,
            )
        self._show_detail()
        if ungraded:
            self.grade_all(ungraded)

    @work(thread=True, exclusive=True, group="history-grades")
    def grade_all(self, ungraded: list[SessionSummary]) -> None:
        """Headline scores for the rows not graded before, filled in one row at a time off the UI thread, and
        kept in the store's index for the next opening."""
        from simulator.tui import grading  # the grader loads here, off the UI thread, and only if a row needs it

        for number, saved in enumerate(ungraded, start=1):
            if number % 50 == 0:
                self.store.flush()  # kept as it goes: leaving the list half-graded loses nothing graded
            try:
                compact, words, exact = grading.headline_for(self.store.load(saved.path), self.settings.workspace)
                if exact:  # graded against the scenario version it was played with: it stays right
                    self.store.keep_headline(saved, compact, words)
            except Exception as error:  # one session the grader cannot read must not hide the others
                compact, words = "error", f"the grader failed: {type(error).__name__}: {error}"
            self.app.call_from_thread(self._set_score, saved.id, compact, words)
        self.store.flush()

    def _set_score(self, session_id: str, compact: str, words: str) -> None:
        if not self.is_attached:  # the list was closed while grading
            return
        self.words[session_id] = words
        table = self.query_one(DataTable)
        if session_id in table.rows:
            table.update_cell(session_id, "scores", compact)
        if self.current and self.current.id == session_id:
            self._show_detail()

    @property
    def current(self) -> SessionSummary | None:
        table = self.query_one(DataTable)
        if not self.saved or not table.row_count:
            return None
        key = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value
        return next((s for s in self.saved if s.id == key), None)

    def _show_detail(self) -> None:
        saved = self.current
        detail = self.query_one("#session-detail", Static)
        if saved is None:
            detail.update("No sessions yet. Escape goes back to the scenarios.")
            return
        text = Text(f"{saved.title}\n", style="bold")
        text.append(
            f"{saved.clinician_turns} turns · {format_duration(saved.active_seconds)} · "
            f"{'ended' if saved.finished else 'unfinished: r resumes it'} · {saved.id}\n"
        )
        text.append(self.words.get(saved.id, "grading…"), style="italic")
        detail.update(text)

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self._show_detail()

    @on(DataTable.RowSelected)
    def _selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        saved = self.current
        if saved is None:
            return
        try:
            session = self.store.load(saved.path)
        except ConsultsimError as error:  # changed or removed since it was listed
            self.notify(str(error), title="Cannot open the session", severity="error", timeout=10)
            return
        self.app.show_feedback(session)

    def action_resume(self) -> None:
        saved = self.current
        if saved is None:
            return
        if saved.finished:
            self.notify("This consultation has ended; enter re-reads it.", severity="warning")
            return
        try:
            self.app.resume_session(self.store.saved(saved))
        except (ConsultsimError, KeyError, TypeError, ValueError) as error:  # a missing or changed scenario: say so
            self.notify(str(error), title="Cannot resume", severity="error", timeout=10)

    def action_back(self) -> None:
        self.app.pop_screen()
