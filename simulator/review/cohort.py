"""A cohort: one row per saved session, with the machine's marks, for the course lead's review.

A cohort is any folder of session files (gathered from many learners' machines by copying them in). Each
session is graded against the scenario version it recorded, in worker processes when there are many
(rubric/batch.py: map_files); a file that cannot be read or graded is a message, and the rest is reviewed.
Rows are plain records that round-trip through JSON; marks live apart (marks.py). Headless.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from simulator.errors import ConsultsimError, FileProblems, NotFound

if TYPE_CHECKING:
    from simulator.rubric import GradeReport
    from simulator.workspace import Workspace

LEVELS = ("descriptive", "recognisable", "transformative")  # rubrics/coproduction.yaml, lowest first
NOT_GIVEN = "(not given)"  # a session that recorded no learner


@dataclass(frozen=True)
class CohortRow:
    session_id: str
    path: str
    learner: str | None
    scenario_id: str
    scenario_title: str
    created: str  # ISO 8601, UTC
    status: str  # in_progress | ended
    seconds: float  # time in the consultation (idle gaps capped)
    turns: int  # clinician turns
    # Kalamazoo task -> machine score 1-5 (None: too little to judge)
    tasks: dict[str, int | None] = field(metadata={"additionalProperties": {"type": ["integer", "null"], "minimum": 1, "maximum": 5}})
    criteria: dict[str, bool | None]  # self-management criterion -> met (None: not applicable or too little)
    level: str | None = field(metadata={"enum": [*LEVELS, None]})  # co-production level
    facts_found: tuple[str, ...]  # hidden facts the clinician brought out
    facts_hidden: tuple[str, ...]  # every hidden fact of the scenario
    judge: str
    other: dict[str, int | bool | None] = field(default_factory=dict)  # criteria of other rubrics (a course's own)
    warning: str | None = None  # graded against a changed scenario version, say
    # the patient's side (outcome.py): what they would say (0-100), rapport at the end, the plan and whose it was
    patient_rated: int | None = field(default=None, metadata={"minimum": 0, "maximum": 100})
    rapport_end: float | None = None
    plan: str | None = None  # e.g. "patient's, likely"; None: no plan agreed

    @property
    def learner_name(self) -> str:
        return self.learner or NOT_GIVEN

    @property
    def criteria_met(self) -> tuple[int, int]:
        judged = [v for v in self.criteria.values() if v is not None]
        return sum(1 for v in judged if v), len(judged)

    @property
    def kalamazoo_mean(self) -> float | None:
        scores = [v for v in self.tasks.values() if v is not None]
        return sum(scores) / len(scores) if scores else None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["facts_found"], data["facts_hidden"] = list(self.facts_found), list(self.facts_hidden)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CohortRow:
        return cls(**{**data, "facts_found": tuple(data["facts_found"]), "facts_hidden": tuple(data["facts_hidden"])})

    @classmethod
    def of(cls, path: Path, session: Any, report: GradeReport, warning: str | None = None) -> CohortRow:
        from simulator.session.index import active_seconds

        hidden = tuple(f.id for f in session.facts if f.hidden)
        disclosed = {d.fact for d in session.disclosures}
        others = {c.id: c.value for c in report.scenario_items.values()}
        outcome = report.outcome or {}
        plan = outcome.get("plan")
        return cls(
            session_id=session.id,
            path=str(path),
            learner=session.learner,
            scenario_id=session.scenario.id,
            scenario_title=session.scenario.name,
            created=session.created,
            status=session.status,
            seconds=round(active_seconds(session), 1),
            turns=len(session.clinician_turns),
            tasks={k: _score(c.value) for k, c in report.kalamazoo.items()},
            criteria={k: c.value if isinstance(c.value, bool) else None for k, c in report.self_management.items()},
            level=report.coproduction_level,
            facts_found=tuple(f for f in hidden if f in disclosed),
            facts_hidden=hidden,
            judge=report.judge,
            other=others,
            warning=warning,
            patient_rated=outcome["prem"]["total"] if outcome else None,
            rapport_end=outcome["rapport"]["end"] if outcome else None,
            plan=f"{'patient' if plan['source'] == 'patient' else 'clinician'}'s, {plan['likelihood']}" if plan else None,
        )


def _score(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@dataclass
class Cohort:
    rows: list[CohortRow]
    problems: list[str]  # one message per file that could not be reviewed

    @property
    def task_ids(self) -> list[str]:
        return _keys(r.tasks for r in self.rows)

    @property
    def criterion_ids(self) -> list[str]:
        return _keys(r.criteria for r in self.rows)

    @property
    def other_ids(self) -> list[str]:
        return _keys(r.other for r in self.rows)

    @property
    def markable_ids(self) -> list[str]:
        """The met/not-met criteria a course lead marks: self-management, then the scenarios' items and a
        course's own rubrics' (those judged met or not, never scored)."""
        met_only = [o for o in self.other_ids if all(isinstance(r.other.get(o), bool | None) for r in self.rows)]
        return [*self.criterion_ids, *met_only]

    def row(self, session_id: str) -> CohortRow:
        for row in self.rows:
            if row.session_id == session_id:
                return row
        raise NotFound(f"no session '{session_id}' in this cohort")

    def select(
        self,
        scenario: str | None = None,
        learner: str | None = None,
        since: str | None = None,
        until: str | None = None,
        below: float | None = None,
    ) -> Cohort:
        """The rows that match every filter given: a scenario id, a learner (case-insensitive), a date range
        (YYYY-MM-DD, inclusive), a Kalamazoo mean below a threshold."""
        rows = self.rows
        if scenario:
            rows = [r for r in rows if r.scenario_id == scenario]
        if learner:
            rows = [r for r in rows if r.learner_name.casefold() == learner.casefold()]
        if since:
            rows = [r for r in rows if r.created[:10] >= since]
        if until:
            rows = [r for r in rows if r.created[:10] <= until]
        if below is not None:
            rows = [r for r in rows if (m := r.kalamazoo_mean) is not None and m < below]
        return Cohort(list(rows), self.problems)

    def sorted_by(self, key: str, descending: bool = False) -> Cohort:
        """Sorted by a column: learner, scenario, date, duration, turns, mean, met, level, facts, or a task id."""
        getters: dict[str, Any] = {
            "learner": lambda r: r.learner_name.casefold(),
            "scenario": lambda r: r.scenario_id,
            "date": lambda r: r.created,
            "duration": lambda r: r.seconds,
            "turns": lambda r: r.turns,
            "mean": lambda r: r.kalamazoo_mean if r.kalamazoo_mean is not None else -1.0,
            "met": lambda r: r.criteria_met[0],
            "level": lambda r: LEVELS.index(r.level) if r.level in LEVELS else -1,
            "facts": lambda r: len(r.facts_found) / len(r.facts_hidden) if r.facts_hidden else 0.0,
        }
        if key in self.task_ids:
            getters[key] = lambda r: r.tasks.get(key) or 0
        if key not in getters:
            raise ConsultsimError(f"cannot sort by '{key}': choose from {', '.join([*getters, *self.task_ids])}")
        return Cohort(sorted(self.rows, key=lambda r: (getters[key](r), r.session_id), reverse=descending), self.problems)


def _keys(dicts: Iterable[dict[str, Any]]) -> list[str]:
    seen: dict[str, None] = {}
    for d in dicts:
        seen.update(dict.fromkeys(d))
    return list(seen)


def session_files(folders: Sequence[Path]) -> list[Path]:
    """The session files of a cohort: *.json in each folder and its subfolders (one per learner, say)."""
    from simulator.paths import path_kind

    files: list[Path] = []
    for folder in folders:
        kind = path_kind(folder)
        if kind == "file":
            files.append(folder)
        elif kind == "folder":
            files += sorted(p for p in folder.rglob("*.json") if p.is_file() and not p.name.startswith("."))
        else:
            raise NotFound(f"{folder}: no such file or folder")
    return files


def review_one(workspace: Workspace, path: Path) -> CohortRow | str:
    """One session file as a row, or the message saying why it cannot be one."""
    from simulator.session.store import load

    try:
        session = load(path)
        report, _, warning = workspace.grade_saved(session, source=str(path))
    except FileProblems as error:
        return "; ".join(str(p) for p in error.problems)
    except ConsultsimError as error:
        return str(error)
    return CohortRow.of(path, session, report, warning)


def load_cohort(workspace: Workspace, folders: Sequence[Path], jobs: int | None = None, cache: bool = True) -> Cohort:
    """Every session file's row, or a message for each that cannot be one. A row is kept between runs
    (RowCache) until its file changes or the grader does, so a cohort reviewed again is not graded again."""
    from simulator.rubric.batch import map_files

    rows: list[CohortRow] = []
    problems: list[str] = []
    seen: dict[str, str] = {}
    files = session_files(folders)
    kept = RowCache(workspace) if cache else None
    known = kept.rows(files) if kept is not None else {}
    graded = iter(map_files(workspace, [f for f in files if f not in known], review_one, jobs))
    for path in files:
        result = known[path] if path in known else next(graded)
        if kept is not None and path not in known:
            kept.keep(path, result)
        if isinstance(result, str):
            problems.append(result)
        elif result.session_id in seen:  # the same session copied in twice: review it once
            problems.append(f"{result.path}: the same session as {seen[result.session_id]}; reviewed once")
        else:
            seen[result.session_id] = result.path
            rows.append(result)
    for _ in graded:  # none left; ends the worker pool
        pass
    rows.sort(key=lambda r: (r.created, r.session_id))
    if kept is not None:
        kept.flush()
    return Cohort(rows, problems)


ROW_CACHE = "cohort-rows-v1.json"


class RowCache:
    """Rows of session files, by path, with each file's size and mtime and a stamp of what grading depends
    on (consultsim, the rubrics, the reader's weights): $CONSULTSIM_HOME/cache/cohort-rows-v1.json. A row
    graded without its scenario version (a warning) is not kept: the scenario may turn up."""

    def __init__(self, workspace: Workspace):
        import json

        from simulator.paths import home
        from simulator.session.keeper import grader_stamp

        self.path = home() / "cache" / ROW_CACHE
        self.stamp = grader_stamp()
        self.changed = False
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            ok = isinstance(data, dict) and data.get("grader") == self.stamp and isinstance(data.get("rows"), dict)
        except (OSError, ValueError, RecursionError):  # a damaged cache is only rebuilt
            ok, data = False, {}
        self.entries: dict[str, Any] = data["rows"] if ok else {}

    @staticmethod
    def _stat(path: Path) -> list[int] | None:
        try:
            info = path.stat()
        except OSError:
            return None
        return [info.st_mtime_ns, info.st_size]

    def rows(self, files: Sequence[Path]) -> dict[Path, CohortRow]:
        found: dict[Path, CohortRow] = {}
        for path in files:
            entry = self.entries.get(str(path.resolve()))
            if entry is not None and entry.get("stat") == self._stat(path):
                try:
                    found[path] = CohortRow.from_dict({**entry["row"], "path": str(path)})
                except (KeyError, TypeError):
                    continue
        return found

    def keep(self, path: Path, result: CohortRow | str) -> None:
        key = str(path.resolve())
        if isinstance(result, CohortRow) and result.warning is None and (stat := self._stat(path)) is not None:
            self.entries[key] = {"stat": stat, "row": result.to_dict()}
            self.changed = True
        elif key in self.entries:
            del self.entries[key]
            self.changed = True

    def flush(self) -> None:
        if self.changed:
            from simulator.scenario.cache import write_cache

            write_cache(self.path, {"grader": self.stamp, "rows": self.entries})
            self.changed = False
