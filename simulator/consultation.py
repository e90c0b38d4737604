"""A consultation in progress: a patient engine, its session record, and autosave after every turn.

Headless; the CLI's `play` and the terminal UI both drive a consultation through this class.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from simulator.patient import Disclosure, PatientEngine, PatientState, ScriptedPatient
from simulator.scenario.model import Scenario
from simulator.session import Session, Turn, save


class Consultation:
    def __init__(self, scenario: Scenario, engine: PatientEngine, session: Session, out: Path | None = None, autosave: bool = True):
        self.scenario, self.engine, self.session = scenario, engine, session
        self.out = out
        self.autosave = autosave
        self.path: Path | None = None

    @classmethod
    def start(cls, scenario: Scenario, seed: int = 0, out: Path | None = None, autosave: bool = True, engine: PatientEngine | None = None) -> Consultation:
        """A new consultation; `engine` defaults to the scripted patient (an LLM patient is passed in)."""
        engine = engine or ScriptedPatient(scenario, seed)
        session = Session.start(scenario, engine.name, engine.seed)
        session.engine.update(engine.describe())  # backend, model, base URL: never a key
        consultation = cls(scenario, engine, session, out, autosave)
        consultation._remember()
        return consultation

    @classmethod
    def resume(cls, scenario: Scenario, session: Session, path: Path | None = None) -> Consultation:
        saved = session.resume
        state = PatientState.from_dict(saved["state"]) if saved.get("state") else None
        ledger = [Disclosure(**d) for d in session.disclosures]
        engine = ScriptedPatient(scenario, session.engine.get("seed", 0), state, ledger)
        consultation = cls(scenario, engine, session, path)
        consultation.path = path
        return consultation

    @property
    def ended(self) -> bool:
        return self.session.status == "ended"

    def last_patient_text(self) -> str | None:
        return next((t.text for t in reversed(self.session.turns) if t.speaker == "patient"), None)

    def say(self, text: str) -> Turn:
        """Record a clinician turn, get the patient's reply, save; returns the patient's turn."""
        text = " ".join(text.split())
        session = self.session
        index = len(session.turns)
        previous = self.last_patient_text()
        reply = self.engine.respond(text, index, previous)
        analysis = reply.decision.analysis
        session.add_turn(
            "clinician",
            text,
            codes=list(analysis.codes),
            evidence=[asdict(hit) for hit in analysis.hits],
            topics=sorted(analysis.engaged_topics),
            state=self.engine.state.snapshot(),
        )
        turn = session.add_turn("patient", reply.text, state=self.engine.state.snapshot())
        for note in reply.notes:
            session.notes.append({"turn": turn.index, "note": note})
        session.record_disclosures(self.engine.ledger)
        if reply.decision.closing:
            session.status = "ended"
        self._remember()
        return turn

    def end(self) -> None:
        self.session.status = "ended"
        self._remember()

    def _remember(self) -> None:
        self.session.resume = {"state": self.engine.state.to_dict()}
        if self.autosave:
            self.path = save(self.session, self.out or self.path)
