"""Rules-grader accuracy against human labels.

1. Our development set (benchmarks/devset: 36 consultations labelled before any rule was tuned; the rules
   are tuned on the `dev` split only, `test` is kept aside): per-code F1 over clinician turns, Kalamazoo
   scores within one point, self-management macro-F1, co-production level accuracy.
2. The mPED physical-activity counselling dialogues (../shared/data), for the codes their RIAS-style
   labels carry: questions, information giving, greetings, affirmation, orientation (agenda).

Run: python benchmarks/bench_grader_accuracy.py [--split dev|test|all] [--json]
Targets (issue 3): open-question F1 >= 0.85, closed >= 0.80, reflection >= 0.60, Kalamazoo within one
point >= 85%, self-management macro-F1 >= 0.80, co-production level >= 75%.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from datasets import pa_counselling  # noqa: E402

from simulator.analysis import TurnReader, behaviour_vocabulary  # noqa: E402
from simulator.rubric import KALAMAZOO_TASKS, SELF_MANAGEMENT, grade_file  # noqa: E402

DEVSET = Path(__file__).resolve().parent / "devset"


def f1(tp: int, fp: int, fn: int) -> float | None:
    if tp + fp + fn == 0:
        return None
    return 2 * tp / (2 * tp + fp + fn)


def devset_scores(split: str) -> dict:
    labels = [json.loads(line) for line in (DEVSET / "labels.jsonl").read_text().splitlines() if line.strip()]
    if split != "all":
        labels = [item for item in labels if item["split"] == split]
    codes = {code: Counter() for code in behaviour_vocabulary()}
    within_one = exact = kalamazoo_n = 0
    per_task: dict[str, list[int]] = {task: [] for task in KALAMAZOO_TASKS}
    sm = {c: Counter() for c in SELF_MANAGEMENT}
    level_right = 0
    confusion: Counter = Counter()
    for item in labels:
        report = grade_file(DEVSET / "transcripts" / item["file"])
        predicted = [t.codes for t in report.turns if t.speaker == "clinician"]
        if len(predicted) != len(item["codes"]):
            raise SystemExit(f"{item['file']}: {len(predicted)} clinician turns parsed, {len(item['codes'])} labelled")
        for got, gold in zip(predicted, item["codes"]):
            for code in codes:
                g, p = code in gold, code in got
                codes[code]["tp" if g and p else "fp" if p else "fn" if g else "tn"] += 1
        for task in KALAMAZOO_TASKS:
            gold, got = item["kalamazoo"][task], report.kalamazoo[task].value
            if gold is None:
                continue
            got = got if isinstance(got, int) else 3  # a missing score counts as the scale's middle
            kalamazoo_n += 1
            within_one += abs(gold - got) <= 1
            exact += gold == got
            per_task[task].append(abs(gold - got))
        for criterion in SELF_MANAGEMENT:
            gold, got = item["self_management"][criterion], report.self_management[criterion].value
            if gold is None:
                continue
            got = bool(got)  # "does not apply" or "not enough evidence" count as not met here
            sm[criterion]["tp" if gold and got else "fp" if got else "fn" if gold else "tn"] += 1
        level_right += report.coproduction_level == item["coproduction_level"]
        confusion[(item["coproduction_level"], report.coproduction_level)] += 1
    code_f1 = {c: f1(v["tp"], v["fp"], v["fn"]) for c, v in codes.items()}
    sm_f1 = {c: f1(v["tp"], v["fp"], v["fn"]) for c, v in sm.items()}
    sm_agreement = {c: (v["tp"] + v["tn"]) / max(1, sum(v.values())) for c, v in sm.items()}
    defined = [v for v in sm_f1.values() if v is not None]
    return {
        "split": split,
        "consultations": len(labels),
        "clinician_turns": sum(len(item["codes"]) for item in labels),
        "code_f1": code_f1,
        "code_support": {c: v["tp"] + v["fn"] for c, v in codes.items()},
        "kalamazoo_within_one": within_one / max(1, kalamazoo_n),
        "kalamazoo_exact": exact / max(1, kalamazoo_n),
        "kalamazoo_mean_abs_error": {t: sum(v) / len(v) for t, v in per_task.items() if v},
        "self_management_f1": sm_f1,
        "self_management_agreement": sm_agreement,
        "self_management_macro_f1": sum(defined) / len(defined) if defined else None,
        "coproduction_accuracy": level_right / max(1, len(labels)),
        "coproduction_confusion": {f"{g} -> {p}": n for (g, p), n in sorted(confusion.items(), key=str)},
    }


PA_MAP = {  # mPED label -> our code (our mapping, documented in ../shared/data/physical-activity-counseling/README.md)
    "question": ("task_focused", {"Ask-PerInfo", "Ask-Opinion", "Ask-GenInfo"}),
    "information": ("task_focused", {"Give-GenInfo"}),
    "greeting": ("social_exchange", {"Greeting"}),
    "affirmation": ("social_exchange", {"Approve/Encourage"}),
    "agenda_setting": ("task_focused", {"Orient"}),
}


def pa_scores() -> dict:
    counts = {code: Counter() for code in PA_MAP}
    reader = TurnReader()
    utterances = 0
    for _, rows in pa_counselling():
        previous = None
        for row in rows:
            if row["speaker"] != "counselor":
                previous = row["utterance"] if row["speaker"] == "participant" else previous
                continue
            utterances += 1
            result = reader.analyse(row["utterance"], previous)
            for code, (column, values) in PA_MAP.items():
                gold = row[column] in values
                got = result.is_question if code == "question" else result.has(code)
                counts[code]["tp" if gold and got else "fp" if got else "fn" if gold else "tn"] += 1
    return {
        "counsellor_utterances": utterances,
        "f1": {c: f1(v["tp"], v["fp"], v["fn"]) for c, v in counts.items()},
        "support": {c: v["tp"] + v["fn"] for c, v in counts.items()},
    }


def _fmt(value: float | None) -> str:
    return "  n/a" if value is None else f"{value:5.2f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["dev", "test", "all"], default="all")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    splits = ["dev", "test"] if args.split == "all" else [args.split]
    results = {"devset": {s: devset_scores(s) for s in splits}, "pa_counselling": pa_scores()}
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    for split, r in results["devset"].items():
        print(f"\n== devset split '{split}': {r['consultations']} consultations, {r['clinician_turns']} clinician turns")
        print("  code F1 (support): " + ", ".join(f"{c} {_fmt(v).strip()} ({r['code_support'][c]})" for c, v in r["code_f1"].items() if r["code_support"][c]))
        print(
            f"  targets: open {_fmt(r['code_f1']['open_question'])} (>=0.85)  closed {_fmt(r['code_f1']['closed_question'])} (>=0.80)  "
            f"reflection {_fmt(r['code_f1']['reflection'])} (>=0.60)"
        )
        print(f"  Kalamazoo within one point {r['kalamazoo_within_one']:.0%} (>=85%), exact {r['kalamazoo_exact']:.0%}")
        print("  Kalamazoo mean |error| per task: " + ", ".join(f"{t} {v:.2f}" for t, v in r["kalamazoo_mean_abs_error"].items()))
        print(
            f"  self-management macro-F1 {_fmt(r['self_management_macro_f1'])} (>=0.80): "
            + ", ".join(f"{c} {_fmt(v).strip()}" for c, v in r["self_management_f1"].items())
        )
        print(f"  co-production level right {r['coproduction_accuracy']:.0%} (>=75%): {r['coproduction_confusion']}")
    pa = results["pa_counselling"]
    print(f"\n== mPED counselling dialogues: {pa['counsellor_utterances']} counsellor utterances")
    print("  F1 (support): " + ", ".join(f"{c} {_fmt(v).strip()} ({pa['support'][c]})" for c, v in pa["f1"].items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
