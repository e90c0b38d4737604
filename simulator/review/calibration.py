"""Calibration: how far the machine's marks (or a second course lead's) agree with a course lead's, per task,
criterion and co-production level, on the sessions both have marked. Statistics in agreement.py.

`a` is what is being checked (the machine, or the second rater) and `b` the course lead it is checked
against, so leniency is a - b: positive, the machine marks higher than the course lead (a dove); negative,
lower (a hawk). Headless.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from simulator.errors import ConsultsimError
from simulator.review.cohort import LEVELS, Cohort, CohortRow
from simulator.review.marks import Mark

MACHINE = "machine"
STATISTICS = ("numpy", "scipy", "sklearn")  # the `review` extra: calibrating imports them


def missing_statistics() -> list[str]:
    """The statistics packages calibration needs that are not installed (checked without importing them)."""
    from importlib.util import find_spec

    return [name for name in STATISTICS if find_spec(name) is None]
CALIBRATION_VERSION = 1


@dataclass
class Calibration:
    rater: str  # the course lead checked against (b)
    against: str  # "machine" or another rater (a)
    sessions: int  # marked by both
    tasks: dict[str, dict[str, Any]] = field(default_factory=dict)  # OrdinalAgreement.to_dict(), by task
    criteria: dict[str, dict[str, Any]] = field(default_factory=dict)  # BinaryAgreement.to_dict(), by criterion
    level: dict[str, Any] | None = None  # CategoricalAgreement.to_dict()

    def to_dict(self) -> dict[str, Any]:
        return {"consultsim_calibration": CALIBRATION_VERSION, "rater": self.rater, "against": self.against, "sessions": self.sessions,
                "tasks": self.tasks, "criteria": self.criteria, "level": self.level}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=1) + "\n"


def raters_in(marks: Mapping[str, list[Mark]]) -> list[str]:
    return sorted({m.rater for ms in marks.values() for m in ms}, key=str.casefold)


def choose_rater(marks: Mapping[str, list[Mark]], rater: str | None, against: str) -> str:
    """The course lead to check against: the one named, or the only one who has marked."""
    raters = raters_in(marks)
    if rater is not None:
        if rater not in raters:
            known = ", ".join(raters) or "none yet"
            raise ConsultsimError(f"no marks by '{rater}' in this cohort (raters: {known})")
        return rater
    others = [r for r in raters if r != against]
    if len(others) == 1:
        return others[0]
    if not others:
        raise ConsultsimError("no course lead's marks for these sessions yet: mark some in `consultsim review`, or import a CSV with --import-marks")
    raise ConsultsimError(f"several raters have marked ({', '.join(others)}): say whose marks to check with --rater NAME")


def _theirs(row: CohortRow, latest: Mapping[str, Mark], who: str) -> tuple[dict[str, int | None], dict[str, bool | None], str | None] | None:
    """One side's marks for a session: the machine's row, or a rater's newest mark (None if they have not marked it)."""
    if who == MACHINE:
        met = {**{k: v for k, v in row.other.items() if isinstance(v, bool)}, **row.criteria}  # a course rubric's items too
        return dict(row.tasks), met, row.level
    mark = latest.get(who)
    if mark is None:
        return None
    criteria = {c: (v == "met") if v in ("met", "not_met") else None for c, v in mark.criteria.items()}
    return dict(mark.tasks), criteria, mark.coproduction


def calibrate(cohort: Cohort, marks: Mapping[str, list[Mark]], rater: str, against: str = MACHINE, seed: int = 0) -> Calibration:
    from simulator.review.agreement import binary_agreement, categorical_agreement, ordinal_agreement

    if against == rater:
        raise ConsultsimError(f"--against {against}: that is the rater being checked; name another rater or the machine")
    tasks: dict[str, tuple[list[int], list[int]]] = {t: ([], []) for t in cohort.task_ids}
    criteria: dict[str, tuple[list[bool], list[bool]]] = {c: ([], []) for c in cohort.markable_ids}
    levels: tuple[list[str], list[str]] = ([], [])
    both = 0
    for row in cohort.rows:
        latest = {m.rater: m for m in marks.get(row.session_id, ())}
        b, a = _theirs(row, latest, rater), _theirs(row, latest, against)
        if a is None or b is None:
            continue
        both += 1
        for task, (xs, ys) in tasks.items():
            if a[0].get(task) is not None and b[0].get(task) is not None:
                xs.append(int(a[0][task]))  # type: ignore[arg-type]
                ys.append(int(b[0][task]))  # type: ignore[arg-type]
        for criterion, (xs_b, ys_b) in criteria.items():
            if a[1].get(criterion) is not None and b[1].get(criterion) is not None:
                xs_b.append(bool(a[1][criterion]))
                ys_b.append(bool(b[1][criterion]))
        if a[2] in LEVELS and b[2] in LEVELS:
            levels[0].append(a[2])  # type: ignore[arg-type]
            levels[1].append(b[2])  # type: ignore[arg-type]
    result = Calibration(rater, against, both)
    for task, (xs, ys) in tasks.items():
        if xs:
            result.tasks[task] = ordinal_agreement(xs, ys, seed=seed).to_dict()
    for criterion, (xs_b, ys_b) in criteria.items():
        if xs_b:
            result.criteria[criterion] = binary_agreement(xs_b, ys_b, seed=seed).to_dict()
    if levels[0]:
        result.level = categorical_agreement(levels[0], levels[1], LEVELS).to_dict()
    return result


def _figure(value: Any, ci: Sequence[float] | None = None, percent: bool = False) -> str:
    if value is None:
        return "–"
    text = f"{value:.0%}" if percent else f"{value:+.2f}" if isinstance(value, float) and value < 0 else f"{value:.2f}"
    if ci:
        low, high = ci
        text += f" ({low:.0%}–{high:.0%})" if percent else f" ({low:.2f}–{high:.2f})"
    return text


def lean(leniency: float) -> str:
    if abs(leniency) < 0.25:
        return "even"
    return "dove (marks higher)" if leniency > 0 else "hawk (marks lower)"


def render_text(result: Calibration) -> str:
    who = "the machine" if result.against == MACHINE else result.against
    lines = [f"Calibration: {who} against {result.rater}, {result.sessions} session(s) marked by both", ""]
    if not result.sessions:
        lines.append(f"No session has marks from both {who} and {result.rater} yet.")
        return "\n".join(lines) + "\n"
    lines.append("Kalamazoo tasks (1-5); 95% bootstrap intervals in brackets; leniency = " + f"{who} minus {result.rater}")
    lines.append(f"{'task':24} {'n':>3}  {'exact':>6} {'within 1':>20} {'QWK':>18} {'ICC(2,1)':>18} {'Spearman':>8} {'leniency':>8}")
    notes: list[str] = []
    for task, r in result.tasks.items():
        ci = r["ci"]
        lines.append(
            f"{task:24} {r['n']:>3}  {_figure(r['exact'], None, True):>6} {_figure(r['within_one'], ci.get('within_one'), True):>20} "
            f"{_figure(r['qwk'], ci.get('qwk')):>18} {_figure(r['icc'], ci.get('icc')):>18} {_figure(r['spearman']):>8} "
            f"{r['leniency']:>+8.2f}  {lean(r['leniency'])}"
        )
        if not r["enough"] and r["message"] and r["message"] not in notes:
            notes.append(r["message"])
    if result.criteria:
        lines += ["", "Self-management criteria (met / not met)"]
        lines.append(f"{'criterion':24} {'n':>3}  {'agree':>6} {'kappa':>6} {'F1':>6} {'met: ' + who:>16} {'met: ' + result.rater:>16}")
        for criterion, r in result.criteria.items():
            lines.append(
                f"{criterion:24} {r['n']:>3}  {_figure(r['accuracy'], None, True):>6} {_figure(r['kappa']):>6} {_figure(r['f1']):>6} "
                f"{_figure(r['prevalence_a'], None, True):>16} {_figure(r['prevalence_b'], None, True):>16}"
            )
            if not r["enough"] and r["message"] and r["message"] not in notes:
                notes.append(r["message"])
    if result.level:
        level = result.level
        agreement = _figure(level["accuracy"], None, True)
        lines += ["", f"Co-production level: {level['n']} session(s), agreement {agreement}, kappa {_figure(level['kappa'])}",
                  f"  rows: {who}; columns: {result.rater} ({', '.join(level['labels'])})"]
        lines += [f"  {label:14} " + " ".join(f"{n:>5}" for n in counts) for label, counts in zip(level["labels"], level["confusion"])]
    if notes:
        lines += ["", *(f"Note: {n}" for n in notes)]
    return "\n".join(lines) + "\n"
