"""Grading results: typed, with evidence, and the stable JSON form (grade format v1)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from simulator.outcome import PatientOutcome
from simulator.records import from_json, to_json
from simulator.rubric.grade_format import (
    GRADE_SCHEMA_VERSION,
    CriterionEntry,
    Evidence,
    GradeFile,
    GradeTurn,
    LevelResult,
    Metric,
    ModelOpinion,
    ScenarioName,
    Summary,
)

__all__ = ["GRADE_SCHEMA_VERSION", "KALAMAZOO_TASKS", "LIKERT_WORDS", "SELF_MANAGEMENT", "CriterionResult", "Evidence", "GradeReport", "Metric"]
KALAMAZOO_TASKS = (
    "build_relationship",
    "open_discussion",
    "gather_information",
    "understand_perspective",
    "share_information",
    "reach_agreement",
    "provide_closure",
)
SELF_MANAGEMENT = ("beliefs", "importance_confidence", "action_plan", "problem_solving", "partnership", "resources", "teach_back", "follow_up")
LIKERT_WORDS = {1: "poor", 2: "fair", 3: "good", 4: "very good", 5: "excellent"}


@dataclass
class CriterionResult:
    id: str
    title: str
    group: str
    scale: str  # likert5 | met
    value: int | bool | None
    # scored | met | not_met | not_applicable (leaves the denominator) | insufficient (too little to judge) | ungraded
    status: str
    rationale: str
    evidence: list[Evidence] = field(default_factory=list)
    did_well: list[str] = field(default_factory=list)
    try_next: str | None = None
    anchor: str | None = None
    points: float = 0.0
    judge: str = "rules"
    second_opinion: dict[str, Any] | None = None  # hybrid judging: the model's value, status, evidence, rationale

    def entry(self) -> CriterionEntry:
        """As the grade file gives it."""
        likert = self.scale == "likert5"
        return CriterionEntry(
            self.status, sorted({e.turn for e in self.evidence}), self.rationale,
            score=self.value if likert else None, met=None if likert else self.value, title=self.title, group=self.group, scale=self.scale,  # type: ignore[arg-type]
            quotes=list(self.evidence), did_well=list(self.did_well), try_next=self.try_next, anchor=self.anchor, points=round(self.points, 2),
            judge=self.judge, llm=from_json(ModelOpinion, self.second_opinion, strict=True) if self.second_opinion is not None else None,
        )

    def to_dict(self) -> dict[str, Any]:
        return self.marked(to_json(self.entry()))

    def marked(self, written: dict[str, Any]) -> dict[str, Any]:
        """The written entry with its mark's key even when the mark is null ("not enough evidence" says so)."""
        return {"score" if self.scale == "likert5" else "met": self.value, **written}

    @classmethod
    def from_entry(cls, criterion_id: str, entry: CriterionEntry, group: str, scale: str) -> CriterionResult:
        """Read back what to_dict wrote; a report written before titles were (grade v1 allows it) has the id as
        its title and the group of the section it is in."""
        likert = scale == "likert5"
        return cls(
            id=criterion_id, title=entry.title or criterion_id, group=entry.group or group, scale=scale,
            value=entry.score if likert else entry.met, status=entry.status, rationale=entry.rationale, evidence=list(entry.quotes),
            did_well=list(entry.did_well), try_next=entry.try_next, anchor=entry.anchor, points=entry.points, judge=entry.judge,
            second_opinion=to_json(entry.llm) if entry.llm is not None else None,
        )

    @classmethod
    def from_dict(cls, criterion_id: str, data: dict[str, Any], group: str) -> CriterionResult:
        scale = data.get("scale") or ("likert5" if "score" in data else "met")  # older files: the key says
        return cls.from_entry(criterion_id, from_json(CriterionEntry, data), group, scale)


@dataclass
class GradeReport:
    source: str
    judge: str
    turns: list[GradeTurn]
    kalamazoo: dict[str, CriterionResult]
    self_management: dict[str, CriterionResult]
    coproduction_level: str | None
    coproduction: dict[str, Any]
    metrics: dict[str, Metric]
    code_counts: dict[str, int]
    scenario_items: dict[str, CriterionResult] = field(default_factory=dict)
    scenario: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # e.g. LLM judge results, token usage
    outcome: dict[str, Any] | None = None  # the patient's side, for a session (simulator/outcome.py)

    def criteria(self) -> list[CriterionResult]:
        return [*self.kalamazoo.values(), *self.self_management.values(), *self.scenario_items.values()]

    @property
    def kalamazoo_mean(self) -> float | None:
        scores = [r.value for r in self.kalamazoo.values() if isinstance(r.value, int) and not isinstance(r.value, bool)]
        return sum(scores) / len(scores) if scores else None

    @property
    def self_management_met(self) -> tuple[int, int]:
        """(met, applicable): criteria that do not apply or lack evidence leave the denominator."""
        judged = [r for r in self.self_management.values() if r.value is not None]
        return sum(1 for r in judged if r.value), len(judged)

    def to_dict(self) -> dict[str, Any]:
        mean = self.kalamazoo_mean
        met, applicable = self.self_management_met
        written = GradeFile(
            source=self.source, judge=self.judge, scenario=from_json(ScenarioName, self.scenario, strict=True) if self.scenario else None,
            turns=self.turns, kalamazoo=_entries(self.kalamazoo), self_management=_entries(self.self_management),
            coproduction_level=self.coproduction_level, metrics=self.metrics,
            coproduction=from_json(LevelResult, self.coproduction, strict=True) if self.coproduction else None,
            code_counts=self.code_counts, scenario_items=_entries(self.scenario_items),
            summary=Summary(round(mean, 2) if mean is not None else None, met, applicable),
            extra=self.extra or None, outcome=from_json(PatientOutcome, self.outcome, strict=True) if self.outcome else None,
        )
        data = {"schema_version": GRADE_SCHEMA_VERSION, **to_json(written)}
        for name, results in (("kalamazoo", self.kalamazoo), ("self_management", self.self_management), ("scenario_items", self.scenario_items)):
            data[name] = {key: result.marked(data[name][key]) for key, result in results.items()}
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GradeReport:
        """A report from its JSON form (grade format v1), e.g. one `consultsim grade --format json` wrote; the
        summary is worked out again, not read. KeyError or TypeError if it is not one."""
        if data.get("schema_version") != GRADE_SCHEMA_VERSION:
            raise ValueError(f"not a grade report of format {GRADE_SCHEMA_VERSION} (schema_version {data.get('schema_version')!r})")
        read = from_json(GradeFile, data)

        def section(name: str, group: str) -> dict[str, CriterionResult]:
            return {key: CriterionResult.from_dict(key, value, group) for key, value in data.get(name, {}).items()}

        return cls(
            source=read.source,
            judge=read.judge,
            turns=read.turns,
            kalamazoo=section("kalamazoo", "kalamazoo"),
            self_management=section("self_management", "self_management"),
            coproduction_level=read.coproduction_level,
            coproduction=to_json(read.coproduction) if read.coproduction is not None else {},
            metrics=read.metrics,
            code_counts=read.code_counts,
            scenario_items=section("scenario_items", "scenario"),
            scenario=to_json(read.scenario) if read.scenario is not None else None,
            extra=read.extra or {},
            outcome=to_json(read.outcome) if read.outcome is not None else None,
        )

    @classmethod
    def from_json(cls, text: str) -> GradeReport:
        return cls.from_dict(json.loads(text))


def _entries(results: dict[str, CriterionResult]) -> dict[str, CriterionEntry]:
    return {key: result.entry() for key, result in results.items()}
