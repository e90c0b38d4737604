"""Session format v1: one consultation, every turn, the ledger and the patient's state after each turn.

Every part is a typed record; the JSON form and the schema (simulator/schemas/session-v1.json, written by
`python -m simulator.schema_gen`) are both made from these classes (simulator/records.py).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from simulator.analysis.turns import CodeHit, Reading
from simulator.records import KEEP_NULL, from_json, to_json

if TYPE_CHECKING:  # only named here: listing sessions must not load the patient engine
    from simulator.scenario.model import Scenario

SCHEMA_VERSION = 1
_DATE_TIME = {"format": "date-time"}


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


@dataclass
class ScenarioRef:
    """The scenario version the session was played against."""

    id: str
    version: str
    sha256: str = field(metadata={"pattern": "^[0-9a-f]{64}$"})
    title: str | None = None
    source: str | None = field(default=None, metadata={"description": "the scenario file, an absolute path"})

    @property
    def name(self) -> str:
        return self.title or self.id


@dataclass
class FactRecord:
    """A scenario fact as it stood when the session was played."""

    id: str
    hidden: bool
    content: str
    kind: str | None = None


@dataclass(frozen=True)
class Disclosure:
    """A fact coming out: which, at which turn, and why (the rule that let it)."""

    fact: str
    turn: int = field(metadata={"minimum": 0})
    reason: str


@dataclass
class Note:
    """Something said about the session at a turn, e.g. that the patient's voice changed on resuming."""

    turn: int
    note: str


@dataclass
class PatientComment:
    """What a model-voiced patient said about the consultation when it ended."""

    text: str = field(metadata={"minLength": 1, "maxLength": 2000})
    model: str | None = None


@dataclass(slots=True)
class PlanRecord:
    """A plan the patient agreed: whose it was (patient: they proposed or chose it) and when."""

    plan: str
    source: str = field(metadata={"enum": ["patient", "clinician"]})
    turn: int
    chosen: bool | None = None


@dataclass(slots=True)
class CueRecord:
    """A cue the patient offered and what became of it."""

    cue: str
    turn: int
    outcome: str = field(metadata={"enum": ["open", "taken_up", "missed"]})
    answered: int | None = None  # the clinician turn that took it up or let it go
    waited: int | None = None  # clinician turns it has waited


@dataclass(slots=True)
class StateSnapshot:
    """The patient's state after a turn (PatientState.snapshot): what the grader and the outcome read."""

    rapport: float = field(metadata={"minimum": 0, "maximum": 10})
    activation: float = field(metadata={"minimum": 1, "maximum": 4})
    affect: str = field(metadata={"enum": ["guarded", "neutral", "open"]})
    importance: dict[str, float]
    confidence: dict[str, float]
    disclosed: list[str]
    plans: list[PlanRecord]
    plan_agreed: str | None = field(default=None, metadata=KEEP_NULL)  # null written: earlier versions require the key
    plan_source: str | None = field(default=None, metadata=KEEP_NULL)
    activation_level: int | None = field(default=None, metadata={"minimum": 1, "maximum": 4})
    empathy_shown: bool = False
    permission_asked: bool = False
    closed_run: int = 0
    telling_run: int = 0
    clinician_turns: int = 0
    ended: bool = False
    asked: list[str] = field(default_factory=list)
    cues: list[CueRecord] = field(default_factory=list)
    missed_run: int = 0
    # earlier versions recorded more of the engine's working state: read, and not kept
    __schema__: ClassVar[dict[str, Any]] = {"additionalProperties": True}


@dataclass(slots=True)
class Turn:
    index: int = field(metadata={"minimum": 0})
    speaker: str = field(metadata={"enum": ["clinician", "patient"]})
    text: str
    timestamp: str = field(metadata=_DATE_TIME)
    codes: list[str] | None = None  # clinician turns only
    evidence: list[CodeHit] | None = None  # clinician turns only
    topics: list[str] | None = field(
        default=None, metadata={"description": "Clinician turns: the topics the turn engages, its own and the patient's it takes up."}
    )
    state: StateSnapshot | None = None  # the patient's state after this turn
    # clinician turns: the rest of the turn reader's reading, so that the grader reads the turn back as the patient read it
    reading: Reading | None = None
    # a clinician turn always has its codes
    __schema__: ClassVar[dict[str, Any]] = {"allOf": [{"if": {"properties": {"speaker": {"const": "clinician"}}}, "then": {"required": ["codes"]}}]}


@dataclass
class Session:
    id: str = field(metadata={
        "description": "Also the file's name: letters, digits, '-', '_' and '.', starting with a letter or digit (never a path).",
        "pattern": "^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$",
    })
    created: str = field(metadata=_DATE_TIME)
    updated: str = field(metadata=_DATE_TIME)
    status: str = field(metadata={"enum": ["in_progress", "ended"]})
    scenario: ScenarioRef
    # name and seed, and what the engine says of itself (backend, model, URL, token usage); never a key
    engine: dict[str, Any] = field(metadata={
        "required": ["name", "seed"], "properties": {"name": {"type": "string"}, "seed": {"type": "integer"}},
        "propertyNames": {"not": {"pattern": "(?i)(api_?key|secret|token|password)"}},
    })
    facts: list[FactRecord]
    turns: list[Turn]
    disclosures: list[Disclosure]
    notes: list[Note] = field(default_factory=list)
    resume: dict[str, Any] = field(default_factory=dict, metadata={"description": "the engine's whole state, so that the session can go on"})
    learner: str | None = field(
        default=None, metadata={"minLength": 1, "maxLength": 200, "description": "who practised: a name or id, for the course lead's review"}
    )
    patient_comment: PatientComment | None = None

    @classmethod
    def start(cls, scenario: Scenario, engine: str, seed: int, learner: str | None = None) -> Session:
        stamp = now()
        return cls(
            id=datetime.now(UTC).strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6],
            created=stamp,
            updated=stamp,
            status="in_progress",
            scenario=ScenarioRef(scenario.id, scenario.version, scenario.sha256, scenario.title, _absolute(scenario.source)),
            engine={"name": engine, "seed": seed},
            facts=[FactRecord(f.id, f.hidden, f.content, f.kind) for f in scenario.facts],
            turns=[],
            disclosures=[],
            learner=learner or None,
        )

    def add_turn(self, speaker: str, text: str, **extra: Any) -> Turn:
        turn = Turn(len(self.turns), speaker, text, now(), **extra)
        self.turns.append(turn)
        self.updated = turn.timestamp
        return turn

    @property
    def clinician_turns(self) -> list[Turn]:
        return [t for t in self.turns if t.speaker == "clinician"]

    @property
    def final_state(self) -> StateSnapshot | None:
        """The patient's state after the last turn that recorded one."""
        return next((t.state for t in reversed(self.turns) if t.state is not None), None)

    def to_dict(self) -> dict[str, Any]:
        return {"schema_version": SCHEMA_VERSION, **to_json(self)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Session:
        """A session from its JSON form, already checked against session-v1."""
        return from_json(cls, data)


def _absolute(source: str) -> str:
    """The scenario file as an absolute path, so that the session resumes from any working folder."""
    try:
        return str(Path(source).resolve()) if source else source
    except (OSError, RuntimeError):
        return source
