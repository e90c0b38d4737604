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
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from train_kinds import correct, reader_for, reader_kinds, split_of  # noqa: E402

from simulator.analysis import TurnReader  # noqa: E402
from simulator.analysis.kinds import READER_NAMES  # noqa: E402

TURNSET = REPO / "benchmarks" / "turnset"
def labels(name: str) -> dict[str, str]:
    path = TURNSET / f"question_kinds_labels-{name}.jsonl"
    if not path.exists():
        return {}
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {row["id"]: row["kind"] for row in rows}


def labellers() -> list[str]:
    return sorted((p.stem.rsplit("-", 1)[1] for p in TURNSET.glob("question_kinds_labels-L*.jsonl")), key=lambda n: int(n[1:]))


class _RulesOnly(TurnReader):
    """The reader without the learned kind: the word lists' kinds alone (the baseline)."""

    kind_model = None


def kappa(a: list[str], b: list[str]) -> float:
    n = len(a)
    observed = sum(x == y for x, y in zip(a, b)) / n
    ca, cb = Counter(a), Counter(b)
    expected = sum(ca[k] * cb[k] for k in ca) / (n * n)
    return (observed - expected) / (1 - expected) if expected < 1 else 1.0


def reader_report(items: dict, gold: dict[str, str], learned: bool) -> dict:
    reader = TurnReader if learned else _RulesOnly
    predicted = {i: reader_for(items[i]["source"], reader).analyse(items[i]["text"], items[i].get("previous_patient")).kind for i in gold}
    named = reader_kinds(TurnReader().lexicon)

    def as_read(kind: str) -> str | None:  # the reader's name for a codebook kind, None if it has none
        kind = READER_NAMES.get(kind, kind)
        return kind if kind in named else None

    per_kind = {}
    test = [i for i in gold if split_of(items[i]) == "test"]
    for kind in sorted(named - {"not_covered"}):
        tp = sum(as_read(gold[i]) == kind and predicted[i] == kind for i in test)
        fp = sum(as_read(gold[i]) != kind and predicted[i] == kind for i in test)
        fn = sum(as_read(gold[i]) == kind and predicted[i] != kind for i in test)
        per_kind[kind] = {"support": tp + fn, "precision": tp / (tp + fp) if tp + fp else 0.0,
                          "recall": tp / (tp + fn) if tp + fn else 0.0, "f1": 2 * tp / (2 * tp + fp + fn) if tp else 0.0}

    def right(i: str) -> bool:  # a kind it has no name for is read right when left not_covered (train_kinds.correct)
        return correct(gold[i], predicted[i], named)

    by_split = {}
    for split in ("train", "test"):
        mine = [i for i in gold if split_of(items[i]) == split]
        by_split[split] = {"items": len(mine), "read_right": sum(map(right, mine)) / len(mine) if mine else 0.0}
        for source in ("everyday", "primock57", "aci-bench"):
            sub = [i for i in mine if items[i]["source"].startswith(source)]
            if sub:
                by_split[split][source] = {"items": len(sub), "read_right": sum(map(right, sub)) / len(sub)}
    return {"by_split": by_split, "per_kind": per_kind}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    items = {row["id"]: row for row in map(json.loads, (TURNSET / "question_kinds_items.jsonl").read_text(encoding="utf-8").splitlines())}
    by_labeller = {name: labels(name) for name in labellers()}
    pairs: list[tuple[str, str]] = []
    gold: dict[str, str] = {}
    for item_id in items:
        kinds = [mine[item_id] for mine in by_labeller.values() if item_id in mine]
        if len(kinds) >= 2:
            pairs.append((kinds[0], kinds[1]))
        if kinds and (len(kinds) == 1 or kinds[0] == kinds[1]):  # where two disagree the item is left out
            gold[item_id] = kinds[0]
    report: dict = {"items": len(items), "labelled": sum(1 for i in items if any(i in m for m in by_labeller.values())), "double": len(pairs)}
    if pairs:
        a, b = [x for x, _ in pairs], [y for _, y in pairs]
        report["agreement"] = {"kappa": kappa(a, b), "raw": sum(x == y for x, y in pairs) / len(pairs)}
    report["gold_kinds"] = dict(Counter(gold.values()).most_common())
    report["word_lists"] = reader_report(items, gold, learned=False)
    report["reader"] = reader_report(items, gold, learned=True)
    if args.json:
        print(json.dumps(report, indent=1))
        return 0
    print(f"{report['labelled']} of {report['items']} items labelled, {report['double']} by two labellers")
    if "agreement" in report:
        print(f"agreement: kappa {report['agreement']['kappa']:.2f}, raw {report['agreement']['raw']:.2f}")
    print("read right (a kind the reader has no name for: left not_covered); train may be tuned on, test never:")
    for split in ("train", "test"):
        before, after = report["word_lists"]["by_split"][split], report["reader"]["by_split"][split]
        parts = [f"all {before['read_right']:.2f} -> {after['read_right']:.2f} of {after['items']}"]
        sources = [s for s in ("everyday", "primock57", "aci-bench") if s in after]
        parts += [f"{s} {before[s]['read_right']:.2f} -> {after[s]['read_right']:.2f} of {after[s]['items']}" for s in sources]
        print(f"  {split:5}: word lists -> with the learned kind: " + "; ".join(parts))
    print(f"{'kind':14} support  precision  recall    F1   (test split, with the learned kind; word lists' F1)")
    for kind, s in report["reader"]["per_kind"].items():
        print(f"{kind:14} {s['support']:7}  {s['precision']:9.2f}  {s['recall']:6.2f}  {s['f1']:4.2f}   {report['word_lists']['per_kind'][kind]['f1']:.2f}")
    print("gold kinds:", ", ".join(f"{k} {v}" for k, v in report["gold_kinds"].items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
