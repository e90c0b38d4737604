"""A held-out set of real consultations rated as a whole, twice, for measuring the grader (not the reader).

    python benchmarks/turnset/rated.py            # writes rated/consultations.jsonl and rated/work/set-*.txt

The next PriMock57 and ACI-Bench consultations in prepare.py's shuffled order after every earlier draw
(none of them labelled, trained, tuned or measured on before; the ten kept aside are never drawn), in two
sets, each set rated by two raters alone (rated/labels/R*/set-*.sessions.jsonl). Read by
`bench_grader_labels.py --split rated`, and by nothing that tunes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from benchmarks.turnset.prepare import DRAW, DRAW_MORE, as_record, shuffled_pools  # noqa: E402

RATED = HERE / "rated"
# How many to draw from each source after the earlier draws, and the sets they are rated in.
DRAW_RATED = {"primock57": 12, "aci-bench": 18}
SETS = 2


def drawn() -> list[dict]:
    """prepare.py's shuffled order, continued past the consultations every earlier draw took."""
    out = []
    for source, pool in shuffled_pools().items():
        taken = DRAW[source] + DRAW_MORE[source]
        out += sorted(pool[taken : taken + DRAW_RATED.get(source, 0)], key=lambda c: c["id"])
    return [as_record(c, "rated") for c in out]


def set_of(index: int) -> str:
    return "AB"[index % SETS]


def main() -> None:
    consultations = drawn()
    (RATED / "work").mkdir(parents=True, exist_ok=True)
    with (RATED / "consultations.jsonl").open("w", encoding="utf-8") as out:
        for i, c in enumerate(consultations):
            out.write(json.dumps({**c, "set": set_of(i)}, ensure_ascii=False) + "\n")
    for name in "AB"[:SETS]:
        lines = []
        for i, c in enumerate(consultations):
            if set_of(i) != name:
                continue
            lines.append(f"=== consultation {c['id']} ===")
            lines += [f"{'CLINICIAN' if t['speaker'] == 'clinician' else '    patient'}: {t['text']}" for t in c["turns"]]
            lines.append("")
        (RATED / "work" / f"set-{name}.txt").write_text("\n".join(lines), encoding="utf-8")
        print(f"set-{name}: {sum(set_of(i) == name for i in range(len(consultations)))} consultations")


if __name__ == "__main__":
    main()
