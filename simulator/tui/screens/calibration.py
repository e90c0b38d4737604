"""How far to trust the grader, in the review screen: the machine's marks against a course lead's, on the
sessions the table shows (its filter applies), as `consultsim calibrate` prints them.

The statistics import SciPy and scikit-learn (about a second and a half) and bootstrap their intervals, so
they are worked out in a thread while the screen says so. Viewing changes nothing: `consultsim calibrate`
is what records the figures the clinician's feedback quotes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static, TextArea

from simulator.errors import ConsultsimError
from simulator.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from simulator.review.cohort import Cohort
    from simulator.review.marks import Mark

WORKING = "Working out how far the machine's marks agree with yours…"


def calibration_text(cohort: Cohort, marks: Mapping[str, list[Mark]], rater: str | None) -> str:
    """What `consultsim calibrate` prints for these sessions, or a sentence saying why there is nothing to show."""
    from simulator.review.calibration import MACHINE, calibrate, choose_rater, missing_statistics, render_text

    if missing := missing_statistics():
        return f"Calibration needs {', '.join(missing)}: pip install 'consultsim[review]'\n"
    shown = {r.session_id for r in cohort.rows}
    marked = {session: those for session, those in marks.items() if session in shown and those}
    if not marked:
        return "No session shown has a course lead's mark yet: mark some (m), then come back.\n"
    try:
        who = choose_rater(marked, rater if rater and any(m.rater == rater for ms in marked.values() for m in ms) else None, MACHINE)
        return render_text(calibrate(cohort, marked, who, MACHINE))
    except ConsultsimError as error:
        return f"{error}\n"


class CalibrationScreen(Screen[None]):
    BINDINGS = [Binding("escape,c", "app.pop_screen", "Back", id="calibration.back", tooltip="Back to the cohort table")]

    def __init__(self, cohort: Cohort, marks: Mapping[str, list[Mark]], rater: str | None) -> None:
        super().__init__(id="calibration")
        self.cohort, self.marks, self.rater = cohort, marks, rater

    def compose(self) -> ComposeResult:
        yield Static(f"Calibration · {len(self.cohort.rows)} session(s) shown", classes="screen-title", markup=False)
        yield TextArea(WORKING, id="calibration-text", read_only=True, soft_wrap=False, show_line_numbers=False, compact=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()
        self.run_worker(self._work, thread=True, exclusive=True)

    def _work(self) -> None:
        text = calibration_text(self.cohort, self.marks, self.rater)
        self.app.call_from_thread(self._show, text)

    def _show(self, text: str) -> None:
        self.query_one(TextArea).load_text(text)
