"""What a clinician's question asks for: the two labellers' agreement, and the reader's question kinds against
their labels (benchmarks/turnset/question_kinds_codebook.md). A baseline for a learned reading of questions.

    python benchmarks/bench_question_kinds.py [--json]

- Agreement: Cohen's kappa and raw agreement on the items both labellers did, per kind too.
- The reader (`TurnAnalysis.kind`; a written consultation's questions with its scenario's reader, as its patient reads
  them; PriMock57's with the shared lexicon):
  per-kind precision, recall and F1 for the kinds it has, on every labelled item (both labellers' items where they
  agree; one labeller's elsewhere). Codebook kinds the reader has no kind for count as "anything but its kinds"; its
  `not_covered` is a miss for them only if it names one of its own kinds instead.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from simulator.analysis import TurnReader  # noqa: E402
from simulator.resources import shipped_scenarios_dir  # noqa: E402
from simulator.scenario import load_scenario  # noqa: E402

TURNSET = REPO / "benchmarks" / "turnset"
# codebook kind -> the reader's kind for the same thing (kinds the reader has no name for map to None)
READER_KIND = {
    "how_been": "how_been", "feelings": "feelings", "concerns": "concerns", "expectations": "expectations", "ideas": "ideas",
    "agenda": "agenda", "medicine_use": "medicine_use", "daily_life": "daily_life", "future": "future", "history": "past",
    "confidence": "confidence", "importance": "importance", "ruler_up": "ruler_up", "ruler_why": "ruler_why", "name": "name",
    "risk": "risk",
}


def labels(name: str) -> dict[str, str]:
    path = TURNSET / f"question_kinds_labels-{name}.jsonl"
    if not path.exists():
        return {}
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {row["id"]: row["kind"] for row in rows}


@cache
def reader_for(source: str) -> TurnReader:
    """A written consultation's questions as its patient reads them (the scenario's topics too); others with the shared lexicon."""
    if source.startswith("everyday/"):
        scenario_id = source.removeprefix("everyday/").split(".")[0]
        return TurnReader.for_scenario(load_scenario(shipped_scenarios_dir() / f"{scenario_id}.yaml"))
    return TurnReader()


def kappa(a: list[str], b: list[str]) -> float:
    n = len(a)
    observed = sum(x == y for x, y in zip(a, b)) / n
    ca, cb = Counter(a), Counter(b)
    expected = sum(ca[k] * cb[k] for k in ca) / (n * n)
    return (observed - expected) / (1 - expected) if expected < 1 else 1.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    items = {row["id"]: row for row in map(json.loads, (TURNSET / "question_kinds_items.jsonl").read_text(encoding="utf-8").splitlines())}
    l1, l2 = labels("L1"), labels("L2")
    both = sorted(set(l1) & set(l2))
    report: dict = {"items": len(items), "labelled": len(set(l1) | set(l2)), "double": len(both)}
    if both:
        a, b = [l1[i] for i in both], [l2[i] for i in both]
        report["agreement"] = {"kappa": kappa(a, b), "raw": sum(x == y for x, y in zip(a, b)) / len(both)}
    gold = {i: l1[i] for i in l1 if i not in l2} | {i: l2[i] for i in l2 if i not in l1} | {i: l1[i] for i in both if l1[i] == l2[i]}
    predicted = {i: reader_for(items[i]["source"]).analyse(items[i]["text"], items[i].get("previous_patient")).kind for i in gold}
    per_kind = {}
    for kind in sorted(set(READER_KIND.values())):
        tp = sum(READER_KIND.get(gold[i]) == kind and predicted[i] == kind for i in gold)
        fp = sum(READER_KIND.get(gold[i]) != kind and predicted[i] == kind for i in gold)
        fn = sum(READER_KIND.get(gold[i]) == kind and predicted[i] != kind for i in gold)
        per_kind[kind] = {"support": tp + fn, "precision": tp / (tp + fp) if tp + fp else 0.0,
                          "recall": tp / (tp + fn) if tp + fn else 0.0, "f1": 2 * tp / (2 * tp + fp + fn) if tp else 0.0}
    covered = [i for i in gold if gold[i] in READER_KIND]
    by_source = {}
    for source in ("everyday", "primock57"):  # the written (dev) consultations, which may be tuned on, and real ones
        mine = [i for i in covered if items[i]["source"].startswith(source)]
        by_source[source] = {"items": len(mine), "accuracy": sum(predicted[i] == READER_KIND[gold[i]] for i in mine) / len(mine) if mine else 0.0}
    report["reader"] = {
        "gold_items": len(gold), "gold_kinds": dict(Counter(gold.values()).most_common()),
        "accuracy_on_its_kinds": sum(predicted[i] == READER_KIND[gold[i]] for i in covered) / len(covered) if covered else 0.0,
        "items_of_its_kinds": len(covered), "by_source": by_source, "per_kind": per_kind,
    }
    if args.json:
        print(json.dumps(report, indent=1))
        return 0
    print(f"{report['labelled']} of {report['items']} items labelled, {report['double']} by both")
    if "agreement" in report:
        print(f"agreement: kappa {report['agreement']['kappa']:.2f}, raw {report['agreement']['raw']:.2f}")
    r = report["reader"]
    print(f"reader: {r['accuracy_on_its_kinds']:.2f} of {r['items_of_its_kinds']} items of kinds it has read as that kind")
    print("  by source: " + ", ".join(f"{k} {v['accuracy']:.2f} of {v['items']}" for k, v in r["by_source"].items()))
    print(f"{'kind':14} support  precision  recall    F1")
    for kind, s in per_kind.items():
        print(f"{kind:14} {s['support']:7}  {s['precision']:9.2f}  {s['recall']:6.2f}  {s['f1']:4.2f}")
    print("gold kinds:", ", ".join(f"{k} {v}" for k, v in r["gold_kinds"].items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
