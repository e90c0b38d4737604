"""The fuzz suites, run long: every property of tests/test_input_fuzz.py (session files, transcripts,
the config file) and tests/test_scenario_fuzz.py (scenario files) with SCALE times the examples the
test suite runs. Reports examples, failures and time per property.

Run: python benchmarks/fuzz_inputs.py [--scale 20] [--seed N]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SUITES = ["tests/test_input_fuzz.py", "tests/test_scenario_fuzz.py"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=20, help="times the examples of the test suite (default 20)")
    parser.add_argument("--seed", type=int, default=None, help="hypothesis seed (default: random)")
    args = parser.parse_args()
    env = {**os.environ, "CONSULTSIM_FUZZ_SCALE": str(args.scale)}
    command = [sys.executable, "-m", "pytest", "-n", "0", "-q", "-p", "no:cacheprovider", "--hypothesis-show-statistics", "--durations=0", *SUITES]
    if args.seed is not None:
        command.append(f"--hypothesis-seed={args.seed}")
    started = time.perf_counter()
    result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    output = result.stdout + result.stderr
    examples = {
        m.group(1): int(m.group(2))
        for m in re.finditer(
            r"(tests/\S+::\S+):\n\n\s+- during generate phase \([\d.]+ seconds\):\n\s+- Typical runtimes: [^\n]*, of which [^\n]*\n\s+- (\d+) passing",
            output,
        )
    }
    for name, count in examples.items():
        print(f"{name}: {count:,} passing examples")
    summary = [line for line in output.splitlines() if re.search(r"\d+ (passed|failed)", line)]
    print(f"scale {args.scale}: {summary[-1] if summary else 'no summary'}; {elapsed / 60:.1f} min in all")
    if result.returncode != 0:
        print(output[-6000:])
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
