"""Lists whose Enter key is named in the footer (and so in the command palette).

Enter is bound on the focused list itself, not as a screen-wide priority key: keys are then handled in
the order they were typed (a priority binding would run before the keys still queued for the list).
These are the picker's; the feedback's lists and the history's table follow the same pattern in their
screens' modules, so that they are defined (and DataTable imported) only when those screens first open.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import Input, OptionList


class FilterInput(Input):
    BINDINGS = [Binding("enter", "submit", "Briefing", id="picker.choose", tooltip="Read the briefing of the highlighted scenario")]


class ScenarioList(OptionList):
    BINDINGS = [Binding("enter", "select", "Briefing", id="picker.list.choose", tooltip="Read the briefing of this scenario")]
