"""Grading results: typed, with evidence, and the stable JSON form (grade format v1)."""

from __future__ import annotations

import json
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
            "title": self.title,  # title, group and scale: so that a report can be read back (from_dict)
            "group": self.group,
            "scale": self.scale,
            "status": self.status,
            "evidence": sorted({e.turn for e in self.evidence}),
            "quotes": [{"turn": e.turn, "quote": e.quote, "indicator": e.indicator, "points": e.points} for e in self.evidence],
            "rationale": self.rationale,
            "did_well": self.did_well,
            "try_next": self.try_next,
            "anchor": self.anchor,
            "points": round(self.points, 2),
            "judge": self.judge,
            **({"llm": self.second_opinion} if self.second_opinion is not None else {}),
        }

    @classmethod
    def from_dict(cls, criterion_id: str, data: dict[str, Any], group: str) -> CriterionResult:
        """Read back what to_dict wrote; a report written before titles were (grade v1 allows it) has the id as
        its title and the group of the section it is in."""
        scale = data.get("scale") or ("likert5" if "score" in data else "met")
        return cls(
            id=criterion_id,
            title=data.get("title", criterion_id),
            group=data.get("group", group),
            scale=scale,
            value=data["score"] if "score" in data else data.get("met"),
            status=data["status"],
            rationale=data["rationale"],
            evidence=[Evidence(q["turn"], q["quote"], q.get("indicator", ""), q.get("points", 0.0)) for q in data.get("quotes", ())],
            did_well=list(data.get("did_well", ())),
            try_next=data.get("try_next"),
            anchor=data.get("anchor"),
            points=data.get("points", 0.0),
            judge=data.get("judge", "rules"),
            second_opinion=data.get("llm"),
        )


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

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GradeReport:
        """A report from its JSON form (grade format v1), e.g. one `consultsim grade --format json` wrote; the
        summary is worked out again, not read. KeyError or TypeError if it is not one."""
        if data.get("schema_version") != GRADE_SCHEMA_VERSION:
            raise ValueError(f"not a grade report of format {GRADE_SCHEMA_VERSION} (schema_version {data.get('schema_version')!r})")

        def section(name: str, group: str) -> dict[str, CriterionResult]:
            return {key: CriterionResult.from_dict(key, value, group) for key, value in data.get(name, {}).items()}

        return cls(
            source=data["source"],
            judge=data["judge"],
            turns=list(data["turns"]),
            kalamazoo=section("kalamazoo", "kalamazoo"),
            self_management=section("self_management", "self_management"),
            coproduction_level=data.get("coproduction_level"),
            coproduction=dict(data.get("coproduction", {})),
            metrics={key: Metric(**value) for key, value in data.get("metrics", {}).items()},
            code_counts=dict(data.get("code_counts", {})),
            scenario_items=section("scenario_items", "scenario"),
            scenario=data.get("scenario"),
            extra=dict(data.get("extra", {})),
            outcome=data.get("outcome"),
        )

    @classmethod
    def from_json(cls, text: str) -> GradeReport:
        return cls.from_dict(json.loads(text))
