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
from typing import Any, TypeVar

R = TypeVar("R")
Convert = Callable[[Any], Any]
Read = Callable[[Any, bool], Any]  # (JSON value, strict) -> value
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
    out: dict[str, Any] = {}
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


_NESTED: dict[type, tuple[tuple[str, Read], ...]] = {}


def _nested(cls: type) -> tuple[tuple[str, Read], ...]:
    """The fields whose JSON value needs building into a record (or tuple); the rest pass as they are."""
    nested = _NESTED.get(cls)
    if nested is None:
        nested = _NESTED[cls] = tuple((name, read) for name, _, read, _ in _plan(cls) if read is not None)
    return nested


def _names(cls: type) -> frozenset[str]:
    return frozenset(name for name, *_ in _plan(cls))


Plan = tuple[tuple[str, bool, Read | None, Convert | None], ...]  # per field: name, omitted when None, reader, writer
_PLANS: dict[type, Plan] = {}


def _plan(cls: type) -> Plan:
    plan = _PLANS.get(cls)
    if plan is None:
        plan = _PLANS[cls] = _make_plan(cls)
    return plan


def _make_plan(cls: type) -> Plan:
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
        item = _writer(args[0]) if args else _any
        return list if item is None else _write_each(item)
    if origin is dict:
        value_writer = _writer(args[1]) if len(args) == 2 else _any
        return dict if value_writer is None else _write_values(value_writer)
    if hint in (str, int, float, bool):
        return None
    return _any


def _write_each(item: Convert) -> Convert:
    return lambda value: [None if v is None else item(v) for v in value]


def _write_values(item: Convert) -> Convert:
    return lambda value: {k: None if v is None else item(v) for k, v in value.items()}


def _any(value: Any) -> Any:
    """An untyped part: records in it are written too."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return to_json(value)
    if isinstance(value, list | tuple):
        return [_any(v) for v in value]
    if isinstance(value, dict):
        return {k: _any(v) for k, v in value.items()}
    return value


def _reader(hint: Any) -> Read | None:
    """How to build a value of this type from JSON (value, strict), or None if the JSON value is already it."""
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return lambda value, strict: from_json(hint, value, strict)
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        parts = [a for a in args if a is not type(None)]
        optional = _reader(parts[0]) if len(parts) == 1 else None
        return None if optional is None else _read_optional(optional)
    if origin is tuple:
        item = _reader(args[0]) if args else None
        return (lambda value, strict: tuple(value)) if item is None else _read_tuple(item)
    if origin in (list, typing.Sequence):
        item = _reader(args[0]) if args else None
        return None if item is None else _read_list(item)
    if origin is dict and len(args) == 2:
        value_reader = _reader(args[1])
        return None if value_reader is None else _read_values(value_reader)
    return None


def _read_optional(inner: Read) -> Read:
    return lambda value, strict: None if value is None else inner(value, strict)


def _read_list(item: Read) -> Read:
    return lambda value, strict: [item(v, strict) for v in value]


def _read_tuple(item: Read) -> Read:
    return lambda value, strict: tuple([item(v, strict) for v in value])


def _read_values(item: Read) -> Read:
    return lambda value, strict: {k: item(v, strict) for k, v in value.items()}
