"""Blind before/after judgements of the scripted patient on held-out consultations: what changed between two plays
of the same sets (benchmarks/play_whole.py output), laid out for judges who do not know which play is which.

A consultation with one changed reply becomes a pair: that reply from each play, shuffled into X and Y, with the three
turns before it (the same in both plays). A consultation with more than one changed reply becomes a whole item: both
consultations side by side, so each reply is judged against the turns it really followed (a pair would show the
before play's earlier turns beside an after reply that never followed them).

    python benchmarks/blind_pairs.py make --set test54:BEFORE.jsonl:AFTER.jsonl [--set ...] --out DIR
    python benchmarks/blind_pairs.py score DIR JUDGED-1 [JUDGED-2] [--whole]

`make` writes DIR/pairs.jsonl, DIR/whole.jsonl and their keys (pairs-key.json, whole-key.json: which of X and Y is
the after play). Judges write one JSON line per item: {"item", "better": "X"|"Y"|"same", ...}; whole items also
"x_problem_replies" and "y_problem_replies". `score` reads the key back and reports after better / before better /
same per judge, and where two judges agree.
"""

from __future__ import annotations

import argparse
import json
import random
from collections import Counter
from pathlib import Path

SEED = 20261207
CONTEXT_TURNS = 3


def _read(path: str) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def _shown(row: dict) -> str:
    return row["reply"] + (" [the consultation ends here]" if row["ended"] else "")


def make(specs: list[str], out: Path) -> tuple[int, int]:
    rng = random.Random(SEED)
    pairs, pair_key, whole, whole_key = [], {}, [], {}
    for spec in specs:
        name, before_file, after_file = spec.split(":")
        before, after = _read(before_file), _read(after_file)
        for scenario in sorted({row["scenario"] for row in before}):
            b = [row for row in before if row["scenario"] == scenario]
            a = [row for row in after if row["scenario"] == scenario]
            assert [row["clinician"] for row in b] == [row["clinician"] for row in a], (name, scenario)
            changed = [i for i, (x, y) in enumerate(zip(b, a)) if _shown(x) != _shown(y)]
            if not changed:
                continue
            x_after = rng.random() < 0.5
            if len(changed) == 1:
                i = changed[0]
                earlier = [{"clinician": row["clinician"], "patient": row["reply"]} for row in b[max(0, i - CONTEXT_TURNS):i]]
                pair = {"item": len(pairs), "scenario": scenario, "earlier": earlier, "clinician": b[i]["clinician"],
                        "X": _shown(a[i] if x_after else b[i]), "Y": _shown(b[i] if x_after else a[i])}
                pair_key[str(pair["item"])] = {"x": "after" if x_after else "before", "where": f"{name} {scenario}:{b[i]['turn']}"}
                pairs.append(pair)
            else:
                turns = lambda rows: [  # noqa: E731
                    {"turn": r["turn"], "clinician": r["clinician"], "patient": r["reply"], "ended_after_this_turn": r["ended"]} for r in rows
                ]
                item = {"item": len(whole), "scenario": scenario, "X": turns(a if x_after else b), "Y": turns(b if x_after else a)}
                whole_key[str(item["item"])] = {"x": "after" if x_after else "before", "where": f"{name} {scenario}", "changed": len(changed)}
                whole.append(item)
    out.mkdir(parents=True, exist_ok=True)
    for name, rows, key in (("pairs", pairs, pair_key), ("whole", whole, whole_key)):
        (out / f"{name}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        (out / f"{name}-key.json").write_text(json.dumps(key, indent=1) + "\n", encoding="utf-8")
    return len(pairs), len(whole)


def score(key: dict, judged: list[dict], whole: bool) -> dict:
    """Per item: which play the judge found better; for whole items also each play's replies with a problem."""
    verdicts: dict = {}
    for row in judged:
        k = key[str(row["item"])]
        better = row["better"]
        verdict = "same" if better == "same" else ("after" if (better == "X") == (k["x"] == "after") else "before")
        problems = None
        if whole:
            x, y = (len(v) if isinstance(v, list) else int(v) for v in (row["x_problem_replies"], row["y_problem_replies"]))  # the turns, or how many
            problems = {"after": x if k["x"] == "after" else y, "before": y if k["x"] == "after" else x}
        verdicts[row["item"]] = (verdict, problems, k["where"])
    return verdicts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    made = sub.add_parser("make")
    made.add_argument("--set", action="append", required=True, help="NAME:BEFORE.jsonl:AFTER.jsonl")
    made.add_argument("--out", type=Path, required=True)
    scored = sub.add_parser("score")
    scored.add_argument("dir", type=Path)
    scored.add_argument("judged", nargs="+")
    scored.add_argument("--whole", action="store_true", help="score the whole-consultation items")
    args = parser.parse_args()
    if args.command == "make":
        n_pairs, n_whole = make(args.set, args.out)
        print(f"{n_pairs} pairs, {n_whole} whole consultations -> {args.out}")
        return
    key = json.loads((args.dir / ("whole-key.json" if args.whole else "pairs-key.json")).read_text(encoding="utf-8"))
    all_verdicts = [score(key, _read(path), args.whole) for path in args.judged]
    for path, verdicts in zip(args.judged, all_verdicts):
        line = f"{path}: " + ", ".join(f"{v} {n}" for v, n in sorted(Counter(v for v, _, _ in verdicts.values()).items()))
        if args.whole:
            line += "; replies with a problem: before {} after {}".format(
                sum(p["before"] for _, p, _ in verdicts.values()), sum(p["after"] for _, p, _ in verdicts.values()))
        print(line)
    if len(all_verdicts) == 2:
        first, second = all_verdicts
        agreed = [i for i in first if i in second and first[i][0] == second[i][0]]
        print(f"agreed on {len(agreed)} of {len(first)}:", dict(Counter(first[i][0] for i in agreed)))
        for i, (verdict, _, where) in sorted(first.items()):
            if verdict == "before" or second.get(i, ("",))[0] == "before":
                print("  before better:", where)


if __name__ == "__main__":
    main()
