"""Typed records to and from their JSON form, read off their type hints: one implementation for every
saved format (sessions, marks, the review export), and the rules schema_gen.py writes their schemas by.

- A field with a default may be missing from a file (an older file, or an optional part): it is not
  required. A field whose default is None is left out of the JSON while it is None.
- Nested dataclasses, lists and tuples of them, dicts with string keys and `X | None` are converted both
  ways; scalars and untyped parts (`Any`) pass as they are.
Converters are worked out once per class: a thousand sessions load without reading type hints again.
Headless; only the standard library.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable
from functools import cache
from typing import Any, TypeVar

R = TypeVar("R")
Convert = Callable[[Any], Any]


def required(f: dataclasses.Field) -> bool:
    """A field a file must have: one without a default."""
    return f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING


def omitted_when_none(f: dataclasses.Field) -> bool:
    return f.default is None


def to_json(record: Any) -> dict[str, Any]:
    """A dataclass as JSON-ready dicts and lists, in field order."""
    out = {}
    for name, omit, _ in _plan(type(record)):
        value = getattr(record, name)
        if omit and value is None:
            continue
        out[name] = _dump(value)
    return out


def from_json(cls: type[R], data: dict[str, Any]) -> R:
    """A record from its JSON form (already checked against its schema): missing fields take their
    defaults, nested records are built."""
    values = {}
    for name, _, read in _plan(cls):
        if name in data:
            value = data[name]
            values[name] = read(value) if read is not None and value is not None else value
    return cls(**values)


def _dump(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return to_json(value)
    if isinstance(value, list | tuple):
        return [_dump(v) for v in value]
    if isinstance(value, dict):
        return {k: _dump(v) for k, v in value.items()}
    return value


@cache
def _plan(cls: type) -> tuple[tuple[str, bool, Convert | None], ...]:
    hints = typing.get_type_hints(cls)
    return tuple((f.name, omitted_when_none(f), _reader(hints[f.name])) for f in dataclasses.fields(cls))


def _reader(hint: Any) -> Convert | None:
    """How to build a value of this type from JSON, or None if the JSON value is already it."""
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return lambda value: from_json(hint, value)
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        parts = [a for a in args if a is not type(None)]
        inner = _reader(parts[0]) if len(parts) == 1 else None
        return None if inner is None else (lambda value: None if value is None else inner(value))
    if origin is tuple:
        inner = _reader(args[0]) if args else None
        return tuple if inner is None else (lambda value: tuple(inner(v) for v in value))
    if origin in (list, typing.Sequence):
        inner = _reader(args[0]) if args else None
        return None if inner is None else (lambda value: [inner(v) for v in value])
    if origin is dict and len(args) == 2:
        inner = _reader(args[1])
        return None if inner is None else (lambda value: {k: inner(v) for k, v in value.items()})
    return None
