"""Rules-grader speed on real transcripts: every PriMock57 and ACI-Bench consultation in ../shared/data,
graded with the shipped rubrics on one core. Target (issue 3): at least 2,000 clinician turns per second.

Run: python benchmarks/bench_grader_speed.py [--repeat N]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from datasets import aci_bench, primock57  # noqa: E402

from simulator.analysis import TurnReader  # noqa: E402
from simulator.rubric import RulesJudge  # noqa: E402
from simulator.rubric.conversation import Conversation  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    corpus = list(primock57()) + list(aci_bench())
    judge, reader = RulesJudge(), TurnReader()
    clinician_turns = sum(1 for _, turns in corpus for speaker, _ in turns if speaker == "clinician")
    best_cpu = best_wall = float("inf")
    for _ in range(args.repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        for source, turns in corpus:
            judge.grade(Conversation.build(source, turns, reader))
        best_cpu = min(best_cpu, time.process_time() - cpu)  # CPU time: one core, whatever else runs
        best_wall = min(best_wall, time.perf_counter() - wall)
    rate = clinician_turns / best_cpu
    print(f"{len(corpus)} consultations ({clinician_turns} clinician turns), best of {args.repeat}: {best_cpu:.2f} s CPU, {best_wall:.2f} s wall")
    print(f"  {rate:,.0f} clinician turns per CPU-second on one core (target 2,000): {'met' if rate >= 2000 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
