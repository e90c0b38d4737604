"""Offline patient speed: per-turn latency (analysis + director + actor) over 40-turn consultations,
and scenario load and validation times. Run: python benchmarks/bench_patient.py [--repeat N] [--json]

Targets (issue 2): median turn under 2 ms, p99 under 10 ms.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from simulator.patient import ScriptedPatient
from simulator.resources import shipped_scenarios_dir
from simulator.scenario import check_file, load_scenario

REPO = Path(__file__).resolve().parent.parent


def forty_turns(scenario_id: str) -> list[str]:
    """The scenario's good and closed scripts, cycled to 40 clinician turns."""
    folder = REPO / "tests" / "consultations" / scenario_id
    lines = []
    for name in ("good.txt", "closed.txt"):
        lines += [line.strip() for line in (folder / name).read_text().splitlines() if line.strip() and not line.startswith("#")]
    lines = [line for line in lines if "take care" not in line.lower() and "bye" not in line.lower()]  # keep the consultation open
    return (lines * (40 // len(lines) + 1))[:40]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=25, help="consultations per scenario (default 25)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    files = sorted(shipped_scenarios_dir().glob("*.yaml"))
    turn_ms: list[float] = []
    load_ms: list[float] = []
    validate_ms: list[float] = []
    for path in files:
        for _ in range(5):
            start = time.perf_counter()
            scenario = load_scenario(path)
            load_ms.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            assert not check_file(path)
            validate_ms.append((time.perf_counter() - start) * 1000)
        script = forty_turns(scenario.id)
        for seed in range(args.repeat):
            engine = ScriptedPatient(scenario, seed)
            previous = None
            for index, line in enumerate(script):
                start = time.perf_counter()
                previous = engine.respond(line, 2 * index, previous).text
                turn_ms.append((time.perf_counter() - start) * 1000)
    result = {
        "python": sys.version.split()[0],
        "scenarios": len(files),
        "turns_measured": len(turn_ms),
        "turn_ms": {"median": statistics.median(turn_ms), "p99": percentile(turn_ms, 0.99), "max": max(turn_ms)},
        "scenario_load_ms": {"median": statistics.median(load_ms), "max": max(load_ms)},
        "scenario_validate_ms": {"median": statistics.median(validate_ms), "max": max(validate_ms)},
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        t, load, v = result["turn_ms"], result["scenario_load_ms"], result["scenario_validate_ms"]
        print(f"{result['turns_measured']} patient turns over {len(files)} scenarios x {args.repeat} forty-turn consultations")
        print(f"  per turn:  median {t['median']:.3f} ms   p99 {t['p99']:.3f} ms   max {t['max']:.3f} ms   (targets: 2 ms, 10 ms)")
        print(f"  load:      median {load['median']:.2f} ms   max {load['max']:.2f} ms per scenario file")
        print(f"  validate:  median {v['median']:.2f} ms   max {v['max']:.2f} ms per file (schema + lint + self-tests)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
