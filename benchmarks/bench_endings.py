"""Does the consultation end on a goodbye, and only then? The reader's goodbye, through the patient as a
clinician meets it, on a set of goodbye and not-goodbye turns (benchmarks/probes/endings.<set>.yaml, or the
goodbye lists of a fidelity probe set).

Each turn is said third, after a greeting and "How have things been?", to every shipped scenario's patient
(bench_fidelity.wrong_endings, the same check as the fidelity benchmark's).
Reported: goodbyes that did not end it and other turns that did, per set (goal 0).

Run: python benchmarks/bench_endings.py [--set dev3] [--show N]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml
from bench_fidelity import wrong_endings  # run from benchmarks/, as the benchmarks import each other

from simulator.resources import shipped_scenarios_dir
from simulator.scenario import load_scenario

PROBES = Path(__file__).resolve().parent / "probes"


def probe_file(name: str) -> Path:
    endings = PROBES / f"endings.{name}.yaml"
    return endings if endings.exists() else PROBES / f"fidelity.{name}.yaml"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", default="dev3", help="endings.<set>.yaml, else fidelity.<set>.yaml")
    parser.add_argument("--show", type=int, default=20)
    args = parser.parse_args()
    probes = yaml.safe_load(probe_file(args.set).read_text(encoding="utf-8"))["probes"]
    goodbyes, others = probes["goodbye"], probes["not_goodbye"]
    print(f"Endings, {args.set}: {len(goodbyes)} goodbyes, {len(others)} turns that are not")
    print(f"{'scenario':26} {'did not end':>12} {'ended wrongly':>14}")
    shown: set[str] = set()
    for path in sorted(shipped_scenarios_dir().glob("*.yaml")):
        scenario = load_scenario(path)
        wrong = wrong_endings(scenario, goodbyes, others)
        missed = sum(w.startswith("did not") for w in wrong)
        print(f"{scenario.id:26} {missed:>8}/{len(goodbyes):<3} {len(wrong) - missed:>10}/{len(others):<3}")
        shown.update(wrong)
    for line in sorted(shown)[: args.show]:
        print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
