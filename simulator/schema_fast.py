"""A JSON Schema compiled once into plain Python checks: valid or not, a hundred times faster than jsonschema.

`consultsim grade` and the history read hundreds of session files; jsonschema took longer over each than
grading it. Only the keywords our record schemas use are compiled, with jsonschema's meaning (Draft 2020-12,
formats not asserted, True unequal to 1); a schema with any other keyword is Unsupported and the caller uses
jsonschema. A file that fails here is checked again by jsonschema for its message, so messages are unchanged.
tests/test_schema_fast.py holds the two to the same answers. Headless.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

Check = Callable[[Any], bool]

# Keywords that only annotate: they never make an instance invalid (formats are not asserted by default).
_ANNOTATIONS = frozenset({"$schema", "$id", "$comment", "title", "description", "format", "default", "examples", "deprecated", "readOnly", "writeOnly"})


class Unsupported(ValueError):
    """The schema uses a keyword this compiler does not know: validate with jsonschema instead."""


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


_TYPES: dict[str, Check] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "number": _is_number,
    "integer": lambda v: (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, float) and v.is_integer()),
}


def json_equal(one: Any, two: Any) -> bool:
    """Equality as JSON Schema means it (jsonschema._utils.equal): true is not 1, 1 is 1.0."""
    if isinstance(one, str) or isinstance(two, str):
        return one == two
    if isinstance(one, list) and isinstance(two, list):
        return len(one) == len(two) and all(json_equal(a, b) for a, b in zip(one, two))
    if isinstance(one, dict) and isinstance(two, dict):
        return one.keys() == two.keys() and all(json_equal(one[k], two[k]) for k in one)
    if isinstance(one, bool) or isinstance(two, bool):
        return isinstance(one, bool) and isinstance(two, bool) and one == two
    return bool(one == two)


def compile_schema(schema: Any) -> Check:
    """A function telling whether an instance is valid against `schema`; Unsupported if it cannot be compiled."""
    if schema is True:
        return lambda _: True
    if schema is False:
        return lambda _: False
    if not isinstance(schema, dict):
        raise Unsupported(f"not a schema: {schema!r}")
    unknown = set(schema) - _ANNOTATIONS - set(_KEYWORDS) - {"then", "else"}
    if unknown:
        raise Unsupported(f"keywords not compiled: {', '.join(sorted(unknown))}")
    checks: list[Check] = []
    keys = [key for key in schema if key in _KEYWORDS]
    if schema.get("type") == "object":  # the common case, in one function: most of a session's values are in objects
        checks.append(_object(schema))
        keys = [key for key in keys if key not in _OBJECT_KEYS]
    checks += [_KEYWORDS[key](schema[key], schema) for key in keys]
    return _all(checks)


def _all(checks: list[Check]) -> Check:
    """Every check, without a generator for the common two or three (they run for every value)."""
    if not checks:
        return lambda _: True
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        first, second = checks
        return lambda value: first(value) and second(value)
    if len(checks) == 3:
        first, second, third = checks
        return lambda value: first(value) and second(value) and third(value)
    return lambda value: all(check(value) for check in checks)


_OBJECT_KEYS = frozenset({"type", "properties", "required", "additionalProperties"})


def _object(schema: dict) -> Check:
    """type: object with properties, required and additionalProperties, checked in one pass."""
    properties = {name: compile_schema(sub) for name, sub in schema.get("properties", {}).items()}
    required = tuple(schema.get("required", ()))
    extra = schema.get("additionalProperties", True)
    other: Check | None = None if extra is True else compile_schema(extra)

    def check(value: Any) -> bool:
        if not isinstance(value, dict):
            return False
        for name in required:
            if name not in value:
                return False
        for name, item in value.items():
            sub = properties.get(name, other)
            if sub is not None and not sub(item):
                return False
        return True

    return check


_PLAIN = {"object": dict, "array": list, "string": str}  # isinstance says it all for these


def _type(names: Any, _: dict) -> Check:
    if isinstance(names, str) and names in _PLAIN:
        kind = _PLAIN[names]
        return lambda value: isinstance(value, kind)
    tests = [_TYPES[n] for n in ([names] if isinstance(names, str) else names)]
    if len(tests) == 1:
        return tests[0]
    return lambda value: any(test(value) for test in tests)


def _properties(properties: dict[str, Any], _: dict) -> Check:
    compiled = {name: compile_schema(sub) for name, sub in properties.items()}

    def check(value: Any) -> bool:
        if not isinstance(value, dict):
            return True
        for name, sub in compiled.items():
            if name in value and not sub(value[name]):
                return False
        return True

    return check


def _required(names: list[str], _: dict) -> Check:
    return lambda value: not isinstance(value, dict) or all(name in value for name in names)


def _additional(extra: Any, schema: dict) -> Check:
    known = frozenset(schema.get("properties", {}))
    if "patternProperties" in schema:
        raise Unsupported("patternProperties")
    sub = compile_schema(extra)
    return lambda value: not isinstance(value, dict) or all(sub(v) for k, v in value.items() if k not in known)


def _items(items: Any, _: dict) -> Check:
    if isinstance(items, list):
        raise Unsupported("items as a list")
    sub = compile_schema(items)

    def check(value: Any) -> bool:
        if isinstance(value, list):
            for item in value:
                if not sub(item):
                    return False
        return True

    return check


def _enum(options: list[Any], _: dict) -> Check:
    if all(option is None or isinstance(option, str) for option in options):  # most enums: a set lookup
        allowed = frozenset(options)
        return lambda value: (value is None or isinstance(value, str)) and value in allowed
    return lambda value: any(json_equal(value, option) for option in options)


def _const(wanted: Any, _: dict) -> Check:
    return lambda value: json_equal(value, wanted)


def _bound(compare: Callable[[Any, Any], bool]) -> Callable[[Any, dict], Check]:
    return lambda limit, _: lambda value: not _is_number(value) or compare(value, limit)


def _length(compare: Callable[[int, int], bool], kind: type[str] | type[list]) -> Callable[[Any, dict], Check]:
    return lambda limit, _: lambda value: not isinstance(value, kind) or compare(len(value), limit)


def _pattern(pattern: str, _: dict) -> Check:
    search = re.compile(pattern).search
    return lambda value: not isinstance(value, str) or search(value) is not None


def _property_names(names: Any, _: dict) -> Check:
    sub = compile_schema(names)
    return lambda value: not isinstance(value, dict) or all(sub(k) for k in value)


def _not(inner: Any, _: dict) -> Check:
    sub = compile_schema(inner)
    return lambda value: not sub(value)


def _all_of(schemas: list[Any], _: dict) -> Check:
    subs = [compile_schema(s) for s in schemas]
    return lambda value: all(sub(value) for sub in subs)


def _any_of(schemas: list[Any], _: dict) -> Check:
    subs = [compile_schema(s) for s in schemas]
    return lambda value: any(sub(value) for sub in subs)


def _one_of(schemas: list[Any], _: dict) -> Check:
    subs = [compile_schema(s) for s in schemas]
    return lambda value: sum(1 for sub in subs if sub(value)) == 1


def _if(condition: Any, schema: dict) -> Check:
    test = compile_schema(condition)
    then = compile_schema(schema.get("then", True))
    otherwise = compile_schema(schema.get("else", True))
    return lambda value: then(value) if test(value) else otherwise(value)


_KEYWORDS: dict[str, Callable[[Any, dict], Check]] = {
    "type": _type,
    "properties": _properties,
    "required": _required,
    "additionalProperties": _additional,
    "items": _items,
    "enum": _enum,
    "const": _const,
    "minimum": _bound(lambda v, limit: v >= limit),
    "maximum": _bound(lambda v, limit: v <= limit),
    "exclusiveMinimum": _bound(lambda v, limit: v > limit),
    "exclusiveMaximum": _bound(lambda v, limit: v < limit),
    "minLength": _length(lambda n, limit: n >= limit, str),
    "maxLength": _length(lambda n, limit: n <= limit, str),
    "minItems": _length(lambda n, limit: n >= limit, list),
    "maxItems": _length(lambda n, limit: n <= limit, list),
    "pattern": _pattern,
    "propertyNames": _property_names,
    "not": _not,
    "allOf": _all_of,
    "anyOf": _any_of,
    "oneOf": _one_of,
    "if": _if,
}


@cache
def shipped_check(name: str) -> Check | None:
    """The compiled check for a shipped schema (e.g. "session-v1"), or None if it cannot be compiled."""
    from simulator import resources

    try:
        return compile_schema(resources.schema(name))
    except Unsupported:
        return None
