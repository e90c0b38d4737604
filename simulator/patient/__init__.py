"""The simulated patient: director (state and disclosure) and actors (what is said)."""

from simulator.patient.director import Decision, Director, Disclosure
from simulator.patient.engine import PatientEngine, PatientReply, ReplyChunk, ScriptedPatient, run_stream
from simulator.patient.state import PatientState

__all__ = [
    "Decision",
    "Director",
    "Disclosure",
    "PatientEngine",
    "PatientReply",
    "PatientState",
    "ReplyChunk",
    "ScriptedPatient",
    "run_stream",
]
