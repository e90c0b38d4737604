"""The patient-engine seam: one small interface, several implementations behind it."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

from simulator.patient.actor import ScriptedActor
from simulator.patient.director import Decision, Director, Disclosure
from simulator.patient.state import PatientState
from simulator.scenario.model import Scenario


@dataclass(frozen=True)
class PatientReply:
    text: str
    decision: Decision
    notes: tuple[str, ...] = ()  # e.g. a fallback the clinician should be told about


class PatientEngine(ABC):
    """Answers clinician turns in character. The director inside decides state and disclosure."""

    name: str

    def __init__(self, scenario: Scenario, seed: int = 0, state: PatientState | None = None, ledger: list[Disclosure] | None = None):
        self.scenario = scenario
        self.seed = seed
        self.director = Director(scenario, state, ledger)

    @property
    def state(self) -> PatientState:
        return self.director.state

    @property
    def ledger(self) -> list[Disclosure]:
        return self.director.ledger

    @abstractmethod
    def respond(self, clinician_text: str, turn: int, previous_patient: str | None = None) -> PatientReply:
        """Reply to the clinician turn at session index `turn`."""


class ScriptedPatient(PatientEngine):
    """Offline: the scenario's own lines, chosen by rules, deterministic for a seed."""

    name = "scripted"

    def __init__(self, scenario: Scenario, seed: int = 0, state: PatientState | None = None, ledger: list[Disclosure] | None = None):
        super().__init__(scenario, seed, state, ledger)
        self.actor = ScriptedActor(scenario, seed)

    def respond(self, clinician_text: str, turn: int, previous_patient: str | None = None) -> PatientReply:
        decision = self.director.step(clinician_text, turn, previous_patient)
        return PatientReply(self.actor.reply(decision, self.state, previous_patient), decision)
