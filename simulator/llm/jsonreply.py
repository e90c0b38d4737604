"""JSON in a model's reply: finding it and checking it against a schema, and asking for it in the prompt."""

from __future__ import annotations

import json
import re
from typing import Any

import jsonschema

from simulator.llm.results import Messages


def parse_json(text: str, validator: jsonschema.protocols.Validator) -> tuple[Any, list[str]]:
    """The JSON object in a reply (bare, fenced, or inside prose) and what is wrong with it, if anything."""
    candidate = text.strip()
    fenced = re.search(r"```(?:json)?\s*(.*?)```", candidate, re.S)
    if fenced:
        candidate = fenced.group(1).strip()
    try:
        data = json.loads(candidate)
    except ValueError:
        start, end = candidate.find("{"), candidate.rfind("}")
        try:
            data = json.loads(candidate[start : end + 1]) if 0 <= start < end else None
        except ValueError:
            data = None
        if data is None:
            return None, ["the reply is not JSON"]
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    return data, [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}"[:300] for e in errors]


def with_schema_instruction(messages: Messages, schema: dict[str, Any]) -> Messages:
    compact = json.dumps(schema, separators=(",", ":"))  # whitespace is tokens too
    return with_instruction(messages, "Reply with only a JSON object (no prose, no code fence) valid for this JSON Schema:\n" + compact)


def with_instruction(messages: Messages, instruction: str) -> Messages:
    if messages and messages[0].get("role") == "system":
        return [{**messages[0], "content": f"{messages[0]['content']}\n\n{instruction}"}, *messages[1:]]
    return [{"role": "system", "content": instruction}, *messages]


def with_json_instruction(messages: Messages) -> Messages:
    """JSON mode without the schema in the prompt (OpenAI's JSON mode wants the word JSON in the messages)."""
    return with_instruction(messages, "Reply with only a JSON object (no prose, no code fence).")


def schema_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", name)[:64] or "reply"
