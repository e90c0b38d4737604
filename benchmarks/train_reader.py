"""Train the turn reader's learned model from the labelled turns and write its weights.

    pip install -e '.[train]'
    python benchmarks/turnset/build_gold.py      # the gold corpus from the labellers' files
    python benchmarks/train_reader.py            # writes simulator/data/reader/model.json.gz

Reproducible: the same gold corpus gives the same weights (liblinear is deterministic). Only the
`train` and `dev` splits are read. Each code's regularisation, threshold and policy (model, rules or
either) are chosen by 5-fold cross-validation over train + dev, folds by consultation; the shipped
weights are then fitted on all of train + dev. The `test` split is never opened here;
benchmarks/bench_reader.py reports it.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import itertools
import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from simulator.analysis.features import FEATURE_VERSION  # noqa: E402
from simulator.analysis.model import MODEL_FILE, bucket_of  # noqa: E402
from simulator.analysis.reader import TurnReader  # noqa: E402
from simulator.resources import DATA_DIR  # noqa: E402

GOLD = REPO / "benchmarks" / "turnset" / "gold.jsonl"
BUCKETS = 1 << 20
MIN_POSITIVE_TURNS = 12  # fewer labelled examples than this in train: the code stays with the rules
NOT_LEARNED = {"jargon", "backchannel"}  # decided for the whole turn by exact rules
C_GRID = (0.1, 0.3, 1.0, 3.0)
THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.1, 0.91, 0.05))
KEEP_WEIGHT = 0.02
RULE_MARGIN = 0.02  # F1 the rules must add, over the model alone, to be run at all for a code
# Codes whose exact phrasings the simulated patient must never miss ("Is there anything worrying you?" opens a
# hidden concern; "One option is a combined inhaler" puts a plan on offer; "What will you tell your wife about the
# plan?" asks for it back): their word-list rules always decide with the model ("either"), at the best setting for that.
KEEP_RULES = frozenset({"elicit_ice", "options", "teach_back", "problem_solving"})
# Whether a unit asks at all is learned as its own target ("question"); open or closed is then the more
# likely form, with a bias (FORM_BIASES) chosen by cross-validation.
QUESTION = "question"
FORMS = {"open_question", "closed_question"}
FORM_BIASES = (0.5, 0.67, 0.8, 1.0, 1.25, 1.5, 2.0)
RULE_VOTES = (0.0, 0.1, 0.2, 0.3)  # how much the rules' own reading of the form adds to its probability


def load_gold(splits: set[str]) -> list[dict]:
    rows = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if r["split"] in splits]


def overlaps(unit: tuple[int, int], quote: tuple[int, int]) -> bool:
    shared = min(unit[1], quote[1]) - max(unit[0], quote[0])
    return shared > 0 and (shared >= 0.5 * (unit[1] - unit[0]) or shared >= 0.5 * (quote[1] - quote[0]))


class Corpus:
    """Units of the gold turns with their features, unit labels (with a mask) and turn labels."""

    def __init__(self, rows: list[dict], reader: TurnReader, codes: list[str], variant: str = ""):
        self.codes = codes
        self.turn_of: list[int] = []
        self.features: list[list[int]] = []
        self.rule_codes: list[frozenset[str]] = []
        self.turn_gold: list[set[str]] = []
        self.splits: list[str] = []
        self.folds: list[int] = []
        labels: dict[str, list[int]] = {c: [] for c in codes}
        for t, row in enumerate(rows):
            self.folds.append(int(hashlib.sha256(row["consultation"].encode()).hexdigest()[:8], 16))
            _, readings = reader.read_units(row["text"], row.get("previous_patient"))
            gold = {c["code"] for c in row["codes"]}
            if gold & FORMS:
                gold.add(QUESTION)
            self.turn_gold.append(gold)
            self.splits.append(row["split"])
            spans = defaultdict(list)
            for c in row["codes"]:
                at = row["text"].find(c["quote"])
                if at >= 0:
                    spans[c["code"]].append((at, at + len(c["quote"])))
                    if c["code"] in FORMS:
                        spans[QUESTION].append((at, at + len(c["quote"])))
            for reading in readings:
                self.turn_of.append(t)
                self.features.append(sorted({bucket_of(f, BUCKETS) for f in variant_features(reading, variant)}))
                self.rule_codes.append(reading.rule_codes)
                for code in codes:
                    if code not in gold:
                        labels[code].append(0)
                    elif any(overlaps(reading.span, q) for q in spans[code]):
                        labels[code].append(1)
                    else:
                        labels[code].append(-1)  # the turn has it, shown elsewhere: neither yes nor no here
        self.labels = {c: np.array(v) for c, v in labels.items()}
        self.turn_of_array = np.array(self.turn_of)
        # Only the buckets some unit uses get a column (fits are fast); `buckets` maps columns back.
        self.buckets = np.array(sorted({b for f in self.features for b in f}), dtype=np.int64)
        column = {int(b): i for i, b in enumerate(self.buckets)}
        indptr = np.cumsum([0] + [len(f) for f in self.features])
        indices = np.array([column[b] for f in self.features for b in f], dtype=np.int64)
        self.X = csr_matrix((np.ones(len(indices)), indices, indptr), shape=(len(self.features), len(self.buckets)))

    def fold_of_units(self, folds: int) -> np.ndarray:
        """Each unit's fold, by its consultation (so no consultation is in two folds)."""
        return np.array([self.folds[t] % folds for t in self.turn_of])

    def units_in(self, split: set[str]) -> np.ndarray:
        return np.array([self.splits[t] in split for t in self.turn_of])

    def turns_in(self, split: set[str]) -> list[int]:
        return [t for t, s in enumerate(self.splits) if s in split]


def variant_features(reading, variant: str) -> list[str]:
    """Feature sets tried with --variant (the shipped model uses the reader's own, variant "")."""
    feats = list(reading.features)
    if "norules" in variant:
        feats = [f for f in feats if not f.startswith("r=")]
    if "chars" in variant:
        text = reading.unit.text.lower()
        feats += [f"c3={text[i:i + 3]}" for i in range(len(text) - 2)]
    return feats


def f1(gold: list[bool], pred: list[bool]) -> tuple[float, int]:
    tp = sum(g and p for g, p in zip(gold, pred))
    fp = sum(p and not g for g, p in zip(gold, pred))
    fn = sum(g and not p for g, p in zip(gold, pred))
    return (2 * tp / (2 * tp + fp + fn) if tp else 0.0), tp + fn


def turn_max(corpus: Corpus, probs: np.ndarray, mask: np.ndarray, turns: list[int]) -> dict[int, float]:
    best: dict[int, float] = {t: 0.0 for t in turns}
    for p, t in zip(probs, corpus.turn_of_array[mask]):
        best[int(t)] = max(best[int(t)], float(p))
    return best


def fit(corpus: Corpus, code: str, mask: np.ndarray, c_value: float) -> LogisticRegression | None:
    y = corpus.labels[code]
    use = mask & (y >= 0)
    if y[use].sum() == 0:
        return None
    model = LogisticRegression(C=c_value, solver="liblinear", max_iter=200)
    model.fit(corpus.X[use], y[use])
    return model


FOLDS = 5


def out_of_fold(corpus: Corpus, code: str, c_value: float) -> np.ndarray | None:
    """Each train+dev unit's probability from a model fitted on the other folds."""
    use = corpus.units_in({"train", "dev"})
    folds = corpus.fold_of_units(FOLDS)
    probs = np.zeros(len(corpus.turn_of))
    for k in range(FOLDS):
        model = fit(corpus, code, use & (folds != k), c_value)
        if model is None:
            return None
        held = use & (folds == k)
        if held.any():
            probs[held] = model.predict_proba(corpus.X[held])[:, 1]
    return probs


def choose(corpus: Corpus, code: str) -> dict:
    """Regularisation, threshold and policy for one code, by cross-validation over train + dev."""
    use = corpus.units_in({"train", "dev"})
    turns = corpus.turns_in({"train", "dev"})
    gold = [code in corpus.turn_gold[t] for t in turns]
    rule_turn: dict[int, bool] = {t: False for t in turns}
    for has, t, u in zip((code in r for r in corpus.rule_codes), corpus.turn_of_array, use):
        if u:
            rule_turn[int(t)] = rule_turn[int(t)] or has
    rules_f1, support = f1(gold, [rule_turn[t] for t in turns])
    best = {"policy": "rules", "f1": rules_f1, "C": C_GRID[1], "threshold": 0.5, "rules_f1": rules_f1, "support": support}
    best_model = {"f1": -1.0, "C": C_GRID[1], "threshold": 0.5}
    best_either = {"f1": -1.0, "C": C_GRID[1], "threshold": 0.5}
    for c_value in C_GRID:
        probs = out_of_fold(corpus, code, c_value)
        if probs is None:
            continue
        top = turn_max(corpus, probs[use], use, turns)
        for threshold in THRESHOLDS:
            model_pred = [top[t] >= threshold for t in turns]
            for policy, pred in (("model", model_pred), ("either", [m or rule_turn[t] for m, t in zip(model_pred, turns)])):
                score, _ = f1(gold, pred)
                if score > best["f1"] + 1e-9:
                    best.update(policy=policy, f1=score, C=c_value, threshold=threshold)
                if policy == "model" and score > best_model["f1"] + 1e-9:
                    best_model.update(f1=score, C=c_value, threshold=threshold)
                if policy == "either" and score > best_either["f1"] + 1e-9:
                    best_either.update(f1=score, C=c_value, threshold=threshold)
    if code in KEEP_RULES:
        return {**best, "policy": "either", "f1": best_either["f1"], "C": best_either["C"], "threshold": best_either["threshold"]}
    # The rules cost time at every turn: they decide (alone or with the model) only where that is clearly better.
    if best["policy"] != "model" and best_model["f1"] >= best["f1"] - RULE_MARGIN:
        best.update(policy="model", f1=best_model["f1"], C=best_model["C"], threshold=best_model["threshold"])
    return best


def choose_form_bias(corpus: Corpus, choices: dict[str, dict]) -> tuple[tuple[float, float], tuple[float, float]]:
    """Open or closed for a unit the model thinks asks: the bias between P(open) and P(closed), and the
    weight of the rules' own reading of the form, that give the best mean of the two codes' F1, out of fold."""
    use = corpus.units_in({"train", "dev"})
    turns = corpus.turns_in({"train", "dev"})
    probs = {c: out_of_fold(corpus, c, choices[c]["C"]) for c in (QUESTION, *FORMS)}
    best = ((1.0, 0.0), (0.0, 0.0))
    for bias, vote in itertools.product(FORM_BIASES, RULE_VOTES):
        pred: dict[int, set[str]] = {t: set() for t in turns}
        for i in np.nonzero(use)[0]:
            if probs[QUESTION][i] >= choices[QUESTION]["threshold"]:
                rules = corpus.rule_codes[i]
                p_open = probs["open_question"][i] + vote * ("open_question" in rules)
                p_closed = probs["closed_question"][i] + vote * ("closed_question" in rules)
                pred[int(corpus.turn_of[i])].add("open_question" if p_open >= bias * p_closed else "closed_question")
        scores = tuple(f1([f in corpus.turn_gold[t] for t in turns], [f in pred[t] for t in turns])[0] for f in ("open_question", "closed_question"))
        if sum(scores) > sum(best[1]) + 1e-9:
            best = ((bias, vote), scores)
    return best


def quantised(weights: np.ndarray, buckets) -> tuple[float, dict[str, list[int]]]:
    """Weights (codes x columns) as model.py reads them: a scale, and per bucket (`buckets[column]`) one small
    integer per code; columns whose weights are all near zero are left out."""
    keep = np.nonzero((np.abs(weights) >= KEEP_WEIGHT).any(axis=0))[0]
    scale = float(np.abs(weights).max()) / 127 or 1.0
    return scale, {str(int(buckets[j])): [int(round(w / scale)) for w in weights[:, j]] for j in keep}


def write_weights(out: Path, data: dict) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with gzip.GzipFile(out, "wb", mtime=0) as handle:  # mtime 0: the same weights give the same bytes
        handle.write(json.dumps(data, separators=(",", ":"), sort_keys=True).encode("utf-8"))
    print(f"wrote {out} ({out.stat().st_size / 1024:.0f} KiB, {len(data['rows'])} buckets)")


def export(corpus: Corpus, codes: list[str], choices: dict[str, dict]) -> dict:
    both = corpus.units_in({"train", "dev"})
    weights = np.zeros((len(codes), len(corpus.buckets)))
    bias = []
    for k, code in enumerate(codes):
        model = fit(corpus, code, both, choices[code]["C"])
        weights[k] = model.coef_[0] if model else 0.0
        bias.append(round(float(model.intercept_[0]), 4) if model else -30.0)
    scale, rows = quantised(weights, corpus.buckets)
    return {
        "schema_version": 1,
        "feature_version": FEATURE_VERSION,
        "buckets": BUCKETS,
        "codes": codes,
        "scale": scale,
        "bias": bias,
        "thresholds": {code: choices[code]["threshold"] for code in codes},
        "policy": {code: choices[code]["policy"] for code in codes},
        "trained_on": "benchmarks/turnset/gold.jsonl, splits train+dev (choices made on dev with a train-only fit)",
        "rows": rows,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=DATA_DIR / MODEL_FILE)
    parser.add_argument("--variant", default="", help="try another feature set (norules, chars); nothing is written")
    args = parser.parse_args()
    rows = load_gold({"train", "dev"})
    reader = TurnReader(model=None)
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        if row["split"] == "train":
            for c in {c["code"] for c in row["codes"]}:
                counts[c] += 1
    codes = [c for c in reader.lexicon.vocabulary if c not in NOT_LEARNED and counts[c] >= MIN_POSITIVE_TURNS] + [QUESTION]
    corpus = Corpus(rows, reader, codes, args.variant)
    print(f"{len(rows)} turns ({sum(s == 'train' for s in corpus.splits)} train), {len(corpus.turn_of)} units, {len(codes)} learned codes")
    choices = {}
    print(f"cross-validated over train + dev ({FOLDS} folds by consultation); F1 per turn")
    print(f"{'code':22} {'support':>7} {'rules':>6} {'chosen':>6}  policy  C     threshold")
    for code in codes:
        choices[code] = best = choose(corpus, code)
        print(f"{code:22} {best['support']:7d} {best['rules_f1']:6.2f} {best['f1']:6.2f}  {best['policy']:7} {best['C']:<5} {best['threshold']}")
    (bias, vote), forms_f1 = choose_form_bias(corpus, choices)
    print(
        f"open vs closed: bias {bias}, rule vote {vote} (open when P(open) + vote*rule >= bias * (P(closed) + vote*rule)); "
        f"F1 open {forms_f1[0]:.2f}, closed {forms_f1[1]:.2f}"
    )
    print(f"mean F1 over codes {sum(c['f1'] for c in choices.values()) / len(choices):.3f}")
    if args.variant:
        return
    data = export(corpus, codes, choices)
    data["form_bias"] = bias
    data["form_rule_vote"] = vote
    write_weights(args.out, data)


if __name__ == "__main__":
    main()
