"""Tokens the model patient's prompt costs, per turn, and what a server that reuses the prompt it has just
read (llama.cpp) still has to read each turn: this prompt (steady persona and rules in the system message;
the turn's note after the clinician's words, naming only the facts told that this turn is about; the
conversation's window moved on half a window at a time) against the earlier layout (the note inside the
system message, so it changed every turn, listing every fact told so far; the window moved every turn),
in the same run.

Each scenario's good consultation (tests/consultations/ID/good.txt) is played by the scripted patient; its
lines stand in for the model's replies. Prompts are formatted as ChatML (Qwen's format) and counted with the
model's own tokenizer (vocabulary only; no weights are run).

Run: python benchmarks/bench_prompt_tokens.py [--weights qwen|gemma] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from llama_server import REPO, weights  # noqa: E402

from simulator.patient.engine import ScriptedPatient  # noqa: E402
from simulator.patient.prompt import build_prompt  # noqa: E402
from simulator.resources import shipped_scenarios_dir  # noqa: E402
from simulator.scenario import load_scenario  # noqa: E402


def chatml(messages: list[dict[str, str]]) -> str:
    return "".join(f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>\n" for m in messages) + "<|im_start|>assistant\n"


KNOWN_HEADING = "## What you have already told the clinician that this is about\n"  # simulator/data/prompts/patient_turn.md
NEXT_HEADING = "\n\n## What you say now"


def earlier_layout(scenario, state, note: str, history: list[tuple[str, str]], clinician_text: str, history_turns: int = 12) -> list[dict[str, str]]:
    """The layout before this one, with the same words: the turn's note inside the system message, listing every
    fact told so far, and the conversation's last `history_turns` exchanges, moved on every turn."""
    head, rest = note.split(KNOWN_HEADING, 1)
    every = "\n".join(f"- {scenario.fact(fact_id).content}" for fact_id in state.disclosed) or "- Nothing yet."
    full_note = head + KNOWN_HEADING + every + NEXT_HEADING + rest.split(NEXT_HEADING, 1)[1]
    messages = [{"role": "system", "content": f"{{system}}\n\n{full_note}"}]
    for clinician, patient in history[-history_turns:]:
        messages += [{"role": "user", "content": clinician}, {"role": "assistant", "content": patient}]
    return [*messages, {"role": "user", "content": clinician_text}]


def shared_prefix(a: list[int], b: list[int]) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def measure(tokenize, scenario_id: str) -> dict[str, list[int]]:
    scenario = load_scenario(shipped_scenarios_dir() / f"{scenario_id}.yaml")
    lines = [line.strip() for line in (REPO / "tests" / "consultations" / scenario_id / "good.txt").read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    engine, history, previous = ScriptedPatient(scenario), [], None
    out: dict[str, list[int]] = {"prompt": [], "system": [], "note": [], "read_now": [], "read_before": []}
    last_now: list[int] = []
    last_before: list[int] = []
    for index, line in enumerate(lines):
        decision = engine.director.step(line, 2 * index, previous)
        gist = engine.actor.reply(decision, engine.state, previous)
        prompt = build_prompt(scenario, engine.state, decision, gist, line, history)
        before_messages = earlier_layout(scenario, engine.state, prompt.note, history, line)
        before_messages[0]["content"] = before_messages[0]["content"].replace("{system}", prompt.system)
        now, before = tokenize(chatml(prompt.messages)), tokenize(chatml(before_messages))
        out["prompt"].append(len(now))
        out["system"].append(len(tokenize(prompt.system)))
        out["note"].append(len(tokenize(prompt.note)))
        out["read_now"].append(len(now) - shared_prefix(last_now, now))
        out["read_before"].append(len(before) - shared_prefix(last_before, before))
        engine.director.heard_self(gist)
        engine.state.decided_line = gist
        reply = tokenize(gist + "<|im_end|>\n")
        last_now, last_before = now + reply, before + reply  # the server keeps what it read and what it said
        history.append((line, gist))
        previous = gist
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", choices=("gemma", "qwen"), default="qwen")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    import llama_cpp

    model_path, _, _ = weights(args.weights)
    vocab = llama_cpp.Llama(str(model_path), vocab_only=True, verbose=False)

    def tokenize(text: str) -> list[int]:
        return vocab.tokenize(text.encode(), add_bos=False, special=True)

    results = {path.stem: measure(tokenize, path.stem) for path in sorted(shipped_scenarios_dir().glob("*.yaml"))}
    if args.json:
        print(json.dumps(results, indent=1))
        return 0
    print(f"Patient prompt tokens per turn ({args.weights} tokenizer); 'read': tokens the server must read that turn")
    print(f"{'scenario':26} {'turns':>5} {'system':>6} {'note':>5} {'prompt':>7} {'read now':>9} {'read before':>11} {'ratio':>6}")
    for sid, r in results.items():
        now, before = sum(r["read_now"]), sum(r["read_before"])
        print(f"{sid:26} {len(r['prompt']):5d} {r['system'][0]:6d} {statistics.median(r['note']):5.0f} {statistics.median(r['prompt']):7.0f} "
              f"{now / len(r['prompt']):9.0f} {before / len(r['prompt']):11.0f} {before / now:6.2f}")
    now = sum(sum(r["read_now"]) for r in results.values())
    before = sum(sum(r["read_before"]) for r in results.values())
    print(f"all scenarios: {before / now:.2f}x fewer tokens read per consultation ({before:,} -> {now:,})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
