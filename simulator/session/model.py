"""Session format v1: one consultation, every turn, the ledger and the patient's state after each turn."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # only named here: listing sessions must not load the patient engine
    from simulator.patient.director import Disclosure
    from simulator.scenario.model import Scenario

SCHEMA_VERSION = 1


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


@dataclass
class Turn:
    index: int
    speaker: str  # "clinician" | "patient"
    text: str
    timestamp: str
    codes: list[str] | None = None  # clinician turns only
    evidence: list[dict[str, Any]] | None = None  # clinician turns: {code, start, end, text}
    topics: list[str] | None = None  # clinician turns only: those the turn engages (its own and the patient's it takes up)
    state: dict[str, Any] | None = None  # the patient's state after this turn
    reading: dict[str, Any] | None = None  # clinician turns: the rest of the reader's reading (TurnAnalysis.record)

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass
class Session:
    id: str
    created: str
    updated: str
    status: str  # "in_progress" | "ended"
    scenario: dict[str, Any]  # id, version, sha256, title, source
    engine: dict[str, Any]  # name, seed (and later model, base_url; never keys)
    facts: list[dict[str, Any]]
    turns: list[Turn] = field(default_factory=list)
    disclosures: list[dict[str, Any]] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)
    resume: dict[str, Any] = field(default_factory=dict)  # full engine state, so a session can go on
    learner: str | None = None  # who practised (name or id, for the course lead's review); None: not given
    patient_comment: dict[str, Any] | None = None  # a model patient's words on how it went: {text, model}

    @classmethod
    def start(cls, scenario: Scenario, engine: str, seed: int, learner: str | None = None) -> Session:
        stamp = now()
        return cls(
            id=datetime.now(UTC).strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6],
            created=stamp,
            updated=stamp,
            status="in_progress",
            scenario={"id": scenario.id, "version": scenario.version, "sha256": scenario.sha256, "title": scenario.title, "source": _absolute(scenario.source)},
            engine={"name": engine, "seed": seed},
            facts=[{"id": f.id, "hidden": f.hidden, "kind": f.kind, "content": f.content} for f in scenario.facts],
            learner=learner or None,
        )

    def add_turn(self, speaker: str, text: str, **extra: Any) -> Turn:
        turn = Turn(len(self.turns), speaker, text, now(), **extra)
        self.turns.append(turn)
        self.updated = turn.timestamp
        return turn

    def record_disclosures(self, ledger: list[Disclosure]) -> None:
        self.disclosures = [asdict(d) for d in ledger]

    @property
    def clinician_turns(self) -> list[Turn]:
        return [t for t in self.turns if t.speaker == "clinician"]

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "id": self.id,
            "created": self.created,
            "updated": self.updated,
            "status": self.status,
            "scenario": self.scenario,
            "engine": self.engine,
            "facts": self.facts,
            "turns": [t.to_dict() for t in self.turns],
            "disclosures": self.disclosures,
            "notes": self.notes,
            "resume": self.resume,
            **({"learner": self.learner} if self.learner else {}),
            **({"patient_comment": self.patient_comment} if self.patient_comment else {}),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Session:
        return cls(
            id=data["id"],
            created=data["created"],
            updated=data["updated"],
            status=data["status"],
            scenario=data["scenario"],
            engine=data["engine"],
            facts=data["facts"],
            turns=[Turn(**t) for t in data["turns"]],
            disclosures=data.get("disclosures", []),
            notes=data.get("notes", []),
            resume=data.get("resume", {}),
            learner=data.get("learner"),
            patient_comment=data.get("patient_comment"),
        )


def _absolute(source: str) -> str:
    """The scenario file as an absolute path, so that the session resumes from any working folder."""
    try:
        return str(Path(source).resolve()) if source else source
    except (OSError, RuntimeError):
        return source
