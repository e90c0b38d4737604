"""Where the rules grader disagrees with the human labels on the devset's `dev` split: every false positive
and false negative per behaviour code, with the utterance, and the session-level disagreements.

Tuning aid for the rules; it reads only the `dev` split (the `test` split is kept aside, see devset/README.md).
Run: python benchmarks/devset_errors.py [CODE ...] [--sessions]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from simulator.rubric import KALAMAZOO_TASKS, SELF_MANAGEMENT, grade_file

DEVSET = Path(__file__).resolve().parent / "devset"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("codes", nargs="*", help="only these behaviour codes (default: all)")
    parser.add_argument("--sessions", action="store_true", help="Kalamazoo, self-management and co-production disagreements")
    args = parser.parse_args()
    labels = [json.loads(line) for line in (DEVSET / "labels.jsonl").read_text().splitlines() if line.strip()]
    errors: dict[str, list[str]] = {}
    for item in (i for i in labels if i["split"] == "dev"):
        report = grade_file(DEVSET / "transcripts" / item["file"])
        name = item["file"][:3]
        turns = [t for t in report.turns if t["speaker"] == "clinician"]
        for turn, gold in zip(turns, item["codes"]):
            got = set(turn["codes"])
            for code in sorted(got ^ set(gold)):
                if not args.codes or code in args.codes:
                    kind = "FP" if code in got else "FN"
                    errors.setdefault(code, []).append(f"{kind} {name}:{turn['index']} {turn['text']}\n     gold={sorted(gold)}\n     got ={sorted(got)}")
        if args.sessions:
            for task in KALAMAZOO_TASKS:
                gold, got = item["kalamazoo"][task], report.kalamazoo[task].value
                if gold is not None and abs(gold - (got if isinstance(got, int) else 3)) > 1:
                    print(f"{name} Kalamazoo {task}: gold {gold}, got {got} ({report.kalamazoo[task].rationale})")
            for criterion in SELF_MANAGEMENT:
                gold, got = item["self_management"][criterion], report.self_management[criterion].value
                if gold is not None and bool(gold) != bool(got):
                    print(f"{name} self-management {criterion}: gold {gold}, got {got} ({report.self_management[criterion].rationale})")
            if report.coproduction_level != item["coproduction_level"]:
                print(f"{name} co-production: gold {item['coproduction_level']}, got {report.coproduction_level}")
    for code, rows in sorted(errors.items()):
        print(f"\n## {code}: {sum(r.startswith('FP') for r in rows)} FP, {sum(r.startswith('FN') for r in rows)} FN")
        print("\n".join(sorted(rows)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
