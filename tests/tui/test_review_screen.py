"""The course lead's review (simulator/tui/review.py): the cohort table, sorting, filtering, the feedback of a
session, the marking form and its checks, problem files, the plots below the table (review_plots.py), and
snapshots at 80x24 and 120x40.

The Pilot tests review a real cohort (tests/cohort_maker.py: sessions played from the test consultations,
graded by load_cohort); the plot tests and the snapshots review rows built here with fixed values (a real
cohort's durations depend on how fast it was played, and which facts it found on the scripts).
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import random
import shutil
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual import events
from textual.widgets import DataTable, Input, Static

from simulator.review.cohort import Cohort, CohortRow, load_cohort
from simulator.review.marks import Mark, MarkStore
from simulator.rubric.report import KALAMAZOO_TASKS, SELF_MANAGEMENT
from simulator.session.index import local_time
from simulator.tui.review import ReviewApp, make_review_app, run_review
from simulator.tui.screens.confirm import ConfirmScreen
from simulator.tui.screens.feedback import FeedbackScreen
from simulator.tui.screens.marking import Choice, MarkingScreen
from simulator.tui.screens.review import ReviewScreen, ScoreBars
from simulator.tui.screens.review_plots import PlotView, abbreviate, shade, sparkline
from simulator.workspace import Workspace

from tuihelpers import settle, type_text

TESTS = Path(__file__).resolve().parents[1]
if str(TESTS) not in sys.path:  # tests/cohort_maker.py, shared with the review's other tests
    sys.path.insert(0, str(TESTS))
from cohort_maker import LEARNERS, make_cohort  # noqa: E402

COUNT = 15
RATER = "Dr Jones"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def cohort_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cohort made once for the file (a few seconds), in a home of its own (consultsim_home is per test)."""
    folder = tmp_path_factory.mktemp("cohort") / "sessions"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CONSULTSIM_HOME", str(tmp_path_factory.mktemp("maker-home")))
        make_cohort(folder, COUNT)
    return folder


@pytest.fixture(scope="module")
def cohort(cohort_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Cohort:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CONSULTSIM_HOME", str(tmp_path_factory.mktemp("loader-home")))
        loaded = load_cohort(Workspace(), [cohort_folder], jobs=1)
    assert len(loaded.rows) == COUNT and not loaded.problems
    return loaded


def review_app(cohort: Cohort, marks: MarkStore, rater: str | None = RATER) -> ReviewApp:
    return make_review_app(Workspace(), cohort, marks, rater, blink=False)


def table_of(app: ReviewApp) -> DataTable:
    return app.screen.query_one("#cohort", DataTable)


def shown_ids(app: ReviewApp) -> list[str]:
    return [str(row.key.value) for row in table_of(app).ordered_rows]


async def cursor_to(pilot, key: str) -> None:
    """Move the cursor to a column by pressing right (as a course lead would)."""
    table = table_of(pilot.app)
    for _ in range(len(table.columns)):
        if table.ordered_columns[table.cursor_column].key.value == key:
            return
        await pilot.press("right")
    raise AssertionError(f"no column {key}")


def text_of(widget: Static) -> str:
    return str(widget.render())


# -- the table ---------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_the_table_has_one_row_per_session_with_the_machines_marks(cohort: Cohort, tmp_path: Path) -> None:
    app = review_app(cohort, MarkStore(tmp_path / "marks"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        table = table_of(app)
        assert table.row_count == COUNT
        assert shown_ids(app) == [row.session_id for row in sorted(cohort.rows, key=lambda r: (r.created, r.session_id))]
        first = cohort.row(shown_ids(app)[0])
        cells = [str(getattr(cell, "plain", cell)) for cell in table.get_row_at(0)]
        met, judged = first.criteria_met
        assert cells[4] == str(first.turns)
        assert cells[5:5 + len(KALAMAZOO_TASKS)] == [str(first.tasks[t]) if first.tasks[t] is not None else "–" for t in KALAMAZOO_TASKS]
        assert cells[-3:] == [f"{met}/{judged}", first.level, f"{len(first.facts_found)}/{len(first.facts_hidden)}"]
        assert cells[2] == local_time(first.created) and len(cells[2]) == len("2026-09-01 09:00")
        assert f"{COUNT} sessions" in text_of(app.screen.query_one("#review-title", Static))
        assert first.session_id in text_of(app.screen.query_one("#review-detail", Static))
        assert not app.screen.query_one("#review-notice").display


@pytest.mark.anyio
async def test_s_sorts_by_the_cursors_column_and_again_the_other_way_and_a_header_click_sorts(cohort: Cohort, tmp_path: Path) -> None:
    app = review_app(cohort, MarkStore(tmp_path / "marks"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await cursor_to(pilot, "gather_information")
        await pilot.press("s")
        await pilot.pause()
        scores = [cohort.row(i).tasks["gather_information"] or 0 for i in shown_ids(app)]
        assert scores == sorted(scores) and scores[0] < scores[-1]
        assert "sorted by Gat ↑" in text_of(app.screen.query_one("#review-sort", Static))
        await pilot.press("s")
        await pilot.pause()
        scores = [cohort.row(i).tasks["gather_information"] or 0 for i in shown_ids(app)]
        assert scores == sorted(scores, reverse=True)
        assert table_of(app).ordered_columns[table_of(app).cursor_column].key.value == "gather_information"

        table = table_of(app)
        index = [c.key.value for c in table.ordered_columns].index("turns")
        x = 1 + sum(c.get_render_width(table) for c in table.ordered_columns[:index]) + 1  # the table's left padding, then into the heading
        await pilot.click(table, offset=(x, 0))
        await pilot.pause()
        turns = [cohort.row(i).turns for i in shown_ids(app)]
        assert turns == sorted(turns) and turns[0] < turns[-1]
        assert "sorted by Turns ↑" in text_of(app.screen.query_one("#review-sort", Static))


@pytest.mark.anyio
async def test_after_a_sort_the_cursor_keeps_its_session_and_a_click_on_a_cell_picks_that_cells_session(cohort: Cohort, tmp_path: Path) -> None:
    """Rows are listed again in place (CohortTable.relist) and cells drawn by what they show: the cursor, the
    rows' order, each cell's text and where a click lands must all follow the new order."""
    app = review_app(cohort, MarkStore(tmp_path / "marks"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("down", "down", "down", "down")
        kept = shown_ids(app)[4]
        await cursor_to(pilot, "turns")
        await pilot.press("s", "s")  # turns, most first
        await pilot.pause()
        table = table_of(app)
        turns = [cohort.row(i).turns for i in shown_ids(app)]
        assert turns == sorted(turns, reverse=True) and shown_ids(app) != sorted(shown_ids(app))
        assert shown_ids(app)[table.cursor_row] == kept
        for index, session in enumerate(shown_ids(app)):
            cells = [str(getattr(cell, "plain", cell)) for cell in table.get_row_at(index)]
            assert cells[2] == local_time(cohort.row(session).created) and cells[4] == str(cohort.row(session).turns)

        index = [c.key.value for c in table.ordered_columns].index("date")
        x = 1 + sum(c.get_render_width(table) for c in table.ordered_columns[:index]) + 2
        await pilot.click(table, offset=(x, 1 + 6))  # the heading, then the seventh row
        await pilot.pause()
        assert table.cursor_coordinate == (6, index)
        assert shown_ids(app)[6] in text_of(app.screen.query_one("#review-detail", Static))

        app.screen.query_one(Input).value = "ben"
        await pilot.pause()
        bens = [r.session_id for r in cohort.rows if r.learner == "Ben Okafor"]
        assert set(shown_ids(app)) == set(bens) and table.row_count == len(bens)
        assert [cohort.row(i).turns for i in shown_ids(app)] == sorted((cohort.row(i).turns for i in bens), reverse=True)
        assert str(table.get_row_at(table.row_count - 1)[0]) == "Ben Okafor"


@pytest.mark.anyio
async def test_the_filter_keeps_a_learners_sessions_or_a_mean_below_a_threshold(cohort: Cohort, tmp_path: Path) -> None:
    app = review_app(cohort, MarkStore(tmp_path / "marks"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await type_text(pilot, "ben")
        await pilot.pause()
        bens = {r.session_id for r in cohort.rows if r.learner == "Ben Okafor"}
        assert bens and set(shown_ids(app)) == bens
        assert f"{len(bens)} of {COUNT} sessions" in text_of(app.screen.query_one("#review-title", Static))

        app.focused.value = ""
        await type_text(pilot, "<3")
        await pilot.pause()
        low = {r.session_id for r in cohort.rows if r.kalamazoo_mean is not None and r.kalamazoo_mean < 3}
        assert low and len(low) < COUNT and set(shown_ids(app)) == low

        app.focused.value = ""
        await type_text(pilot, "t2d")
        await pilot.pause()
        assert set(shown_ids(app)) == {r.session_id for r in cohort.rows if r.scenario_id == "t2d-hypo-fear"}

        # dates as the table shows them (local time): a day, a month, a range with an open end
        days = sorted({local_time(r.created)[:10] for r in cohort.rows})
        assert len(days) > 2
        app.focused.value = ""
        await type_text(pilot, days[1])
        await pilot.pause()
        assert set(shown_ids(app)) == {r.session_id for r in cohort.rows if local_time(r.created).startswith(days[1])}
        app.focused.value = f"{days[1]}.."
        await pilot.pause()
        assert set(shown_ids(app)) == {r.session_id for r in cohort.rows if local_time(r.created)[:10] >= days[1]}
        app.focused.value = f"{days[0]}..{days[1]} ben"
        await pilot.pause()
        wanted = {r.session_id for r in cohort.rows if days[0] <= local_time(r.created)[:10] <= days[1] and r.learner == "Ben Okafor"}
        assert set(shown_ids(app)) == wanted
        app.focused.value = days[0][:7]  # the month
        await pilot.pause()
        assert set(shown_ids(app)) == {r.session_id for r in cohort.rows if local_time(r.created).startswith(days[0][:7])}

        app.focused.value = "nobody"
        await pilot.pause()
        assert table_of(app).row_count == 0
        assert "No session matches" in text_of(app.screen.query_one("#review-detail", Static))

        await pilot.press("escape")  # back to the table, the filter kept; escape again clears it
        assert app.focused is table_of(app) and table_of(app).row_count == 0
        await pilot.press("escape")
        await pilot.pause()
        assert table_of(app).row_count == COUNT


# -- a session's feedback ----------------------------------------------------------------------


@pytest.mark.anyio
async def test_enter_opens_the_feedback_of_that_session_and_escape_comes_back_to_the_same_cell(cohort: Cohort, tmp_path: Path) -> None:
    app = review_app(cohort, MarkStore(tmp_path / "marks"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("down", "down", "down", "right", "right")
        where = table_of(app).cursor_coordinate
        row = cohort.row(shown_ids(app)[3])
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, FeedbackScreen)
        assert screen.session.id == row.session_id
        assert row.scenario_title[:40] in text_of(screen.query_one("#feedback-title", Static))
        assert screen.report is not None and screen.report.kalamazoo["build_relationship"].value == row.tasks["build_relationship"]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert table_of(app).cursor_coordinate == where
        assert row.session_id in text_of(app.screen.query_one("#review-detail", Static))


# -- marking -----------------------------------------------------------------------------------


def different(score: int | None) -> int:
    return 1 if score != 1 else 2


@pytest.mark.anyio
async def test_a_saved_mark_is_on_disk_and_shown_beside_the_machines(cohort: Cohort, tmp_path: Path) -> None:
    folder = tmp_path / "marks"
    app = review_app(cohort, MarkStore(folder))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("down")
        row = cohort.row(shown_ids(app)[1])
        await pilot.press("m")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, MarkingScreen) and form.row is row
        assert form.query_one("#rater", Input).value == RATER
        assert app.focused is form.query_one("#task-build_relationship", Choice)
        first, second = different(row.tasks["build_relationship"]), different(row.tasks["open_discussion"])
        await pilot.press(str(first), "down", str(second))
        form.query_one("#criterion-beliefs", Choice).focus()
        await pilot.press("y")
        form.query_one("#coproduction", Choice).focus()
        await pilot.press("right", "right", "right")  # –, descriptive, recognisable, transformative
        form.query_one("#comment").focus()
        await type_text(pilot, "Good agenda")
        await pilot.press("ctrl+s")
        await pilot.pause()

        assert isinstance(app.screen, ReviewScreen)
        marks = MarkStore(folder).marks(row.session_id)  # read back from disk by another store
        assert len(marks) == 1
        mark = marks[0]
        assert (mark.rater, mark.final, mark.reason, mark.comment) == (RATER, False, None, "Good agenda")
        assert mark.tasks == {"build_relationship": first, "open_discussion": second}
        assert mark.criteria == {"beliefs": "met"} and mark.coproduction == "transformative"
        assert json.loads((folder / f"{row.session_id}.json").read_text(encoding="utf-8"))["marks"][0]["tasks"] == mark.tasks

        machine = row.tasks["build_relationship"]
        cell = table_of(app).get_cell(row.session_id, "build_relationship")
        assert cell.plain == f"{machine if machine is not None else '–'}|{first}"
        assert "|" not in str(table_of(app).get_cell(row.session_id, "gather_information"))
        assert f"marked by {RATER}" in text_of(app.screen.query_one("#review-detail", Static))
        assert "machine|course lead" in text_of(app.screen.query_one("#review-legend", Static))

        await pilot.press("m")  # the rater's newest mark is filled in; a change is a new mark, the old one kept
        await pilot.pause()
        assert app.screen.query_one("#task-build_relationship", Choice).value == first
        await pilot.press("5", "ctrl+s")
        await pilot.pause()
        assert [m.tasks["build_relationship"] for m in MarkStore(folder).marks(row.session_id)] == [first, 5]
        assert table_of(app).get_cell(row.session_id, "build_relationship").plain.endswith("|5")


@pytest.mark.anyio
async def test_a_final_mark_without_a_reason_and_a_mark_without_a_rater_are_refused(cohort: Cohort, tmp_path: Path) -> None:
    folder = tmp_path / "marks"
    app = review_app(cohort, MarkStore(folder), rater=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        row = cohort.row(shown_ids(app)[0])
        await pilot.press("m")
        await pilot.pause()
        form = app.screen
        assert isinstance(app.focused, Input) and app.focused.id == "rater" and app.focused.value == ""
        form.query_one("#task-reach_agreement", Choice).focus()
        await pilot.press("4", "ctrl+s")
        await pilot.pause()
        problems = form.query_one("#marking-problems", Static)
        assert isinstance(app.screen, MarkingScreen) and problems.display
        assert "rater's name is required" in text_of(problems)
        assert app.focused.id == "rater"
        await type_text(pilot, "Dr Ng")

        form.query_one("#final").focus()
        await pilot.press("space")  # final: the reason box opens, and is required
        await pilot.pause()
        assert app.focused.id == "reason" and not app.focused.disabled
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MarkingScreen)
        assert "a final mark needs a reason" in text_of(problems)
        assert MarkStore(folder).marks(row.session_id) == [] and not (folder / f"{row.session_id}.json").exists()

        await type_text(pilot, "Machine missed the agreement")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        final = MarkStore(folder).final(row.session_id)
        assert final is not None and final.rater == "Dr Ng" and final.reason == "Machine missed the agreement"
        assert final.tasks == {"reach_agreement": 4}
        assert "(final: Dr Ng)" in text_of(app.screen.query_one("#review-detail", Static))


@pytest.mark.anyio
async def test_escape_leaves_the_form_at_once_if_nothing_changed_else_asks_first(cohort: Cohort, tmp_path: Path) -> None:
    folder = tmp_path / "marks"
    app = review_app(cohort, MarkStore(folder))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        row = cohort.row(shown_ids(app)[0])
        await pilot.press("m", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)

        await pilot.press("m", "3", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # stay: what was chosen is still there
        await pilot.pause()
        assert isinstance(app.screen, MarkingScreen) and app.screen.query_one("#task-build_relationship", Choice).value == 3
        await pilot.press("escape", "y")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert MarkStore(folder).marks(row.session_id) == []
        assert "|" not in str(table_of(app).get_cell(row.session_id, "build_relationship"))


# -- problems, nothing to review, the distribution ---------------------------------------------


@pytest.mark.anyio
async def test_a_corrupt_session_file_is_a_notice_and_the_rest_is_listed(cohort_folder: Path, tmp_path: Path) -> None:
    folder = tmp_path / "cohort"
    shutil.copytree(cohort_folder, folder)
    (folder / "broken.json").write_text('{"id": "half a file', encoding="utf-8")
    workspace = Workspace()
    loaded = load_cohort(workspace, [folder], jobs=1)
    app = make_review_app(workspace, loaded, MarkStore(tmp_path / "marks"), RATER, blink=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        notice = app.screen.query_one("#review-notice", Static)
        assert notice.display
        assert "1 file could not be read" in text_of(notice) and "broken.json" in text_of(notice)
        assert table_of(app).row_count == COUNT


@pytest.mark.anyio
async def test_an_empty_cohort_says_how_to_gather_sessions(tmp_path: Path) -> None:
    app = review_app(Cohort([], []), MarkStore(tmp_path / "marks"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen) and not app.screen.query("#cohort")
        words = text_of(app.screen.query_one("#review-empty", Static))
        assert "No sessions to review" in words and "consultsim review FOLDER" in words
        await pilot.press("m", "s", "d", "f", "t", "enter")  # nothing to act on: nothing happens
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)


@pytest.mark.anyio
async def test_d_shows_how_many_sessions_scored_1_to_5_on_each_task(cohort: Cohort, tmp_path: Path) -> None:
    app = review_app(cohort, MarkStore(tmp_path / "marks"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        bars = app.screen.query_one(ScoreBars)
        assert not bars.display  # at 24 lines the table comes first
        await pilot.press("d")
        await pilot.pause()
        assert bars.display
        lines = str(bars.render()).splitlines()
        for task, short in (("build_relationship", "Rel"), ("gather_information", "Gat"), ("provide_closure", "Cls")):
            line = next(line for line in lines if line.startswith(short + " "))
            counts = Counter(row.tasks[task] for row in cohort.rows)
            numbers = [int(word) for word in line.split() if word.isdigit()]
            assert numbers[:5] == [counts.get(score, 0) for score in range(1, 6)], line
        assert any("█" in line for line in lines)
        await pilot.press("d")
        await pilot.pause()
        assert not bars.display


# -- the plots: hidden facts found, learners over time ------------------------------------------


def plotted(number: int, learner: str | None, scenario: str, found: tuple[str, ...], mean: int,
            hidden: tuple[str, ...] = ("hypo", "wife", "walk")) -> CohortRow:
    """A row with known facts found and every task scored `mean`, a day apart by `number`."""
    when = datetime(2026, 9, 1, 9, 0, tzinfo=UTC) + timedelta(days=number)
    return CohortRow(
        session_id=f"{when:%Y%m%d}-090000-{number:06x}", path=f"/cohort/{number}.json", learner=learner,
        scenario_id=scenario, scenario_title=scenario, created=when.isoformat(timespec="milliseconds"), status="ended",
        seconds=300.0, turns=10, tasks=dict.fromkeys(KALAMAZOO_TASKS, mean), criteria={}, level=None,
        facts_found=found, facts_hidden=hidden, judge="rules",
    )


def known_cohort() -> Cohort:
    """t2d: Ana twice (hypo both times, walk once, wife never), Ben once (wife), Chloe three times (hypo once;
    means 1, 3, 5); copd: Ana and Dev once each."""
    return Cohort([
        plotted(0, "Ana Lima", "t2d", ("hypo",), 2),
        plotted(1, "Ben Okafor", "t2d", ("wife",), 4),
        plotted(2, "Chloe Wright", "t2d", ("hypo",), 1),
        plotted(3, "Ana Lima", "t2d", ("hypo", "walk"), 3),
        plotted(4, "Dev Patel", "copd", ("low_mood",), 4, hidden=("low_mood", "smokes")),
        plotted(5, "Chloe Wright", "t2d", (), 3),
        plotted(6, "Ana Lima", "copd", (), 5, hidden=("low_mood", "smokes")),
        plotted(7, "Chloe Wright", "t2d", (), 5),
    ], [])


def cell_of(text: str, learner: str, fact: str) -> str:
    """The heat-map's cell of a learner's line under a fact's heading."""
    lines = text.splitlines()
    line = next(line for line in lines if line.startswith(learner + " "))
    return line[lines[0].index(fact)]


def test_shades_sparks_and_short_fact_names() -> None:
    assert [shade(share) for share in (0, 0.01, 0.24, 0.25, 0.49, 0.5, 0.74, 0.75, 1)] == list(" ░░▒▒▓▓██")
    assert sparkline([1, 2, 3, 4, 5, None], 10) == "▁▃▅▆█·"
    assert sparkline([1, 1, 5, 5], 2) == "▁█"  # more sessions than room: runs averaged
    assert abbreviate("hypo_fear", 9) == "hypo fear"
    assert abbreviate("skips_evening_metformin", 9) == "skiEveMet"
    assert abbreviate("skips_evening_metformin", 5) == "skEvM"
    assert all(len(abbreviate("grandchild_expectation", width)) <= width for width in range(1, 25))


@pytest.mark.anyio
async def test_f_shows_which_hidden_facts_each_learner_found_in_the_cursors_scenario(tmp_path: Path) -> None:
    cohort = known_cohort()
    app = review_app(cohort, MarkStore(tmp_path / "marks"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        view = app.screen.query_one("#facts", PlotView)
        assert not view.display
        await pilot.press("f")
        await pilot.pause()
        assert view.display and "t2d · 6 sessions shown" in str(view.border_title)
        lines = view.text.splitlines()
        assert lines[0].split() == ["Learner", "n", "hypo", "wife", "walk"]
        assert [line.split()[:3] for line in lines[1:-1]] == [["Ana", "Lima", "2"], ["Ben", "Okafor", "1"], ["Chloe", "Wright", "3"]]
        assert "≥75%" in lines[-1]
        text = view.text
        assert cell_of(text, "Ana Lima", "hypo") == "█"  # both of her sessions
        assert cell_of(text, "Ana Lima", "wife") == " "  # neither
        assert cell_of(text, "Ana Lima", "walk") == "▓"  # one of two
        assert cell_of(text, "Ben Okafor", "wife") == "█" and cell_of(text, "Ben Okafor", "hypo") == " "
        assert cell_of(text, "Chloe Wright", "hypo") == "▒"  # one of three
        assert view.region.height <= 12 and view.region.bottom <= app.screen.query_one("#review-detail").region.y

        await pilot.press("down", "down", "down", "down")  # Dev's copd session
        await pilot.pause()
        assert "copd · 2 sessions shown" in str(view.border_title)
        assert [line.split()[0] for line in view.text.splitlines()[1:-1]] == ["Ana", "Dev"]
        assert cell_of(view.text, "Dev Patel", "low mood") == "█" and cell_of(view.text, "Ana Lima", "smokes") == " "

        await pilot.press("d")  # one plot at a time: the scores in its place
        await pilot.pause()
        assert app.screen.query_one(ScoreBars).display and not view.display
        await pilot.press("f", "f")
        await pilot.pause()
        assert not view.display and not app.screen.query_one(ScoreBars).display


@pytest.mark.anyio
async def test_t_shows_each_learners_scores_over_time_for_the_sessions_the_filter_keeps(tmp_path: Path) -> None:
    app = review_app(known_cohort(), MarkStore(tmp_path / "marks"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.screen.query_one(Input).value = "t2d"
        await pilot.pause()
        view = app.screen.query_one("#trend", PlotView)
        await pilot.press("t")
        await pilot.pause()
        assert view.display and "3 learners, 6 sessions shown" in str(view.border_title)
        lines = view.text.splitlines()
        assert len(lines) == 4 and "oldest first" in lines[-1]
        assert [(line[:12].strip(), line.split()[-1]) for line in lines[:-1]] == [("Ana Lima", "2"), ("Ben Okafor", "1"), ("Chloe Wright", "3")]
        chloe = lines[2]
        assert "▁▅█" in chloe and "1.0 → 5.0" in chloe  # her means 1, 3, 5 in date order

        app.screen.query_one(Input).value = ""  # every session: Ana's copd one too
        await pilot.pause()
        lines = view.text.splitlines()
        everyone = [("Ana Lima", "3"), ("Ben Okafor", "1"), ("Chloe Wright", "3"), ("Dev Patel", "1")]
        assert [(line[:12].strip(), line.split()[-1]) for line in lines[:-1]] == everyone
        assert "2.0 → 5.0" in lines[0]

        await pilot.press("t")
        await pilot.pause()
        assert not view.display


@pytest.mark.anyio
async def test_a_plot_taller_than_half_the_screen_scrolls_under_its_heading_and_legend(tmp_path: Path) -> None:
    learners = [f"Learner {n:02d}" for n in range(20)]
    cohort = Cohort([plotted(n, learners[n], "t2d", ("hypo",) * (n % 2), 3) for n in range(20)], [])
    app = review_app(cohort, MarkStore(tmp_path / "marks"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
        view = app.screen.query_one("#facts", PlotView)
        assert view.region.height <= 12 and view.max_scroll_y > 0  # at most half the screen; 22 lines drawn
        first = view.render_line(1).text
        assert first.startswith("Learner 00")
        await pilot.press("tab")  # the table, then the plot
        await pilot.pause()
        assert app.focused is view
        await pilot.press("down", "down", "down")
        await pilot.pause()
        assert view.scroll_y == 3
        assert view.render_line(0).text.split()[:3] == ["Learner", "n", "hypo"]  # the heading stays
        assert view.render_line(1).text.startswith("Learner 03")
        assert "≥75%" in view.render_line(view.scrollable_content_region.height - 1).text  # and the legend
        await pilot.press("f")  # hidden: the focus goes back to the table
        await pilot.pause()
        assert not view.display and app.focused is table_of(app)


def test_the_entry_point_keeps_the_signature_the_cli_calls() -> None:
    assert list(inspect.signature(run_review).parameters) == ["workspace", "cohort", "marks", "rater"]


# -- snapshots ---------------------------------------------------------------------------------

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
SCENARIOS = (
    ("t2d-hypo-fear", "Type 2 diabetes review: rising HbA1c and a fear of hypos"),
    ("copd-low-mood", "COPD review: living on the blue inhaler, and a low mood nobody has asked about"),
    ("ckd-pain-multimorbidity", "Kidney function falling, a bad back and a tin full of tablets"),
    ("asthma-young-adult", "Asthma review: a young shift worker on her blue inhaler and nothing else"),
)


def fixed_cohort() -> Cohort:
    """Twelve rows with made-up, fixed marks, times and durations: the same screen every run."""
    rng = random.Random(4)
    rows = []
    for number in range(12):
        scenario_id, title = SCENARIOS[number % len(SCENARIOS)]
        tasks = {task: rng.choice([1, 2, 3, 3, 4, 4, 4, 5, 5, None]) for task in KALAMAZOO_TASKS}
        criteria = {c: rng.choice([True, True, False, None]) for c in SELF_MANAGEMENT}
        hidden = tuple(f"fact{n}" for n in range(8))
        rows.append(CohortRow(
            session_id=f"202609{number + 1:02d}-0900{number:02d}-{number:06x}",
            path=f"/cohort/{number}.json",
            learner=LEARNERS[number % len(LEARNERS)] if number != 7 else None,
            scenario_id=scenario_id,
            scenario_title=title,
            created=f"2026-09-{number + 1:02d}T09:{number:02d}:00.000+00:00",
            status="ended",
            seconds=float(rng.randint(180, 900)),
            turns=rng.randint(6, 24),
            tasks=tasks,
            criteria=criteria,
            level=rng.choice(["descriptive", "recognisable", "transformative", None]),
            facts_found=hidden[: rng.randint(0, 8)],
            facts_hidden=hidden,
            judge="rules",
        ))
    return Cohort(rows, ["/cohort/broken.json: not valid JSON (line 1, column 8); not a readable session file"])


def snapshot_app(folder: Path) -> ReviewApp:
    """The fixed cohort, its first session marked by the rater at a fixed time."""
    cohort = fixed_cohort()
    marks = MarkStore(folder)
    first = cohort.rows[0]
    marks.add(Mark(
        session=first.session_id, rater=RATER, time="2026-10-01T10:00:00.000+00:00",
        tasks={"build_relationship": different(first.tasks["build_relationship"]), "reach_agreement": 4},
        criteria={"beliefs": "met"}, coproduction="recognisable", comment="Warm, but no agenda.",
    ))
    return make_review_app(Workspace(), cohort, marks, RATER, blink=False)


@pytest.mark.usefixtures("recorded_textual", "utc")
@pytest.mark.parametrize("size", SIZES)
def test_review_snapshot(snap_compare, size, tmp_path: Path) -> None:
    async def run_before(pilot) -> None:
        await pilot.press("down", "right")  # the cursor off the first cell: the detail line follows it
        await pilot.pause()

    assert snap_compare(snapshot_app(tmp_path / "marks"), terminal_size=size, run_before=run_before)


@pytest.mark.usefixtures("recorded_textual", "utc")
@pytest.mark.parametrize("size", SIZES)
def test_marking_snapshot(snap_compare, size, tmp_path: Path) -> None:
    async def run_before(pilot) -> None:
        await pilot.press("m", "down", "3")  # the rater's earlier mark filled in; one more score chosen
        await pilot.pause()

    assert snap_compare(snapshot_app(tmp_path / "marks"), terminal_size=size, run_before=run_before)


def plot_cohort() -> Cohort:
    """Thirty sessions over two months, fixed: each learner plays two scenarios three times each, finding some
    facts more often than others and scoring better as the weeks go by."""
    rng = random.Random(11)
    hidden = ("skips_evening_metformin", "hypo_fear", "father_amputation", "takeaway_evenings", "wife_worried", "walking_idea")
    rows = []
    for number in range(30):
        learner = number % len(LEARNERS)
        knack = 0.2 + 0.15 * learner
        found = tuple(fact for k, fact in enumerate(hidden) if rng.random() < knack + 0.1 * (k % 3))
        row = plotted(2 * number, LEARNERS[learner], SCENARIOS[number % 2][0], found, 3, hidden=hidden)
        tasks = {task: max(1, min(5, round(1.5 + learner * 0.4 + number / 12 + rng.uniform(-1, 1)))) for task in KALAMAZOO_TASKS}
        rows.append(dataclasses.replace(row, tasks=tasks, seconds=float(rng.randint(180, 900)), turns=rng.randint(6, 24)))
    return Cohort(rows, [])


@pytest.mark.usefixtures("recorded_textual", "utc")
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("key", ["f", "t"])
def test_plot_snapshot(snap_compare, key, size, tmp_path: Path) -> None:
    """f: the heat-map of the first row's scenario; t: each learner over time."""
    async def run_before(pilot) -> None:
        await pilot.press(key)
        await pilot.pause()

    app = make_review_app(Workspace(), plot_cohort(), MarkStore(tmp_path / "marks"), RATER, blink=False)
    assert snap_compare(app, terminal_size=size, run_before=run_before)


# -- a course's own rubric in the marking form ---------------------------------------------------


@pytest.mark.anyio
async def test_the_marking_form_marks_a_course_rubrics_items_of_this_session_only(tmp_path: Path) -> None:
    """A course's own met/not-met items are marked like the criteria, the machine's mark beside them; another
    scenario's items are not on this session's form."""
    mine = dataclasses.replace(plotted(0, "Ana Lima", "t2d", ("hypo",), 3), criteria=dict.fromkeys(SELF_MANAGEMENT, True),
                   other={"checks_allergies": True, "explains_side_effects": False})
    theirs = dataclasses.replace(plotted(1, "Ben Okafor", "copd", (), 3), criteria=dict.fromkeys(SELF_MANAGEMENT, False),
                     other={"inhaler_technique": True})
    cohort = Cohort([mine, theirs], [])
    store = MarkStore(tmp_path / "marks", KALAMAZOO_TASKS, cohort.markable_ids)
    app = review_app(cohort, store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert shown_ids(app)[0] == mine.session_id
        await pilot.press("m")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, MarkingScreen)
        assert form.item_ids == ["checks_allergies", "explains_side_effects"]
        assert not form.query("#criterion-inhaler_technique")
        assert "Scenario and course items" in " ".join(text_of(s) for s in form.query(Static))
        machine = form.query_one("#criterion-explains_side_effects", Choice).parent.query(Static)[1]
        assert text_of(machine) == "not met"
        form.query_one("#criterion-explains_side_effects", Choice).focus()
        await pilot.press("y")
        form.query_one("#criterion-beliefs", Choice).focus()
        await pilot.press("n", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        [mark] = MarkStore(tmp_path / "marks").marks(mine.session_id)
        assert mark.criteria == {"beliefs": "not_met", "explains_side_effects": "met"}


# -- how far to trust the grader, in the app --------------------------------------------------------


async def calibration_shown(app: ReviewApp, pilot) -> str:
    from textual.widgets import TextArea

    from simulator.tui.screens.calibration import WORKING, CalibrationScreen

    await pilot.press("c")
    await pilot.pause()
    assert isinstance(app.screen, CalibrationScreen)
    area = app.screen.query_one(TextArea)
    for _ in range(200):  # the statistics are worked out in a thread (SciPy's import alone takes a second)
        if area.text != WORKING:
            break
        await pilot.pause(0.05)
    return area.text


@pytest.mark.anyio
async def test_c_shows_how_far_the_machine_agrees_with_the_course_lead_on_the_sessions_shown(cohort: Cohort, tmp_path: Path) -> None:
    from simulator.review.marks import new_mark

    store = MarkStore(tmp_path / "marks")
    for row in cohort.rows:  # the course lead agrees with the machine on every task it scored
        store.add(new_mark(row.session_id, RATER, tasks={t: s for t, s in row.tasks.items() if s is not None}))
    app = review_app(cohort, store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        text = await calibration_shown(app, pilot)
        assert f"the machine against {RATER}, {COUNT} session(s) marked by both" in text
        assert "build_relationship" in text and "100%" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)

        await pilot.press("slash")  # the filter applies: only Ben's sessions
        await type_text(pilot, "ben")
        await pilot.press("enter")
        await pilot.pause()
        bens = sum(1 for r in cohort.rows if r.learner == "Ben Okafor")
        text = await calibration_shown(app, pilot)
        assert f"{bens} session(s) marked by both" in text


@pytest.mark.anyio
async def test_c_without_marks_says_what_to_do(cohort: Cohort, tmp_path: Path) -> None:
    app = review_app(cohort, MarkStore(tmp_path / "marks"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "mark some (m)" in await calibration_shown(app, pilot)


@pytest.mark.anyio
async def test_a_mark_typed_the_instant_the_form_opens_is_kept(cohort: Cohort, tmp_path: Path) -> None:
    """A course lead who types the first mark straight after "m" does not lose it while the form takes focus."""
    app = review_app(cohort, MarkStore(tmp_path / "marks"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        row = cohort.row(shown_ids(app)[0])
        first = different(row.tasks["build_relationship"])
        # both keys queued at once, as a terminal delivers them to a fast typist: the second arrives before the form has focus
        app.post_message(events.Key("m", "m"))
        app.post_message(events.Key(str(first), str(first)))
        await pilot.pause()
        await pilot.pause()
        form = app.screen
        assert isinstance(form, MarkingScreen)
        assert form.query_one("#task-build_relationship", Choice).value == first
