"""Grade format v1 as records: the JSON that `consultsim grade --format json` writes, part by part.

GradeReport (report.py) is written through `GradeFile` and read back through it (records.py), and
simulator/schemas/grade-v1.json is generated from it (`python -m simulator.schema_gen`), so the file, its
reader and its schema cannot drift apart. Field order is the order in the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from simulator.analysis.turns import CodeHit
from simulator.outcome import PatientOutcome
from simulator.records import KEEP_NULL

GRADE_SCHEMA_VERSION = 1
STATUSES = ["scored", "met", "not_met", "not_applicable", "insufficient", "ungraded"]
_TURNS = {"items": {"type": "integer", "minimum": 0}}


@dataclass
class Evidence:
    """A quote from a turn that shows an indicator, and the points it gave."""

    turn: int  # index over all turns
    quote: str
    indicator: str = ""
    points: float = 0.0


@dataclass
class Metric:
    """A count-based measure (e.g. open questions as a share of all questions) and its band."""

    id: str
    description: str
    value: float | None
    count: int  # how many utterances it rests on
    band: str | None = field(metadata={"enum": ["good", "fair", "below fair", None]})  # None: too little to judge
    fair: float | None = field(default=None, metadata=KEEP_NULL)
    good: float | None = field(default=None, metadata=KEEP_NULL)
    source: str | None = field(default=None, metadata=KEEP_NULL)


@dataclass
class ModelOpinion:
    """A model judge's view: beside the rules' result (hybrid judging), or of the co-production level."""

    value: int | bool | str | None
    status: str = field(metadata={"enum": STATUSES})
    evidence: list[int] = field(metadata=_TURNS)
    rationale: str
    evidence_unspecific: bool | None = field(default=None, metadata={"description": "it cited (nearly) every clinician turn: its evidence is not shown"})
    evidence_note: str | None = None
    disagreement: str | None = field(default=None, metadata={"description": "where its value differs from the rules': why, in one line"})


@dataclass
class CriterionEntry:
    """One criterion's result: `score` (1-5, null when there is too little to judge) for a task on a 1-5
    scale, `met` (true, false or null) for a criterion that is met or not."""

    status: str = field(metadata={"enum": STATUSES})
    evidence: list[int] = field(metadata=_TURNS)  # the turns quoted
    rationale: str
    # null when there is too little to judge: written by CriterionResult.marked, the one that applies
    score: int | None = field(default=None, metadata={"type": ["integer", "null"], "minimum": 1, "maximum": 5})
    met: bool | None = field(default=None, metadata={"type": ["boolean", "null"]})
    # title, group and scale, so that a report reads back whole (files written before them have neither)
    title: str | None = None
    group: str | None = None
    scale: str | None = field(default=None, metadata={"enum": ["likert5", "met", None]})
    quotes: list[Evidence] = field(default_factory=list)
    did_well: list[str] = field(default_factory=list)
    try_next: str | None = field(default=None, metadata=KEEP_NULL)
    anchor: str | None = field(default=None, metadata=KEEP_NULL)
    points: float = 0.0
    judge: str = "rules"
    llm: ModelOpinion | None = None  # hybrid judging: the model's view beside the rules'
    __schema__: ClassVar[dict[str, Any]] = {"oneOf": [{"required": ["score"]}, {"required": ["met"]}]}


@dataclass
class LevelResult:
    """The co-production level reached, with the turns that show it; a model judge's own view under `llm`
    (hybrid), or its answer merged in (model judge: `value`, `status`...)."""

    level: str | None = field(metadata={"enum": ["descriptive", "recognisable", "transformative", None]})
    description: str | None = field(default=None, metadata=KEEP_NULL)
    evidence: list[int] = field(default_factory=list, metadata=_TURNS)
    rationale: str = ""
    try_next: str | None = field(default=None, metadata=KEEP_NULL)
    llm: ModelOpinion | None = None
    value: str | None = None
    status: str | None = field(default=None, metadata={"enum": [*STATUSES, None]})
    evidence_unspecific: bool | None = None
    evidence_note: str | None = None


@dataclass
class ScenarioName:
    id: str
    title: str


@dataclass
class GradeTurn:
    """A turn of the graded consultation; a clinician turn with the reader's codes, their spans and the
    events the grader saw there (an unanswered question, a cue missed...)."""

    index: int = field(metadata={"minimum": 0})
    speaker: str = field(metadata={"enum": ["clinician", "patient"]})
    text: str
    codes: list[str] | None = None
    spans: list[CodeHit] | None = None
    events: list[str] | None = None
    __schema__: ClassVar[dict[str, Any]] = {"allOf": [{"if": {"properties": {"speaker": {"const": "clinician"}}}, "then": {"required": ["codes"]}}]}


@dataclass
class Summary:
    """Worked out from the marks; read back, it is worked out again."""

    kalamazoo_mean: float | None = field(metadata={"minimum": 1, "maximum": 5})
    self_management_met: int = field(metadata={"minimum": 0})
    self_management_applicable: int = field(metadata={"minimum": 0})


@dataclass
class GradeFile:
    """consultsim grade --format json: one consultation's grade, with the evidence for every mark."""

    source: str
    judge: str = field(metadata={"enum": ["rules", "llm", "hybrid"]})
    scenario: ScenarioName | None = field(metadata=KEEP_NULL)
    turns: list[GradeTurn]
    kalamazoo: dict[str, CriterionEntry]
    self_management: dict[str, CriterionEntry]
    coproduction_level: str | None = field(metadata={"enum": ["descriptive", "recognisable", "transformative", None]})
    metrics: dict[str, Metric]
    coproduction: LevelResult | None = None
    code_counts: dict[str, int] = field(default_factory=dict)
    scenario_items: dict[str, CriterionEntry] = field(default_factory=dict)  # the scenario's own items, and a course's rubrics
    summary: Summary | None = None
    extra: dict[str, Any] | None = field(default=None, metadata={"description": "e.g. the model judge's settings, requests and token usage"})
    outcome: PatientOutcome | None = None  # the patient's side, for a session (simulator/outcome.py)
