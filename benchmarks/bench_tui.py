"""Terminal UI: time from launch to the interactive scenario picker, against a minimal Textual app started
the same way in the same run, and peak memory (RSS) through a 40-turn consultation.

Run: python benchmarks/bench_tui.py [--repeat N] [--json]

Both apps start as `python -c ...` in a pseudo-terminal of 80x24, consultsim through `simulator.cli.main([])`
exactly as the console script does; each reports on a pipe once its first screen is up and interactive (for
consultsim: the picker on screen with every scenario listed), then exits. Runs alternate, medians are compared.
Target (issue 4): at most 1.3x the minimal app.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pty_launch import launched  # run from benchmarks/, as the benchmarks import each other

REPO = Path(__file__).resolve().parent.parent
TARGET_RATIO = 1.3

READY = """
import os
def ready(app, check=None):
    if check is not None and not check(app):
        app.call_after_refresh(ready, app, check)
        return
    os.write({fd}, b"ready\\n")
    app.exit()
"""

MINIMAL = READY + """
from textual.app import App
from textual.widgets import Static
class Minimal(App):
    def compose(self):
        yield Static("ready")
    def on_mount(self):
        self.call_after_refresh(ready, self)
Minimal().run()
"""

CONSULTSIM = READY + """
import simulator.tui.app as tui_app
def picker_ready(app):
    screen = app.screen
    return type(screen).__name__ == "PickerScreen" and screen.query_one("#scenario-list").option_count > 0
make_app = tui_app.make_app
tui_app.make_app = lambda **kwargs: make_app(ready=lambda app: ready(app, picker_ready), **kwargs)
from simulator.cli import main
raise SystemExit(main([]))
"""

# The same launch without importing simulator.cli: what `consultsim` would cost if the subcommand modules
# imported their engines inside their handlers (grade, play) instead of at the top.
CONSULTSIM_LAZY_CLI = CONSULTSIM.replace(
    "from simulator.cli import main\nraise SystemExit(main([]))",
    "import argparse\nfrom simulator.commands.practise import launch\nfrom simulator.workspace import Workspace\n"
    "raise SystemExit(launch(argparse.Namespace(dir=[], seed=0, plain=False), Workspace()))",
)


def launch(code: str, home: str) -> tuple[float, float]:
    """Seconds from spawning `python -c code` in an 80x24 pseudo-terminal (pty_launch.py) to its ready signal,
    and the CPU seconds the process used in all (less sensitive than wall time to other work on the machine)."""
    env = {**os.environ, "CONSULTSIM_HOME": home}
    # Bytecode as an installed consultsim has it (pip compiles it; a checkout writes __pycache__ on its first run),
    # kept in this run's folder for both apps. With PYTHONDONTWRITEBYTECODE set (as in some sandboxes and CI), the
    # warm-up could not warm it: consultsim's modules were compiled from source at every launch, Textual's not.
    env.update(PYTHONPYCACHEPREFIX=os.path.join(home, "pycache"), PYTHONDONTWRITEBYTECODE="")
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with launched(code, env) as run:
        line = run.signal.readline()
        elapsed = time.perf_counter() - run.start
        if run.child.wait(timeout=30) != 0 or line != b"ready\n":
            raise RuntimeError(f"the app did not start cleanly (exit {run.child.returncode})")
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return elapsed, (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)


def startup(repeat: int) -> dict:
    variants = {"minimal": MINIMAL, "consultsim": CONSULTSIM, "lazy_cli": CONSULTSIM_LAZY_CLI}
    wall: dict[str, list[float]] = {name: [] for name in variants}
    cpu: dict[str, list[float]] = {name: [] for name in variants}
    with tempfile.TemporaryDirectory() as home:
        for code in variants.values():  # warm the file cache, the bytecode and the scenario cache
            launch(code, home)
        for _ in range(repeat):
            for name, code in variants.items():
                seconds, cpu_seconds = launch(code, home)
                wall[name].append(seconds)
                cpu[name].append(cpu_seconds)
    m, c, lazy = (statistics.median(wall[name]) for name in variants)
    cm, cc, clazy = (statistics.median(cpu[name]) for name in variants)
    return {
        "minimal_ms": round(1000 * m, 1),
        "consultsim_ms": round(1000 * c, 1),
        "ratio": round(c / m, 3),
        "lazy_cli_ms": round(1000 * lazy, 1),
        "lazy_cli_ratio": round(lazy / m, 3),
        "cpu_minimal_ms": round(1000 * cm, 1),
        "cpu_consultsim_ms": round(1000 * cc, 1),
        "cpu_ratio": round(cc / cm, 3),
        "cpu_lazy_cli_ratio": round(clazy / cm, 3),
        "runs": repeat,
        "load_average": round(os.getloadavg()[0], 2),
    }


RSS_CHILD = """
import asyncio, json, resource, sys
sys.path.insert(0, {bench!r})
from bench_patient import forty_turns
from simulator.scenario import resolve
from simulator.tui.app import make_app
from simulator.tui.replies import PacedReplies

def peak_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

async def main():
    lines = forty_turns("t2d-hypo-fear")
    app = make_app(scenario=resolve("t2d-hypo-fear"), replies=PacedReplies(pace=0), blink=False)
    out = {{}}
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        out["at_start_mib"] = peak_mib()
        for line in lines:
            app.focused.insert(line)
            await pilot.press("enter")
            await app.workers.wait_for_complete()
            await pilot.pause()
        out["turns"] = len(app.screen.consultation.session.clinician_turns)
        out["after_40_turns_mib"] = peak_mib()
        await pilot.press("ctrl+e", "y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        out["with_feedback_mib"] = peak_mib()
    print(json.dumps(out))

asyncio.run(main())
"""


def memory() -> dict:
    with tempfile.TemporaryDirectory() as home:
        result = subprocess.run(
            [sys.executable, "-c", RSS_CHILD.format(bench=str(REPO / "benchmarks"))],
            capture_output=True, text=True, env={**os.environ, "CONSULTSIM_HOME": home}, check=True,
        )
    data = json.loads(result.stdout.strip().splitlines()[-1])
    return {k: round(v, 1) if isinstance(v, float) else v for k, v in data.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10, help="launches of each app (default 10)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures = {"startup": startup(args.repeat), "memory": memory()}
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    s, m = figures["startup"], figures["memory"]
    verdict = "OK" if s["ratio"] <= TARGET_RATIO else f"over the {TARGET_RATIO}x target"
    print(f"launch to interactive picker: {s['consultsim_ms']:.0f} ms; minimal Textual app: {s['minimal_ms']:.0f} ms")
    print(f"  ratio {s['ratio']:.2f}x ({verdict}), median of {s['runs']} launches each, 80x24 pseudo-terminal")
    print(f"  without importing every subcommand up front: {s['lazy_cli_ms']:.0f} ms, {s['lazy_cli_ratio']:.2f}x")
    print(f"  CPU time: {s['cpu_consultsim_ms']:.0f} ms against {s['cpu_minimal_ms']:.0f} ms, {s['cpu_ratio']:.2f}x "
          f"({s['cpu_lazy_cli_ratio']:.2f}x without the up-front imports); load average {s['load_average']}")
    print(f"peak RSS: {m['at_start_mib']:.1f} MiB at the start of a consultation, {m['after_40_turns_mib']:.1f} MiB after "
          f"{m['turns']} turns, {m['with_feedback_mib']:.1f} MiB with the feedback screen")
    return 0


if __name__ == "__main__":
    sys.exit(main())
