"""A consultation in progress: a patient engine, its session record, and autosave after every turn.

Headless; the CLI's `play` and the terminal UI both drive a consultation through this class.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from simulator.patient import PatientEngine, PatientState, ScriptedPatient
from simulator.scenario.model import Scenario
from simulator.session import Session, Turn, save
from simulator.session.model import Disclosure, Note, PatientComment
from simulator.session.store import load_draft, save_draft

if TYPE_CHECKING:
    from simulator.llm.settings import LLMSettings


def patient_engine(
    scenario: Scenario,
    seed: int = 0,
    llm: LLMSettings | None = None,
    state: PatientState | None = None,
    ledger: list[Disclosure] | None = None,
    history: list[tuple[str, str]] | None = None,
) -> PatientEngine:
    """The LLM patient when the settings turn a model on, else the scripted one (offline, the default)."""
    if llm is not None and llm.enabled:
        from simulator.patient.llm_actor import LLMPatient  # loads the openai client only when it is used

        return LLMPatient(scenario, seed, state, ledger, settings=llm, history=history)
    return ScriptedPatient(scenario, seed, state, ledger)


def voice_label(engine: dict[str, Any], short: bool = False) -> str:
    """Who voices the patient, in words, from a session's engine record (never holds a key); `short` fits a
    title bar: "scripted patient" or "model NAME · HOST"."""
    if engine.get("backend") != "openai":
        return "scripted patient" if short else "scripted patient (offline)"
    if short:
        return f"model {engine.get('model')} · {urlsplit(str(engine.get('base_url'))).netloc}"
    return f"model {engine.get('model')} at {engine.get('base_url')}"


def _engine_record(engine: PatientEngine) -> dict[str, Any]:
    """What a session records about its patient engine: name, seed, backend, model, URL (never a key)."""
    return {"name": engine.name, "seed": engine.seed, **engine.describe()}


class Consultation:
    def __init__(
        self, scenario: Scenario, engine: PatientEngine, session: Session, out: Path | None = None, autosave: bool = True, folder: str = "sessions"
    ):
        self.scenario, self.engine, self.session = scenario, engine, session
        self.out, self.folder = out, folder  # saved to `out`, else in the data folder's `folder`
        self.autosave = autosave
        self.path: Path | None = None
        # a model patient's tokens before this engine started (a resumed session): the record adds the engine's own
        self._usage_before = dict(session.engine.get("usage", {}))

    @classmethod
    def start(
        cls,
        scenario: Scenario,
        seed: int = 0,
        out: Path | None = None,
        autosave: bool = True,
        engine: PatientEngine | None = None,
        llm: LLMSettings | None = None,
        folder: str = "sessions",
        learner: str | None = None,
    ) -> Consultation:
        """A new consultation with `engine`, or the patient the `llm` settings ask for (scripted by default);
        saved after every turn to `out`, or in the data folder's `folder` (a playtest: "playtests"); the session
        records `learner` (who practised) for the course lead's review."""
        engine = engine or patient_engine(scenario, seed, llm)
        session = Session.start(scenario, engine.name, engine.seed, learner)
        session.engine = _engine_record(engine)
        consultation = cls(scenario, engine, session, out, autosave, folder)
        consultation._remember()
        return consultation

    @classmethod
    def resume(cls, scenario: Scenario, session: Session, path: Path | None = None, llm: LLMSettings | None = None) -> Consultation:
        """Carry on a saved session with its patient state, voiced as the `llm` settings ask (scripted by default).

        The LLM patient is given the exchanges so far, as if it had voiced them all."""
        saved = session.resume
        state = PatientState.from_dict(saved["state"]) if saved.get("state") else None
        ledger = list(session.disclosures)
        turns = session.turns
        history = [(a.text, b.text) for a, b in zip(turns, turns[1:]) if a.speaker == "clinician" and b.speaker == "patient"]
        engine = patient_engine(scenario, session.engine.get("seed", 0), llm, state, ledger, history)
        now = {**_engine_record(engine), **({"usage": session.engine["usage"]} if "usage" in session.engine else {})}
        if voice_label(now) != voice_label(session.engine):  # the record says who voices it from here on
            note = f"Resumed; from here the patient is voiced by the {voice_label(now)}, before by the {voice_label(session.engine)}."
            session.notes.append(Note(len(turns), note))
            session.engine = now
        consultation = cls(scenario, engine, session, path)
        consultation.path = path
        return consultation

    @property
    def ended(self) -> bool:
        return self.session.status == "ended"

    def notes_for(self, turn: Turn) -> list[str]:
        """What the clinician should be told about a turn (e.g. the model failed and the scripted patient answered)."""
        return [note.note for note in self.session.notes if note.turn == turn.index]

    def last_patient_text(self) -> str | None:
        return next((t.text for t in reversed(self.session.turns) if t.speaker == "patient"), None)

    def say(self, text: str) -> Turn:
        """Record a clinician turn, get the patient's reply, save; returns the patient's turn."""
        text = " ".join(text.split())
        session = self.session
        index = len(session.turns)
        previous = self.last_patient_text()
        reply = self.engine.respond(text, index, previous)
        self._record_usage()
        analysis = reply.decision.analysis
        session.add_turn(
            "clinician",
            text,
            codes=list(analysis.codes),
            evidence=list(analysis.hits),
            topics=sorted(analysis.engaged_topics),
            reading=analysis.record(),  # the rest of what the patient read: the grader reads the turn back, as the patient did
            state=self.engine.state.snapshot(),
        )
        turn = session.add_turn("patient", reply.text, state=self.engine.state.snapshot())
        for note in reply.notes:
            session.notes.append(Note(turn.index, note))
        session.disclosures = list(self.engine.ledger)
        if reply.decision.closing:
            session.status = "ended"
            self._patient_comment()
        self._remember()
        return turn

    def end(self) -> None:
        self.session.status = "ended"
        self._patient_comment()
        self._remember()

    def _patient_comment(self) -> None:
        """A model patient's words on how it went, asked once, when the consultation ends (saved with it, so the
        feedback never waits for a server)."""
        if self.session.patient_comment is not None or type(self.engine).comment is PatientEngine.comment:
            return
        from simulator.outcome import patient_outcome

        outcome = patient_outcome(self.session, self.scenario)
        text = self.engine.comment(outcome.to_dict()) if outcome is not None else None
        if text:
            self.session.patient_comment = PatientComment(text, str(self.engine.describe().get("model", "")))
        self._record_usage()

    def _record_usage(self) -> None:
        usage = getattr(self.engine, "usage", None)  # a model patient's tokens, as its server reports them
        if usage is not None:  # the whole session's, resumed parts included
            self.session.engine["usage"] = {name: self._usage_before.get(name, 0) + value for name, value in usage.as_dict().items()}

    @property
    def draft(self) -> str:
        """Words typed and not sent when the consultation was last left (kept by `keep_draft`)."""
        return load_draft(self.path) if self.path is not None and not self.ended else ""

    def keep_draft(self, text: str) -> None:
        """Keep what the clinician has typed but not sent, beside the session file (nothing kept if empty)."""
        if self.autosave and self.path is not None and not self.ended:
            save_draft(self.path, text)

    def _remember(self) -> None:
        self.session.resume = {"state": self.engine.state.to_dict()}
        if self.autosave:
            self.path = save(self.session, self.out or self.path, self.folder)
            if self.ended:  # an ended consultation cannot be resumed: its unsent words have nowhere to go
                save_draft(self.path, "")
