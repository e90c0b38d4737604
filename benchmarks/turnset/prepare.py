"""Build the turn corpus to label: whole consultations drawn from ../shared/data and from
benchmarks/turnset/written/, each assigned to train/dev/test by consultation, and labelling batches.

    python benchmarks/turnset/prepare.py                      # writes consultations.jsonl
    python benchmarks/turnset/prepare.py --batches 280        # and work/batch-NN.txt for labelling
    python benchmarks/turnset/prepare.py --batches 280 --source written --first 21
    python benchmarks/turnset/prepare.py --batches 270 --more --first 31   # the latest draw (train only)
    python benchmarks/turnset/prepare.py --batches 200 --source played --first 36  # the played everyday consultations

Deterministic: the same inputs give the same selection, split and batches. The ten consultations that
../shared/data/README.md keeps aside for independent measurement are never selected.
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
SHARED = REPO.parent / "shared" / "data"
sys.path.insert(0, str(REPO))

from benchmarks.datasets import KEPT_ASIDE  # noqa: E402

# How many whole consultations to draw from each source (about 4,000 clinician turns in all).
DRAW = {"primock57": 20, "aci-bench": 35, "mts-dialog": 170}
# Later draws (2026-12-05: batches 27-30, then 31-34), more real consultations of the kind the grader is measured
# on: the next ones in the same shuffled order, all in the train split, so that dev and test stay exactly as they were.
DRAW_MORE = {"primock57": 16, "aci-bench": 42, "mts-dialog": 0}
MORE_BATCHES_FROM = {"primock57": 8, "aci-bench": 21}  # what batches 27-30 already hold of the later draws
LICENCES = {
    "primock57": "CC BY 4.0 (Papadopoulos Korfiatis et al., ACL 2022)",
    "aci-bench": "CC BY 4.0 (Yim et al., Scientific Data 2023)",
    "mts-dialog": "CC BY 4.0 (Ben Abacha et al., EACL 2023)",
    "pa-counselling": "Apache-2.0 (Liang et al., SIGDIAL 2021)",
    "written": "MIT (consultsim contributors; written for this corpus)",
    "played": "MIT (consultsim contributors; everyday practice consultations played through the scripted patient)",
}
# The played consultations (make_played.py) of these sets are held out as a test split of everyday typed
# wording ("everyday"); the rest go to train. dev and test stay exactly as they were.
PLAYED_HELD_OUT = ("test15-", "test16-")
_ACI_LINE = re.compile(r"^\[(doctor|patient|patient_guest|doctor_guest|guest_[a-z_]+|nurse)\]\s*(.*)$", re.I)
_MTS_LINE = re.compile(r"^\s*(Doctor|Patient|Guest_family|Guest_clinician|Guest_\w+)\s*:\s*(.*)$", re.I)
_WRITTEN_LINE = re.compile(r"^([A-Za-z][A-Za-z .'-]{0,30}):\s*(.*)$")
PATIENT_SPEAKERS = {"patient", "client", "participant", "carer", "parent", "wife", "husband", "son", "daughter", "mum", "dad"}


def split_of(consultation_id: str) -> str:
    """train 60%, dev 20%, test 20%, by a hash of the consultation id (stable across runs)."""
    bucket = int(hashlib.sha256(consultation_id.encode()).hexdigest()[:8], 16) % 10
    return "test" if bucket < 2 else "dev" if bucket < 4 else "train"


def merged(turns: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Consecutive pieces by one speaker become one turn."""
    out: list[list[str]] = []
    for speaker, text in turns:
        text = " ".join(text.split())
        if not text:
            continue
        if out and out[-1][0] == speaker:
            out[-1][1] += " " + text
        else:
            out.append([speaker, text])
    return [(s, t) for s, t in out]


def primock57() -> list[dict]:
    found = []
    for line in (SHARED / "primock57" / "primock57_consultations.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        cid = record["consultation_id"]
        if cid in KEPT_ASIDE:
            continue
        turns = merged([("clinician" if u["speaker"] == "doctor" else "patient", u["text"]) for u in record["utterances"]])
        found.append({"id": f"primock57/{cid}", "source": "primock57", "turns": turns})
    return found


def aci_bench() -> list[dict]:
    found = []
    for path in sorted((SHARED / "aci-bench").glob("*.csv")):
        if path.name.endswith("_metadata.csv"):
            continue
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if row["encounter_id"] in KEPT_ASIDE:
                    continue
                turns: list[tuple[str, str]] = []
                for raw in row["dialogue"].splitlines():
                    match = _ACI_LINE.match(raw.strip())
                    if match:
                        role = "clinician" if match.group(1).lower() in ("doctor", "nurse", "doctor_guest") else "patient"
                        turns.append((role, match.group(2)))
                    elif turns and raw.strip():
                        turns[-1] = (turns[-1][0], f"{turns[-1][1]} {raw.strip()}")
                found.append({"id": f"aci-bench/{row['encounter_id']}", "source": "aci-bench", "turns": merged(turns)})
    return found


def mts_dialog() -> list[dict]:
    found = []
    for path in sorted((SHARED / "mts-dialog").glob("MTS-Dialog-*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                turns: list[tuple[str, str]] = []
                for raw in row["dialogue"].splitlines():
                    match = _MTS_LINE.match(raw)
                    if match:
                        role = "clinician" if match.group(1).lower() in ("doctor", "guest_clinician") else "patient"
                        turns.append((role, match.group(2)))
                    elif turns and raw.strip():
                        turns[-1] = (turns[-1][0], f"{turns[-1][1]} {raw.strip()}")
                turns = merged(turns)
                if sum(s == "clinician" for s, _ in turns) >= 2:  # a single question tells little
                    found.append({"id": f"mts-dialog/{_mts_part(path.stem)}-{row['ID']}", "source": "mts-dialog", "turns": turns})
    return found


def _mts_part(stem: str) -> str:
    """"MTS-Dialog-TestSet-1-MEDIQA-Chat-2023" -> "TestSet1"; "MTS-Dialog-TrainingSet" -> "TrainingSet"."""
    parts = stem.split("-")
    return parts[2] + (parts[3] if parts[2] == "TestSet" else "")


def pa_counselling() -> list[dict]:
    path = SHARED / "physical-activity-counseling" / "pa_counseling_utterances.csv"
    dialogues: dict[str, list[tuple[str, str]]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            speaker = "clinician" if row["speaker"] == "counselor" else "patient"
            dialogues.setdefault(row["dialog_id"], []).append((speaker, row["utterance"]))
    return [{"id": f"pa-counselling/{d}", "source": "pa-counselling", "turns": merged(t)} for d, t in sorted(dialogues.items())]


def written() -> list[dict]:
    found = []
    for path in sorted((HERE / "written").glob("*.txt")):
        turns: list[tuple[str, str]] = []
        for raw in path.read_text(encoding="utf-8").splitlines():
            if not raw.strip() or raw.lstrip().startswith("#"):
                continue
            match = _WRITTEN_LINE.match(raw.strip())
            if match:
                role = "patient" if match.group(1).strip().lower() in PATIENT_SPEAKERS else "clinician"
                turns.append((role, match.group(2)))
            elif turns:
                turns[-1] = (turns[-1][0], f"{turns[-1][1]} {raw.strip()}")
        found.append({"id": f"written/{path.stem}", "source": "written", "turns": merged(turns)})
    return found


def played() -> list[dict]:
    """The blind rounds' everyday practice consultations (played/, written by make_played.py)."""
    found = []
    for path in sorted((HERE / "played").glob("*.txt")):
        lines = [raw for raw in path.read_text(encoding="utf-8").splitlines() if raw and not raw.startswith("#")]
        turns = [("clinician" if raw.startswith("Clinician: ") else "patient", raw.split(": ", 1)[1]) for raw in lines]
        split = "everyday" if path.stem.startswith(PLAYED_HELD_OUT) else "train"
        found.append({"id": f"played/{path.stem}", "source": "played", "turns": merged(turns), "split": split})
    return found


def shuffled_pools() -> dict[str, list[dict]]:
    """Each external source's consultations in the one fixed shuffled order every draw takes from, in turn."""
    rng = random.Random(20261205)
    pools = {}
    for source, loader in (("primock57", primock57), ("aci-bench", aci_bench), ("mts-dialog", mts_dialog)):
        pools[source] = loader()
        rng.shuffle(pools[source])  # every source, in this order, so the generator stays in step for later draws
    return pools


def as_record(consultation: dict, split: str | None = None) -> dict:
    """A drawn consultation as consultations.jsonl holds it: its split, licence and numbered turns."""
    if split is not None:
        consultation["split"] = split
    consultation.setdefault("split", split_of(consultation["id"]))
    consultation["licence"] = LICENCES[consultation["source"]]
    consultation["turns"] = [{"i": i, "speaker": s, "text": t} for i, (s, t) in enumerate(consultation["turns"])]
    return consultation


def select() -> list[dict]:
    chosen, more, third = [], [], []
    for source, pool in shuffled_pools().items():
        chosen += sorted(pool[: DRAW[source]], key=lambda c: c["id"])
        second = DRAW[source] + MORE_BATCHES_FROM.get(source, 0)  # each draw sorted on its own: earlier lines stay put
        more += sorted(pool[DRAW[source] : second], key=lambda c: c["id"])
        third += sorted(pool[second : DRAW[source] + DRAW_MORE[source]], key=lambda c: c["id"])
    chosen += pa_counselling() + written()
    return [as_record(c) for c in chosen] + [as_record(c, "train") for c in more + third] + [as_record(c) for c in played()]


def turn_id(consultation: dict, index: int) -> str:
    return f"{consultation['id']}#{index}"


def write_batches(consultations: list[dict], size: int, first: int = 1) -> None:
    """Readable batches of whole consultations, about `size` clinician turns each, numbered from `first`."""
    work = HERE / "work"
    work.mkdir(exist_ok=True)
    batches: list[list[dict]] = [[]]
    count = 0
    for c in consultations:
        n = sum(t["speaker"] == "clinician" for t in c["turns"])
        if count and count + n > size:
            batches.append([])
            count = 0
        batches[-1].append(c)
        count += n
    for number, batch in enumerate(batches, first):
        lines = []
        for c in batch:
            lines.append(f"=== consultation {c['id']} ===")
            for t in c["turns"]:
                if t["speaker"] == "clinician":
                    lines.append(f"[{turn_id(c, t['i'])}] CLINICIAN: {t['text']}")
                else:
                    lines.append(f"    patient: {t['text']}")
            lines.append("")
        (work / f"batch-{number:02d}.txt").write_text("\n".join(lines), encoding="utf-8")
        ids = [turn_id(c, t["i"]) for c in batch for t in c["turns"] if t["speaker"] == "clinician"]
        (work / f"batch-{number:02d}.ids").write_text("\n".join(ids) + "\n", encoding="utf-8")
        print(f"batch-{number:02d}: {len(batch)} consultations, {len(ids)} clinician turns")


def main() -> None:
    consultations = select()
    with (HERE / "consultations.jsonl").open("w", encoding="utf-8") as out:
        for c in consultations:
            out.write(json.dumps(c, ensure_ascii=False) + "\n")
    by_source: dict[str, int] = {}
    for c in consultations:
        by_source[c["source"]] = by_source.get(c["source"], 0) + sum(t["speaker"] == "clinician" for t in c["turns"])
    print(by_source, "total", sum(by_source.values()))
    if "--batches" in sys.argv:
        size = int(sys.argv[sys.argv.index("--batches") + 1])
        only = sys.argv[sys.argv.index("--source") + 1] if "--source" in sys.argv else None
        first = int(sys.argv[sys.argv.index("--first") + 1]) if "--first" in sys.argv else 1
        prefix = sys.argv[sys.argv.index("--prefix") + 1] if "--prefix" in sys.argv else ""
        later = "--more" in sys.argv  # only the latest draw's consultations
        drawn = [c for c in consultations if c["source"] != "played"]
        newest = drawn[len(drawn) - (sum(DRAW_MORE.values()) - sum(MORE_BATCHES_FROM.values())):]
        chosen = [c for c in consultations if (only is None or c["source"] == only) and c["id"].startswith(prefix) and (not later or c in newest)]
        write_batches(chosen, size, first)


if __name__ == "__main__":
    main()
