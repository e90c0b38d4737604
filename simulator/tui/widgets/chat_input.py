"""The clinician's input: several lines if wanted; Enter sends, ctrl+j (or shift+enter) starts a new line."""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import TextArea


class ChatInput(TextArea):
    # Not priority bindings: _on_key handles these keys in the order they were typed (see widgets/lists.py).
    BINDINGS = [
        Binding("enter", "send", "Send", id="input.send", tooltip="Send what you typed to the patient"),
        Binding("ctrl+j,shift+enter", "newline", "New line", key_display="ctrl+j", id="input.newline"),
    ]

    @dataclass
    class Submitted(Message):
        input: ChatInput
        text: str

    waiting: reactive[bool] = reactive(False)
    """The patient is answering: the clinician may type on, but not send."""

    def __init__(self, **kwargs) -> None:
        super().__init__(soft_wrap=True, show_line_numbers=False, tab_behavior="focus", **kwargs)

    def watch_waiting(self, waiting: bool) -> None:
        self.set_class(waiting, "-waiting")

    async def _on_key(self, event: events.Key) -> None:
        if event.key in ("enter", "ctrl+j", "shift+enter"):
            event.stop()
            event.prevent_default()
            self.action_send() if event.key == "enter" else self.action_newline()
            return
        await super()._on_key(event)

    def action_send(self) -> None:
        text = self.text.strip()
        if self.waiting or self.read_only:
            self.app.bell()  # the patient is still answering; what was typed stays
        elif text:
            self.post_message(self.Submitted(self, text))

    def action_newline(self) -> None:
        self.insert("\n")

    def give_back(self, text: str) -> None:
        """A reply failed: put the clinician's words back, before anything typed since."""
        typed = self.text.strip()
        self.load_text(f"{text}\n{typed}" if typed else text)
        self.move_cursor(self.document.end)
