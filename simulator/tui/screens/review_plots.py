"""The review screen's plots of the shown sessions, drawn with block characters (no plotting library): the
text counterparts of the HTML export's heat-map of hidden facts found and scores over time (review/svg.py).

`facts_map` draws, for one scenario, a line per learner and a column per hidden fact, each cell shaded by the
share of that learner's sessions that brought the fact out. `learner_trend` draws a line per learner: a
sparkline of each session's mean Kalamazoo score, oldest first, the first and last mean and the number of
sessions. Both fit the width they are given; PlotView scrolls what does not fit the height (or a width too
narrow for every column). Headless functions, a widget to show them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from textual.content import Content
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.visual import Visual

from simulator.review.cohort import CohortRow

SHADES = " ░▒▓█"  # found in no session, fewer than 25%, 50%, 75%, at least 75% of them
SPARKS = "▁▂▃▄▅▆▇█"  # a mean Kalamazoo score of 1 .. 5
UNSCORED = "·"  # a session with too little to score any task
FACTS_LEGEND = "░ <25%  ▒ <50%  ▓ <75%  █ ≥75% of their sessions found it · blank: none"
TREND_LEGEND = "▁ 1 … █ 5: mean score per session, oldest first{unscored} · first → last mean"


def shade(share: float) -> str:
    """The shade of a share (0..1) of sessions: blank for none, then by quarters."""
    if share <= 0:
        return SHADES[0]
    return SHADES[min(4, 1 + int(share * 4))]


def spark(mean: float | None) -> str:
    if mean is None:
        return UNSCORED
    return SPARKS[max(0, min(7, round((mean - 1) / 4 * 7)))]


def abbreviate(name: str, width: int) -> str:
    """A fact id in `width` cells: as it is (underscores as spaces) if it fits, else each word cut short, the
    longest first, and run together with capitals (skips_evening_metformin, 9: skiEveMet)."""
    spaced = name.replace("_", " ")
    if len(spaced) <= width:
        return spaced
    words = [w for w in name.split("_") if w] or [name]
    lengths = [len(w) for w in words]
    while sum(lengths) > width and max(lengths) > 1:
        longest = max(lengths)
        at = len(lengths) - 1 - lengths[::-1].index(longest)  # the last of the longest: first words keep more
        lengths[at] -= 1
    short = "".join((w[:n] if i == 0 else w[:n].capitalize()) for i, (w, n) in enumerate(zip(words, lengths, strict=True)))
    return short[:width]


def clip(text: str, width: int) -> str:
    return text if cell_len(text) <= width else text[: max(0, width - 1)] + "…"


def by_learner(rows: Sequence[CohortRow]) -> dict[str, list[CohortRow]]:
    """Each learner's rows, oldest first; learners in name order."""
    learners: dict[str, list[CohortRow]] = {}
    for row in sorted(rows, key=lambda r: (r.created, r.session_id)):
        learners.setdefault(row.learner_name, []).append(row)
    return dict(sorted(learners.items(), key=lambda item: item[0].casefold()))


Piece = tuple[str, str] | str  # text, or (text, style)


@dataclass(frozen=True)
class Drawn:
    title: str  # the plot's border title (the same at any width)
    lines: list[Content]
    top: int = 0  # lines of heading, which stay in view when the rest scrolls
    bottom: int = 0  # and of legend

    @property
    def width(self) -> int:
        return max((line.cell_length for line in self.lines), default=0)


def line(*pieces: Piece) -> Content:
    return Content.assemble(*pieces)


def facts_map(rows: Sequence[CohortRow], scenario: str | None, width: int) -> Drawn:
    """The hidden facts of `scenario` that each learner brought out, in the shown `rows` of it."""
    if scenario is None:
        return Drawn("Hidden facts found", [Content("No session is shown: nothing to draw.")])
    played = [row for row in rows if row.scenario_id == scenario]
    facts = list(dict.fromkeys(fact for row in played for fact in row.facts_hidden))
    learners = by_learner(played)
    title = f"Hidden facts found · {scenario} · {len(played)} session{'s' * (len(played) != 1)} shown"
    if not facts:
        return Drawn(title, [Content(f"The scenario {scenario} has no hidden facts.")])
    named = max(7, min(20, max(cell_len(name) for name in learners)))
    lead = named + 5  # the name, a space, the count in 3, a space
    cell = max(3, min(14, (width - lead) // len(facts)))
    header: list[Piece] = [(f"{'Learner':<{named}}   n ", "bold")]
    header += [(f"{abbreviate(fact, cell - 1):<{cell}}", "bold") for fact in facts]
    lines = [line(*header)]
    for learner, theirs in learners.items():
        cells: list[Piece] = [f"{clip(learner, named):<{named}} {len(theirs):>3} "]
        for fact in facts:
            found = sum(fact in row.facts_found for row in theirs)
            cells.append((shade(found / len(theirs)) * (cell - 1) + " ", "$success"))
        lines.append(line(*cells))
    lines.append(line((clip(FACTS_LEGEND, max(width, lead + cell * len(facts))), "$text-muted")))
    return Drawn(title, lines, top=1, bottom=1)


def sparkline(means: Sequence[float | None], width: int) -> str:
    """A character per session, or per run of sessions (their average) when there are more than `width`."""
    if len(means) <= width:
        return "".join(spark(mean) for mean in means)
    drawn = []
    for k in range(width):
        run = [m for m in means[k * len(means) // width : (k + 1) * len(means) // width] if m is not None]
        drawn.append(spark(sum(run) / len(run) if run else None))
    return "".join(drawn)


def learner_trend(rows: Sequence[CohortRow], width: int) -> Drawn:
    """Each learner's mean Kalamazoo score, session by session, in the shown `rows`."""
    learners = by_learner(rows)
    title = f"Kalamazoo mean over time · {len(learners)} learner{'s' * (len(learners) != 1)}, {len(rows)} session{'s' * (len(rows) != 1)} shown"
    if not learners:
        return Drawn(title, [Content("No session is shown: nothing to draw.")])
    named = max(7, min(20, max(cell_len(name) for name in learners)))
    most = max(len(theirs) for theirs in learners.values())
    counted = len(str(most))
    tail = len("  5.0 → 5.0  n ") + counted
    room = max(8, min(most, width - named - 1 - tail))
    lines = []
    for learner, theirs in learners.items():
        means = [row.kalamazoo_mean for row in theirs]
        scored = [m for m in means if m is not None]
        ends = f"{scored[0]:.1f} → {scored[-1]:.1f}" if scored else "  – → –  "
        lines.append(line(
            (f"{clip(learner, named):<{named}} ", "bold"),
            (f"{sparkline(means, room):<{room}}", "$success"),
            f"  {ends}  n {len(theirs):>{counted}}",
        ))
    unscored = f" ({UNSCORED} none)" if any(row.kalamazoo_mean is None for row in rows) else ""
    lines.append(line((clip(TREND_LEGEND.format(unscored=unscored), max(width, named + 1 + room + tail)), "$text-muted")))
    return Drawn(title, lines, bottom=1)


class PlotView(ScrollView, can_focus=True):
    """A plot in a box below the table, drawn for its width. Where it is taller than the box (at most half the
    screen, review.tcss) the lines between its header and its legend scroll, those two staying in view: Tab
    to it, then the arrow keys, or the mouse wheel. Wider (too many facts for the width), it scrolls sideways."""

    DEFAULT_CSS = """
    PlotView {
        width: 1fr;
        height: auto;
    }
    """

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id, classes="plot")
        self.draw: Callable[[int], Drawn] | None = None
        self.drawn = Drawn("", [])
        self.drawn_for = 0  # the width it was drawn for
        self.strips: list[Strip] = []

    def show(self, draw: Callable[[int], Drawn]) -> None:
        """Draw (for the width inside the box, or as it would be if the box is hidden) and show."""
        self.draw = draw
        self._redraw()

    def _width(self) -> int:
        inside = self.size.width if self.size.width else self.app.size.width - 4  # the border and padding
        return max(1, inside - 1)  # a cell for the scrollbar, when there is one

    def _redraw(self) -> None:
        if self.draw is None:
            return
        self.drawn_for = self._width()
        self.drawn = self.draw(self.drawn_for)
        lines = self.drawn.lines
        self.strips = Visual.to_strips(self, Content("\n").join(lines), self.drawn.width, len(lines), self.visual_style) if lines else []
        self.border_title = self.drawn.title
        self.virtual_size = Size(self.drawn.width, len(lines))
        self.refresh(layout=True)

    def on_resize(self) -> None:
        if self.draw is not None and self._width() != self.drawn_for:
            self._redraw()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if self.draw is not None and self.strips:  # the theme's colours
            self._redraw()

    def render_line(self, y: int) -> Strip:
        region = self.scrollable_content_region
        lines, top, bottom = len(self.strips), self.drawn.top, self.drawn.bottom
        if y < top:
            index = y
        elif y >= region.height - bottom:
            index = lines - (region.height - y)
        else:
            index = y + round(self.scroll_y)
            if index >= lines - bottom:
                index = -1
        if not 0 <= index < lines:
            return Strip.blank(region.width, self.rich_style)
        scroll_x = round(self.scroll_x)
        return self.strips[index].crop_extend(scroll_x, scroll_x + region.width, self.rich_style)

    @property
    def text(self) -> str:
        """What it shows, all of it, as plain text (tests)."""
        return "\n".join(line.plain for line in self.drawn.lines)
