"""The history screen with a folder of saved sessions: time from starting consultsim to the list on screen,
scrolled to its last row; then cursor moves while scores fill in, and the time until every row has one.
Used by benchmarks/bench_grade_folder.py (which writes the sessions), run as a pseudo-terminal app the way
benchmarks/bench_tui.py runs it.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from pathlib import Path

from pty_launch import launched  # run from benchmarks/, as the benchmarks import each other

Place = Callable[[str, Path], tuple[dict[str, str], Path]]  # (tree name, tree) -> (environment, data folder)

HISTORY = """
import os, sys, time
MARK = {fd}
def mark(name, value=""):
    os.write(MARK, f"{{name}} {{time.perf_counter()}} {{value}}\\n".encode())

import simulator.tui.app as tui_app
ROWS = {rows}
DEADLINE = [None]
moves = []

def history_listed(app):
    screen = app.screen
    if type(screen).__name__ != "HistoryScreen":
        return False
    table = screen.query_one("#sessions")
    return table.row_count == ROWS

def scored(app):
    from textual.coordinate import Coordinate
    table = app.screen.query_one("#sessions")
    return sum(1 for row in range(table.row_count) if str(table.get_cell_at(Coordinate(row, 4))) != "…")

def step(app, stage):
    if stage == "opening":
        if not history_listed(app):
            app.call_after_refresh(step, app, "opening")
            return
        app.screen.query_one("#sessions").move_cursor(row=ROWS - 1)
        app.call_after_refresh(step, app, "at-end")
    elif stage == "at-end":
        mark("listed")
        DEADLINE[0] = time.perf_counter() + {scores_timeout}
        move(app, 0)
    elif stage == "scoring":
        done = scored(app)
        if done == ROWS or time.perf_counter() > DEADLINE[0]:
            mark("scored", done)
            app.exit()
            return
        app.set_timer(0.05, lambda: step(app, "scoring"))

def move(app, count):
    # cursor moves while the scores are filled in: how long each takes to be drawn
    if count == {moves}:
        mark("moves", ",".join(f"{{m:.4f}}" for m in moves))
        step(app, "scoring")
        return
    table = app.screen.query_one("#sessions")
    started = time.perf_counter()
    def drawn():
        moves.append(time.perf_counter() - started)
        app.set_timer(0.02, lambda: move(app, count + 1))
    table.move_cursor(row=max(0, table.cursor_row - 1))
    app.call_after_refresh(drawn)

def ready(app):
    mark("picker")
    app.action_history()
    app.call_after_refresh(step, app, "opening")

make_app = tui_app.make_app
tui_app.make_app = lambda **kwargs: make_app(ready=ready, **kwargs)
from simulator.cli import main
raise SystemExit(main([]))
"""


def launch_marked(code: str, env: dict[str, str], cwd: Path, timeout: float) -> dict[str, tuple[float, str]]:
    """Spawn `python -c code` in an 80x24 pseudo-terminal (pty_launch.py); the seconds from spawning to each
    mark the child writes on its pipe, and its value."""
    marks: dict[str, tuple[float, str]] = {}
    with launched(code, env, cwd) as run:
        for raw in run.signal:
            name, stamp, value = (raw.decode().rstrip("\n").split(" ", 2) + [""])[:3]
            marks[name] = (float(stamp) - run.start, value)
        run.child.wait(timeout=timeout)
    if run.child.returncode != 0 or "scored" not in marks:
        raise RuntimeError(f"the app did not run cleanly (exit {run.child.returncode}, marks {sorted(marks)})")
    return marks


def time_history(code: dict[str, Path], rows: int, repeat: dict[str, int], scores_timeout: float, place: Place) -> dict[str, dict]:
    script = HISTORY.format(rows=rows, scores_timeout=scores_timeout, moves=10, fd="{fd}")
    runs: dict[str, list[dict]] = {name: [] for name in code}
    first: dict[str, dict] = {}
    for run in range(max(repeat.values()) + 1):  # the first warms the file cache, the bytecode and the caches
        for name, tree in code.items():
            if run <= repeat[name]:
                env, home = place(name, tree)
                marks = launch_marked(script, env, home, timeout=scores_timeout + 120)
                if run:
                    runs[name].append(marks)
                else:
                    first[name] = marks
    figures = {}
    for name in code:
        done = runs[name]
        figures[name] = {
            "sessions": rows,
            "picker_s": round(statistics.median(m["picker"][0] for m in done), 3),
            "listed_s": round(statistics.median(m["listed"][0] for m in done), 3),
            "cursor_move_ms": round(1000 * statistics.median(float(v) for m in done for v in m["moves"][1].split(",")), 1),
            "scored_s": round(statistics.median(m["scored"][0] for m in done), 2),
            "scored_rows": min(int(m["scored"][1]) for m in done),
            "scores_timeout_s": scores_timeout,
            "runs": repeat[name],
            # the first opening of all (nothing cached by the app yet)
            "first_listed_s": round(first[name]["listed"][0], 3),
            "first_scored_s": round(first[name]["scored"][0], 2),
            "first_scored_rows": int(first[name]["scored"][1]),
        }
    return figures


