"""Turn the everyday practice consultations of the blind rounds into labelling input (`played/`).

    python benchmarks/turnset/make_played.py

Each blind round's set (`benchmarks/probes/everyday/<scenario>.<set>.txt`) was written by a helper from the
scenario's briefing only, in one clinician's everyday voice, and played through the scripted patient; the
round's `*-transcripts.jsonl` holds what the patient said. This writes one file per consultation, in the
format of `written/` (`Clinician:` / `Patient:` lines), with the clinician's lines as written and the
patient's replies of the round's later code ("after" in its key.json). Only rounds already labelled and
used are taken; the set that is still fresh for a blind round is never written here.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
HANDCHECK = HERE.parent / "handcheck"
# set -> the blind-round folder whose transcripts it takes (the round's later code)
ROUNDS = {
    "test8": "blind-whole-2026-12-06j", "test9": "blind-whole-2026-12-06k", "test10": "blind-whole-2026-12-06l",
    "test11": "blind-whole-2026-12-06m", "test12": "blind-whole-2026-12-06n", "test13": "blind-whole-2026-12-06o",
    "test15": "blind-whole-2026-12-06p", "test16": "blind-whole-2026-12-06q",
}


def main() -> None:
    out = HERE / "played"
    out.mkdir(exist_ok=True)
    for name, folder in ROUNDS.items():
        key = json.loads((HANDCHECK / folder / "key.json").read_text(encoding="utf-8"))
        rows = [json.loads(line) for line in (HANDCHECK / folder / f"{name}-transcripts.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
        by_transcript: dict[str, list[dict]] = {}
        for row in rows:
            by_transcript.setdefault(row["transcript"], []).append(row)
        for transcript, turns in sorted(by_transcript.items()):
            scenario, side = transcript.split("/")
            if key["versions"][f"{name}:{scenario}:{side}"] != "after":
                continue
            probe = HERE.parent / "probes" / "everyday" / f"{scenario}.{name}.txt"
            header = next((line for line in probe.read_text(encoding="utf-8").splitlines() if line.startswith("#")), "#")
            lines = [header, f"# Played through the scripted patient at {key['after']} (blind round {folder}); patient lines are the simulator's."]
            for turn in sorted(turns, key=lambda t: t["turn"]):
                lines.append(f"Clinician: {turn['clinician']}")
                if turn["patient"]:
                    lines.append(f"Patient: {turn['patient']}")
            (out / f"{name}-{scenario}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(len(list(out.glob("*.txt"))), "consultations in", out)


if __name__ == "__main__":
    main()
