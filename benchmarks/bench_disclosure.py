"""How much each way of consulting brings out of the patient, for every shipped scenario.

    python benchmarks/bench_disclosure.py [--json] [--set dev|test|all]

Consultations per scenario:
- textbook:   tests/consultations/<id>/good.txt (the first wave's good script, in textbook phrases)
- everyday:   benchmarks/probes/everyday/<id>.<set>.txt, a good consultation in everyday words that uses
              none of the scenario's topic keywords (checked here), written by someone who had not seen
              the reader; `dev` may be used to tune, `test` is held out
- closed:     tests/consultations/<id>/closed.txt (closed questions only)
- stuffed:    a greeting, then one question stuffed with a keyword of every topic, asked five times
- backchannel: a greeting, then back-channels only ("Mm.", "Okay.", "Go on."...)

Goals (issue 9): everyday finds at least 80% of the hidden facts; stuffed and backchannel find no more
than closed.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from simulator.analysis.lexicon import keyword_pattern, shared_lexicon  # noqa: E402
from simulator.consultation import Consultation  # noqa: E402
from simulator.resources import shipped_scenarios_dir  # noqa: E402
from simulator.scenario import load_scenario  # noqa: E402
from simulator.scenario.model import Scenario  # noqa: E402

PROBES = REPO / "benchmarks" / "probes"
BACKCHANNELS = ["Mm.", "Okay.", "Right.", "Go on.", "I see.", "Mm-hmm.", "Yeah.", "Okay, right.", "Uh-huh.", "Sure.", "And?", "Mm."]


def lines_of(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")]


def forbidden(scenario: Scenario) -> re.Pattern[str]:
    words = json.loads((PROBES / "forbidden_keywords.json").read_text(encoding="utf-8"))[scenario.id]
    return keyword_pattern([w for ws in words.values() for w in ws])


def stuffed(scenario: Scenario) -> list[str]:
    topics = {**shared_lexicon().shared_topics, **scenario.topics}
    used = sorted({t for f in scenario.facts for t in f.topics} | set(scenario.topics))
    words = [topics[t][0].rstrip("*") for t in used if topics.get(t)]
    question = "Tell me about your " + ", ".join(words[:-1]) + " and " + words[-1] + "?"
    return ["Hello, come in."] + [question] * 5


def backchannel() -> list[str]:
    return ["Hello, come in, have a seat.", *BACKCHANNELS]


def play(scenario: Scenario, script: list[str], seed: int = 0) -> tuple[float, list[str]]:
    consultation = Consultation.start(scenario, seed=seed, autosave=False)
    for line in script:
        if consultation.ended:
            break
        consultation.say(line)
    hidden = [f.id for f in scenario.hidden_facts]
    found = [f for f in hidden if f in consultation.engine.state.disclosed]
    return len(found) / len(hidden), found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=("dev", "test", "all"), default="all")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    sets = ("dev", "test") if args.set == "all" else (args.set,)
    rows = []
    for path in sorted(shipped_scenarios_dir().glob("*.yaml")):
        scenario = load_scenario(path)
        row: dict[str, object] = {"scenario": scenario.id, "hidden": len(scenario.hidden_facts)}
        folder = REPO / "tests" / "consultations" / scenario.id
        row["textbook"] = play(scenario, lines_of(folder / "good.txt"))[0]
        row["closed"] = play(scenario, lines_of(folder / "closed.txt"))[0]
        row["stuffed"] = play(scenario, stuffed(scenario))[0]
        row["backchannel"] = play(scenario, backchannel())[0]
        pattern = forbidden(scenario)
        for name in sets:
            script_path = PROBES / "everyday" / f"{scenario.id}.{name}.txt"
            if not script_path.exists():
                continue
            script = lines_of(script_path)
            leaks = [m.group() for line in script for m in pattern.finditer(line)]
            share, found = play(scenario, script)
            row[f"everyday_{name}"] = share
            row[f"everyday_{name}_missed"] = [f.id for f in scenario.hidden_facts if f.id not in found]
            if leaks:
                row[f"everyday_{name}_keywords_used"] = leaks
        rows.append(row)
    if args.json:
        print(json.dumps(rows, indent=1))
        return 0
    columns = ["textbook", *[f"everyday_{s}" for s in sets], "closed", "stuffed", "backchannel"]
    print(f"{'scenario':26} {'hidden':>6} " + " ".join(f"{c:>14}" for c in columns))
    for row in rows:
        print(f"{row['scenario']:26} {row['hidden']:6d} " + " ".join(f"{row[c]:14.0%}" if c in row else f"{'-':>14}" for c in columns))
    for c in columns:
        values = [row[c] for row in rows if c in row]
        if values:
            print(f"  mean {c}: {sum(values) / len(values):.0%}")
    for row in rows:
        for s in sets:
            if row.get(f"everyday_{s}_missed"):
                print(f"  {row['scenario']} everyday_{s} missed: {', '.join(row[f'everyday_{s}_missed'])}")
            if row.get(f"everyday_{s}_keywords_used"):
                print(f"  {row['scenario']} everyday_{s} USES KEYWORDS: {row[f'everyday_{s}_keywords_used']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
