"""The transcript: clinician and patient turns told apart by label, colour and side; a reply can grow as it streams."""

from __future__ import annotations

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from simulator.session import Turn

CLINICIAN = "Clinician"


class TurnView(Static):
    """One turn: a label line ("Clinician" or "Patient: Gary") and the words."""

    def __init__(self, speaker: str, label: str, text: str = "", index: int | None = None) -> None:
        super().__init__(id=f"turn-{index}" if index is not None else None, classes=f"turn {speaker}")
        self.speaker, self.label, self.index = speaker, label, index
        self.words = text
        self.update(self.render_text())

    def render_text(self) -> Text:
        number = f"  #{self.index}" if self.index is not None else ""
        text = Text(f"{self.label}{number}\n", style="bold")
        text.append(self.words or "…")
        return text

    def append(self, chunk: str, restart: bool = False) -> None:
        """Add to the words; `restart` replaces them (the reply shown so far was withdrawn)."""
        self.words = chunk if restart else self.words + chunk
        self.update(self.render_text())

    def settle(self, turn: Turn) -> None:
        """The streamed reply is complete: show the recorded text and take the turn's id."""
        self.words, self.index = turn.text, turn.index
        self.id = f"turn-{turn.index}"
        self.remove_class("-streaming")
        self.update(self.render_text())


class Transcript(VerticalScroll):
    """Every turn of a session; `highlight(index)` scrolls a turn into view and marks it."""

    can_focus = True

    def __init__(self, patient_name: str, turns: list[Turn] | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.patient_label = f"Patient: {patient_name}"
        self._initial = list(turns or [])
        self.highlighted: int | None = None

    def compose(self):
        for turn in self._initial:
            yield self._view(turn)

    def set_patient_name(self, name: str) -> None:
        self.patient_label = f"Patient: {name}"
        for view in self.query(TurnView):
            if view.speaker == "patient":
                view.label = self.patient_label
                view.update(view.render_text())

    def _view(self, turn: Turn) -> TurnView:
        label = CLINICIAN if turn.speaker == "clinician" else self.patient_label
        return TurnView(turn.speaker, label, turn.text, turn.index)

    def _near_bottom(self) -> bool:
        return self.scroll_y >= self.max_scroll_y - 2

    async def add_clinician(self, text: str) -> TurnView:
        """The clinician's line, shown at once while the reply is on its way (numbered once recorded)."""
        view = TurnView("clinician", CLINICIAN, text)
        view.add_class("-pending")
        await self.mount(view)
        self.scroll_end(animate=False)
        return view

    async def start_reply(self) -> TurnView:
        view = TurnView("patient", self.patient_label)
        view.add_class("-streaming")
        await self.mount(view)
        self.scroll_end(animate=False)
        return view

    def grow(self, view: TurnView, chunk: str, restart: bool = False) -> None:
        follow = self._near_bottom()
        view.append(chunk, restart)
        if follow:  # only follow the reply if the reader has not scrolled back up
            self.call_after_refresh(self.scroll_end, animate=False)

    def highlight(self, index: int) -> bool:
        """Scroll to turn `index` and mark it; False if there is no such turn."""
        found = self.query(f"#turn-{index}")
        if not found:
            return False
        for view in self.query(".-highlight"):
            view.remove_class("-highlight")
        target = found.first()
        target.add_class("-highlight")
        self.highlighted = index
        self.call_after_refresh(self.scroll_to_center, target, animate=False)
        return True
