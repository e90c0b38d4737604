"""Typed records to and from their JSON form, read off their type hints: one implementation for every
saved format (sessions, marks, the review export), and the rules schema_gen.py writes their schemas by.

- A field with a default may be missing from a file (an older file, or an optional part): it is not
  required. A field whose default is None is left out of the JSON while it is None, unless its metadata
  has KEEP_NULL (a format that has always written the null).
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
KEEP_NULL = {"keep_null": True}  # field metadata: written as null, not left out (not a JSON Schema keyword)


def required(f: dataclasses.Field) -> bool:
    """A field a file must have: one without a default."""
    return f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING


def omitted_when_none(f: dataclasses.Field) -> bool:
    return f.default is None and not f.metadata.get("keep_null")


def schema_keywords(f: dataclasses.Field) -> dict[str, Any]:
    """The JSON Schema keywords in a field's metadata."""
    return {k: v for k, v in f.metadata.items() if k not in ("description", "keep_null")}


def to_json(record: Any) -> dict[str, Any]:
    """A dataclass as JSON-ready dicts and lists, in field order."""
    out = {}
    for name, omit, _, dump in _plan(type(record)):
        value = getattr(record, name)
        if value is None:
            if not omit:
                out[name] = None
        else:
            out[name] = value if dump is None else dump(value)
    return out


def from_json(cls: type[R], data: dict[str, Any], strict: bool = False) -> R:
    """A record from its JSON form: missing fields take their defaults, nested records are built. A file is
    checked against its schema first and keys no record has are passed over (an older file's spare parts);
    `strict` (a record made from a dict in memory) refuses them instead: TypeError, at any depth."""
    nested = _nested(cls)
    if nested:
        data = dict(data)
        for name, read in nested:
            value = data.get(name)
            if value is not None:
                data[name] = read(value, strict)
    try:
        return cls(**data)  # the common case, and the fast one: a thousand sessions load in a grade
    except TypeError:
        names = _names(cls)
        if strict or set(data) <= names:
            raise
        return cls(**{k: v for k, v in data.items() if k in names})


@cache
def _nested(cls: type) -> tuple[tuple[str, Callable[[Any, bool], Any]], ...]:
    return tuple((name, read) for name, _, read, _ in _plan(cls) if read is not None)


@cache
def _names(cls: type) -> frozenset[str]:
    return frozenset(f.name for f in dataclasses.fields(cls))


@cache
def _plan(cls: type) -> tuple[tuple[str, bool, Callable[[Any, bool], Any] | None, Convert | None], ...]:
    hints = typing.get_type_hints(cls)
    return tuple((f.name, omitted_when_none(f), _reader(hints[f.name]), _writer(hints[f.name])) for f in dataclasses.fields(cls))


def _writer(hint: Any) -> Convert | None:
    """How to write a (non-None) value of this type as JSON: None if it is JSON already. Lists and dicts are
    copied, so that what was written does not change with the record."""
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return to_json
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        parts = [a for a in args if a is not type(None)]
        if len(parts) == 1:
            return _writer(parts[0])
        return None if all(p in (str, int, float, bool) for p in parts) else _any
    if origin in (list, tuple, typing.Sequence):
        inner = _writer(args[0]) if args else _any
        return list if inner is None else (lambda value: [None if v is None else inner(v) for v in value])
    if origin is dict:
        inner = _writer(args[1]) if len(args) == 2 else _any
        return dict if inner is None else (lambda value: {k: None if v is None else inner(v) for k, v in value.items()})
    if hint in (str, int, float, bool):
        return None
    return _any


def _any(value: Any) -> Any:
    """An untyped part: records in it are written too."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return to_json(value)
    if isinstance(value, list | tuple):
        return [_any(v) for v in value]
    if isinstance(value, dict):
        return {k: _any(v) for k, v in value.items()}
    return value


def _reader(hint: Any) -> Callable[[Any, bool], Any] | None:
    """How to build a value of this type from JSON (value, strict), or None if the JSON value is already it."""
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return lambda value, strict: from_json(hint, value, strict)
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        parts = [a for a in args if a is not type(None)]
        inner = _reader(parts[0]) if len(parts) == 1 else None
        return None if inner is None else (lambda value, strict: None if value is None else inner(value, strict))
    if origin is tuple:
        inner = _reader(args[0]) if args else None
        return (lambda value, strict: tuple(value)) if inner is None else (lambda value, strict: tuple(inner(v, strict) for v in value))
    if origin in (list, typing.Sequence):
        inner = _reader(args[0]) if args else None
        return None if inner is None else (lambda value, strict: [inner(v, strict) for v in value])
    if origin is dict and len(args) == 2:
        inner = _reader(args[1])
        return None if inner is None else (lambda value, strict: {k: inner(v, strict) for k, v in value.items()})
    return None
