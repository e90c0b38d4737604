"""Tally a blind before/after hand check of whole consultations (benchmarks/handcheck/blind-whole-*/).

The checker labels two versions of each transcript, X and Y (or three, X, Y and Z), without knowing which is
which; key.json (written before labelling, opened after) says which letter is which version, per set and scenario.

Run: python benchmarks/tally_blind.py benchmarks/handcheck/blind-whole-2026-12-05
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import yaml

CODES = ("non_answer", "leak", "contradiction", "ending", "other")


def tally(folder: Path) -> dict[str, dict[str, Counter]]:
    versions = json.loads((folder / "key.json").read_text(encoding="utf-8"))["versions"]
    out: dict[str, dict[str, Counter]] = {}
    for labels_file in sorted(folder.glob("*-labels.yaml")):
        split = labels_file.name.removesuffix("-labels.yaml")
        counts: dict[str, Counter] = {}
        for transcript, turns in yaml.safe_load(labels_file.read_text(encoding="utf-8"))["labels"].items():
            scenario, letter = transcript.split("/")
            count = counts.setdefault(versions[f"{split}:{scenario}:{letter}"], Counter())
            for label in turns.values():
                count["replies"] += 1
                count["with a problem"] += bool(label["problems"])
                count.update(label["problems"])
        out[split] = counts
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    args = parser.parse_args()
    columns = ("replies", "with a problem", *CODES)
    print(f"{'set':6} {'version':8} " + " ".join(f"{c:>14}" for c in columns))
    key = json.loads((args.folder / "key.json").read_text(encoding="utf-8"))
    named = [name for name in key if name != "versions"]  # in the order the key names them (before, after; or start, mid, final)
    for split, counts in tally(args.folder).items():
        for version in named:
            count = counts.get(version, Counter())
            print(f"{split:6} {version:8} " + " ".join(f"{count[c]:>14}" for c in columns))
    return 0


if __name__ == "__main__":
    sys.exit(main())
