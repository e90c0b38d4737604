"""Train the learned reading of what a question asks for (simulator/analysis/kinds.py) and write its weights.

    pip install -e '.[train]'
    python benchmarks/train_kinds.py                 # cross-validates on train, reports test, writes the weights
    python benchmarks/train_kinds.py --no-write      # the figures only

Labels: benchmarks/turnset/question_kinds_labels-*.jsonl (codebook: question_kinds_codebook.md); where two
labellers disagree, the first labeller's kind. Split by consultation: **test** is every question from the
written test consultations (`everyday/*.test*`) and from half of the PriMock57 consultations (by a hash of
the consultation id); **train** is the rest (the written dev consultations, ACI-Bench, the other PriMock57 half).
C and the threshold are chosen by 5-fold cross-validation over train (folds by consultation); the shipped
weights are fitted on all of train. Test figures are reported as they fall and never used for a choice.

What is scored is the reader's final kind (`TurnAnalysis.kind`): the word lists' kind where they have one,
the learned one where they have none and the model is sure enough (threshold) of a kind the patient answers
(question_kinds.yaml `learned_kinds`). A codebook kind the reader has no name for is read right when the reader
leaves the question `not_covered`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter, defaultdict
from functools import cache
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from train_reader import quantised, write_weights  # noqa: E402  (one way to pack and write weights)

from simulator.analysis.kinds import KIND_FEATURE_VERSION, KINDS_MODEL, READER_NAMES, accepted, question_features, word_list_kind  # noqa: E402
from simulator.analysis.lexicon import Lexicon  # noqa: E402
from simulator.analysis.model import bucket_of  # noqa: E402
from simulator.analysis.reader import TurnReader  # noqa: E402
from simulator.resources import DATA_DIR, shipped_scenarios_dir  # noqa: E402
from simulator.scenario import load_scenario  # noqa: E402

TURNSET = REPO / "benchmarks" / "turnset"
BUCKETS = 1 << 18
C_GRID = (0.3, 1.0, 3.0, 10.0)
THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.1, 0.91, 0.05))
FOLDS = 5
MIN_EXAMPLES = 5  # a kind with fewer labelled examples in train is not learned


class _Capturing(TurnReader):
    """The reader, keeping the features its learned kind would see (and the word lists' kind)."""

    captured: tuple[list[str], str, tuple[str, ...], str] | None = None

    def _question_kind(self, asking, whole, topics, codes):
        kind = word_list_kind(self.lexicon, asking, topics, whole)
        self.captured = (question_features(asking, topics, codes, kind), kind, topics, asking)
        return kind


@cache
def reader_for(source: str, cls: type[TurnReader] = _Capturing) -> TurnReader:
    """A written consultation's questions as its patient reads them (the scenario's topics too); others with the shared lexicon."""
    if source.startswith("everyday/"):
        scenario = load_scenario(shipped_scenarios_dir() / f"{source.removeprefix('everyday/').split('.')[0]}.yaml")
        return cls(scenario.topics, topic_examples=scenario.topic_examples)
    return cls()


def reader_kinds(lexicon: Lexicon) -> frozenset[str]:
    """The kinds the reader can name: the word lists', the learned ones the patient answers, and not_covered."""
    return frozenset(k for k, *_ in lexicon.question_kinds) | lexicon.answered_kinds | {"not_covered"}


def consultation(item: dict) -> str:
    return item["source"]


def split_of(item: dict) -> str:
    source = item["source"]
    if source.startswith("everyday/"):
        return "test" if ".test" in source else "train"
    if source.startswith("primock57/"):
        return "test" if int(hashlib.sha256(source.encode()).hexdigest()[:8], 16) % 2 else "train"
    return "train"


def load_items() -> list[dict]:
    items = {}
    for line in (TURNSET / "question_kinds_items.jsonl").read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        items[item["id"]] = item
    labelled = {}
    for path in sorted(TURNSET.glob("question_kinds_labels-*.jsonl"), key=lambda p: int(p.stem.rsplit("-L", 1)[1])):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                labelled.setdefault(row["id"], row["kind"])  # the first labeller's, where two disagree
    rows = []
    for item_id, kind in labelled.items():
        item = dict(items[item_id], gold=kind, split=split_of(items[item_id]))
        reader = reader_for(item["source"])
        reader.captured = None
        analysis = reader.analyse(item["text"], item.get("previous_patient"))
        if reader.captured is None:  # the reader finds no question in it: the kind stays unread
            item["features"], item["rule_kind"], item["topics"], item["asking"] = [], analysis.kind, (), ""
        else:
            item["features"], item["rule_kind"], item["topics"], item["asking"] = reader.captured
        rows.append(item)
    return rows


def matrix(rows: list[dict]) -> csr_matrix:
    data, indices, indptr = [], [], [0]
    for row in rows:
        buckets = sorted({bucket_of(f, BUCKETS) for f in row["features"]})
        indices += buckets
        data += [1.0] * len(buckets)
        indptr.append(len(indices))
    return csr_matrix((data, indices, indptr), shape=(len(rows), BUCKETS))


def fit(x: csr_matrix, gold: list[str], kinds: list[str], c: float) -> tuple[np.ndarray, np.ndarray]:
    weights, bias = np.zeros((len(kinds), x.shape[1])), np.full(len(kinds), -30.0)
    for k, kind in enumerate(kinds):
        y = np.array([g == kind for g in gold])
        if y.any() and not y.all():
            model = LogisticRegression(C=c, solver="liblinear", max_iter=1000).fit(x, y)
            weights[k], bias[k] = model.coef_[0], model.intercept_[0]
    return weights, bias


def final_kinds(rows: list[dict], logits: np.ndarray, kinds: list[str], threshold: float, lexicon: Lexicon) -> list[str]:
    """The reader's kind for each row, as reader.py decides it."""
    out = []
    for row, z in zip(rows, logits):
        rule = row["rule_kind"]
        if rule != "not_covered" or not row["features"]:
            out.append(rule)
            continue
        k = int(np.argmax(z))
        guess = READER_NAMES.get(kinds[k], kinds[k])
        out.append(guess if accepted(guess, 1 / (1 + np.exp(-z[k])), threshold, row["asking"], row["topics"], lexicon) else rule)
    return out


def correct(gold: str, kind: str | None, reader_kinds: frozenset[str]) -> bool:
    want = READER_NAMES.get(gold, gold)
    return kind == want if want in reader_kinds else kind in (None, "not_covered")


def score(rows: list[dict], predicted: list[str], reader_kinds: frozenset[str]) -> float:
    return sum(correct(r["gold"], p, reader_kinds) for r, p in zip(rows, predicted)) / len(rows)


def report(name: str, rows: list[dict], predicted: list[str], reader_kinds: frozenset[str]) -> None:
    rules = [r["rule_kind"] for r in rows]
    print(f"{name}: {len(rows)} questions; read right: word lists {score(rows, rules, reader_kinds):.3f}, "
          f"with the learned kind {score(rows, predicted, reader_kinds):.3f}")
    by_source = defaultdict(list)
    for i, r in enumerate(rows):
        by_source[r["source"].split("/")[0]].append(i)
    for source, idx in sorted(by_source.items()):
        sub = [rows[i] for i in idx]
        print(f"  {source:12} {len(sub):4d}: {score(sub, [rules[i] for i in idx], reader_kinds):.3f} -> "
              f"{score(sub, [predicted[i] for i in idx], reader_kinds):.3f}")
    changed = Counter((READER_NAMES.get(r["gold"], r["gold"]), p) for r, p, q in zip(rows, predicted, rules) if p != q)
    print("  changed by the learned kind (gold, read):", ", ".join(f"{g}->{p} {n}" for (g, p), n in changed.most_common(12)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=DATA_DIR / KINDS_MODEL)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    rows = load_items()
    train = [r for r in rows if r["split"] == "train"]
    test = [r for r in rows if r["split"] == "test"]
    lexicon = TurnReader().lexicon
    named = reader_kinds(lexicon)
    counts = Counter(r["gold"] for r in train)
    kinds = sorted(k for k, n in counts.items() if n >= MIN_EXAMPLES)
    print(f"{len(rows)} labelled questions: {len(train)} train, {len(test)} test; {len(kinds)} kinds learned")
    x_train = matrix(train)
    gold = [r["gold"] for r in train]
    folds = np.array([int(hashlib.sha256(consultation(r).encode()).hexdigest()[:8], 16) % FOLDS for r in train])
    best = (-1.0, None, None)
    for c in C_GRID:
        logits = np.zeros((len(train), len(kinds)))
        for fold in range(FOLDS):
            inside, outside = folds != fold, folds == fold
            w, b = fit(x_train[inside], [g for g, i in zip(gold, inside) if i], kinds, c)
            logits[outside] = x_train[outside] @ w.T + b
        for t in THRESHOLDS:
            s = score(train, final_kinds(train, logits, kinds, t, lexicon), named)
            if s > best[0]:
                best = (s, c, t)
    s, c, t = best
    print(f"cross-validated on train: C {c}, threshold {t}: read right {s:.3f} "
          f"(word lists alone {score(train, [r['rule_kind'] for r in train], named):.3f})")
    weights, bias = fit(x_train, gold, kinds, c)
    report("test (never tuned on)", test, final_kinds(test, matrix(test) @ weights.T + bias, kinds, t, lexicon), named)
    if args.no_write:
        return
    scale, rows = quantised(weights, range(BUCKETS))
    data = {
        "schema_version": 1, "feature_version": KIND_FEATURE_VERSION, "buckets": BUCKETS, "codes": kinds, "scale": scale,
        "bias": [round(float(v), 4) for v in bias], "thresholds": {"kind": t}, "policy": {},
        "trained_on": "benchmarks/turnset/question_kinds_labels-*.jsonl, train split (benchmarks/train_kinds.py)",
        "rows": rows,
    }
    write_weights(args.out, data)


if __name__ == "__main__":
    main()
