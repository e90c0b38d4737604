"""The grader against whole-consultation ratings of consultations it did not write: per-criterion
agreement on benchmarks/turnset/gold_sessions.jsonl (PriMock57 and ACI-Bench mock consultations, and the
written consultations), for this grader and the first wave's, in the same run.

    python benchmarks/bench_grader_labels.py [--split test|dev|train|fit] [--calibrate] [--json]

- Kalamazoo tasks: exact and within-one agreement, quadratic-weighted kappa; by source too.
- Self-management criteria: accuracy (a null rating counts as right when the grader says not
  applicable or not enough evidence), and on real consultations alone.
- Co-production level: accuracy.
`--calibrate` searches each Kalamazoo task's thresholds (points to a 1-5 mark) for the best
quadratic-weighted kappa on train + dev and prints them, for rubrics/kalamazoo.yaml; `test` is reported,
never searched.
"""

from __future__ import annotations

import argparse
import itertools
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.baselines import FIRST_WAVE  # noqa: E402
from benchmarks.turnset.agreement import weighted_kappa  # noqa: E402
from simulator.analysis import TurnReader  # noqa: E402
from simulator.rubric.conversation import Conversation  # noqa: E402
from simulator.rubric.grader import RulesJudge  # noqa: E402
from simulator.rubric.report import KALAMAZOO_TASKS, SELF_MANAGEMENT  # noqa: E402

TURNSET = REPO / "benchmarks" / "turnset"
CANDIDATES = [x / 4 for x in range(-8, 25)]  # thresholds searched, in points
MIN_GAP = 0.75  # the narrowest band of points a mark may have


def rated(splits: set[str]) -> list[tuple[dict, list[tuple[str, str]]]]:
    consultations = {c["id"]: c for c in map(json.loads, (TURNSET / "consultations.jsonl").read_text(encoding="utf-8").splitlines())}
    out = []
    for line in (TURNSET / "gold_sessions.jsonl").read_text(encoding="utf-8").splitlines():
        rating = json.loads(line)
        if rating["split"] in splits:
            turns = [(t["speaker"], t["text"]) for t in consultations[rating["consultation"]]["turns"]]
            out.append((rating, turns))
    return out


def grade_all(items: list[tuple[dict, list[tuple[str, str]]]]) -> list[dict]:
    judge, reader = RulesJudge(), TurnReader()
    out = []
    for rating, turns in items:
        conversation = Conversation.build(rating["consultation"], turns, reader)
        conversation.detect_plans()
        report = judge.grade(conversation)
        out.append({
            "kalamazoo": {k: report.kalamazoo[k].value for k in KALAMAZOO_TASKS},
            "points": {k: report.kalamazoo[k].points for k in KALAMAZOO_TASKS},
            "self_management": {
                k: (report.self_management[k].value if report.self_management[k].status in ("met", "not_met") else None) for k in SELF_MANAGEMENT
            },
            "coproduction_level": report.coproduction_level,
        })
    return out


_FIRST_WAVE_RUNNER = """
import json, sys
sys.path.insert(0, sys.argv[1])
from simulator.rubric import grade_transcript_text
out = []
for line in sys.stdin:
    turns = json.loads(line)
    text = "\\n".join(("Doctor: " if s == "clinician" else "Patient: ") + " ".join(t.split()) for s, t in turns)
    r = grade_transcript_text(text)
    out.append({"kalamazoo": {k: r.kalamazoo[k].value for k in r.kalamazoo},
                "self_management": {k: (v.value if v.status in ("met", "not_met") else None) for k, v in r.self_management.items()},
                "coproduction_level": r.coproduction_level})
json.dump(out, sys.stdout)
"""


def grade_first_wave(items: list[tuple[dict, list[tuple[str, str]]]]) -> list[dict]:
    with tempfile.TemporaryDirectory() as folder:
        archive = Path(folder) / "first-wave.tar"
        subprocess.run(["git", "-C", str(REPO), "archive", "-o", str(archive), FIRST_WAVE, "simulator", "rubrics"], check=True)
        with tarfile.open(archive) as tar:
            tar.extractall(folder, filter="data")
        feed = "".join(json.dumps(turns) + "\n" for _, turns in items)
        done = subprocess.run([sys.executable, "-c", _FIRST_WAVE_RUNNER, folder], input=feed, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def agreement(items: list[tuple[dict, list]], graded: list[dict], only: set[str] | None = None) -> dict:
    pairs = [(r, g) for (r, _), g in zip(items, graded) if only is None or r["source"] in only]
    out: dict = {"consultations": len(pairs), "kalamazoo": {}, "self_management": {}}
    if not pairs:
        return out
    for task in KALAMAZOO_TASKS:
        human = [r["kalamazoo"][task] for r, _ in pairs]
        machine = [g["kalamazoo"][task] or 3 for _, g in pairs]
        out["kalamazoo"][task] = {
            "exact": sum(h == m for h, m in zip(human, machine)) / len(pairs),
            "within_one": sum(abs(h - m) <= 1 for h, m in zip(human, machine)) / len(pairs),
            "qwk": weighted_kappa(human, machine),
        }
    all_h = [r["kalamazoo"][t] for r, _ in pairs for t in KALAMAZOO_TASKS]
    all_m = [g["kalamazoo"][t] or 3 for _, g in pairs for t in KALAMAZOO_TASKS]
    out["kalamazoo_all"] = {"within_one": sum(abs(h - m) <= 1 for h, m in zip(all_h, all_m)) / len(all_h), "qwk": weighted_kappa(all_h, all_m)}
    right = total = 0
    for criterion in SELF_MANAGEMENT:
        ok = [r["self_management"][criterion] == g["self_management"].get(criterion) for r, g in pairs]
        out["self_management"][criterion] = sum(ok) / len(ok)
        right, total = right + sum(ok), total + len(ok)
    out["self_management_all"] = right / total
    out["coproduction_level"] = sum(r["coproduction_level"] == (g["coproduction_level"] or "descriptive") for r, g in pairs) / len(pairs)
    return out


def calibrate(items: list[tuple[dict, list]], graded: list[dict]) -> dict[str, list[float]]:
    best = {}
    for task in KALAMAZOO_TASKS:
        human = [r["kalamazoo"][task] for r, _ in items]
        points = [g["points"][task] for g in graded]
        top = (-2.0, [])
        for cut in itertools.combinations(CANDIDATES, 4):
            if min(b - a for a, b in zip(cut, cut[1:])) < MIN_GAP:
                continue  # each mark needs a band of its own, not a sliver between two others
            machine = [1 + sum(p >= c for c in cut) for p in points]
            score = (weighted_kappa(human, machine) or 0) + 0.5 * sum(abs(h - m) <= 1 for h, m in zip(human, machine)) / len(human)
            if score > top[0]:
                top = (score, list(cut))
        best[task] = top[1]
    return best


def show(name: str, result: dict) -> None:
    if not result["consultations"]:
        return
    print(f"  {name}: {result['consultations']} consultations")
    for task, row in result["kalamazoo"].items():
        qwk = "   -" if row["qwk"] is None else f"{row['qwk']:.2f}"
        print(f"    {task:24} exact {row['exact']:.2f}  within one {row['within_one']:.2f}  QWK {qwk}")
    k = result["kalamazoo_all"]
    print(f"    {'all tasks':24} within one {k['within_one']:.2f}  QWK {k['qwk']:.2f}")
    print(f"    self-management accuracy {result['self_management_all']:.2f} (" + ", ".join(f"{c} {v:.2f}" for c, v in result["self_management"].items()) + ")")
    print(f"    co-production level accuracy {result['coproduction_level']:.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="test", choices=("test", "dev", "train", "fit"), help="fit = train + dev")
    parser.add_argument("--calibrate", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--no-first-wave", action="store_true")
    args = parser.parse_args()
    if args.calibrate:
        items = rated({"train", "dev"})
        thresholds = calibrate(items, grade_all(items))
        print(json.dumps(thresholds))
        return 0
    items = rated({"train", "dev"} if args.split == "fit" else {args.split})
    graders = {"this grader": grade_all(items)}
    if not args.no_first_wave:
        graders["first wave"] = grade_first_wave(items)
    real = {"primock57", "aci-bench"}
    results = {
        name: {"all": agreement(items, g), "real consultations": agreement(items, g, real), "written": agreement(items, g, {"written"})}
        for name, g in graders.items()
    }
    if args.json:
        print(json.dumps(results, indent=1))
        return 0
    print(f"Whole-consultation ratings, {args.split} split ({len(items)} consultations)")
    for name, parts in results.items():
        print(f"\n{name}")
        for part, result in parts.items():
            show(part, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
