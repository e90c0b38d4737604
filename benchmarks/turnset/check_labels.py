"""Check a labeller's file against its batch: every clinician turn labelled once, known codes, exact quotes.

    python benchmarks/turnset/check_labels.py labels/L1/batch-03.jsonl [labels/L1/batch-03.sessions.jsonl]

Prints every problem as file:line: message and exits 1 if there is any.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CODES = (
    "open_question closed_question reflection summary empathy affirmation backchannel greeting agenda_setting "
    "signposting closing elicit_ice elicit_beliefs scale_question ask_permission information advice options "
    "goal_setting problem_solving partnership resources teach_back check_understanding safety_net follow_up"
).split()
KALAMAZOO = ("build_relationship", "open_discussion", "gather_information", "understand_perspective", "share_information", "reach_agreement", "provide_closure")
SELF_MANAGEMENT = ("beliefs", "importance_confidence", "action_plan", "problem_solving", "partnership", "resources", "teach_back", "follow_up")
LEVELS = ("descriptive", "recognisable", "transformative")


def turns_by_id() -> dict[str, str]:
    found = {}
    for line in (HERE / "consultations.jsonl").read_text(encoding="utf-8").splitlines():
        c = json.loads(line)
        for t in c["turns"]:
            if t["speaker"] == "clinician":
                found[f"{c['id']}#{t['i']}"] = t["text"]
                legacy = legacy_id(c["id"])
                if legacy:  # batches made before the two MTS-Dialog test sets had distinct ids
                    key = f"{legacy}#{t['i']}"
                    found[key] = found[key] + "\n" + t["text"] if key in found else t["text"]
    return found


def legacy_id(cid: str) -> str | None:
    """"mts-dialog/TestSet1-91" was "mts-dialog/TestSet-91" in the first batches."""
    if cid.startswith("mts-dialog/TestSet1-") or cid.startswith("mts-dialog/TestSet2-"):
        return "mts-dialog/TestSet-" + cid.split("-", 2)[2]
    return None


def check_turns(path: Path, texts: dict[str, str]) -> list[str]:
    problems = []
    batch = path.name.split(".")[0]
    ids_file = HERE / "work" / f"{batch}.ids"
    expected = ids_file.read_text(encoding="utf-8").split() if ids_file.exists() else None
    seen: set[str] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        where = f"{path}:{number}"
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            problems.append(f"{where}: not JSON ({error.msg})")
            continue
        tid = record.get("id")
        if tid not in texts:
            problems.append(f"{where}: unknown turn id {tid!r}")
            continue
        if tid in seen:
            problems.append(f"{where}: {tid} labelled twice")
        seen.add(tid)
        codes = record.get("codes")
        if not isinstance(codes, list):
            problems.append(f"{where}: 'codes' must be a list")
            continue
        for item in codes:
            code, quote = item.get("code"), item.get("quote")
            if code not in CODES:
                problems.append(f"{where}: unknown code {code!r}")
            if not isinstance(quote, str) or not quote.strip() or quote not in texts[tid]:
                problems.append(f"{where}: quote for {code} is not an exact part of the turn: {quote!r}")
            if "complex" in item and code != "reflection":
                problems.append(f"{where}: 'complex' belongs to reflection only")
        if len({i.get("code") for i in codes}) != len(codes):
            problems.append(f"{where}: a code is listed twice (give it once, with its clearest quote)")
    if expected is not None:
        missing = [i for i in expected if i not in seen]
        if missing:
            problems.append(f"{path}: {len(missing)} turns of {batch} not labelled, first {missing[0]}")
    return problems


def check_sessions(path: Path) -> list[str]:
    problems = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        where = f"{path}:{number}"
        if not line.strip():
            continue
        try:
            r = json.loads(line)
        except json.JSONDecodeError as error:
            problems.append(f"{where}: not JSON ({error.msg})")
            continue
        k = r.get("kalamazoo", {})
        if set(k) != set(KALAMAZOO) or any(v not in (1, 2, 3, 4, 5) for v in k.values()):
            problems.append(f"{where}: kalamazoo needs each of {', '.join(KALAMAZOO)} as 1-5")
        s = r.get("self_management", {})
        if set(s) != set(SELF_MANAGEMENT) or any(v not in (True, False, None) for v in s.values()):
            problems.append(f"{where}: self_management needs each of {', '.join(SELF_MANAGEMENT)} as true/false/null")
        if r.get("coproduction_level") not in LEVELS:
            problems.append(f"{where}: coproduction_level must be one of {', '.join(LEVELS)}")
    return problems


def main(argv: list[str]) -> int:
    texts = turns_by_id()
    problems = []
    for arg in argv:
        path = Path(arg)
        problems += check_sessions(path) if path.name.endswith(".sessions.jsonl") else check_turns(path, texts)
    for p in problems:
        print(p)
    print(f"{len(problems)} problems" if problems else "ok")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
