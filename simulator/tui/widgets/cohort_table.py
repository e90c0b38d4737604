"""The review's table: one row per session, listed again in one batch on every sort or filter keystroke.

With a thousand sessions, DataTable's own clear() and add_row() took 65 ms per keystroke and every cell on
screen was drawn again through Rich. CohortTable.relist swaps the rows in at once, and _render_cell reuses
how a cell showing the same thing was drawn. Both reach into DataTable's internals (its private row and cell
stores), which is why pyproject.toml keeps Textual below 9; the review's snapshot tests and its sort-then-click
test (tests/tui/test_review_screen.py) fail if a release changes them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from rich.padding import Padding
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual._two_way_dict import TwoWayDict
from textual._types import SegmentLines
from textual.binding import Binding
from textual.cache import LRUCache
from textual.renderables.styled import Styled
from textual.widgets._data_table import default_cell_formatter
from textual.widgets.data_table import ColumnKey, Row, RowKey

from simulator.tui.screens.history import SessionTable


class CohortTable(SessionTable):
    """Enter opens the session, named in the footer; every column has a fixed width, so rows are listed
    without measuring every cell (see SessionTable)."""

    BINDINGS = [Binding("enter", "select_cursor", "Open", id="review.open", tooltip="Read this session's feedback and transcript")]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._looks: LRUCache[tuple[object, ...], SegmentLines] = LRUCache(4096)  # what a cell shows, and how -> its lines
        self._kept: dict[str, tuple[Sequence[str | Text], RowKey, dict[ColumnKey, str | Text], Row]] = {}  # key -> cells, and as listed

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._looks.clear()

    def relist(self, rows: Iterable[tuple[str, Sequence[str | Text]]]) -> None:
        """List these rows (key, cells), in this order, in place of those listed, each one line high.

        As clear() and add_row() for each, less their cost on every sort or filter keystroke of a thousand
        sessions: add_row sets the cursor again and asks for an idle pass, row by row (65 ms in all); clear()
        scrolls to the top, drawn once before the cursor's row is scrolled back into view. Here a row's key,
        cells by column and metadata are made once (again if its cells change), the scroll stays where it
        is, and the size is known at once."""
        columns = [column.key for column in self.ordered_columns]
        data: dict[RowKey, dict[ColumnKey, str | Text]] = {}
        listed: dict[RowKey, Row] = {}
        for key, cells in rows:
            kept = self._kept.get(key)
            if kept is None or kept[0] is not cells:
                row_key = RowKey(key)
                kept = self._kept[key] = (cells, row_key, dict(zip(columns, cells, strict=True)), Row(row_key, 1))
            data[kept[1]], listed[kept[1]] = kept[2], kept[3]
        self._clear_caches()
        self._data.clear()
        self._data.update(data)
        self.rows.clear()
        self.rows.update(listed)
        self._row_locations = TwoWayDict({key: index for index, key in enumerate(listed)})
        self._update_count += 1
        self._new_rows.clear()
        self._require_update_dimensions = False
        self._update_dimensions(listed)
        self.scroll_target_y = self.scroll_y = min(self.scroll_y, self.max_scroll_y)
        self.cursor_coordinate = self.cursor_coordinate  # within the rows, as add_row keeps it
        self.refresh()

    def _render_cell(self, row_index: int, column_index: int, base_style: Style, width: int, cursor: bool = False, hover: bool = False) -> SegmentLines:
        """DataTable's, with the look of a listed cell kept by what it shows rather than by where it is.

        DataTable keeps a cell's lines by row, column and table version, so after a sort or a filter every cell
        on screen is drawn again through Rich (a quarter of a millisecond each, 600 cells at 120x40). Most
        cells show what another showed (a score, a learner, a scenario): those are drawn once, and only the
        row and column that a click reads are added to each."""
        if row_index < 0 or column_index < 0:  # the header
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        row_key = self._row_locations.get_key(row_index)
        column_key = self._column_locations.get_key(column_index)
        key = (row_key, column_key, base_style, cursor, hover, self._show_hover_cursor, self._update_count, self._pseudo_class_state)
        lines = self._cell_render_cache.get(key)
        if lines is not None:
            return lines
        cell = self._data[row_key][column_key]
        if isinstance(cell, str):
            shows: object = cell
        elif isinstance(cell, Text):
            shows = (cell.plain, tuple(cell.spans), cell.style, cell.justify, cell.overflow, cell.no_wrap, cell.end)
        else:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        fixed = row_index < self.fixed_rows or column_index < self.fixed_columns
        style, post_style = self._get_styles_to_render_cell(
            False, False, fixed, hover, cursor, self.show_cursor, self._show_hover_cursor,
            self.cursor_foreground_priority == "css", self.cursor_background_priority == "css",
        )
        look = (shows, width, base_style + style, post_style, self.cell_padding)
        drawn = self._looks.get(look)
        if drawn is None:
            options = self.app.console_options.update_dimensions(width, 1).update(no_wrap=True)
            renderable = Padding(default_cell_formatter(cell, wrap=False, height=1), (0, self.cell_padding))
            drawn = self.app.console.render_lines(Styled(renderable, pre_style=base_style + style, post_style=post_style), options)
            self._looks[look] = drawn
        where = Style.from_meta({"row": row_index, "column": column_index})
        lines = [list(Segment.apply_style(line, where)) for line in drawn]
        self._cell_render_cache[key] = lines
        return lines
