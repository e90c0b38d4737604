"""The consultation: transcript, elapsed time, and the clinician's input. Saved by the core after every turn."""

from __future__ import annotations

from collections.abc import Callable

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Static

from simulator.consultation import Consultation, voice_label
from simulator.errors import ConsultsimError
from simulator.tui.replies import ReplySource
from simulator.tui.screens.briefing import BriefingModal
from simulator.tui.screens.confirm import ConfirmScreen
from simulator.tui.widgets.chat_input import ChatInput
from simulator.tui.widgets.clock import ElapsedClock
from simulator.tui.widgets.footer import KeyFooter
from simulator.tui.widgets.transcript import Transcript, TurnView

DRAFT_PAUSE = 0.5  # seconds of no typing before unsent words are written to disk


def object_pronoun(pronouns: str) -> str:
    """'she/her' -> 'her', 'he/him' -> 'him'; anything else (or unsure) -> 'them'."""
    parts = [part.strip().lower() for part in pronouns.split("/")]
    return parts[1] if len(parts) >= 2 and parts[1].isalpha() else "them"


class ConsultationScreen(Screen):
    BINDINGS = [
        Binding("ctrl+e", "end", "End", id="consultation.end", tooltip="End the consultation and see your feedback", priority=True),
        Binding("ctrl+b", "briefing", "Briefing", id="consultation.briefing", tooltip="Re-read the briefing"),
        Binding(
            "ctrl+t", "toggle_focus", "Transcript", show=False, id="consultation.focus", tooltip="Move between the transcript (to scroll it) and your input"
        ),
    ]
    AUTO_FOCUS = "#chat-input"

    def __init__(self, consultation: Consultation, replies: ReplySource, clock: Callable[[], float], already: float = 0.0) -> None:
        super().__init__(id="consultation")
        self.consultation, self.replies = consultation, replies
        self.clock, self.already = clock, already
        self.answering = False

    @property
    def confirm_quit(self) -> bool:
        """Quitting asks first while the consultation is still going."""
        return not self.consultation.ended

    @property
    def first_name(self) -> str:
        return self.consultation.scenario.patient.name.split()[0]

    def compose(self) -> ComposeResult:
        scenario = self.consultation.scenario
        with Horizontal(id="consultation-bar", classes="screen-title"):
            yield Static(f"{scenario.patient.name}: {scenario.title}", id="consultation-title", markup=False)
            yield Static(voice_label(self.consultation.session.engine, short=True), id="voice", markup=False)
            yield ElapsedClock(scenario.duration_minutes, self.clock, self.already, id="clock")
        yield Transcript(scenario.patient.name, self.consultation.session.turns, id="transcript")
        yield Static(self._status_text(), id="status")
        yield ChatInput(id="chat-input")
        yield KeyFooter()

    def on_mount(self) -> None:
        self._draft_timer, self._draft_text, self._draft_warned = None, "", False
        draft = self.consultation.draft
        if draft:  # words typed and not sent when the consultation was left (even by a killed terminal)
            entry = self.query_one(ChatInput)
            entry.load_text(draft)
            entry.move_cursor(entry.document.end)
            self.notify("What you had typed and not sent is back in the box.", title="Resumed", timeout=6)
        self.query_one(Transcript).scroll_end(animate=False)
        self.query_one("#voice").tooltip = f"The patient is voiced by the {voice_label(self.consultation.session.engine)}."
        if self.consultation.ended:
            self._lock_ended()

    def _status_text(self) -> str:
        if self.consultation.session.turns:
            return "Enter sends · ctrl+j new line · ctrl+e ends the consultation"
        return f"{self.first_name} has just sat down. Greet {object_pronoun(self.consultation.scenario.patient.pronouns)} to begin."

    @on(ChatInput.Changed)
    def _typed(self, event: ChatInput.Changed) -> None:
        """Keep unsent words a moment after typing pauses (a killed terminal loses at most that moment)."""
        self._draft_text = event.text_area.text
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_PAUSE, self._keep_draft)

    def _keep_draft(self) -> None:
        self._draft_timer = None
        try:
            self.consultation.keep_draft(self._draft_text)
        except ConsultsimError as error:  # a full disk must not stop the consultation; say so once
            if not self._draft_warned:
                self._draft_warned = True
                self.notify(str(error), title="Unsent words not kept", severity="warning", timeout=10)

    def on_unmount(self) -> None:
        if self._draft_timer is not None:  # leaving with a pause pending: keep the words now
            self._draft_timer.stop()
            self._keep_draft()

    @on(ChatInput.Submitted)
    def _submitted(self, event: ChatInput.Submitted) -> None:
        if self.consultation.ended or self.answering:
            self.app.bell()
            return
        self.answering = True
        event.input.waiting = True
        event.input.clear()
        self.send(event.text)

    @work(group="reply")
    async def send(self, text: str) -> None:
        """Show the clinician's line, stream the patient's reply in; on failure give the words back."""
        transcript, entry = self.query_one(Transcript), self.query_one(ChatInput)
        status = self.query_one("#status", Static)
        turns_before = len(self.consultation.session.turns)
        mine = await transcript.add_clinician(text)
        reply = await transcript.start_reply()
        status.update(f"{self.first_name} is answering…")
        try:
            async for chunk in self.replies.stream(self.consultation, text):
                transcript.grow(reply, chunk.text, chunk.restart)
        except Exception as error:  # any engine failure: tell the clinician, keep their words
            if len(self.consultation.session.turns) > turns_before:  # the turn itself was recorded
                self._settle(mine, reply)
            else:
                await mine.remove()
                await reply.remove()
                entry.give_back(text)
            status.update("The patient could not answer. Your words are back in the box: press Enter to try again.")
            self.notify(f"{type(error).__name__}: {error}", title="No reply", severity="error", timeout=10)
        else:
            self._settle(mine, reply)
            notes = self.consultation.notes_for(self.consultation.session.turns[-1])
            status.update(f"Note: {notes[0]}" if notes else self._status_text())
            for note in notes:  # e.g. the model failed and the scripted patient answered: say so plainly
                self.notify(note, title="About this reply", severity="warning", timeout=10)
        finally:
            self.answering = False
            entry.waiting = False
        if self.consultation.ended:
            self._lock_ended()

    def _settle(self, mine: TurnView, reply: TurnView) -> None:
        turns = self.consultation.session.turns
        if len(turns) >= 2:
            mine.remove_class("-pending")
            mine.settle(turns[-2])
            reply.settle(turns[-1])

    def _lock_ended(self) -> None:
        """The patient has said goodbye (or the session was already ended): no more input."""
        self.query_one(ElapsedClock).stop()
        entry = self.query_one(ChatInput)
        entry.read_only = True
        self.query_one("#status", Static).update("The consultation has ended. Press ctrl+e for your feedback.")

    def action_end(self) -> None:
        if self.answering:
            self.notify("The patient is still answering.", severity="warning")
            return
        if self.consultation.ended:
            self.app.show_feedback(self.consultation.session, self.consultation.scenario)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.consultation.end()
                self.query_one(ElapsedClock).stop()
                self.app.show_feedback(self.consultation.session, self.consultation.scenario)

        turns = len(self.consultation.session.clinician_turns)
        self.app.push_screen(
            ConfirmScreen("End the consultation and see your feedback?", f"{turns} turn{'s' * (turns != 1)} so far. An ended consultation cannot be resumed."),
            answered,
        )

    def action_briefing(self) -> None:
        self.app.push_screen(BriefingModal(self.consultation.scenario))

    def action_toggle_focus(self) -> None:
        entry = self.query_one(ChatInput)
        (self.query_one(Transcript) if entry.has_focus else entry).focus()

