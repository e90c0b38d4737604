"""How well the turn reader codes clinician turns, against the first wave's reader and a regex baseline,
in the same run; and how fast it reads.

    python benchmarks/bench_reader.py [--split test|dev|train|everyday] [--json] [--no-first-wave]

1. Per-code precision, recall and F1 per turn on benchmarks/turnset/gold.jsonl (`test` unless told:
   the split nobody tuned on; `everyday`: the held-out typed practice consultations), for the reader, the
   first wave's keyword reader and a regex baseline.
   `any_question` is open or closed. Codes a reader does not have are shown as "-".
2. The counselling set's own codes (mPED, RIAS-style, coded by its authors, not us): per-utterance F1
   for question, information, affirmation/approval and orienting, on the dialogues of the chosen split
   and on all 44 (some of which the reader was trained on; said so).
3. Speed: clinician turns per CPU-second, in-process, one core, over every PriMock57 and ACI-Bench
   clinician turn (kept-aside ten excluded), and over the gold split's turns.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.baselines import first_wave_codes, regex_baseline  # noqa: E402
from benchmarks.datasets import aci_bench, pa_counselling, primock57  # noqa: E402
from simulator.analysis import TurnReader  # noqa: E402

GOLD = REPO / "benchmarks" / "turnset" / "gold.jsonl"
KEY_CODES = ("any_question", "open_question", "closed_question", "reflection", "information", "advice")
# mPED exchange codes (theirs) against ours
MPED = {
    "question": ({"Ask-PerInfo", "Ask-Opinion", "Ask-GenInfo"}, {"open_question", "closed_question"}),
    "information": ({"Give-GenInfo"}, {"information"}),
    "approval": ({"Approve/Encourage"}, {"affirmation"}),
    "orienting": ({"Orient"}, {"agenda_setting", "signposting"}),
    "greeting": ({"Greeting"}, {"greeting"}),
}


def with_any_question(codes: Iterable[str]) -> set[str]:
    codes = set(codes)
    if codes & {"open_question", "closed_question"}:
        codes.add("any_question")
    return codes


def scores(gold: list[set[str]], predicted: list[set[str]], code: str) -> dict:
    tp = sum(code in g and code in p for g, p in zip(gold, predicted))
    fp = sum(code not in g and code in p for g, p in zip(gold, predicted))
    fn = sum(code in g and code not in p for g, p in zip(gold, predicted))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "support": tp + fn}


def coded(reader: TurnReader, turns: list[tuple[str, str | None]]) -> list[set[str]]:
    return [with_any_question(reader.analyse(t, p).codes) for t, p in turns]


def gold_part(split: str) -> tuple[list[tuple[str, str | None]], list[set[str]], list[dict]]:
    rows = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [r for r in rows if r["split"] == split]
    return [(r["text"], r["previous_patient"]) for r in rows], [with_any_question(c["code"] for c in r["codes"]) for r in rows], rows


def mped(reader: TurnReader, dialogues: set[str] | None, first_wave: bool) -> dict:
    turns, theirs = [], []
    for dialog, rows in pa_counselling():
        if dialogues is not None and f"pa-counselling/{dialog}" not in dialogues:
            continue
        previous = None
        for row in rows:
            if row["speaker"] != "counselor":
                previous = row["utterance"]
                continue
            turns.append((row["utterance"], previous))
            theirs.append({row["task_focused"], row["social_exchange"]})
    readers: dict[str, Callable[[], list[set[str]]]] = {
        "reader": lambda: coded(reader, turns),
        "regex baseline": lambda: [with_any_question(regex_baseline(t)) for t, _ in turns],
    }
    if first_wave:
        readers["first wave"] = lambda: [with_any_question(c) for c in first_wave_codes(turns)]
    out: dict = {"utterances": len(turns)}
    for name, run in readers.items():
        ours = run()
        out[name] = {}
        for label, (their_codes, our_codes) in MPED.items():
            gold = [{label} if t & their_codes else set() for t in theirs]
            pred = [{label} if o & our_codes else set() for o in ours]
            out[name][label] = scores(gold, pred, label)
    return out


def speed(reader: TurnReader, turns: list[tuple[str, str | None]]) -> float:
    reader.analyse("Warm up.")
    start = time.process_time()
    for text, previous in turns:
        reader.analyse(text, previous)
    return len(turns) / (time.process_time() - start)


def transcript_turns() -> list[tuple[str, str | None]]:
    out = []
    for source in (primock57, aci_bench):
        for _, turns in source():
            previous = None
            for speaker, text in turns:
                if speaker == "clinician":
                    out.append((text, previous))
                else:
                    previous = text
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="test", choices=("test", "dev", "train", "everyday"))
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--no-first-wave", action="store_true", help="skip the first wave's reader (needs git)")
    args = parser.parse_args()
    reader = TurnReader()
    turns, gold, rows = gold_part(args.split)
    predictions = {"reader": coded(reader, turns), "regex baseline": [with_any_question(regex_baseline(t)) for t, _ in turns]}
    if not args.no_first_wave:
        predictions["first wave"] = [with_any_question(c) for c in first_wave_codes(turns)]
    vocabulary = ["any_question", *reader.lexicon.vocabulary]
    table = {name: {code: scores(gold, pred, code) for code in vocabulary} for name, pred in predictions.items()}
    has = {name: set().union(*pred) for name, pred in predictions.items()}
    split_dialogues = {r["consultation"] for r in rows if r["source"] == "pa-counselling"}
    counselling = {
        f"{args.split} split": mped(reader, split_dialogues, not args.no_first_wave),
        "all 44 dialogues (some in the reader's training data)": mped(reader, None, not args.no_first_wave),
    }
    transcripts = transcript_turns()
    rates = {"primock57 + aci-bench": (len(transcripts), speed(reader, transcripts)), f"gold {args.split}": (len(turns), speed(reader, turns))}
    if args.json:
        print(json.dumps({"split": args.split, "turns": len(turns), "codes": table, "counselling": counselling,
                          "turns_per_second": {k: v[1] for k, v in rates.items()}}, indent=1))
        return 0
    names = list(predictions)
    print(f"Turn codes, {args.split} split: {len(turns)} clinician turns, {len({r['consultation'] for r in rows})} consultations (F1; support)")
    print(f"{'code':22} {'support':>7} " + " ".join(f"{n:>15}" for n in names))
    for code in vocabulary:
        support = table["reader"][code]["support"]
        if not support:
            continue
        cells = [f"{table[n][code]['f1']:15.2f}" if code in has[n] or table[n][code]["f1"] else f"{'-':>15}" for n in names]
        print(f"{code:22} {support:7d} " + " ".join(cells))
    for part, result in counselling.items():
        print(f"\nmPED counselling codes (theirs), {part}: {result['utterances']} counsellor utterances (F1)")
        print(f"{'code':22} " + " ".join(f"{n:>15}" for n in names))
        for label in MPED:
            print(f"{label:22} " + " ".join(f"{result[n][label]['f1']:15.2f}" for n in names))
    print("\nSpeed (clinician turns per CPU-second, one core, in-process):")
    for name, (count, rate) in rates.items():
        print(f"  {name}: {count} turns, {rate:,.0f} turns/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
