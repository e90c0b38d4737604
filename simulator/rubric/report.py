"""Grading results: typed, with evidence, and the stable JSON form (grade format v1)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

GRADE_SCHEMA_VERSION = 1
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
class Evidence:
    turn: int  # index over all turns
    quote: str
    indicator: str
    points: float


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

    def to_dict(self) -> dict[str, Any]:
        key = "score" if self.scale == "likert5" else "met"
        return {
            key: self.value,
            "status": self.status,
            "evidence": sorted({e.turn for e in self.evidence}),
            "quotes": [asdict(e) for e in self.evidence],
            "rationale": self.rationale,
            "did_well": self.did_well,
            "try_next": self.try_next,
            "anchor": self.anchor,
            "points": round(self.points, 2),
            "judge": self.judge,
            **({"llm": self.second_opinion} if self.second_opinion is not None else {}),
        }


@dataclass
class Metric:
    id: str
    description: str
    value: float | None
    count: int  # how many utterances it rests on
    band: str | None  # good | fair | below fair | None when there is too little to judge
    fair: float | None = None
    good: float | None = None
    source: str | None = None


@dataclass
class GradeReport:
    source: str
    judge: str
    turns: list[dict[str, Any]]
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
        return {
            "schema_version": GRADE_SCHEMA_VERSION,
            "source": self.source,
            "judge": self.judge,
            "scenario": self.scenario,
            "turns": self.turns,
            "kalamazoo": {k: v.to_dict() for k, v in self.kalamazoo.items()},
            "self_management": {k: v.to_dict() for k, v in self.self_management.items()},
            "coproduction_level": self.coproduction_level,
            "coproduction": self.coproduction,
            "metrics": {k: asdict(v) for k, v in self.metrics.items()},
            "code_counts": self.code_counts,
            "scenario_items": {k: v.to_dict() for k, v in self.scenario_items.items()},
            "summary": {
                "kalamazoo_mean": round(self.kalamazoo_mean, 2) if self.kalamazoo_mean is not None else None,
                "self_management_met": self.self_management_met[0],
                "self_management_applicable": self.self_management_met[1],
            },
            **({"extra": self.extra} if self.extra else {}),
            **({"outcome": self.outcome} if self.outcome else {}),
        }
