"""Model-judge cost per graded session: our grouped requests against one request per criterion, in tokens.

Requests and tokens (prompt, completion, total) of the judge (simulator/rubric/llm_judge.py) grading the same
sessions twice, to the same server, in the same run: once as designed (Kalamazoo in one request, self-management
with the co-production level in another) and once with the baseline planner (one request per criterion, plus
one for the co-production level).
Run: python benchmarks/bench_judge_tokens.py [--sessions N] [--transcript FILE ...] [--max-tokens-per-criterion M]
                                             [--base-url URL --model NAME] [--json]

With no --base-url it starts llama.cpp's server (benchmarks/llama_server.py: Gemma 3 270M) on a free loopback
port, and stops it at the end. The sessions are the good consultations of tests/consultations played through
simulator.consultation.Consultation with the scripted patient (seed 1), a short one and a long one first
(--sessions 2, the default: t2d-hypo-fear, 28 turns, and ckd-pain-multimorbidity, 38 turns; up to 6);
--transcript grades your own files (plain transcripts or saved sessions) instead.

Fairness: both sides are the judge itself (LLMJudge, mode "llm"), only `per_criterion` differs; same settings
(temperature 0, the judge's own; structured output "auto"; no retries, so no request is sent twice), and the
same completion budget per criterion: a request may write max_tokens = M x the items it grades (criteria, plus
one for the co-production level), so one grouped request of 7 criteria gets 7 M and each baseline request M.
Tokens are the `usage` the server reports on each reply, re-asks for invalid JSON included; a server that
reports no usage fails the benchmark (no estimate is made), and so does any request that got no reply (its
tokens would be missing). llama.cpp's prompt cache does not change the counts: the server reports the whole
prompt as prompt_tokens whether or not it reused a cached prefix (llama-cpp-python: len(prompt); OpenAI counts
cached tokens in prompt_tokens too), and the server started here has no state cache (--cache is off). It only
changes time, the secondary figure: so the two sides take turns going first, session by session, and each
starts after an unrelated one-token request, so neither begins with the other's prompt cached.
Where the server can tokenize (llama-cpp-python's /extras/tokenize/count, llama.cpp's /tokenize), the prompt
tokens of each side are split into transcript, JSON Schema text, and rubric text (instructions, criteria,
anchors, chat markers), to show what dominates.

Runtime: about 15 minutes with the default two sessions on a 2-core machine, where this server reads ~100
prompt tokens per second (the baseline alone sends ~52,000); --sessions 1 takes about 6.

Target (issue): grouped / per-criterion total tokens <= 0.2 per graded session.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
import urllib.request
from contextlib import nullcontext
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from llama_server import LlamaServerError, llama_server, one_token  # noqa: E402

from simulator.consultation import Consultation  # noqa: E402
from simulator.llm.client import ChatResult, LLMClient  # noqa: E402
from simulator.llm.settings import LLMSettings  # noqa: E402
from simulator.resources import shipped_scenarios_dir  # noqa: E402
from simulator.rubric import GradeReport, grade_file, grade_session  # noqa: E402
from simulator.rubric.llm_judge import LLMJudge  # noqa: E402
from simulator.scenario import load_scenario  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
# short and long first, so the default two sessions span the range
SCENARIOS = ["t2d-hypo-fear", "ckd-pain-multimorbidity", "copd-low-mood", "asthma-young-adult", "heart-failure-carer", "hypertension-proactive"]
TARGET = 0.2
TRANSCRIPT_MARK = "## Transcript\n"  # simulator/data/prompts/judge.md.j2
TRANSCRIPT_END = "\n## Grading"
SCHEMA_MARK = "Reply with only a JSON object (no prose, no code fence) valid for this JSON Schema:"  # simulator/llm/client.py


class Metered(LLMClient):
    """The judge's client, giving each JSON request M completion tokens per item it grades, and keeping every
    reply the server sent (its usage, finish reason and the messages that asked for it)."""

    def __init__(self, settings: LLMSettings, per_item: int):
        super().__init__(settings)
        self.per_item = per_item
        self.replies: list[tuple[list[dict[str, Any]], ChatResult]] = []
        self._replies_lock = threading.Lock()

    def complete_json(self, messages, schema, **params):  # type: ignore[override]
        items = len(schema["properties"]["criteria"]["required"]) + ("coproduction_level" in schema["properties"])
        if self.per_item:
            params["max_tokens"] = self.per_item * max(items, 1)
        # not streamed (the judge streams): the same prompts and replies, but llama-cpp-python's server reports
        # token usage only on a whole reply, and each reply passes through chat() below to be kept
        return super().complete_json(messages, schema, stream=False, **params)

    def chat(self, messages, **params):  # type: ignore[override]
        result = super().chat(messages, **params)
        with self._replies_lock:
            self.replies.append((messages, result))
        return result


class Tokenizer:
    """Counts tokens with the server's own tokenizer, where it has an endpoint for that (`kind` is None if not)."""

    def __init__(self, base_url: str):
        self.root = base_url.rstrip("/").removesuffix("/v1")
        self.cache: dict[str, int | None] = {}
        self.kind: str | None = None
        for kind in ("llama-cpp-python", "llama.cpp"):
            self.kind = kind
            empty = self._count("")  # what the endpoint adds to any text (llama-cpp-python: the BOS token)
            if empty is not None:
                self.offset = empty
                return
        self.kind = None

    def count(self, text: str) -> int | None:
        if self.kind is None:
            return None
        if text not in self.cache:
            counted = self._count(text)
            self.cache[text] = None if counted is None else max(0, counted - self.offset)
        return self.cache[text]

    def _count(self, text: str) -> int | None:
        if self.kind == "llama-cpp-python":
            url, body = f"{self.root}/extras/tokenize/count", {"input": text}
        else:
            url, body = f"{self.root}/tokenize", {"content": text}
        request = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                data = json.load(response)
        except (OSError, ValueError):
            return None
        if isinstance(data, dict) and isinstance(data.get("count"), int):
            return data["count"]
        if isinstance(data, dict) and isinstance(data.get("tokens"), list):
            return len(data["tokens"])
        return None


def sessions(count: int, transcripts: list[str]) -> list[tuple[str, Any]]:
    """(name, grade(judge) -> GradeReport): the sessions to grade, each graded the same way on both sides."""
    if transcripts:
        return [(Path(p).name, lambda judge, p=p: grade_file(Path(p), judge)) for p in transcripts]
    out = []
    for scenario_id in SCENARIOS[:count]:
        scenario = load_scenario(shipped_scenarios_dir() / f"{scenario_id}.yaml")
        lines = [line.strip() for line in (REPO / "tests" / "consultations" / scenario_id / "good.txt").read_text().splitlines()
                 if line.strip() and not line.startswith("#")]
        consultation = Consultation.start(scenario, seed=1, autosave=False)
        for line in lines:
            if consultation.ended:
                break
            consultation.say(line)
        session = consultation.session
        out.append((f"{scenario_id} ({len(session.turns)} turns)",
                    lambda judge, s=session, sc=scenario, name=scenario_id: grade_session(s, sc, judge, source=name)))
    return out


def split_prompt(messages: list[dict[str, Any]], tokenizer: Tokenizer) -> dict[str, int] | None:
    """Transcript and JSON Schema text of one first-ask prompt, in tokens (None if the server cannot count)."""
    transcript = schema = 0
    for message in messages:
        content = str(message.get("content") or "")
        if TRANSCRIPT_MARK in content:
            section = content.split(TRANSCRIPT_MARK, 1)[1].split(TRANSCRIPT_END, 1)[0]
            counted = tokenizer.count(section)
            if counted is None:
                return None
            transcript += counted
        if SCHEMA_MARK in content:
            counted = tokenizer.count(SCHEMA_MARK + content.split(SCHEMA_MARK, 1)[1])
            if counted is None:
                return None
            schema += counted
    return {"transcript": transcript, "schema": schema}


def run_side(grade, settings: LLMSettings, per_criterion: bool, per_item: int, tokenizer: Tokenizer | None, label: str) -> dict[str, Any]:
    client = Metered(settings, per_item)
    judge = LLMJudge(settings, mode="llm", client=client, per_criterion=per_criterion)
    start = time.perf_counter()
    report: GradeReport = grade(judge)
    seconds = time.perf_counter() - start
    llm = report.extra["llm"]
    side: dict[str, Any] = {
        "requests": llm["requests"],  # planned: one per group, or one per criterion (+ co-production)
        "replies": len(client.replies),  # replies the server sent, re-asks for invalid JSON included
        "prompt_tokens": sum(r.usage.prompt_tokens for _, r in client.replies),
        "completion_tokens": sum(r.usage.completion_tokens for _, r in client.replies),
        "truncated_replies": sum(r.finish_reason == "length" for _, r in client.replies),
        "ungraded": len(llm["ungraded"]),
        "seconds": seconds,
    }
    side["total_tokens"] = side["prompt_tokens"] + side["completion_tokens"]
    reasks = [r for m, r in client.replies if any(x.get("role") == "assistant" for x in m)]  # re-asks carry the rejected reply
    side["first_ask_tokens"] = side["total_tokens"] - sum(r.usage.prompt_tokens + r.usage.completion_tokens for r in reasks)
    unreported = [r for _, r in client.replies if r.usage.prompt_tokens <= 0 or r.usage.completion_tokens <= 0]
    if unreported:
        raise SystemExit(f"{label}: the server at {settings.base_url} reported no token usage on {len(unreported)} of {len(client.replies)} "
                         "replies; this benchmark counts the server's own figures and does not estimate them")
    failed = {cid: why for cid, why in llm["ungraded"].items() if why.startswith("the model could not be asked")}
    if failed:
        raise SystemExit(f"{label}: {len(failed)} criteria got no reply, so their tokens cannot be counted: {next(iter(failed.values()))}")
    if llm["usage"]["total_tokens"] != side["total_tokens"]:  # the judge's own record, when every request came back
        side["judge_recorded_total_tokens"] = llm["usage"]["total_tokens"]
    if tokenizer is not None and tokenizer.kind:
        parts = {"transcript": 0, "schema": 0, "rubric": 0}
        for messages, result in client.replies:
            if any(m.get("role") == "assistant" for m in messages):
                continue
            split = split_prompt(messages, tokenizer)
            if split is None:
                parts = {}
                break
            parts["transcript"] += split["transcript"]
            parts["schema"] += split["schema"]
            parts["rubric"] += result.usage.prompt_tokens - split["transcript"] - split["schema"]
        if parts:
            parts["completions"] = side["completion_tokens"] - sum(r.usage.completion_tokens for r in reasks)
            parts["reasks"] = side["total_tokens"] - side["first_ask_tokens"]  # whole requests: prompt and reply
            side["breakdown"] = parts
    return side


def ratio(a: float, b: float) -> float:
    return a / b if b else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=2, help=f"good consultations graded, short and long first (default 2, at most {len(SCENARIOS)})")
    parser.add_argument("--transcript", action="append", default=[], help="grade this transcript or session file instead (repeatable)")
    parser.add_argument("--max-tokens-per-criterion", type=int, default=80, help="completion budget per graded item on both sides (default 80; 0: no limit)")
    parser.add_argument("--base-url")
    parser.add_argument("--model")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not 1 <= args.sessions <= len(SCENARIOS):
        parser.error(f"--sessions takes 1 to {len(SCENARIOS)}")

    graded = sessions(args.sessions, args.transcript)
    server = llama_server() if not args.base_url else nullcontext((args.base_url, args.model or "model"))
    rows = []
    started = time.perf_counter()
    with server as (base_url, model):
        settings = LLMSettings(backend="openai", model=model, base_url=base_url, timeout=600, connect_timeout=10, max_attempts=1, retry_budget=1200)
        tokenizer = Tokenizer(base_url)
        for index, (name, grade) in enumerate(graded):
            order = [False, True] if index % 2 == 0 else [True, False]  # grouped first, then per-criterion first
            sides = {}
            for per_criterion in order:
                one_token(base_url, model)  # so neither side starts with the other's prompt cached
                side = "per_criterion" if per_criterion else "grouped"
                sides[side] = run_side(grade, settings, per_criterion, args.max_tokens_per_criterion, tokenizer, f"{name}, {side.replace('_', '-')}")
            g, p = sides["grouped"], sides["per_criterion"]
            rows.append({"session": name, **sides, "first": "per_criterion" if order[0] else "grouped",
                         "tokens_ratio": ratio(g["total_tokens"], p["total_tokens"]), "requests_ratio": ratio(g["requests"], p["requests"]),
                         "first_ask_tokens_ratio": ratio(g["first_ask_tokens"], p["first_ask_tokens"])})
    keys = ("requests", "replies", "prompt_tokens", "completion_tokens", "total_tokens", "first_ask_tokens", "truncated_replies", "ungraded", "seconds")
    total = {side: {k: sum(r[side][k] for r in rows) for k in keys} for side in ("grouped", "per_criterion")}
    for side, figures in total.items():
        parts = [r[side].get("breakdown") for r in rows]
        if all(parts):
            figures["breakdown"] = {k: sum(b[k] for b in parts) for k in parts[0]}
    result = {
        "python": sys.version.split()[0],
        "server": {"base_url": base_url, "model": model, "started_here": not args.base_url},
        "max_tokens_per_criterion": args.max_tokens_per_criterion,
        "sessions": rows,
        "total": {**total, "tokens_ratio": ratio(total["grouped"]["total_tokens"], total["per_criterion"]["total_tokens"]),
                  "requests_ratio": ratio(total["grouped"]["requests"], total["per_criterion"]["requests"]),
                  "first_ask_tokens_ratio": ratio(total["grouped"]["first_ask_tokens"], total["per_criterion"]["first_ask_tokens"])},
        "target_tokens_ratio": TARGET,
        # the issue's measure is per graded session: all sessions' tokens together; each session alone is stricter
        "met": ratio(total["grouped"]["total_tokens"], total["per_criterion"]["total_tokens"]) <= TARGET,
        "met_every_session": all(r["tokens_ratio"] <= TARGET for r in rows),
        "seconds": time.perf_counter() - started,
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print_table(result)
    return 0


def print_table(result: dict[str, Any]) -> None:
    print(f"model judge, grouped requests vs one per criterion: {len(result['sessions'])} sessions, {result['server']['model']}, "
          f"max {result['max_tokens_per_criterion'] or 'unlimited'} completion tokens per criterion")
    print("(replies: re-asks for invalid JSON included; cut: replies that hit max_tokens; ungr.: criteria left ungraded)")
    header = f"  {'':15}{'requests':>9}{'replies':>8}{'prompt':>9}{'complet.':>9}{'total':>9}{'cut':>5}{'ungr.':>6}{'time s':>8}"
    sides = (("grouped", "grouped"), ("per_criterion", "per-criterion"))
    for row in [*result["sessions"], {"session": "TOTAL", **result["total"]}]:
        print(f"{row['session']}" + (f"   (first: {row['first'].replace('_', '-')})" if "first" in row else ""))
        print(header)
        for side, label in sides:
            s = row[side]
            print(f"  {label:15}{s['requests']:>9}{s['replies']:>8}{s['prompt_tokens']:>9}{s['completion_tokens']:>9}{s['total_tokens']:>9}"
                  f"{s['truncated_replies']:>5}{s['ungraded']:>6}{s['seconds']:>8.1f}")
        print(f"  grouped / per-criterion: total tokens {row['tokens_ratio']:.3f} (target <= {TARGET}), requests {row['requests_ratio']:.3f}; "
              f"without re-asks, tokens {row['first_ask_tokens_ratio']:.3f}")
        for side, label in sides:
            parts = row[side].get("breakdown")
            if parts:
                whole = sum(parts.values()) or 1
                print(f"  {label} tokens: " + ", ".join(f"{k} {v} ({100 * v / whole:.0f}%)" for k, v in parts.items()))
    if result["total"]["grouped"].get("breakdown"):
        print("(transcript: the transcript in each prompt; schema: the JSON Schema restated in the prompt; rubric: instructions, "
              "criteria, anchors, levels, chat markers; completions: first replies; reasks: whole re-asked requests)")
    worst = max(result["sessions"], key=lambda r: r["tokens_ratio"])
    print(f"target (grouped <= {TARGET} of the per-criterion tokens per graded session, all sessions together): "
          f"{'met' if result['met'] else 'NOT met'} ({result['total']['tokens_ratio']:.3f}); in every session alone: "
          f"{'met' if result['met_every_session'] else 'NOT met'} (highest {worst['tokens_ratio']:.3f})   [{result['seconds']:.0f} s]")


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    except LlamaServerError as error:
        raise SystemExit(str(error)) from None
