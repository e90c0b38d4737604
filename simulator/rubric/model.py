"""Rubric files: format v1 (simulator/schemas/rubric-v1.json), loading, and lint beyond the schema."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simulator import resources
from simulator.analysis import behaviour_vocabulary
from simulator.documents import mapping_problem, read_document
from simulator.errors import FileProblems, Problem
from simulator.schema_errors import field_path, schema_problems
from simulator.yamlpos import Located

RUBRIC_SCHEMA = "rubric-v1"
KNOWN_METRICS = ("open_question_share", "reflection_to_question", "advice_without_permission", "unexplained_jargon", "stacked_questions")


@dataclass(frozen=True)
class Indicator:
    id: str
    description: str
    points: float
    when: dict[str, Any]
    required: bool = False
    tip: str | None = None


@dataclass(frozen=True)
class Criterion:
    id: str
    title: str
    description: str
    scale: str  # likert5 | met | points
    indicators: tuple[Indicator, ...]
    group: str
    framework: tuple[str, ...] = ()
    anchors: dict[str, str] = field(default_factory=dict)
    thresholds: tuple[float, ...] = (0.5, 1.5, 2.5, 3.5)
    met_points: float = 1.0
    applies_when: dict[str, Any] | None = None
    llm_question: str | None = None
    try_next: str | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Level:
    id: str
    description: str
    when: dict[str, Any]
    try_next: str | None = None


@dataclass(frozen=True)
class MetricSpec:
    id: str
    description: str
    fair: float | None = None
    good: float | None = None
    higher_is_better: bool = True
    min_count: int = 0
    source: str | None = None


@dataclass(frozen=True)
class Rubric:
    id: str
    title: str
    version: str
    group: str
    min_clinician_turns: int
    criteria: tuple[Criterion, ...]
    levels: tuple[Level, ...]
    metrics: tuple[MetricSpec, ...]
    source: str = ""


def build_rubric(data: dict[str, Any], source: str = "") -> Rubric:
    group = data["group"]
    criteria = tuple(
        Criterion(
            id=c["id"],
            title=c["title"],
            description=c["description"],
            scale=c["scale"],
            indicators=tuple(
                Indicator(i["id"], i["description"], float(i["points"]), i["when"], bool(i.get("required", False)), i.get("tip"))
                for i in c["indicators"]
            ),
            group=group,
            framework=tuple(c.get("framework", ())),
            anchors=dict(c.get("anchors", {})),
            thresholds=tuple(c.get("thresholds", (0.5, 1.5, 2.5, 3.5))),
            met_points=float(c.get("met_points", 1)),
            applies_when=c.get("applies_when"),
            llm_question=c.get("llm_question"),
            try_next=c.get("try_next"),
            tags=tuple(c.get("tags", ())),
        )
        for c in data.get("criteria", ())
    )
    levels = tuple(Level(lv["id"], lv["description"], lv["when"], lv.get("try_next")) for lv in data.get("levels", ()))
    metrics = tuple(
        MetricSpec(m["id"], m["description"], m.get("fair"), m.get("good"), m.get("higher_is_better", True), m.get("min_count", 0), m.get("source"))
        for m in data.get("metrics", ())
    )
    return Rubric(data["id"], data["title"], str(data["version"]), group, data.get("min_clinician_turns", 0), criteria, levels, metrics, source)


def _conditions(node: Any, path: tuple) -> list[tuple[tuple, dict]]:
    """Every condition mapping in a criterion, with its path, nested any/all/none included."""
    found = []
    if isinstance(node, dict):
        found.append((path, node))
        for key in ("any", "all", "none"):
            for i, child in enumerate(node.get(key, ())):
                found += _conditions(child, (*path, key, i))
    return found


def _lint(data: dict[str, Any], located: Located, file: str) -> list[Problem]:
    problems = []
    codes = set(behaviour_vocabulary())

    def add(path: tuple, message: str) -> None:
        line, column = located.where(path)
        problems.append(Problem(file, line, column, message, field_path(path)))

    conditions: list[tuple[tuple, dict]] = []
    seen: dict[str, int] = {}
    for ci, criterion in enumerate(data.get("criteria", ())):
        if criterion["id"] in seen:
            add(("criteria", ci, "id"), f"duplicate criterion id '{criterion['id']}'")
        seen[criterion["id"]] = ci
        if "applies_when" in criterion:
            conditions += _conditions(criterion["applies_when"], ("criteria", ci, "applies_when"))
        ids = [i["id"] for i in criterion["indicators"]]
        for ii, indicator in enumerate(criterion["indicators"]):
            if ids.count(indicator["id"]) > 1:
                add(("criteria", ci, "indicators", ii, "id"), f"duplicate indicator id '{indicator['id']}'")
            conditions += _conditions(indicator["when"], ("criteria", ci, "indicators", ii, "when"))
        if criterion["scale"] == "likert5" and criterion.get("thresholds") and list(criterion["thresholds"]) != sorted(criterion["thresholds"]):
            add(("criteria", ci, "thresholds"), "thresholds must rise: points for score 2, 3, 4, 5")
    for li, level in enumerate(data.get("levels", ())):
        conditions += _conditions(level["when"], ("levels", li, "when"))
    for mi, metric in enumerate(data.get("metrics", ())):
        if metric["id"] not in KNOWN_METRICS:
            add(("metrics", mi, "id"), f"unknown metric '{metric['id']}'; known: {', '.join(KNOWN_METRICS)}")
    for path, condition in conditions:
        for key in ("codes", "all_codes", "not_codes", "after_codes", "then_codes"):
            for i, code in enumerate(condition.get(key, ())):
                if code not in codes:
                    add((*path, key, i), f"unknown behaviour code '{code}'")
        for key in ("text", "patient_then"):
            if key in condition:
                try:
                    re.compile(condition[key])
                except re.error as error:
                    add((*path, key), f"not a valid regular expression: {error}")
        metric = condition.get("metric")
        if metric and metric["id"] not in KNOWN_METRICS:
            add((*path, "metric", "id"), f"unknown metric '{metric['id']}'")
    return problems


def _read(path: Path) -> tuple[dict[str, Any] | None, list[Problem]]:
    try:
        document = read_document(path)
    except FileProblems as error:
        return None, error.problems
    problems = mapping_problem(document, "rubric") or schema_problems(document.located, resources.schema(RUBRIC_SCHEMA), document.file)
    if not problems:
        problems = _lint(document.located.data, document.located, document.file)
    return document.located.data, sorted(problems)


def check_rubric_file(path: Path) -> list[Problem]:
    """Every problem in a rubric file: syntax, schema, then lint."""
    return _read(path)[1]


def load_rubric(path: Path) -> Rubric:
    return build_rubric(load_rubric_data(path), str(path))


def load_rubric_data(path: Path) -> dict[str, Any]:
    """A rubric file's data once it has passed the schema and lint (FileProblems otherwise)."""
    data, problems = _read(path)
    if problems or data is None:
        raise FileProblems(problems)
    return data


def is_rubric_data(data: Any) -> bool:
    """Rubric files have a `group` and criteria or levels; scenarios have a `patient`."""
    return isinstance(data, dict) and "group" in data and "patient" not in data


def shipped_rubrics_dir() -> Path:
    return resources.shipped_rubrics_dir()


def load_shipped_rubrics(folder: Path | None = None) -> list[Rubric]:
    folder = folder or shipped_rubrics_dir()
    return [load_rubric(path) for path in sorted(folder.glob("*.yaml"))]
