"""Lists whose Enter key is named in the footer (and so in the command palette).

Enter is bound on the focused list itself, not as a screen-wide priority key: keys are then handled in
the order they were typed (a priority binding would run before the keys still queued for the list).
The history's table, the one list of this kind that is not an option list, lives with its screen
(screens/history.py): DataTable is imported only when the history is opened.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import Input, OptionList


class FilterInput(Input):
    BINDINGS = [Binding("enter", "submit", "Briefing", id="picker.choose", tooltip="Read the briefing of the highlighted scenario")]


class ScenarioList(OptionList):
    BINDINGS = [Binding("enter", "select", "Briefing", id="picker.list.choose", tooltip="Read the briefing of this scenario")]


class ItemList(OptionList):
    BINDINGS = [Binding("enter", "select", "Evidence", id="feedback.items.open", tooltip="Open the evidence for this item")]


class EvidenceList(OptionList):
    BINDINGS = [Binding("enter", "select", "Go to turn", id="feedback.evidence.go", tooltip="Show this turn in the transcript")]
