"""Play the everyday-words consultations (benchmarks/probes/everyday/<scenario>.<set>.txt) whole through the
scripted patient and write every reply as JSONL, for hand-checking: does each reply answer what was asked?

The probes test one question at a time; a whole consultation also tests what the patient remembers, what it
has already said and where the talk has got to, which is where the scripted patient failed most (a third of
the dev turns were non-answers on 2026-12-05). Labels live beside the replies in benchmarks/handcheck/.

Run: python benchmarks/play_whole.py --set dev|dev2|...|test|test2|... --out FILE [--tree PATH]  (any set in probes/everyday)
--tree plays another checkout of the code (a git worktree of an earlier commit) for a before/after pair.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROBES = HERE / "probes" / "everyday"


def consultation_lines(scenario_id: str, split: str) -> list[str]:
    text = (PROBES / f"{scenario_id}.{split}.txt").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def play(split: str) -> list[dict]:
    from simulator.patient import ScriptedPatient
    from simulator.resources import shipped_scenarios_dir
    from simulator.scenario import load_scenario

    rows = []
    for path in sorted(shipped_scenarios_dir().glob("*.yaml")):
        scenario = load_scenario(path)
        patient, previous = ScriptedPatient(scenario), None
        for i, line in enumerate(consultation_lines(scenario.id, split)):
            reply = patient.respond(line, 2 * i, previous)
            previous = reply.text
            rows.append({
                "scenario": scenario.id, "turn": i, "clinician": line, "reply": reply.text,
                "disclosed": [f.id for f in reply.decision.disclosed], "ended": patient.state.ended,
            })
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sets = sorted({path.name.split(".")[1] for path in PROBES.glob("*.txt")})  # every set written so far
    parser.add_argument("--set", dest="split", choices=sets, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--tree", type=Path, help="a checkout of the code to play instead of this one")
    args = parser.parse_args()
    if args.tree and not (args.tree / "simulator").is_dir():
        parser.error(f"--tree {args.tree}: not a checkout of consultsim (no simulator/ folder there); a commit needs a worktree")
    if args.tree:
        sys.path.insert(0, str(args.tree.resolve()))
        for name in [m for m in sys.modules if m == "simulator" or m.startswith("simulator.")]:
            del sys.modules[name]
    rows = play(args.split)
    with args.out.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(rows)} replies from {len({r['scenario'] for r in rows})} consultations -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
