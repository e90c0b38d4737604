"""Turn JSON Schema errors into plain-words problems located at file:line:column.

Shared by every file format we validate (scenarios now, rubrics later).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from simulator.errors import Problem
from simulator.yamlpos import Located

if TYPE_CHECKING:
    import jsonschema

_TYPE_WORDS = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "array": "a list",
    "object": "a mapping of fields",
    "boolean": "true or false",
    "null": "nothing",
}


def field_path(path: Iterable[str | int]) -> str:
    """facts[2].disclose, the way a trainer would point at it."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if value is None:
        return "nothing"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text {value!r}" if len(value) < 40 else "some text"
    return "a list" if isinstance(value, list) else "a mapping"


def _wanted(types: Any) -> str:
    types = types if isinstance(types, list) else [types]
    return " or ".join(_TYPE_WORDS.get(t, t) for t in types)


def plain_message(error: jsonschema.ValidationError) -> tuple[str, tuple[str | int, ...]]:
    """A message a non-programmer can act on, and the path it is about."""
    path = tuple(error.absolute_path)
    kind, rule, value = error.validator, error.validator_value, error.instance
    if kind == "required":
        missing = re.match(r"^'(.+)' is a required property", error.message)  # one error per missing field
        return f"missing required field '{missing.group(1) if missing else rule}'", path
    if kind == "enum" and isinstance(rule, list):
        return f"{_describe(value)} is not allowed here; use one of: {', '.join(map(str, rule))}", path
    if kind == "const":
        return f"must be {rule!r}, not {_describe(value)}", path
    if kind == "type":
        return f"expected {_wanted(rule)}, found {_describe(value)}", path
    if kind == "minimum":
        return f"{value} is too small: the lowest allowed is {rule}", path
    if kind == "maximum":
        return f"{value} is too large: the highest allowed is {rule}", path
    if kind == "minItems":
        return f"needs at least {rule} item{'s' if rule != 1 else ''}", path
    if kind == "minProperties":
        return f"needs at least {rule} field{'s' if rule != 1 else ''}", path
    if kind in ("minLength", "pattern") and isinstance(value, str) and not value.strip():
        return "must not be empty", path
    if kind == "pattern":
        return f"{value!r} is not a valid id: use lower-case letters, digits, '-' and '_' (starting with a letter or digit)", path
    if kind == "maxLength":
        return f"is too long: at most {rule} characters", path
    return error.message, path


def _unknown_fields(error: jsonschema.ValidationError, instance: dict[str, Any]) -> list[tuple[str, tuple[str | int, ...]]]:
    """One problem per misspelt field, each at its own line."""
    schema = error.schema if isinstance(error.schema, Mapping) else {}  # a mapping: it holds additionalProperties
    allowed = sorted(schema.get("properties", {}))
    hint = f"; allowed here: {', '.join(allowed)}" if allowed else ""
    path = tuple(error.absolute_path)
    return [(f"unknown field '{key}' (check the spelling){hint}", path + (key,)) for key in sorted(instance) if key not in allowed]


def schema_problems(located: Located, schema: dict[str, Any], file: str) -> list[Problem]:
    """Every schema violation in the document, each placed at its line and column."""
    import jsonschema  # here, not at the top: a start-up that finds every scenario already checked does without it

    validator = jsonschema.Draft202012Validator(schema)
    problems = set()
    for error in validator.iter_errors(located.data):
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            found = _unknown_fields(error, error.instance)
        else:
            found = [plain_message(error)]
        for message, path in found:
            line, column = located.where(path)
            problems.add(Problem(file, line, column, message, field_path(path)))
    return sorted(problems)
