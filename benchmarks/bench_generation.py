"""Generation speed of the local llama.cpp server with OpenMP's threads spinning (OMP_WAIT_POLICY=ACTIVE)
and sleeping when idle (PASSIVE, what benchmarks/llama_server.py and .ci/run set), in the same run.

Each policy gets its own server start; the same chat request (a patient-like reply, temperature 0, fixed
seed) is streamed ROUNDS times, after an unrelated one-token request so no prompt is reused. Reported per
policy: generated tokens per second (median), time to the first token (median), and the ratio.

Run: python benchmarks/bench_generation.py [--rounds 5] [--tokens 96] [--json]
With --busy, a second process keeps one core busy meanwhile (a machine doing other work: a test run, a build).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import openai  # noqa: E402
from llama_server import llama_server, one_token  # noqa: E402

MESSAGES = [
    {"role": "system", "content": "You are Gary, 58, a forklift driver with type 2 diabetes, at the GP. Speak as Gary, plainly, in a few sentences."},
    {"role": "user", "content": "How have things been since we last met? Tell me about your week."},
]


def _spin(stop: multiprocessing.synchronize.Event) -> None:
    while not stop.is_set():
        sum(range(10_000))


def measure(policy: str, rounds: int, tokens: int) -> dict[str, float]:
    os.environ["OMP_WAIT_POLICY"] = policy  # read by llama_server.server_environment()
    speeds, firsts = [], []
    with llama_server() as (base_url, model):
        client = openai.OpenAI(base_url=base_url, api_key="no-key-needed", max_retries=0, timeout=600)
        for _ in range(rounds):
            one_token(base_url, model)
            start = time.perf_counter()
            first = None
            count = 0
            stream = client.chat.completions.create(
                model=model, messages=MESSAGES, stream=True, max_tokens=tokens, temperature=0, seed=1  # type: ignore[arg-type]
            )
            for chunk in stream:
                if chunk.choices and chunk.choices[0].delta.content:
                    count += 1
                    if first is None:
                        first = time.perf_counter() - start
            elapsed = time.perf_counter() - start
            speeds.append(count / max(elapsed - (first or 0), 1e-9))
            firsts.append(first or elapsed)
    return {"tokens_per_s": statistics.median(speeds), "first_token_s": statistics.median(firsts), "rounds": rounds}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--tokens", type=int, default=96)
    parser.add_argument("--busy", action="store_true", help="keep one core busy in another process meanwhile")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    stop = multiprocessing.Event()
    spinner = multiprocessing.Process(target=_spin, args=(stop,), daemon=True) if args.busy else None
    if spinner:
        spinner.start()
    try:
        results = {policy: measure(policy, args.rounds, args.tokens) for policy in ("ACTIVE", "PASSIVE")}
    finally:
        stop.set()
    results["passive_over_active"] = {"tokens_per_s": results["PASSIVE"]["tokens_per_s"] / results["ACTIVE"]["tokens_per_s"]}
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(f"llama.cpp server, Gemma 3 270M Q4_K_M, 2 threads, {args.tokens} tokens x {args.rounds}{' (one core busy)' if args.busy else ''}")
    for policy in ("ACTIVE", "PASSIVE"):
        r = results[policy]
        print(f"  OMP_WAIT_POLICY={policy:<8} {r['tokens_per_s']:6.1f} tokens/s   first token {r['first_token_s'] * 1000:6.0f} ms")
    print(f"  PASSIVE / ACTIVE: {results['passive_over_active']['tokens_per_s']:.2f}x tokens/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
