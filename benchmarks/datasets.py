"""Readers for the third-party consultation data in ../shared/data (PriMock57, ACI-Bench, mPED counselling),
turning each into (speaker, text) turns for the grader. Used by benchmarks and tests, not by the package."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"
_TAGS = re.compile(r"</?UNSURE>|<UNIN/>|<[A-Z]+/?>")
_ACI_LINE = re.compile(r"^\[(doctor|patient|patient_guest|doctor_guest|guest_[a-z_]+|nurse)\]\s*(.*)$", re.I)

Turns = list[tuple[str, str]]

# ../shared/data/README.md keeps these ten aside for independent measurement: never label, tune or test on them.
KEPT_ASIDE = frozenset({
    "D2N088", "D2N093", "D2N129", "D2N161", "D2N170", "D2N177",
    "day1_consultation08", "day2_consultation05", "day3_consultation02", "day4_consultation10",
})


def primock57() -> Iterator[tuple[str, Turns]]:
    path = SHARED_DATA / "primock57" / "primock57_consultations.jsonl"
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["consultation_id"] in KEPT_ASIDE:
            continue
        turns = []
        for utterance in record["utterances"]:
            text = " ".join(_TAGS.sub(" ", utterance["text"]).split())
            if text:
                turns.append(("clinician" if utterance["speaker"] == "doctor" else "patient", text))
        yield f"primock57/{record['consultation_id']}", turns


def aci_bench() -> Iterator[tuple[str, Turns]]:
    folder = SHARED_DATA / "aci-bench"
    for path in sorted(folder.glob("*.csv")):
        if path.name.endswith("_metadata.csv"):
            continue
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if row["encounter_id"] in KEPT_ASIDE:
                    continue
                turns: Turns = []
                for raw in row["dialogue"].splitlines():
                    match = _ACI_LINE.match(raw.strip())
                    if match:
                        role = "clinician" if match.group(1).lower() in ("doctor", "nurse", "doctor_guest") else "patient"
                        turns.append((role, match.group(2).strip()))
                    elif turns and raw.strip():
                        turns[-1] = (turns[-1][0], f"{turns[-1][1]} {raw.strip()}")
                yield f"aci-bench/{path.stem}/{row['encounter_id']}", [t for t in turns if t[1]]


def pa_counselling() -> Iterator[tuple[str, list[dict[str, str]]]]:
    """mPED dialogues: rows with speaker (counselor/participant), utterance and RIAS-style codes."""
    path = SHARED_DATA / "physical-activity-counseling" / "pa_counseling_utterances.csv"
    dialogues: dict[str, list[dict[str, str]]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            dialogues.setdefault(row["dialog_id"], []).append(row)
    yield from dialogues.items()
