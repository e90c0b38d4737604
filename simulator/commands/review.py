"""`consultsim review [FOLDER...]`: a course lead's view of a cohort of sessions.

With no --format, the review screen in the app (sort, filter, read a session's feedback, mark it); with
--format html|csv|json, the same written out. --marks-template writes a CSV to fill in; --import-marks
reads one back (nothing is imported until the whole file is clean). Marks live in the data folder's
`marks` (or --marks-dir), beside the machine's grades, never over them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from simulator.errors import ConsultsimError

if TYPE_CHECKING:
    from simulator.review.cohort import Cohort
    from simulator.review.marks import Mark, MarkStore
    from simulator.workspace import Workspace


def add_parser(commands: argparse._SubParsersAction) -> None:
    review = commands.add_parser("review", help="review a cohort of sessions: table, plots, your own marks (course leads)")
    review.add_argument("folders", nargs="*", type=Path, metavar="FOLDER", help="folders of session files (default: your own sessions)")
    review.add_argument("--format", choices=["html", "csv", "json"], help="write the review instead of opening the review screen")
    review.add_argument("--out", type=Path, help="write to this file instead of standard output")
    review.add_argument("--marks-template", action="store_true", help="write a marks CSV to fill in, one row per session")
    review.add_argument("--import-marks", type=Path, metavar="CSV", help="record the marks in a filled-in CSV (all or nothing)")
    review.add_argument("--rater", metavar="NAME", help="your name, for marks you record (and the template's rater column)")
    review.add_argument("--marks-dir", type=Path, metavar="FOLDER", help="where marks are kept (default: the data folder's marks)")
    add_filters(review)
    review.add_argument("--sort", default="date", metavar="KEY", help="learner, scenario, date, duration, turns, mean, met, level, facts or a task id")
    review.add_argument("--descending", action="store_true", help="sort from the highest")
    review.add_argument("--jobs", type=int, metavar="N", help="worker processes for grading many sessions (default: one per core)")
    review.set_defaults(handler=cmd_review)


def add_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--scenario", metavar="ID", help="only this scenario's sessions")
    parser.add_argument("--learner", metavar="NAME", help="only this learner's sessions")
    parser.add_argument("--since", metavar="YYYY-MM-DD", help="only sessions from this date")
    parser.add_argument("--until", metavar="YYYY-MM-DD", help="only sessions up to this date")
    parser.add_argument("--below", type=float, metavar="SCORE", help="only sessions whose mean Kalamazoo score is below this")


def cohort_from(args: argparse.Namespace, workspace: Workspace) -> Cohort:
    """The cohort the arguments name, filtered; each unreadable file reported on standard error."""
    from simulator.review.cohort import load_cohort

    for name in ("since", "until"):
        value = getattr(args, name, None)
        if value is not None and not _is_date(value):
            raise ConsultsimError(f"--{name} needs a date as YYYY-MM-DD, not '{value}'")
    if getattr(args, "jobs", None) is not None and args.jobs < 1:
        raise ConsultsimError("--jobs needs a number of processes, 1 or more")
    folders = args.folders or [workspace.store.folder]
    cohort = load_cohort(workspace, folders, getattr(args, "jobs", None))
    for problem in cohort.problems:
        print(f"consultsim: {problem}", file=sys.stderr)
    for row in cohort.rows:
        if row.warning:  # reviewed, but not against the scenario version it was played with
            print(f"consultsim: {row.path}: {row.warning}", file=sys.stderr)
    return cohort.select(args.scenario, args.learner, args.since, args.until, args.below)


def marks_store(args: argparse.Namespace) -> MarkStore:
    from simulator.review.marks import MarkStore

    return MarkStore(args.marks_dir)


def cmd_review(args: argparse.Namespace, workspace: Workspace) -> int:
    if args.marks_template and args.import_marks:
        raise ConsultsimError("--marks-template and --import-marks: one at a time")
    cohort = cohort_from(args, workspace).sorted_by(args.sort, args.descending)
    store = marks_store(args)
    if cohort.rows:  # what a course lead marks: a course's own rubric's and the scenarios' items too
        store.task_ids, store.criterion_ids = cohort.task_ids, cohort.markable_ids
    if args.import_marks:
        return import_marks(args.import_marks, cohort, store, args.rater)
    if args.marks_template:
        from simulator.review.marks_csv import marks_template

        rows = [(r.session_id, r.learner or "", r.scenario_id) for r in cohort.rows]
        write_output(args.out, marks_template(rows, cohort.task_ids, cohort.markable_ids, rater=args.rater or ""), bom=True)
        return 0 if cohort.rows or not cohort.problems else 1
    if args.format is None:
        from simulator.commands.practise import is_terminal

        if not is_terminal():
            raise ConsultsimError("no terminal to draw the review screen on: write it with --format html, csv or json")
        from simulator.tui.review import run_review  # the core never imports Textual; only this path does

        return run_review(workspace, cohort, store, args.rater)
    marks = store.all()
    for problem in store.problems:
        print(f"consultsim: {problem}", file=sys.stderr)
    from simulator.review import export

    render = {"html": export.cohort_html, "csv": export.cohort_csv, "json": export.cohort_json}[args.format]
    write_output(args.out, render(cohort, marks), bom=args.format == "csv")
    return 0 if cohort.rows or not cohort.problems else 1


def import_marks(path: Path, cohort: Cohort, store: MarkStore, rater: str | None) -> int:
    from simulator.review.marks_csv import read_marks_csv

    marks = read_marks_csv(path, {r.session_id for r in cohort.rows}, cohort.task_ids, cohort.markable_ids, rater=rater)
    fresh = [m for m in marks if not _same_as_latest(m, store)]  # the same file imported again records nothing twice
    count = store.add_many(fresh)
    unchanged = len(marks) - len(fresh)
    kept = f"; {unchanged} unchanged since the rater's last mark, not recorded again" if unchanged else ""
    print(f"Recorded {count} mark{'' if count == 1 else 's'} from {path} in {store.folder}{kept}", file=sys.stderr)
    return 0


def _same_as_latest(mark: Mark, store: MarkStore) -> bool:
    latest = store.latest(mark.session).get(mark.rater)
    return latest is not None and {**latest.to_dict(), "time": ""} == {**mark.to_dict(), "time": ""}


def write_output(out: Path | None, text: str, bom: bool = False) -> None:
    """To standard output, or to a private file (reports hold what learners said); a CSV file gets the
    byte-order mark that spreadsheets need to read UTF-8."""
    if out is None:
        sys.stdout.write(text)
        return
    from simulator.commands.grade import write_report

    write_report(out, ("\ufeff" if bom else "") + text)
    print(f"Written: {out}", file=sys.stderr)


def _is_date(text: str) -> bool:
    from datetime import date

    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10
