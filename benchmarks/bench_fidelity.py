"""Is the simulated patient a conversation partner? Many phrasings of ordinary questions, run through
every shipped scenario with the offline (scripted) patient.

    python benchmarks/bench_fidelity.py [--set dev|dev2|test] [--json] [--show N]

Probe lines: benchmarks/probes/fidelity.<set>.yaml (written by people who had not seen the patient's
code; `test` is held out). For each scenario, consultations of one probe from each kind of question
(shuffled, fixed seed), a question asked twice, then goodbyes and lines that only sound like one.

Reported per scenario (goals from issue 10):
- stock:          share of replies that are stock lines: a line from the shared pools (not a fact, a
                  plan or the patient's own life) answering questions of three or more different kinds
                  (goal < 25%);
- repeats:        replies word for word the same as an earlier reply in the consultation (< 15%);
- contradictions: checked against the scenario's persona and the ledger: a wrong age; "don't know"
                  about something `patient.knows` covers or the patient already said; confusion at a
                  word the patient used itself (goal 0);
- endings wrong:  a goodbye that does not end the consultation, or a greeting, question or advice with
                  a goodbye word in it that does (goal 0).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import defaultdict
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from simulator.patient import ScriptedPatient  # noqa: E402
from simulator.resources import shipped_scenarios_dir  # noqa: E402
from simulator.scenario import load_scenario  # noqa: E402
from simulator.scenario.model import Scenario  # noqa: E402

PROBES = REPO / "benchmarks" / "probes"
CONVERSATION = ["how_been", "daily_life", "feelings", "past", "future", "age", "work", "home", "family", "pets",
                "medicines", "habits", "likes", "uncovered", "jargon", "summary", "backchannel"]
PERSONA = {"age": "age", "work": "work", "home": "home", "family": "family", "pets": "pets", "medicines": "medicines", "habits": "habits", "likes": "likes"}
DONT_KNOW_POOLS = ("unknown", "nothing_more", "not_covered", "not_covered_closed")
POOLED = ("unknown", "nothing_more", "not_covered", "not_covered_closed", "acknowledge", "information", "understood", "summary",
          "how_been", "daily_life", "feelings", "past", "future", "agenda", "follow_up", "permission", "advice_rejected", "who_knows")
GREETING = "Hello, come in and have a seat."


_UNITS = "one two three four five six seven eight nine".split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()


def said_in_words(age: int, text: str) -> bool:
    """ "fifty-seven" for 57 (the scenario's lines give ages in words as often as in figures)."""
    if not 20 <= age < 100:
        return False
    words = _TENS[age // 10 - 2] + (f"[- ]{_UNITS[age % 10 - 1]}" if age % 10 else "")
    return re.search(rf"\b{words}\b", text, re.I) is not None


def load_probes(name: str) -> dict[str, list[str]]:
    return yaml.safe_load((PROBES / f"fidelity.{name}.yaml").read_text(encoding="utf-8"))["probes"]


def core(reply: str, scenario: Scenario) -> str:
    """The reply without a "Like I said," lead, for counting the same line under different leads."""
    for pool in ("repeat", "repeat_impatient"):
        for lead in scenario.lines.get(pool, ()):
            if reply.startswith(lead):
                return reply[len(lead):].strip().capitalize()
    return reply


def consultations(probes: dict[str, list[str]], seed: int) -> list[list[tuple[str, str]]]:
    """Each a list of (category, line): one probe of every kind, and one question asked twice."""
    rng = random.Random(seed)
    count = min(len(probes[c]) for c in CONVERSATION)
    pools = {c: rng.sample(probes[c], len(probes[c])) for c in CONVERSATION}
    repeated = rng.sample(probes["repeated"], len(probes["repeated"]))
    out = []
    for i in range(count):
        turns = [(c, pools[c][i]) for c in CONVERSATION]
        rng.shuffle(turns)
        again = repeated[i % len(repeated)]
        turns.insert(2, ("repeated", again))
        turns.insert(len(turns) - 2, ("repeated", again))
        out.append(turns)
    return out


def run_scenario(scenario: Scenario, probes: dict[str, list[str]], show: int) -> dict:
    dont_know = {line for pool in DONT_KNOW_POOLS for line in scenario.lines[pool]}
    # stock lines are the shared pools' lines, which answer no particular question (not facts, plans or
    # what the patient knows of their own life)
    pooled = {line for pool in POOLED for line in scenario.lines.get(pool, ())} | {
        line for level in scenario.voice.values() for line in level["deflections"]
    }
    jargon_lines = set(scenario.lines["jargon"])
    knows = {k.about for k in scenario.patient.knows}
    kinds_of: dict[str, set[str]] = defaultdict(set)
    replies: list[tuple[str, str, str]] = []  # (category, line, reply)
    repeats = 0
    contradictions: list[str] = []
    for number, script in enumerate(consultations(probes, seed=7)):
        engine = ScriptedPatient(scenario, seed=number)
        previous = engine.respond(GREETING, 0, None).text
        said: list[str] = [previous]
        for turn, (category, line) in enumerate(script, start=1):
            reply = engine.respond(line, 2 * turn, previous)
            text = reply.text
            if category != "backchannel":
                kinds_of[core(text, scenario)].add(category)
                replies.append((category, line, text))
            if text in said:
                repeats += 1
            base = core(text, scenario)
            if category in PERSONA and PERSONA[category] in knows and base in dont_know:
                contradictions.append(f"doesn't know their own {category}: {line!r} -> {text!r}")
            age = scenario.patient.age
            if category == "age" and (numbers := re.findall(r"\b\d{1,3}\b", text)) and str(age) not in numbers and not said_in_words(age, text):
                contradictions.append(f"wrong age: {text!r}")
            if reply.decision.touched_known and base in dont_know:
                contradictions.append(f"says it can't say what it said before: {line!r} -> {text!r}")
            if any(j in text for j in jargon_lines):
                used = [h.text.lower() for h in reply.decision.analysis.hits if h.code == "jargon"]
                if used and all(any(u in s.lower() for s in said) for u in used):
                    contradictions.append(f"asks what its own word means: {line!r} -> {text!r}")
            said.append(text)
            previous = text
    stock = [r for r in replies if core(r[2], scenario) in pooled and len(kinds_of[core(r[2], scenario)]) >= 3]
    endings_wrong = wrong_endings(scenario, probes["goodbye"], probes["not_goodbye"])
    total_replies = len(replies) + repeats * 0
    result = {
        "scenario": scenario.id,
        "replies": len(replies),
        "stock_share": len(stock) / len(replies) if replies else 0.0,
        "repeat_share": repeats / max(1, sum(1 for _ in replies)),
        "contradictions": contradictions,
        "endings_checked": len(probes["goodbye"]) + len(probes["not_goodbye"]),
        "endings_wrong": endings_wrong,
        "stock_examples": sorted({r[2] for r in stock})[:show],
    }
    _ = total_replies
    return result


def wrong_endings(scenario: Scenario, goodbyes: list[str], others: list[str]) -> list[str]:
    """Goodbyes that did not end the consultation and other turns that did, each said third (after a greeting
    and "How have things been?"); bench_endings.py uses this too."""
    wrong = []
    for lines, should_end in ((goodbyes, True), (others, False)):
        for line in lines:
            engine = ScriptedPatient(scenario, seed=1)
            first = engine.respond(GREETING, 0, None).text
            second = engine.respond("How have things been?", 2, first).text
            if engine.respond(line, 4, second).decision.closing != should_end:
                wrong.append(f"{'did not end' if should_end else 'ended'} on {line!r}")
    return wrong


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=("dev", "dev2", "test"), default="dev", help="dev2: a second dev set, written by a helper in a later stop")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--show", type=int, default=3, help="examples of stock lines and failures to print")
    args = parser.parse_args()
    probes = load_probes(args.set)
    results = [run_scenario(load_scenario(p), probes, args.show) for p in sorted(shipped_scenarios_dir().glob("*.yaml"))]
    if args.json:
        print(json.dumps(results, indent=1))
        return 0
    print(f"Patient fidelity, {args.set} probes ({sum(len(v) for v in probes.values())} lines)")
    print(f"{'scenario':26} {'replies':>7} {'stock':>6} {'repeats':>8} {'contradictions':>15} {'endings wrong':>14}")
    for r in results:
        print(
            f"{r['scenario']:26} {r['replies']:7d} {r['stock_share']:6.0%} {r['repeat_share']:8.0%} "
            f"{len(r['contradictions']):15d} {len(r['endings_wrong']):>7d}/{r['endings_checked']}"
        )
    for r in results:
        for what in ("contradictions", "endings_wrong"):
            for item in r[what][: args.show]:
                print(f"  {r['scenario']}: {item}")
        for line in r["stock_examples"]:
            print(f"  {r['scenario']} stock: {line!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
