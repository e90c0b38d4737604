"""The key bar at the bottom of every screen: one widget drawing the line Textual's Footer draws.

Textual's Footer is a scrolling container with a widget per key, composed empty and composed again once
the screen's bindings are known: half a dozen widgets and an extra layout pass before a screen is
complete, a good part of the time the scenario picker took to come up (benchmarks/bench_tui.py). This
draws the same keys with the same colours and spacing (the snapshots are unchanged) from the screen's
active bindings when it is painted; a change of bindings only repaints it. As in Footer: one key per
action, the command palette key on the right, disabled keys dimmed, a key runs when clicked, shows its
tooltip and lights up under the mouse. (Not kept: Footer's compact style and binding groups, which the
app does not use, and scrolling a footer wider than the terminal: the keys are cut short instead.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from rich.cells import cell_len
from textual import events
from textual.content import Content
from textual.widget import Widget

if TYPE_CHECKING:
    from textual.binding import Binding
    from textual.screen import Screen


class _Key(NamedTuple):
    key: str  # what simulate_key presses
    display: str
    description: str
    enabled: bool
    tooltip: str


class KeyFooter(Widget, can_focus=False, can_focus_children=False):
    ALLOW_SELECT = False
    # The colours of Footer and FooterKey (textual/widgets/_footer.py): the bar's in CSS, the keys' as styles of
    # the line it draws, with the same theme variables (no component classes: each costs a styling pass).
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        text-wrap: nowrap;
    }
    """
    KEY = "bold $footer-key-foreground on $footer-key-background"
    DESCRIPTION = "$footer-description-foreground on $footer-description-background"
    DIVIDER = "$foreground 20%"
    HOVER = "on $block-hover-background"
    DISABLED = "dim"

    def __init__(self, *, id: str | None = None, classes: str | None = None, show_command_palette: bool = True) -> None:
        super().__init__(id=id, classes=classes)
        self.show_command_palette = show_command_palette
        self._keys: tuple[list[_Key], _Key | None] | None = None  # the keys, and the palette's; None: read them when painting
        self._spans: list[tuple[int, int, _Key]] = []  # cells each key takes, as last painted
        self._hover: str | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        if not screen.app.app_focus:  # as Footer: keep the keys while the terminal is out of focus
            return
        if self._keys is None:  # not painted yet: it reads the keys when it is
            return
        keys = self._read_keys()
        if keys != self._keys:  # often the same keys (focus moved within the screen): nothing to repaint
            self._keys = keys
            self.refresh()

    def _read_keys(self) -> tuple[list[_Key], _Key | None]:
        """The keys Footer would show: the first binding of each action shown, and the palette's binding."""
        app = self.app
        active = self.screen.active_bindings
        keys: dict[str, _Key] = {}
        for _node, binding, enabled, tooltip in active.values():
            if binding.show and binding.action not in keys:
                keys[binding.action] = self._key(binding, enabled, tooltip)
        palette = None
        if self.show_command_palette and app.ENABLE_COMMAND_PALETTE and app.COMMAND_PALETTE_BINDING in active:
            _node, binding, enabled, _tooltip = active[app.COMMAND_PALETTE_BINDING]
            palette = self._key(binding, enabled, binding.tooltip or binding.description)
        return list(keys.values()), palette

    def _key(self, binding: Binding, enabled: bool, tooltip: str) -> _Key:
        return _Key(binding.key, self.app.get_key_display(binding), binding.description, enabled, tooltip)

    def render(self) -> Content:
        if self._keys is None:
            self._keys = self._read_keys()
        keys, palette = self._keys
        key_style, description_style = self.KEY, self.DESCRIPTION
        pieces: list[tuple[str, str] | str] = []
        width = 0
        spans: list[tuple[int, int, _Key]] = []

        def add(key: _Key, parts: list[tuple[str, str]]) -> None:
            nonlocal width
            start = width
            for part, style in parts:
                if not key.enabled:
                    style = f"{self.DISABLED} {style}"
                if key.key == self._hover:
                    style = f"{style} {self.HOVER}"
                pieces.append((part, style))
                width += cell_len(part)
            spans.append((start, width, key))

        for key in keys:  # FooterKey: the key padded by a cell each side, then the description and a cell
            parts = [(f" {key.display} ", key_style)]
            if key.description:
                parts.append((f"{key.description} ", description_style))
            add(key, parts)
        text = Content.assemble(*pieces)
        if palette is not None:  # docked right, in compact style, after a divider; covers the keys if they are too many
            room = self.size.width - (1 + cell_len(palette.display) + 1 + cell_len(palette.description) + 1)
            text = text.truncate(max(room, 0))
            spans = [span for span in spans if span[1] <= room]
            pieces = [text, " " * max(room - text.cell_length, 0), ("▏", self.DIVIDER)]
            width = max(room, 0) + 1
            add(palette, [(palette.display, key_style), (f" {palette.description}", description_style)])
            pieces.append(" ")
            text = Content.assemble(*pieces)
        self._spans = spans
        return text

    def _key_at(self, x: int) -> _Key | None:
        return next((key for start, end, key in self._spans if start <= x < end), None)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        key = self._key_at(event.x)
        name = key.key if key else None
        if name != self._hover:
            self._hover = name
            self.tooltip = (key.tooltip or None) if key else None
            self.refresh()

    def on_leave(self, event: events.Leave) -> None:
        if self._hover is not None:
            self._hover = None
            self.tooltip = None
            self.refresh()

    def on_mouse_down(self, event: events.MouseDown) -> None:
        key = self._key_at(event.x)
        if key is None:
            return
        if key.enabled:
            self.app.simulate_key(key.key)
        else:
            self.app.bell()
