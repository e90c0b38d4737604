"""The patient-engine seam: one small interface, several implementations behind it."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from typing import Any

from simulator.patient.actor import ScriptedActor
from simulator.patient.director import Decision, Director, Disclosure
from simulator.patient.state import PatientState
from simulator.scenario.model import Scenario


@dataclass(frozen=True)
class PatientReply:
    text: str
    decision: Decision
    notes: tuple[str, ...] = ()  # e.g. a fallback the clinician should be told about


@dataclass(frozen=True)
class ReplyChunk:
    """A piece of a reply as it streams. `restart` means: drop what was shown of this reply so far (a
    regenerated or replaced reply follows). The chunks since the last restart, joined, are the reply."""

    text: str
    restart: bool = False


ReplyStream = Generator[ReplyChunk, None, PatientReply]


def run_stream(stream: ReplyStream, on_chunk: Callable[[ReplyChunk], None] | None = None) -> PatientReply:
    """Drive a reply stream to its end, passing each chunk to `on_chunk`; returns the reply."""
    while True:
        try:
            chunk = next(stream)
        except StopIteration as stop:
            return stop.value
        if on_chunk is not None:
            on_chunk(chunk)


def word_chunks(text: str) -> Iterator[ReplyChunk]:
    """A finished text as stream chunks, a word (with its trailing space) at a time."""
    for piece in re.findall(r"\S+\s*", text):
        yield ReplyChunk(piece)


class PatientEngine(ABC):
    """Answers clinician turns in character. The director inside decides state and disclosure."""

    name: str
    streams = False  # True: replies are made as they stream (a model), so a UI shows them as they come
    on_chunk: Callable[[ReplyChunk], None] | None = None  # set to watch replies stream as `respond` runs

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

    def stream(self, clinician_text: str, turn: int, previous_patient: str | None = None) -> ReplyStream:
        """The same reply as `respond`, as chunks while it is made; the generator returns the PatientReply.

        Engines that make replies as they go (a language model) override it; the default yields a finished
        reply a word at a time. Call one of `respond` or `stream` per turn, not both."""
        reply = self.respond(clinician_text, turn, previous_patient)
        yield from word_chunks(reply.text)
        return reply

    def describe(self) -> dict[str, Any]:
        """What a session records about the engine beyond its name and seed (never a key)."""
        return {}

    def comment(self, outcome: dict[str, Any]) -> str | None:
        """What the patient would say about the consultation in their own words (outcome: the patient's side,
        outcome.py). Only a model can: the scripted patient's view is the patient-reported measure alone."""
        return None


class ScriptedPatient(PatientEngine):
    """Offline: the scenario's own lines, chosen by rules, deterministic for a seed."""

    name = "scripted"

    def __init__(self, scenario: Scenario, seed: int = 0, state: PatientState | None = None, ledger: list[Disclosure] | None = None):
        super().__init__(scenario, seed, state, ledger)
        self.actor = ScriptedActor(scenario, seed, self.director.reader.lexicon)

    def respond(self, clinician_text: str, turn: int, previous_patient: str | None = None) -> PatientReply:
        decision = self.director.step(clinician_text, turn, previous_patient)
        text = self.actor.reply(decision, self.state, previous_patient)
        self.director.heard_self(text)
        return PatientReply(text, decision)
