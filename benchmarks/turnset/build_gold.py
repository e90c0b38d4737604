"""Merge the labellers' files into the gold corpus the reader is trained and measured on.

    python benchmarks/turnset/build_gold.py      # writes gold.jsonl and gold_sessions.jsonl

For each batch the first labeller in assignments.json is primary; a second labeller's file is used for
agreement (agreement.py) and, where the two disagree, labels/adjudicated/ decides. Gold rows carry the
turn's text, the patient's turn before it, the consultation, source, licence and split.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent


def consultations() -> dict[str, dict]:
    return {c["id"]: c for c in map(json.loads, (HERE / "consultations.jsonl").read_text(encoding="utf-8").splitlines())}


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()] if path.exists() else []


def labels_of(labeller: str, batch: str) -> dict[str, dict]:
    by_id = consultations()
    return {resolve(r["id"], r, by_id): r for r in read_jsonl(HERE / "labels" / labeller / f"{batch}.jsonl")}


def sessions_of(labeller: str, batch: str) -> dict[str, dict]:
    return {r["consultation"]: r for r in read_jsonl(HERE / "labels" / labeller / f"{batch}.sessions.jsonl")}


def assignments() -> dict[str, list[str]]:
    return json.loads((HERE / "assignments.json").read_text(encoding="utf-8"))


def adjudicated() -> dict[str, dict]:
    by_id = consultations()
    found: dict[str, dict] = {}
    for path in sorted((HERE / "labels" / "adjudicated").glob("*.jsonl")):
        found.update({resolve(r["id"], r, by_id): r for r in read_jsonl(path)})
    return found


def resolve(tid: str, record: dict, by_id: dict[str, dict]) -> str:
    """Early batches named both MTS-Dialog test sets "TestSet"; find which one a label is for by its quotes."""
    cid, index = tid.rsplit("#", 1)
    if cid in by_id or not cid.startswith("mts-dialog/TestSet-"):
        return tid
    number = cid.split("-", 2)[2]
    candidates = [f"mts-dialog/TestSet{k}-{number}" for k in (1, 2) if f"mts-dialog/TestSet{k}-{number}" in by_id]
    for candidate in candidates:
        turns = by_id[candidate]["turns"]
        i = int(index)
        if i < len(turns) and all(c["quote"] in turns[i]["text"] for c in record["codes"]):
            return f"{candidate}#{index}"
    raise SystemExit(f"cannot place the label for {tid}")


def main() -> None:
    by_id = consultations()
    decided = adjudicated()
    gold, sessions = [], []
    for batch, labellers in sorted(assignments().items()):
        primary = labels_of(labellers[0], batch)
        if not primary:
            continue
        for tid, record in primary.items():
            cid, index = tid.rsplit("#", 1)
            c = by_id[cid]
            turns = c["turns"]
            i = int(index)
            previous = turns[i - 1]["text"] if i > 0 and turns[i - 1]["speaker"] == "patient" else None
            final = decided.get(tid, record)
            gold.append({
                "id": tid, "consultation": cid, "source": c["source"], "split": c["split"], "licence": c["licence"],
                "text": turns[i]["text"], "previous_patient": previous,
                "codes": final["codes"], "labeller": "adjudicated" if tid in decided else labellers[0],
                "double": len(labellers) > 1,
            })
        for cid, rating in sessions_of(labellers[0], batch).items():
            sessions.append({**rating, "split": by_id[cid]["split"], "source": by_id[cid]["source"], "labeller": labellers[0]})
    with (HERE / "gold.jsonl").open("w", encoding="utf-8") as out:
        for row in gold:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    with (HERE / "gold_sessions.jsonl").open("w", encoding="utf-8") as out:
        for row in sessions:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    splits = {s: sum(r["split"] == s for r in gold) for s in ("train", "dev", "test", "everyday")}
    print(f"{len(gold)} gold turns {splits}; {len(sessions)} rated consultations")


if __name__ == "__main__":
    main()
