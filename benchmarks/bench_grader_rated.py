"""The grader on the held-out rated set: 30 real consultations, each rated by two raters alone, so the
grader's agreement with a rater sits beside the raters' agreement with each other (the ceiling).

    python benchmarks/bench_grader_rated.py [--json] [--no-first-wave]

The set (benchmarks/turnset/rated/, rated.py) was drawn after every earlier draw and is never tuned on:
report its figures as they fall. For each pair (rater and rater, grader and each rater, the first wave's
grader and each rater): Kalamazoo exact and within-one agreement and quadratic-weighted kappa, the mean
difference (second minus first: positive = the second marks higher), self-management accuracy and the
co-production level's accuracy.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.bench_grader_labels import agreement, grade_all, grade_first_wave, show  # noqa: E402
from simulator.rubric.report import KALAMAZOO_TASKS  # noqa: E402

RATED = REPO / "benchmarks" / "turnset" / "rated"


def load() -> tuple[list[tuple[dict, list[tuple[str, str]]]], dict[str, dict[str, dict]]]:
    """The consultations (as bench_grader_labels' items, without a rating) and each rater's ratings by id."""
    consultations = [json.loads(line) for line in (RATED / "consultations.jsonl").read_text(encoding="utf-8").splitlines()]
    items = [({"consultation": c["id"], "source": c["source"], "set": c["set"]}, [(t["speaker"], t["text"]) for t in c["turns"]]) for c in consultations]
    raters: dict[str, dict[str, dict]] = {}
    for path in sorted(RATED.glob("labels/*/*.sessions.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rating = json.loads(line)
                raters.setdefault(path.parent.name, {})[rating["consultation"]] = rating
    return items, raters


def pair(items: list, first: dict[str, dict], second: list[dict]) -> dict:
    """Agreement of `second` (one grade per item) with the ratings in `first`, on the items `first` rated."""
    kept = [(i, (rating, turns)) for i, (rating, turns) in enumerate(items) if rating["consultation"] in first]
    rated = [({**first[r["consultation"]], "source": r["source"]}, turns) for _, (r, turns) in kept]
    graded = [second[i] for i, _ in kept]
    out = agreement(rated, graded)
    human = [r["kalamazoo"][t] for r, _ in rated for t in KALAMAZOO_TASKS]
    other = [g["kalamazoo"][t] or 3 for g in graded for t in KALAMAZOO_TASKS]
    out["mean_difference"] = sum(o - h for h, o in zip(human, other)) / len(human)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--no-first-wave", action="store_true")
    args = parser.parse_args()
    items, raters = load()
    graders = {"this grader": grade_all(items)}
    if not args.no_first_wave:
        graders["first wave"] = grade_first_wave(items)
    results: dict[str, dict] = {}
    for a in raters:
        for b in raters:
            shared = set(raters[a]) & set(raters[b])
            if a < b and shared:  # the raters of one set, with each other
                as_graded = [raters[b].get(r["consultation"], {}) for r, _ in items]
                results[f"{b} against {a}"] = pair(items, raters[a], as_graded)
    for name, graded in graders.items():
        for a in raters:
            results[f"{name} against {a}"] = pair(items, raters[a], graded)
    if args.json:
        print(json.dumps(results, indent=1))
        return 0
    print(f"Held-out rated set: {len(items)} real consultations, raters {', '.join(sorted(raters))}, each set rated twice")
    for name, result in results.items():
        print(f"\n{name} (mean difference, second minus first: {result['mean_difference']:+.2f})")
        show("all", result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
