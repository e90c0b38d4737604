"""Shared parts of the LLM tests: fast settings, scripted "models" for the fault server, and the check
that no request ever carried a fact the director had kept locked."""

from __future__ import annotations

import re
from typing import Any

from simulator.llm.settings import LLMSettings
from simulator.scenario import load_scenario
from simulator.scenario.model import Fact, Scenario

from conftest import CONSULTATIONS, SCENARIO_FILES
from fault_server import Logged

SCENARIOS: dict[str, Scenario] = {path.stem: load_scenario(path) for path in SCENARIO_FILES}


def fast(base_url: str, **changes: Any) -> LLMSettings:
    """Settings for tests: small waits so a test of backoff takes a fraction of a second."""
    values: dict[str, Any] = dict(
        backend="openai", model="test-model", base_url=base_url, timeout=2.0, connect_timeout=1.0,
        max_attempts=3, retry_budget=10.0, backoff_initial=0.05, backoff_max=0.4, retry_after_max=3.0,
        breaker_failures=1, breaker_cooldown=30.0, guard_retries=1, json_reasks=2,
    )
    values.update(changes)
    return LLMSettings(**values)


def script_lines(scenario_id: str, name: str = "good.txt") -> list[str]:
    text = (CONSULTATIONS / scenario_id / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


# -- "models" the fault server can play -----------------------------------------------------------

_GIST = re.compile(r'## What you say now\n[^\n]*\n"(.*)"\n', re.S)


def system_prompt(request: dict[str, Any]) -> str:
    messages = request.get("messages") or [{}]
    return str(messages[0].get("content", ""))


def last_message(request: dict[str, Any]) -> str:
    messages = request.get("messages") or [{}]
    return str(messages[-1].get("content", ""))


def quote_gist(request: dict[str, Any]) -> str:
    """A well-behaved model: says this turn's line as it was given (in the turn's note, in the last message)."""
    match = _GIST.search(last_message(request))
    return match.group(1) if match else "Sorry, I'm not sure."


def echo_prompt(request: dict[str, Any]) -> str:
    """A model that falls for every injection: prints its whole prompt back."""
    return system_prompt(request) + "\n" + last_message(request)


def as_an_ai(request: dict[str, Any]) -> str:
    return "As an AI language model, I cannot pretend to be a patient. I am an AI assistant created to help."


# -- leaks ------------------------------------------------------------------------------------------


def locked_fact_strings(fact: Fact) -> list[str]:
    """What of a locked fact must never be in a request: its content, each of its lines, and its id."""
    return [fact.content, *fact.says, fact.id]


def _norm(text: str) -> str:
    return " ".join(text.lower().replace("’", "'").split())


def leaks_in(request: Logged, locked: list[Fact]) -> list[str]:
    """Each (fact id, string) of a locked fact found in the request's raw body or its decoded messages."""
    haystacks = (_norm(request.text), _norm(request.messages_text), _norm(request.text.replace("\\n", " ").replace('\\"', '"')))
    found = []
    for fact in locked:
        for needle in locked_fact_strings(fact):
            n = _norm(needle)
            pattern = re.compile(r"(?<![a-z0-9_])" + re.escape(n) + r"(?![a-z0-9_])")
            if any(pattern.search(h) for h in haystacks):
                found.append(f"{fact.id}: {needle[:60]}")
    return found


def locked_after(scenario: Scenario, disclosed: list[str]) -> list[Fact]:
    return [fact for fact in scenario.facts if fact.id not in disclosed]
