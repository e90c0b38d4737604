"""Replay today's reply guard over model-patient replies recorded by benchmarks/bench_model_patient.py: which
shown replies would now be rejected, repaired or passed as they were. With a hand check's labels, how many of
the replies it found a problem in the guard now stops, and how many clean ones it would now reject.

    python benchmarks/replay_guard.py benchmarks/handcheck/qwen-1.5b-replies-2026-12-05b.jsonl \
        [--labels benchmarks/handcheck/labels-qwen-1.5b-2026-12-05b.yaml]

The patient's state at each turn is rebuilt by the scripted engine from the consultation's clinician lines, as
the clinician's own engine would build it today; where today's director decides differently from the recorded
run (the scenario files have changed since), the recorded line is still what the reply is checked against,
so the figures are an estimate. Replies the scripted patient gave (fall-backs) are skipped.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from simulator.llm.settings import LLMSettings  # noqa: E402
from simulator.patient import ScriptedPatient  # noqa: E402
from simulator.patient.guard import ReplyGuard  # noqa: E402
from simulator.patient.prompt import build_prompt  # noqa: E402
from simulator.resources import shipped_scenarios_dir  # noqa: E402
from simulator.scenario import load_scenario  # noqa: E402

HISTORY_TURNS = LLMSettings().history_turns


def replay(rows: list[dict]) -> dict[int, str]:
    """Each model-voiced row's verdict today: "passed", "repaired" (shown changed) or "rejected: kinds"."""
    verdicts: dict[int, str] = {}
    consultations: dict[tuple[str, str], list[tuple[int, dict]]] = defaultdict(list)
    for index, row in enumerate(rows):
        consultations[(row["scenario"], row["kind"])].append((index, row))
    for (scenario_id, _kind), turns in consultations.items():
        scenario = load_scenario(shipped_scenarios_dir() / f"{scenario_id}.yaml")
        guard = ReplyGuard(scenario)
        engine, decided, history = ScriptedPatient(scenario), None, []
        for index, row in sorted(turns, key=lambda t: t[1]["turn"]):
            # as the model patient plays a turn (llm_actor.LLMPatient.stream): the director reads the turn against
            # the line it decided last time, and the actor remembers its own line
            decision = engine.director.step(row["clinician"], 2 * row["turn"], decided)
            scripted = engine.actor.reply(decision, engine.state, decided)
            if row["voiced_by"] == "model":
                gist = row["gist"]  # the line of the recorded run
                prompt = build_prompt(scenario, engine.state, decision, gist, row["clinician"], history, HISTORY_TURNS)
                checks = guard.for_turn(engine.state, decision, prompt.told, prompt.instructions, row["clinician"], gist,
                                        earlier=[said for _, said in history], heard=[line for line, _ in history])
                verdict = checks.check(row["reply"])
                shown_as_recorded = verdict.ok and verdict.text == row["reply"]
                verdicts[index] = "passed" if shown_as_recorded else "repaired" if verdict.ok else "rejected: " + ", ".join(verdict.kinds)
            engine.director.heard_self(scripted)
            decided = scripted
            history.append((row["clinician"], row["reply"]))
    return verdicts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("replies", type=Path)
    parser.add_argument("--labels", type=Path)
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.replies.read_text(encoding="utf-8").splitlines() if line.strip()]
    verdicts = replay(rows)
    print(f"{len(verdicts)} model-voiced replies: " + ", ".join(f"{k} {v}" for k, v in sorted(Counter(v.split(':')[0] for v in verdicts.values()).items())))
    if args.labels:
        labels = yaml.safe_load(args.labels.read_text(encoding="utf-8"))["labels"]
        problems = {i: set(label["problems"]) for i, label in labels.items() if i in verdicts}
        flagged = [i for i, p in problems.items() if p]
        clean = [i for i, p in problems.items() if not p]
        stopped = [i for i in flagged if verdicts[i] != "passed"]
        print(f"hand-checked: {len(problems)}; with a problem {len(flagged)}, of which the guard now rejects or repairs {len(stopped)}")
        print(f"clean by hand: {len(clean)}, of which the guard now rejects {sum(verdicts[i].startswith('rejected') for i in clean)}")
        for i in flagged:
            print(f"  {i}: {sorted(problems[i])} -> {verdicts[i]} | {rows[i]['reply'][:90]!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
