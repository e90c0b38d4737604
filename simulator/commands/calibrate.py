"""`consultsim calibrate [FOLDER...]`: how far the machine's marks (or another course lead's) agree with a
course lead's, per task and criterion: the figures that say how far to trust the grader."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from simulator.commands.review import add_filters, cohort_from, marks_store, write_output

if TYPE_CHECKING:
    from simulator.workspace import Workspace


def add_parser(commands: argparse._SubParsersAction) -> None:
    calibrate = commands.add_parser("calibrate", help="agreement between the machine's marks and a course lead's (or two course leads')")
    calibrate.add_argument("folders", nargs="*", type=Path, metavar="FOLDER", help="folders of session files (default: your own sessions)")
    calibrate.add_argument("--rater", metavar="NAME", help="the course lead whose marks are the reference (default: the only one)")
    calibrate.add_argument("--against", default="machine", metavar="machine|RATER", help="what to check: the machine (default) or another rater")
    calibrate.add_argument("--format", choices=["text", "json", "html"], default="text")
    calibrate.add_argument("--out", type=Path, help="write to this file instead of standard output")
    calibrate.add_argument("--marks-dir", type=Path, metavar="FOLDER", help="where marks are kept (default: the data folder's marks)")
    calibrate.add_argument("--seed", type=int, default=0, help="the bootstrap's seed (the same seed gives the same intervals)")
    add_filters(calibrate)
    calibrate.add_argument("--jobs", type=int, metavar="N", help="worker processes for grading many sessions")
    calibrate.set_defaults(handler=cmd_calibrate)


def cmd_calibrate(args: argparse.Namespace, workspace: Workspace) -> int:
    from simulator.review.calibration import calibrate, choose_rater, render_text

    cohort = cohort_from(args, workspace)
    store = marks_store(args)
    wanted = {r.session_id for r in cohort.rows}
    marks = {k: v for k, v in store.all().items() if k in wanted}
    for problem in store.problems:
        print(f"consultsim: {problem}", file=sys.stderr)
    _require_statistics()
    rater = choose_rater(marks, args.rater, args.against)
    result = calibrate(cohort, marks, rater, args.against, args.seed)
    if args.format == "json":
        text = result.to_json()
    elif args.format == "html":
        from simulator.review.calibration_html import render_html

        text = render_html(result)
    else:
        text = render_text(result)
    write_output(args.out, text)
    if args.against == "machine" and result.sessions:
        from simulator.review.trust import remember

        remember(result)  # the clinician's feedback says how far each task's machine mark can be trusted
    return 0


def _require_statistics() -> None:
    from simulator.errors import ConsultsimError
    from simulator.review.calibration import missing_statistics

    if missing := missing_statistics():
        raise ConsultsimError(f"calibration needs {', '.join(missing)}: pip install 'consultsim[review]'")
