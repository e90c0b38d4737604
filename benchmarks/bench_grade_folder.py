"""`consultsim grade` over whole folders, process start included, and the history screen with 1,000 sessions.

Run: python benchmarks/bench_grade_folder.py [--work DIR] [--repeat N] [--sessions N] [--no-tui] [--json]

Writes once into --work (default: a folder in the system's temporary folder, reused by later runs):
- transcripts/: every PriMock57 and ACI-Bench consultation in ../shared/data as a `Doctor:`/`Patient:` file
  (the ten kept aside for independent measurement are left out, by benchmarks/datasets.py);
- home/sessions/: --sessions saved sessions (default 1,000), each a shipped script in tests/consultations
  played through the scripted patient with its own seed, saved as `consultsim play` saves them.

Then, in the same run:
- `consultsim grade FOLDER --format json --out FILE` as a subprocess (the installed console script), best
  of --repeat, for each folder: clinician turns per second of wall time, process start included (target
  5,000), and the CPU seconds the process used;
- the naive baseline: one process reads the same files (json.loads, or the transcript parser) and runs
  benchmarks/baselines.py's regular-expression coder on every clinician turn: no rubrics, no scenario, no
  report. What reading and coding alone cost, the floor a grader cannot go under;
- the terminal UI started on the data folder with the sessions in it, the history screen opened at once:
  time from spawning the process to the list on screen with every session and the cursor moved to the
  last row (target: under 1 s); then the median time a cursor move takes to be drawn while scores are
  filled in, and the time until every row has its score (capped by --scores-timeout).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_history import time_history  # noqa: E402
from datasets import aci_bench, primock57  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
SCRIPTS = REPO / "tests" / "consultations"
TARGET_TURNS_PER_SECOND = 5000
TARGET_HISTORY_SECONDS = 1.0
FORMAT = "2"  # bump when what is written changes, so an old work folder is rebuilt


# -- the folders ------------------------------------------------------------------------------------


def write_transcripts(folder: Path) -> int:
    folder.mkdir(parents=True)
    count = 0
    for source, turns in [*primock57(), *aci_bench()]:
        lines = [f"{'Doctor' if speaker == 'clinician' else 'Patient'}: {text}" for speaker, text in turns]
        (folder / (source.replace("/", "__") + ".txt")).write_text("\n".join(lines) + "\n", encoding="utf-8")
        count += 1
    return count


def write_sessions(folder: Path, count: int) -> int:
    """`count` sessions: the shipped scripts in turn, each played with a seed of its own."""
    from simulator.consultation import Consultation
    from simulator.scenario import resolve
    from simulator.session.store import write_private_json

    folder.mkdir(parents=True)
    scripts = sorted(SCRIPTS.glob("*/*.txt"))
    scenarios = {path.parent.name: resolve(path.parent.name) for path in scripts}
    lines = {path: [s for s in (r.strip() for r in path.read_text(encoding="utf-8").splitlines()) if s and not s.startswith("#")] for path in scripts}
    for number in range(count):
        script = scripts[number % len(scripts)]
        consultation = Consultation.start(scenarios[script.parent.name], seed=number, autosave=False)
        for line in lines[script]:
            consultation.say(line)
            if consultation.ended:
                break
        write_private_json(folder / f"{consultation.session.id}.json", consultation.session.to_dict())
    return count


def prepare(work: Path, sessions: int) -> dict:
    """The folders, written if this work folder does not hold them already (the data's digest is checked)."""
    digest = hashlib.sha256(FORMAT.encode())
    for path in sorted(SCRIPTS.glob("*/*.txt")):
        digest.update(path.read_bytes())
    stamp = {"format": FORMAT, "sessions": sessions, "scripts": digest.hexdigest()[:16]}
    manifest = work / "manifest.json"
    if manifest.is_file() and json.loads(manifest.read_text())["stamp"] == stamp:
        return json.loads(manifest.read_text())
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    os.environ["CONSULTSIM_HOME"] = str(work / "home")
    started = time.perf_counter()
    info = {
        "stamp": stamp,
        "transcripts": write_transcripts(work / "transcripts"),
        "sessions": write_sessions(work / "home" / "sessions", sessions),
    }
    info["written_in_s"] = round(time.perf_counter() - started, 1)
    manifest.write_text(json.dumps(info))
    return info


# -- the code under test --------------------------------------------------------------------------


def trees(specs: list[str], work: Path) -> dict[str, Path]:
    """NAME=REF: "." is the working tree; any other REF is extracted from git (simulator, scenarios, rubrics),
    so that two versions are timed in the same run, alternately."""
    found: dict[str, Path] = {}
    for spec in specs:
        name, _, ref = spec.partition("=")
        if ref in ("", "."):
            found[name] = REPO
            continue
        folder = work / "trees" / name
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        archive = folder / "tree.tar"
        subprocess.run(["git", "-C", str(REPO), "archive", "-o", str(archive), ref, "simulator", "scenarios", "rubrics"], check=True)
        with tarfile.open(archive) as tar:
            tar.extractall(folder, filter="data")
        archive.unlink()
        found[name] = folder
    return found


def tree_env(tree: Path, home: Path) -> dict[str, str]:
    # the tree first on the path (before the editable install's); run from the work folder, not a checkout
    return {**os.environ, "PYTHONPATH": str(tree), "CONSULTSIM_HOME": str(home), "PYTHONDONTWRITEBYTECODE": ""}


def tree_home(work: Path, name: str, tree: Path) -> Path:
    """A data folder per tree (its caches are its own), every one with the same sessions in it, each in the
    format that tree saves: turn fields an older session schema does not know are left out."""
    home = work / f"home-{name}"
    if not (home / "sessions").exists():
        home.mkdir(mode=0o700, exist_ok=True)
        (home / "sessions").symlink_to(sessions_for(work, tree))
    return home


def sessions_for(work: Path, tree: Path) -> Path:
    schema = json.loads((tree / "simulator" / "schemas" / "session-v1.json").read_text(encoding="utf-8"))
    known = set(schema["properties"]["turns"]["items"]["properties"])
    source = work / "home" / "sessions"
    sample = json.loads(next(source.glob("*.json")).read_text(encoding="utf-8"))
    if all(set(turn) <= known for turn in sample["turns"]):
        return source
    folder = work / f"sessions-{hashlib.sha256(str(sorted(known)).encode()).hexdigest()[:8]}"
    if not folder.is_dir():
        folder.mkdir(mode=0o700)
        for path in source.glob("*.json"):
            data = json.loads(path.read_text(encoding="utf-8"))
            data["turns"] = [{k: v for k, v in turn.items() if k in known} for turn in data["turns"]]
            (folder / path.name).write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    return folder


# -- consultsim grade -----------------------------------------------------------------------------


def clinician_turns(report_file: Path) -> tuple[int, int]:
    """(reports, clinician turns) in a JSON Lines report: what the grader itself counted."""
    reports = turns = 0
    with report_file.open(encoding="utf-8") as handle:
        for line in handle:
            report = json.loads(line)
            reports += 1
            turns += sum(1 for t in report["turns"] if t["speaker"] == "clinician")
    return reports, turns


def run_grade(tree: Path, home: Path, inputs: list[Path], out: Path) -> tuple[float, float]:
    """`python -m simulator grade INPUTS --format json --out OUT` (what the console script runs): wall and CPU seconds."""
    command = [sys.executable, "-m", "simulator", "grade", *map(str, inputs), "--format", "json", "--out", str(out)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(command, env=tree_env(tree, home), cwd=home, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({result.returncode}): {result.stderr[-2000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def time_grade(folder: Path, work: Path, code: dict[str, Path], repeat: dict[str, int]) -> dict[str, dict]:
    walls: dict[str, list[float]] = {name: [] for name in code}
    cpus: dict[str, list[float]] = {name: [] for name in code}
    outs = {name: work / f"report-{name}.jsonl" for name in code}
    # each tree grades the sessions in the format it saves them (tree_home)
    inputs = {name: tree_home(work, name, tree) / "sessions" if folder.name == "sessions" else folder for name, tree in code.items()}
    cold: dict[str, float] = {}
    for name, tree in code.items():  # once with an empty data folder: no scenario, rubric or reader cache yet
        if tree != REPO:
            continue  # an older tree keeps no caches for grading: its warm runs are its cold ones
        empty = work / f"home-cold-{name}"
        shutil.rmtree(empty, ignore_errors=True)
        empty.mkdir(mode=0o700)
        cold[name] = run_grade(tree, empty, [inputs[name]], outs[name])[0]
    for name, tree in code.items():  # warm the bytecode and the caches on two files, untimed
        run_grade(tree, tree_home(work, name, tree), sorted(inputs[name].iterdir())[:2], outs[name])
    for run in range(max(repeat.values())):
        for name, tree in code.items():  # alternately, so that both see the same load on the machine
            if run < repeat[name]:
                wall, cpu = run_grade(tree, tree_home(work, name, tree), [inputs[name]], outs[name])
                walls[name].append(wall)
                cpus[name].append(cpu)
    figures = {}
    for name in code:
        reports, turns = clinician_turns(outs[name])
        best = min(walls[name])
        figures[name] = {
            "files": reports,
            "clinician_turns": turns,
            "best_wall_s": round(best, 3),
            "median_wall_s": round(statistics.median(walls[name]), 3),
            "best_cpu_s": round(min(cpus[name]), 3),
            "turns_per_s": round(turns / best),
            "turns_per_cpu_s": round(turns / min(cpus[name])),
            "runs": repeat[name],
            "cold_wall_s": round(cold.get(name, best), 3),
        }
    return figures


BASELINE = """
import json, sys, time
from pathlib import Path
sys.path.insert(0, {bench!r})
start = time.perf_counter()
from baselines import regex_baseline
from simulator.transcript import read_transcript
turns = 0
for path in sorted(Path(sys.argv[1]).iterdir()):
    if path.suffix == ".json":
        pairs = [(t["speaker"], t["text"]) for t in json.loads(path.read_text(encoding="utf-8"))["turns"]]
    else:
        pairs = [(t.speaker, t.text) for t in read_transcript(path)]
    for speaker, text in pairs:
        if speaker == "clinician":
            regex_baseline(text)
            turns += 1
print(json.dumps({{"turns": turns, "inside_s": time.perf_counter() - start}}))
"""


def time_baseline(folder: Path, repeat: int) -> dict:
    """The regex-only pass as a process of its own, timed the same way as `consultsim grade`."""
    code = BASELINE.format(bench=str(REPO / "benchmarks"))
    walls, inside = [], []
    turns = 0
    for run in range(repeat + 1):
        start = time.perf_counter()
        result = subprocess.run([sys.executable, "-c", code, str(folder)], capture_output=True, text=True, check=True, cwd=folder)
        if run:
            walls.append(time.perf_counter() - start)
            data = json.loads(result.stdout)
            turns, inside = data["turns"], [*inside, data["inside_s"]]
    assert turns == sum(1 for p in folder.iterdir() for s, _ in _pairs(p) if s == "clinician")
    return {"clinician_turns": turns, "best_wall_s": round(min(walls), 3), "turns_per_s": round(turns / min(walls))}


def _pairs(path: Path) -> list[tuple[str, str]]:
    if path.suffix == ".json":
        return [(t["speaker"], t["text"]) for t in json.loads(path.read_text(encoding="utf-8"))["turns"]]
    from simulator.transcript import read_transcript

    return [(t.speaker, t.text) for t in read_transcript(path)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "consultsim-bench-grade-folder")
    parser.add_argument(
        "--tree", action="append", metavar="NAME=REF",
        help='code to time: "." the working tree (the default, as after=.), else a git ref; give two to compare in one run',
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each with the working tree (default 3)")
    parser.add_argument("--ref-repeat", type=int, default=1, help="timed runs of each with a git ref (default 1: it may be slow)")
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--scores-timeout", type=float, default=60.0, help="stop waiting for the history's scores after this (s)")
    parser.add_argument("--no-tui", action="store_true", help="leave out the history screen")
    parser.add_argument("--no-grade", action="store_true", help="leave out `consultsim grade`")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    info = prepare(args.work, args.sessions)
    code = trees(args.tree or ["after=."], args.work)
    repeat = {name: args.repeat if tree == REPO else args.ref_repeat for name, tree in code.items()}
    figures: dict = {"written": info, "trees": {n: str(t) for n, t in code.items()}, "load_average": round(os.getloadavg()[0], 2)}
    for name in () if args.no_grade else ("transcripts", "sessions"):
        folder = args.work / name if name == "transcripts" else args.work / "home" / "sessions"
        figures[name] = {"consultsim_grade": time_grade(folder, args.work, code, repeat), "regex_baseline": time_baseline(folder, args.repeat)}
    if not args.no_tui:
        def place(name: str, tree: Path) -> tuple[dict[str, str], Path]:
            home = tree_home(args.work, name, tree)
            return tree_env(tree, home), home

        figures["history"] = time_history(code, info["sessions"], repeat, args.scores_timeout, place)
    figures["load_average_after"] = round(os.getloadavg()[0], 2)
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    print(f"work folder {args.work}; load average {figures['load_average']} before, {figures['load_average_after']} after")
    for name in [n for n in ("transcripts", "sessions") if n in figures]:
        b = figures[name]["regex_baseline"]
        print(f"{name}: {b['clinician_turns']} clinician turns; regex-only baseline process: {b['best_wall_s']:.2f} s wall, {b['turns_per_s']:,} turns/s")
        for tree, g in figures[name]["consultsim_grade"].items():
            verdict = "met" if g["turns_per_s"] >= TARGET_TURNS_PER_SECOND else "NOT met"
            print(f"  {tree}: consultsim grade --format json, {g['files']} files, {g['clinician_turns']} turns: {g['best_wall_s']:.2f} s wall "
                  f"(best of {g['runs']}; median {g['median_wall_s']:.2f} s), {g['turns_per_s']:,} turns/s ({verdict}: target "
                  f"{TARGET_TURNS_PER_SECOND:,}); {g['best_cpu_s']:.2f} s CPU, {g['turns_per_cpu_s']:,} turns/CPU-s; "
                  f"with an empty data folder (no caches): {g['cold_wall_s']:.2f} s")
    for tree, h in figures.get("history", {}).items():
        verdict = "met" if h["listed_s"] < TARGET_HISTORY_SECONDS else "NOT met"
        scored = f"{h['scored_s']:.1f} s" if h["scored_rows"] == h["sessions"] else f"only {h['scored_rows']} after {h['scores_timeout_s']:.0f} s"
        print(f"  {tree}: history with {h['sessions']} sessions (median of {h['runs']}): picker up {h['picker_s']:.2f} s, list on screen and "
              f"scrolled to the end {h['listed_s']:.2f} s after start ({verdict}: target under {TARGET_HISTORY_SECONDS:.0f} s); a cursor "
              f"move drawn in {h['cursor_move_ms']:.0f} ms while scoring; every row scored: {scored}")
        print(f"    first opening ever (no caches of the app's own): listed {h['first_listed_s']:.2f} s, "
              f"{h['first_scored_rows']} rows scored at {h['first_scored_s']:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
