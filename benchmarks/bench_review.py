"""`consultsim review` and `consultsim calibrate` on a cohort, as a course lead runs them: the installed
console script as a subprocess, process start included, against `consultsim grade` on the same folder in
the same run (the review grades every session too, then builds rows, plots and marks).

Run: python benchmarks/bench_review.py [--sessions N] [--repeat N] [--work DIR]

Writes --sessions sessions (default 200; tests/cohort_maker.py: five learners over two months) into
--work once, imports a marks CSV for all of them (the machine's marks, one point higher), then times,
best of --repeat: grade --format json (baseline), review --format csv, review --format html, calibrate,
calibrate --format html (the review's rows are kept between runs: timed the first time, with the
row cache removed, and again); reports seconds, sessions per second and the ratio to the baseline, and the
peak resident memory of each process.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))


def timed(argv: list[str], env: dict[str, str], repeat: int, fresh: Path | None = None) -> tuple[float, float, str]:
    """Best wall time of `repeat` runs, the peak RSS (MB) of the children, and the last run's output;
    `fresh`: a cache file removed before each run (the first review of a cohort)."""
    best, out = float("inf"), ""
    for _ in range(repeat):
        if fresh is not None:
            fresh.unlink(missing_ok=True)
        start = time.perf_counter()
        done = subprocess.run(argv, env=env, capture_output=True, text=True, check=True)
        best, out = min(best, time.perf_counter() - start), done.stdout
    return best, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "consultsim-bench-review")
    args = parser.parse_args()
    from cohort_maker import make_cohort

    cohort = args.work / f"cohort-{args.sessions}"
    env = {**os.environ, "CONSULTSIM_HOME": str(args.work / "home"), "CONSULTSIM_CONFIG": str(args.work / "none.toml")}
    exe = str(Path(sys.executable).parent / "consultsim")
    if not cohort.exists():
        started = time.perf_counter()
        make_cohort(cohort, args.sessions)
        print(f"made {args.sessions} sessions in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    marks = args.work / "marks.csv"
    if not (args.work / "home" / "marks").exists():
        def output(*argv: str) -> str:
            return subprocess.run([exe, *argv], env=env, capture_output=True, text=True, check=True).stdout

        rows = json.loads(output("review", str(cohort), "--format", "json"))
        template = output("review", str(cohort), "--marks-template", "--rater", "Bench")
        filled = list(csv.DictReader(io.StringIO(template.lstrip("\ufeff"))))
        by_id = {s["session_id"]: s for s in rows["sessions"]}
        for row in filled:
            for task, score in by_id[row["session"]]["tasks"].items():
                row[task] = "" if score is None else str(min(5, score + 1))
        with marks.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(filled[0]))
            writer.writeheader()
            writer.writerows(filled)
        subprocess.run([exe, "review", str(cohort), "--import-marks", str(marks)], env=env, check=True, capture_output=True)
    turns = sum(sum(1 for t in json.loads(p.read_text(encoding="utf-8"))["turns"] if t["speaker"] == "clinician") for p in cohort.glob("*.json"))
    rows_cache = args.work / "home" / "cache" / "cohort-rows-v1.json"
    runs = {
        "grade --format json (baseline)": ([exe, "grade", str(cohort), "--format", "json"], None),
        "review --format csv, first time": ([exe, "review", str(cohort), "--format", "csv"], rows_cache),
        "review --format csv, again": ([exe, "review", str(cohort), "--format", "csv"], None),
        "review --format html, again": ([exe, "review", str(cohort), "--format", "html"], None),
        "calibrate": ([exe, "calibrate", str(cohort)], None),
        "calibrate --format html": ([exe, "calibrate", str(cohort), "--format", "html"], None),
    }
    print(f"{args.sessions} sessions, {turns} clinician turns; best of {args.repeat}; {os.cpu_count()} cores")
    base = None
    for name, (argv, fresh) in runs.items():
        seconds, rss, _ = timed(argv, env, args.repeat, fresh)
        base = base or seconds
        print(f"  {name:32} {seconds:6.2f} s  {args.sessions / seconds:7.0f} sessions/s  {turns / seconds:7.0f} turns/s  "
              f"x{seconds / base:4.2f} of grade  (peak RSS so far {rss:.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
