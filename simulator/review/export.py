"""The cohort review written out: CSV for a spreadsheet or a gradebook, JSON, and one self-contained HTML page
with its plots as inline SVG (no scripts, printable). Machine and course-lead marks sit in separate columns,
and every export says which mark is final and whose it is. Headless.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from simulator.review.cohort import LEVELS, Cohort, CohortRow
from simulator.review.marks import Mark
from simulator.review.marks_csv import safe_cell

EXPORT_VERSION = 1


@dataclass(frozen=True)
class Marked:
    """A row with what the course leads said of it: the final mark (an override, else the machine's) and
    the human mark shown beside the machine's (the override, else the newest mark of any rater)."""

    row: CohortRow
    marks: list[Mark]

    @property
    def override(self) -> Mark | None:
        return next((m for m in reversed(self.marks) if m.final), None)

    @property
    def human(self) -> Mark | None:
        return self.override or (self.marks[-1] if self.marks else None)

    @property
    def raters(self) -> list[str]:
        return list(dict.fromkeys(m.rater for m in self.marks))

    @property
    def final_by(self) -> str:
        override = self.override
        return f"{override.rater} (override: {override.reason})" if override else "machine"

    def final_task(self, task: str) -> int | None:
        override = self.override
        if override is not None and task in override.tasks:
            return override.tasks[task]
        return self.row.tasks.get(task)


def marked(cohort: Cohort, marks: Mapping[str, list[Mark]]) -> list[Marked]:
    return [Marked(row, list(marks.get(row.session_id, ()))) for row in cohort.rows]


def _met(value: bool | None) -> str:
    return "" if value is None else "met" if value else "not_met"


def _other(value: int | bool | None) -> str:
    return _met(value) if isinstance(value, bool) or value is None else str(value)


def _cell(value: Any) -> str:
    return safe_cell("" if value is None else str(value))  # a spreadsheet must not run it as a formula


def cohort_csv(cohort: Cohort, marks: Mapping[str, list[Mark]]) -> str:
    """One row per session; machine_* and human_* columns per task and criterion; final_* the mark that counts."""
    tasks, criteria, others, markable = cohort.task_ids, cohort.criterion_ids, cohort.other_ids, cohort.markable_ids
    header = [
        "session", "learner", "scenario", "date", "minutes", "turns", "judge",
        *(f"machine_{t}" for t in tasks), *(f"machine_{c}" for c in criteria), "machine_coproduction",
        *(f"machine_{o}" for o in others),  # scenario items and a course's own rubrics
        "facts_found", "facts_hidden", "patient_rated", "rapport_end", "plan",
        *(f"human_{t}" for t in tasks), *(f"human_{c}" for c in markable), "human_coproduction", "human_rater", "raters",
        *(f"final_{t}" for t in tasks), "final_by",
    ]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for item in marked(cohort, marks):
        row, human = item.row, item.human
        writer.writerow([
            row.session_id, _cell(row.learner_name), row.scenario_id, row.created[:10], round(row.seconds / 60, 1), row.turns, row.judge,
            *(_cell(row.tasks.get(t)) for t in tasks), *(_met(row.criteria.get(c)) for c in criteria), row.level or "",
            *(_other(row.other.get(o)) for o in others),
            len(row.facts_found), len(row.facts_hidden), _cell(row.patient_rated), _cell(row.rapport_end), _cell(row.plan),
            *(_cell(human.tasks.get(t)) if human else "" for t in tasks),
            *((human.criteria.get(c, "") if human else "") for c in markable),
            (human.coproduction or "") if human else "", _cell(human.rater) if human else "", _cell("; ".join(item.raters)),
            *(_cell(item.final_task(t)) for t in tasks), _cell(item.final_by),
        ])
    return out.getvalue()


def cohort_json(cohort: Cohort, marks: Mapping[str, list[Mark]]) -> str:
    sessions = []
    for item in marked(cohort, marks):
        sessions.append({
            **item.row.to_dict(),
            "marks": [m.to_dict() for m in item.marks],
            "final": {"by": item.final_by, "tasks": {t: item.final_task(t) for t in item.row.tasks}},
        })
    data = {"consultsim_review": EXPORT_VERSION, "sessions": sessions, "problems": cohort.problems}
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def cohort_html(cohort: Cohort, marks: Mapping[str, list[Mark]], title: str = "consultsim cohort review") -> str:
    from simulator.review import svg
    from simulator.rubric.render import environment

    items = marked(cohort, marks)
    plots = {
        "distribution": svg.task_distribution(cohort.rows, cohort.task_ids),
        "facts": [(scenario, svg.facts_heatmap(rows)) for scenario, rows in _by_scenario(cohort.rows).items()],
        "over_time": svg.scores_over_time(cohort.rows),
    }
    return environment().get_template("review.html.j2").render(
        title=title, items=items, cohort=cohort, plots=plots, levels=LEVELS, tasks=cohort.task_ids, criteria=cohort.criterion_ids,
    )


def _by_scenario(rows: list[CohortRow]) -> dict[str, list[CohortRow]]:
    out: dict[str, list[CohortRow]] = {}
    for row in rows:
        out.setdefault(row.scenario_id, []).append(row)
    return dict(sorted(out.items()))
