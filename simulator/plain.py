"""`--plain`: the consultation as a line-by-line prompt, "Clinician:" and "Patient:" labels, no box drawing.

For screen readers and for pasting. Each line typed is one clinician turn; the session is saved after
every turn exactly as in the terminal UI. Headless: no Textual.
"""

from __future__ import annotations

import sys
import textwrap
import time
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from simulator.consultation import Consultation, voice_label
from simulator.scenario import ACTIVATION_LEVELS, Scenario
from simulator.session.index import SavedSession, active_seconds, format_duration, resume_consultation
from simulator.workspace import Workspace

if TYPE_CHECKING:
    from simulator.llm.settings import LLMSettings
    from simulator.patient import ReplyChunk

HELP = """Commands (on a line of their own):
  /end       end the consultation and read your feedback (so does Ctrl-D)
  /quit      stop for now; the session stays unfinished: consultsim resume
  /briefing  read the briefing again
  /time      time so far against the planned duration
  /help      this list"""


class LiveReply:
    """Prints a reply as it streams from a model, after "Patient: "; a restarted reply starts a fresh line."""

    def __init__(self, stdout: TextIO):
        self.stdout, self.shown = stdout, ""

    def start(self) -> None:
        self.stdout.write("Patient: ")
        self.stdout.flush()
        self.shown = ""

    def __call__(self, chunk: ReplyChunk) -> None:
        if chunk.restart:
            self.stdout.write(f"\nPatient: {chunk.text}")
            self.shown = chunk.text
        else:
            self.stdout.write(chunk.text)
            self.shown += chunk.text
        self.stdout.flush()

    def finish(self, text: str) -> None:
        """End the line; if what streamed is not the reply as recorded, show the recorded reply."""
        self.stdout.write("\n" if self.shown == text else f"\nPatient: {text}\n")
        self.stdout.flush()


class PlainSession:
    def __init__(self, stdin: TextIO, stdout: TextIO, clock=time.monotonic, workspace: Workspace | None = None):
        self.stdin, self.stdout, self.clock = stdin, stdout, clock
        self.workspace = workspace or Workspace()
        self.echo = not (hasattr(stdin, "isatty") and stdin.isatty())  # piped lines are shown as if typed

    def say(self, text: str = "") -> None:
        print(text, file=self.stdout, flush=True)

    def ask(self, prompt: str) -> str | None:
        self.stdout.write(prompt)
        self.stdout.flush()
        line = self.stdin.readline()
        if not line:
            self.say()
            return None
        line = line.rstrip("\r\n")
        if self.echo:
            self.say(line)
        return line

    def choose(self) -> Scenario | None:
        catalog = self.workspace.catalog
        scenarios = sorted(catalog.scenarios, key=lambda s: (s.title.lower(), s.id))
        for problem in catalog.problems:
            print(f"warning: skipped {problem}", file=sys.stderr)
        self.say("Scenarios:")
        for number, s in enumerate(scenarios, start=1):
            level = s.patient.activation
            self.say(f"{number}. {s.title} ({s.id})")
            self.say(f"   {', '.join(s.conditions)}; {s.setting}; {s.difficulty}; activation {level}, {ACTIVATION_LEVELS[level]}")
        while True:
            answer = self.ask("Scenario (number or id): ")
            if answer is None:
                return None
            answer = answer.strip()
            if answer.isdigit() and 1 <= int(answer) <= len(scenarios):
                return scenarios[int(answer) - 1]
            found = next((s for s in scenarios if s.id == answer), None)
            if found:
                return found
            self.say(f"No scenario '{answer}'. Type a number from 1 to {len(scenarios)}, or an id.")

    def briefing(self, scenario: Scenario) -> None:
        p = scenario.patient
        self.say(f"Briefing: {scenario.title}")
        self.say(f"{p.name}, {p.age} ({p.pronouns}), {p.occupation}. {scenario.setting}; planned {scenario.duration_minutes} minutes.")
        self.say(f"Reason for the appointment: {scenario.opening_reason}")
        self.say(textwrap.fill(scenario.briefing, width=100, break_on_hyphens=False))
        self.say("You are practising:")
        for objective in scenario.learning_objectives:
            self.say(f"- {objective}")

    def run(self, consultation: Consultation, already: float = 0.0) -> int:
        scenario, session = consultation.scenario, consultation.session
        started = self.clock() - already
        planned = scenario.duration_minutes * 60
        warned = already > planned
        self.say(f"Session {session.id}, saved after every turn. Type /help for commands.")
        self.say(f"The patient is voiced by the {voice_label(session.engine)}.")
        self.say()
        live = LiveReply(self.stdout) if consultation.engine.streams else None
        consultation.engine.on_chunk = live
        for turn in session.turns:
            self.say(f"{'Clinician' if turn.speaker == 'clinician' else 'Patient'}: {turn.text}")
        while not consultation.ended:
            line = self.ask("Clinician: ")
            if line is None or line.strip() == "/end":
                consultation.end()
                break
            command = line.strip()
            if not command:
                continue
            if command == "/quit":
                self.say(f"Stopped. Carry on later with: consultsim resume {session.id}")
                return 0
            if command == "/help":
                self.say(HELP)
                continue
            if command == "/briefing":
                self.briefing(scenario)
                continue
            if command == "/time":
                self.say(f"Time: {format_duration(self.clock() - started)} of {scenario.duration_minutes}:00 planned.")
                continue
            if live:
                live.start()
            reply = consultation.say(line)
            if live:
                live.finish(reply.text)
            else:
                self.say(f"Patient: {reply.text}")
            for note in consultation.notes_for(reply):
                self.say(f"(Note: {note})")
            if not warned and self.clock() - started > planned:
                warned = True
                self.say(f"(The {scenario.duration_minutes} minutes planned for this consultation have passed.)")
        if consultation.ended:
            self.say("The consultation has ended.")
            self.say()
            self.say(feedback_text(consultation, self.workspace))
        self.say(f"Session saved: {consultation.path}")
        return 0


def feedback_text(consultation: Consultation, workspace: Workspace) -> str:
    """The grader's text report (80 columns, no box drawing, no sparklines: read aloud, they are noise)."""
    from simulator.rubric.render import render_text

    return render_text(workspace.grade_session(consultation.session, consultation.scenario, source=consultation.session.id), visual=False)


def run_plain(
    scenario: Scenario | None = None,
    saved: SavedSession | None = None,
    dirs: list[Path] | None = None,
    seed: int = 0,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    llm: LLMSettings | None = None,
    workspace: Workspace | None = None,
) -> int:
    workspace = workspace or Workspace(dirs or [])
    plain = PlainSession(stdin or sys.stdin, stdout or sys.stdout, workspace=workspace)
    if saved is not None:
        consultation, warning = resume_consultation(saved, llm=llm, workspace=workspace)
        if warning:
            print(f"warning: {warning}", file=sys.stderr)
        plain.say(f"Resuming: {consultation.scenario.title}")
        return plain.run(consultation, active_seconds(consultation.session))
    if scenario is None:
        scenario = plain.choose()
        if scenario is None:
            return 0
    plain.briefing(scenario)
    plain.say()
    return plain.run(Consultation.start(scenario, seed=seed, llm=llm, learner=workspace.learner))
