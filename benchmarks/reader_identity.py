"""Whether two versions of the turn reader read every turn the same: dump every reading, then compare two dumps.

    python benchmarks/reader_identity.py dump OUT.jsonl
    python benchmarks/reader_identity.py compare A.jsonl B.jsonl

`dump` reads, with the code on PYTHONPATH (run it once with a checkout of the old version on PYTHONPATH, once
with the new one), every clinician turn of PriMock57 and ACI-Bench (with the patient's turn before it), every
gold-labelled turn (train, dev, test, everyday), every clinician line of the probe scripts (benchmarks/probes:
everyday consultations read by their scenario's reader; fidelity and endings lines) and of the shipped test
consultations, and writes one JSON line per reading with every field of `TurnAnalysis.analyse` (codes, evidence
spans, topics, context topics, counts, kind, aspects), its closing_last form, and the topics of the patient's
turn before it. `compare` says how many readings were compared and prints the first differences; exit 1 if any.
Speed-ups to the reader must leave this at 0 differences.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

Item = tuple[str, str | None, str | None]  # (text, previous patient turn, scenario id for its reader or None)


def items() -> Iterator[tuple[str, Item]]:
    from bench_reader import gold_part, transcript_turns

    for number, (text, previous) in enumerate(transcript_turns()):
        yield f"transcripts/{number}", (text, previous, None)
    for split in ("train", "dev", "test", "everyday"):
        for number, (text, previous) in enumerate(gold_part(split)[0]):
            yield f"gold-{split}/{number}", (text, previous, None)
    probes = REPO / "benchmarks" / "probes"
    for path in sorted((probes / "everyday").glob("*.txt")):
        scenario = path.name.split(".")[0]
        for number, line in enumerate(_lines(path)):
            yield f"everyday/{path.name}/{number}", (line, None, scenario)
    for path in sorted(probes.glob("*.yaml")):
        for group, lines in yaml.safe_load(path.read_text(encoding="utf-8"))["probes"].items():
            for number, line in enumerate(lines):
                yield f"{path.name}/{group}/{number}", (line, None, None)
    for path in sorted((REPO / "tests" / "consultations").glob("*/*.txt")):
        for number, line in enumerate(_lines(path)):
            yield f"consultations/{path.parent.name}/{path.name}/{number}", (line, None, path.parent.name)


def _lines(path: Path) -> list[str]:
    return [s for s in (r.strip() for r in path.read_text(encoding="utf-8").splitlines()) if s and not s.startswith("#")]


def dump(out: Path) -> int:
    from simulator.analysis import TurnReader
    from simulator.scenario import resolve

    shared = TurnReader()
    readers: dict[str, TurnReader] = {}
    count = 0
    with out.open("w", encoding="utf-8") as handle:
        for key, (text, previous, scenario) in items():
            if scenario is None:
                reader = shared
            elif scenario not in readers:
                reader = readers[scenario] = TurnReader.for_scenario(resolve(scenario))
            else:
                reader = readers[scenario]
            analysis = reader.analyse(text, previous)
            row = {
                "key": key,
                "reading": dataclasses.asdict(analysis),
                "closing_last": dataclasses.asdict(reader.closing_last(analysis)),
                "previous_topics": reader.topics_in(previous) if previous is not None else None,
            }
            handle.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
            count += 1
    import simulator

    print(f"{count} readings written to {out} (simulator from {Path(simulator.__file__).parent})")
    return 0


def compare(first: Path, second: Path, show: int = 10) -> int:
    a = first.read_text(encoding="utf-8").splitlines()
    b = second.read_text(encoding="utf-8").splitlines()
    differences = [(x, y) for x, y in zip(a, b) if x != y]
    for x, y in differences[:show]:
        print(f"- {x}\n+ {y}\n")
    if len(a) != len(b):
        print(f"different numbers of readings: {len(a)} and {len(b)}")
    print(f"{min(len(a), len(b))} readings compared; {len(differences)} differ")
    return 1 if differences or len(a) != len(b) else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("dump").add_argument("out", type=Path)
    pair = commands.add_parser("compare")
    pair.add_argument("first", type=Path)
    pair.add_argument("second", type=Path)
    args = parser.parse_args()
    return dump(args.out) if args.command == "dump" else compare(args.first, args.second)


if __name__ == "__main__":
    raise SystemExit(main())
