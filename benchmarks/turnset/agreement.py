"""Agreement between two labellers who labelled the same batches independently.

    python benchmarks/turnset/agreement.py [--json] [--disagreements CODE] [--batches batch-39 batch-40]

Per code: Cohen's kappa on whether a turn carries the code, with both labellers' counts. Per
whole-consultation rating: exact and within-one agreement and quadratic-weighted kappa for the
Kalamazoo tasks, agreement and kappa for the self-management criteria, agreement on the level.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from build_gold import assignments, consultations, labels_of, sessions_of  # noqa: E402
from check_labels import CODES, KALAMAZOO, SELF_MANAGEMENT  # noqa: E402


def cohen_kappa(a: list, b: list) -> float | None:
    n = len(a)
    if n == 0:
        return None
    categories = sorted(set(a) | set(b), key=str)
    observed = sum(x == y for x, y in zip(a, b)) / n
    expected = sum((a.count(c) / n) * (b.count(c) / n) for c in categories)
    if expected == 1:
        return None  # both labellers gave one category only: kappa is undefined
    return (observed - expected) / (1 - expected)


def weighted_kappa(a: list[int], b: list[int], low: int = 1, high: int = 5) -> float | None:
    """Quadratic-weighted kappa on an ordinal scale low..high."""
    n = len(a)
    if n == 0:
        return None
    k = high - low + 1
    weight = [[((i - j) ** 2) / ((k - 1) ** 2) for j in range(k)] for i in range(k)]
    observed = [[0.0] * k for _ in range(k)]
    for x, y in zip(a, b):
        observed[x - low][y - low] += 1 / n
    pa = [sum(row) for row in observed]
    pb = [sum(observed[i][j] for i in range(k)) for j in range(k)]
    num = sum(weight[i][j] * observed[i][j] for i in range(k) for j in range(k))
    den = sum(weight[i][j] * pa[i] * pb[j] for i in range(k) for j in range(k))
    return None if den == 0 else 1 - num / den


def pairs(only: frozenset[str] = frozenset()) -> list[tuple[str, str, str]]:
    """(batch, first labeller, second labeller) for every batch labelled twice, or only these batches."""
    return [(batch, ls[0], ls[1]) for batch, ls in sorted(assignments().items()) if len(ls) > 1 and (not only or batch in only)]


def turn_agreement(only: frozenset[str] = frozenset()) -> tuple[dict, list[tuple[str, set, set]]]:
    rows: list[tuple[str, set, set]] = []
    for batch, first, second in pairs(only):
        a, b = labels_of(first, batch), labels_of(second, batch)
        for tid in a:
            if tid in b:
                rows.append((tid, {c["code"] for c in a[tid]["codes"]}, {c["code"] for c in b[tid]["codes"]}))
    table = {}
    for code in CODES:
        x = [code in r[1] for r in rows]
        y = [code in r[2] for r in rows]
        table[code] = {"kappa": cohen_kappa(x, y), "first": sum(x), "second": sum(y), "both": sum(p and q for p, q in zip(x, y))}
    return {"turns": len(rows), "codes": table}, rows


def session_agreement(only: frozenset[str] = frozenset()) -> dict:
    a_all, b_all = {}, {}
    for batch, first, second in pairs(only):
        a_all.update(sessions_of(first, batch))
        b_all.update(sessions_of(second, batch))
    both = [c for c in a_all if c in b_all]
    out: dict = {"consultations": len(both), "kalamazoo": {}, "self_management": {}}
    for task in KALAMAZOO:
        x = [a_all[c]["kalamazoo"][task] for c in both]
        y = [b_all[c]["kalamazoo"][task] for c in both]
        out["kalamazoo"][task] = {
            "exact": sum(p == q for p, q in zip(x, y)) / len(both) if both else None,
            "within_one": sum(abs(p - q) <= 1 for p, q in zip(x, y)) / len(both) if both else None,
            "qwk": weighted_kappa(x, y),
        }
    for criterion in SELF_MANAGEMENT:
        x = [a_all[c]["self_management"][criterion] for c in both]
        y = [b_all[c]["self_management"][criterion] for c in both]
        out["self_management"][criterion] = {"agreement": sum(p == q for p, q in zip(x, y)) / len(both) if both else None, "kappa": cohen_kappa(x, y)}
    levels = [(a_all[c]["coproduction_level"], b_all[c]["coproduction_level"]) for c in both]
    out["coproduction_level"] = {
        "agreement": sum(p == q for p, q in levels) / len(both) if both else None,
        "kappa": cohen_kappa([p for p, _ in levels], [q for _, q in levels]),
    }
    return out


def fmt(value: float | None) -> str:
    return "   -" if value is None else f"{value:5.2f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--disagreements", metavar="CODE", help="list the turns where the two labellers differ on CODE")
    parser.add_argument("--batches", nargs="+", metavar="BATCH", help="only these batches (default: every batch labelled twice)")
    args = parser.parse_args()
    only = frozenset(args.batches or ())
    turns, rows = turn_agreement(only)
    sessions = session_agreement(only)
    if args.disagreements:
        texts = {f"{c['id']}#{t['i']}": t["text"] for c in consultations().values() for t in c["turns"]}
        for tid, a, b in rows:
            if (args.disagreements in a) != (args.disagreements in b):
                print(f"{tid}\n  {texts.get(tid, '')[:300]}\n  first: {sorted(a)}\n  second: {sorted(b)}")
        return 0
    if args.json:
        print(json.dumps({"turn_codes": turns, "sessions": sessions}, indent=1))
        return 0
    print(f"Turn codes: {turns['turns']} turns labelled twice ({', '.join(f'{b} {x}+{y}' for b, x, y in pairs(only))})")
    print(f"{'code':22} {'kappa':>5} {'first':>6} {'second':>6} {'both':>5}")
    for code, row in turns["codes"].items():
        print(f"{code:22} {fmt(row['kappa'])} {row['first']:6d} {row['second']:6d} {row['both']:5d}")
    print(f"\nWhole-consultation ratings: {sessions['consultations']} consultations rated twice")
    for task, row in sessions["kalamazoo"].items():
        print(f"  {task:24} exact {fmt(row['exact'])} within one {fmt(row['within_one'])} QWK {fmt(row['qwk'])}")
    for criterion, row in sessions["self_management"].items():
        print(f"  {criterion:24} agreement {fmt(row['agreement'])} kappa {fmt(row['kappa'])}")
    level = sessions["coproduction_level"]
    print(f"  {'co-production level':24} agreement {fmt(level['agreement'])} kappa {fmt(level['kappa'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
