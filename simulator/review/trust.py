"""What calibration found, kept for the clinician's feedback: per task, how often the machine's mark has been
within one point of a course lead's ("agrees with course leads within one point 88% of the time, n=40").

Written by `consultsim calibrate` (against the machine) to the data folder's calibration.json, read once by
the Workspace. Only figures for the rubric version in use are shown: a changed grader has not been calibrated.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from simulator.review.calibration import Calibration

FILE = "calibration.json"


def _path():
    from simulator.paths import home

    return home() / FILE


def remember(result: Calibration) -> None:
    from simulator.paths import make_private_dir
    from simulator.session.keeper import grader_stamp
    from simulator.session.model import now
    from simulator.session.store import write_private_json

    tasks = {task: {"within_one": r["within_one"], "exact": r["exact"], "n": r["n"], "leniency": r["leniency"]} for task, r in result.tasks.items()}
    data = {"grader": grader_stamp(), "rater": result.rater, "when": now(), "sessions": result.sessions, "tasks": tasks}
    path = _path()
    make_private_dir(path.parent)
    write_private_json(path, data)


def recall() -> dict[str, dict[str, Any]]:
    """Per task, the last calibration's figures, if it was made with this grader; {} otherwise."""
    from simulator.session.keeper import grader_stamp

    try:
        data = json.loads(_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("grader") != grader_stamp() or not isinstance(data.get("tasks"), dict):
        return {}
    return {task: dict(figures, rater=data.get("rater", "?")) for task, figures in data["tasks"].items() if isinstance(figures, dict) and figures.get("n")}


def trust_line(figures: dict[str, Any]) -> str:
    return (f"this task's machine mark has agreed with course leads within one point {figures['within_one']:.0%} of the time, "
            f"n={figures['n']}")
