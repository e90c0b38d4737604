"""Turns for the adjudicator: every double-labelled turn where the labellers differ, and single-labelled
turns from before codebook 2.3 that fall in one of the edges the codebook has since decided.

    python benchmarks/turnset/review_list.py > benchmarks/turnset/work/review.txt
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from build_gold import assignments, consultations, labels_of  # noqa: E402

# Batches labelled before codebook 2.3 was written (their labellers read 2.0-2.2).
EARLY = {"batch-01", "batch-02", "batch-03", "batch-04", "batch-05", "batch-06", "batch-07", "batch-08", "batch-09",
         "batch-10", "batch-11", "batch-12", "batch-13", "batch-21", "batch-22", "batch-23", "batch-24", "batch-25", "batch-26"}
EDGES = [
    (
        "social how-are-you at the greeting",
        re.compile(r"\bhow are (you|things)( doing)?( today)?\W*$|^\W*(hi|hello|good morning)\b.{0,30}\bhow are you", re.I),
        None,
    ),
    ("how is your X (open unless a number)", re.compile(r"\bhow('s| is| are) (your|the|you)\b", re.I), "closed_question"),
    (
        "generic opener coded agenda",
        re.compile(r"how can i help|what brings you|what can i do for you|what seems to be|what's (been )?going on|what brought you", re.I),
        "agenda_setting",
    ),
    ("anything else / any other", re.compile(r"\b(anything else|any other)\b", re.I), None),
    ("tests and referrals", re.compile(r"\b(order|refer|referral|book|x-?ray|scan|mri|blood test|bloods|echo|ecg|ekg|ultrasound)\b", re.I), None),
    ("name or identity check", re.compile(r"\b(is (that|this) \w+\?|am i speaking|date of birth|can i (just )?(confirm|check) your)", re.I), None),
    ("demonstration", re.compile(r"\b(show me|now you try|have a go)\b", re.I), None),
    (
        "recap near the end",
        re.compile(r"\b(so,? (just )?to (recap|sum)|so the plan is|so we've agreed|let me (just )?recap|so,? (you're|you are) going to)\b", re.I),
        None,
    ),
    (
        "offer asking the patient's view",
        re.compile(r"\bhow (would you feel|does that sound|do you feel about)|what do you think( about that| of that)?\??$", re.I),
        None,
    ),
    ("okay? tag", re.compile(r"\b(okay|ok|alright|all right)\s*\?\s*$", re.I), None),
]


def main() -> None:
    texts = {}
    for c in consultations().values():
        for t in c["turns"]:
            texts[f"{c['id']}#{t['i']}"] = (t["text"], c["turns"][t["i"] - 1]["text"] if t["i"] > 0 else "")
    out = []
    for batch, labellers in sorted(assignments().items()):
        first = labels_of(labellers[0], batch)
        second = labels_of(labellers[1], batch) if len(labellers) > 1 else {}
        for tid, record in first.items():
            text, before = texts[tid]
            codes = sorted({c["code"] for c in record["codes"]})
            if tid in second:
                other = sorted({c["code"] for c in second[tid]["codes"]})
                if codes != other:
                    out.append((tid, "labellers differ", text, before, {labellers[0]: record, labellers[1]: second[tid]}))
                continue
            if batch not in EARLY:
                continue
            for name, pattern, code in EDGES:
                if pattern.search(text) and (code is None or code in codes):
                    out.append((tid, name, text, before, {labellers[0]: record}))
                    break
    for tid, why, text, before, records in out:
        print(f"### {tid}  [{why}]")
        print(f"patient before: {before[:300]}")
        print(f"turn: {text}")
        for who, r in records.items():
            labels = ", ".join(f"{c['code']}{'(complex)' if c.get('complex') else ''}: \"{c['quote'][:80]}\"" for c in r["codes"])
            print(f"  {who}: {labels or '(no code)'}" + (f"  note: {r['note']}" if r.get("note") else ""))
        print()
    print(f"# {len(out)} turns to review", file=sys.stderr)


if __name__ == "__main__":
    main()
