"""The simulated patient's state: what moves with the clinician's behaviour, and what has come out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from simulator import resources
from simulator.records import from_json
from simulator.scenario.model import Scenario
from simulator.session.model import StateSnapshot


def thresholds() -> dict[str, Any]:
    return resources.data_file("affect.yaml")["thresholds"]


def affect_level(rapport: float) -> str:
    """guarded, neutral or open, from rapport and the shared thresholds."""
    limits = thresholds()
    if rapport < limits["guarded_below"]:
        return "guarded"
    return "open" if rapport >= limits["open_from"] else "neutral"


@dataclass
class PatientState:
    rapport: float
    activation: float
    importance: dict[str, float]
    confidence: dict[str, float]
    disclosed: list[str] = field(default_factory=list)
    plans: list[dict[str, Any]] = field(default_factory=list)  # every plan agreed: {plan, source, turn}
    empathy_shown: bool = False
    permission_asked: bool = False  # the last clinician turn asked permission to advise
    closed_run: int = 0  # closed questions in a row
    telling_run: int = 0  # information or advice turns in a row
    clinician_turns: int = 0
    ended: bool = False
    asked: list[str] = field(default_factory=list)  # the patient's own questions, already asked
    last_lines: dict[str, str] = field(default_factory=dict)  # per pool, so wording varies
    said: dict[str, int] = field(default_factory=dict)  # how often each fact, knowledge or answer was said
    own_words: list[str] = field(default_factory=list)  # technical words the patient has used themselves
    # The director's own wording of the patient's last reply (the scripted line). A model patient reads the
    # next clinician turn against this, not the model's wording, so the ledger depends on the clinician only.
    decided_line: str | None = None
    last_fact: str | None = None  # the fact the last reply voiced (told or said again): "Go on." hears more of it
    last_fact_kept: bool = False  # ...or, after a reflection, only kept as the subject without being said again
    explained: list[str] = field(default_factory=list)  # the clinician's latest telling, from the patient's side (sayback.py)
    endorsed: list[str] = field(default_factory=list)  # plans of their own the clinician then backed ("Walking the dog sounds a good start")
    went_along: bool = False  # said they would try what they were offered or told, with no plan of their own agreed
    last_ruler: list[int] | None = None  # the numbers they gave on rulers in their last reply, if they gave any
    told_at: int = -1  # the clinician turn (counted from 1) that last explained something: a reaction asked next is to it
    put: list[Any] | None = None  # the plan last put to them: [plan id, clinician turn, outcome kind]
    scaled_at: int = -1  # the clinician turn that last asked a ruler with its scale: "And how confident?" soon after is on it too
    cues: list[dict[str, Any]] = field(default_factory=list)  # cues offered: {cue, turn, outcome, answered}
    missed_run: int = 0  # cues missed in a row
    start: dict[str, Any] = field(default_factory=dict)  # importance, confidence, activation, rapport at the start

    @classmethod
    def initial(cls, scenario: Scenario) -> PatientState:
        p = scenario.patient
        state = cls(
            rapport=p.rapport,
            activation=float(p.activation),
            importance={b.id: b.importance for b in p.behaviours},
            confidence={b.id: b.confidence for b in p.behaviours},
        )
        state.start = {"rapport": state.rapport, "activation": state.activation, "importance": dict(state.importance), "confidence": dict(state.confidence)}
        return state

    def agree(self, plan_id: str, source: str, turn: int) -> None:
        """source is "patient" when they proposed it, "clinician" when they accepted an offer."""
        if plan_id not in self.plans_agreed:
            self.plans.append({"plan": plan_id, "source": source, "turn": turn})

    def feel(self, effects: Sequence[Mapping[str, float]], behaviours: Sequence[str]) -> None:
        """What the clinician did moves rapport, activation and, for the behaviours the turn was about, importance and
        confidence, each kept to its scale (affect.yaml effects)."""
        for effect in effects:
            self.rapport = _clamp(self.rapport + effect.get("rapport", 0), 0, 10)
            self.activation = _clamp(self.activation + effect.get("activation", 0), 1, 4)
            for behaviour in behaviours:
                self.importance[behaviour] = _clamp(self.importance[behaviour] + effect.get("importance", 0), 0, 10)
                self.confidence[behaviour] = _clamp(self.confidence[behaviour] + effect.get("confidence", 0), 0, 10)

    @property
    def plans_agreed(self) -> list[str]:
        return [p["plan"] for p in self.plans]

    @property
    def plan_agreed(self) -> str | None:
        """The plan agreed most recently, if any."""
        return self.plans[-1]["plan"] if self.plans else None

    @property
    def plan_source(self) -> str | None:
        return self.plans[-1]["source"] if self.plans else None

    @property
    def affect(self) -> str:
        return affect_level(self.rapport)

    @property
    def activation_level(self) -> int:
        return max(1, min(4, int(self.activation + 0.5)))  # half rounds up, always

    def snapshot(self) -> StateSnapshot:
        """What a session records after each turn."""
        data = asdict(self)
        private = ("last_lines", "said", "own_words", "start", "decided_line", "last_fact", "last_fact_kept", "explained", "told_at",
                   "scaled_at", "put", "endorsed", "last_ruler", "went_along")
        for name in private:
            data.pop(name)
        data["affect"] = self.affect
        data["activation_level"] = self.activation_level
        data["plan_agreed"] = self.plan_agreed
        data["plan_source"] = self.plan_source
        for key in ("rapport", "activation"):
            data[key] = round(data[key], 2)
        for key in ("importance", "confidence"):
            data[key] = {k: round(v, 2) for k, v in data[key].items()}
        return from_json(StateSnapshot, data, strict=True)  # a new state field must be saved or named private above

    def to_dict(self) -> dict[str, Any]:
        """Everything needed to resume, including the wording memory."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PatientState:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


def _clamp(value: float, low: float, high: float) -> float:
    return round(max(low, min(high, value)), 3)  # rounding keeps sums of tenths from drifting
