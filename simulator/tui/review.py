"""`consultsim review`: a course lead reviews a cohort of graded sessions and marks them.

The review app is an App of its own (no scenario picker, no history), with the consultsim look: app.tcss,
screens.tcss (the feedback screen is reused as it is) and review.tcss. `make_review_app` builds it for the
tests (App.run_test); `run_review` runs it for the CLI.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.binding import Binding
from textual.events import DescendantFocus

from simulator.tui.settings import Settings

if TYPE_CHECKING:
    from simulator.review.cohort import Cohort
    from simulator.review.marks import MarkStore
    from simulator.workspace import Workspace


class ReviewApp(App[int]):
    CSS_PATH = ["app.tcss", "screens.tcss", "review.tcss"]  # beside this file
    TITLE = "consultsim review"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="review.app.quit", tooltip="Quit (asks first if a mark is half-typed)", priority=True),
    ]

    def __init__(self, cohort: Cohort, marks: MarkStore, rater: str | None, settings: Settings) -> None:
        super().__init__()
        self.cohort, self.marks, self.rater, self.settings = cohort, marks, rater, settings

    def on_mount(self) -> None:
        from simulator.tui.screens.review import ReviewScreen

        self.push_screen(ReviewScreen(self.cohort, self.marks, self.rater, self.settings))

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        """Cursor blink off when asked (snapshot tests), as in ConsultsimApp."""
        if not self.settings.blink and hasattr(event.widget, "cursor_blink"):
            event.widget.cursor_blink = False

    def action_back(self) -> None:
        """The feedback screen's escape: back to the table (never past it)."""
        if len(self.screen_stack) > 2:
            self.pop_screen()

    def action_history(self) -> None:
        """The feedback screen's ctrl+o: there is no history of one's own sessions in a review."""
        self.bell()

    async def action_quit(self) -> None:
        if getattr(self.screen, "confirm_quit", False):
            from simulator.tui.screens.confirm import ConfirmScreen

            def answered(yes: bool | None) -> None:
                if yes:
                    self.exit(0)

            self.push_screen(ConfirmScreen("Quit without saving this mark?", "What you typed on the marking form is not saved."), answered)
            return
        self.exit(0)


def make_review_app(workspace: Workspace, cohort: Cohort, marks: MarkStore, rater: str | None = None, **settings: Any) -> ReviewApp:
    """The review app, not yet running (tests: `async with make_review_app(...).run_test() as pilot`).
    `settings`: Settings fields (blink=False for snapshots, export_dir for the feedback's exports)."""
    return ReviewApp(cohort, marks, rater, Settings(dirs=list(workspace.dirs), workspace=workspace, **settings))


def run_review(workspace: Workspace, cohort: Cohort, marks: MarkStore, rater: str | None) -> int:
    """Run the review of `cohort` in the terminal, marks kept in `marks`, `rater` prefilled; the exit code."""
    app = make_review_app(workspace, cohort, marks, rater)
    result = app.run()
    return app.return_code or (result if isinstance(result, int) else 0)
