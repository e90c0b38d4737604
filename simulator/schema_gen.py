"""JSON Schemas made from the typed records themselves, so a format and its schema cannot drift apart.

`schema_of(Record)` reads a dataclass's fields and type hints (str, int, float, bool, None unions, lists,
tuples, dicts with string keys, nested dataclasses); a field's `metadata` may add JSON Schema keywords
(`enum`, `minimum`, `pattern`...) and a `description`, and a class's `__schema__` keywords for the whole
object (a condition across fields). A record written by simulator/records.py (sessions) follows its rules:
a field with a default may be missing; one written by a `to_dict` that writes every field has all required. The shipped files in simulator/schemas for these
formats are written by `python -m simulator.schema_gen` and a test holds them equal (tests/test_schema_gen.py).
Headless; only the standard library.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import operator
import sys
import types
import typing
from pathlib import Path
from typing import Any

from simulator import records

DRAFT = "https://json-schema.org/draft/2020-12/schema"
_SCALARS: dict[Any, dict[str, Any]] = {str: {"type": "string"}, int: {"type": "integer"}, float: {"type": "number"}, bool: {"type": "boolean"}}


def type_schema(hint: Any, every_field: bool = True) -> dict[str, Any]:
    """The JSON Schema of one type hint (nested records in the style of schema_of's `every_field`)."""
    if hint in _SCALARS:
        return dict(_SCALARS[hint])
    if hint is type(None):
        return {"type": "null"}
    if hint is Any:
        return {}
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return schema_of(hint, top=False, every_field=every_field)
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        parts = [type_schema(a, every_field) for a in args]
        if all(set(p) == {"type"} for p in parts):  # ["integer", "null"] rather than anyOf
            return {"type": [p["type"] for p in parts]}
        return {"anyOf": parts}
    if origin in (list, tuple, typing.Sequence):
        item = args[0] if args else Any
        return {"type": "array", "items": type_schema(item, every_field)}
    if origin is dict:
        return {"type": "object", "additionalProperties": type_schema(args[1] if len(args) == 2 else Any, every_field)}
    raise TypeError(f"no JSON Schema for {hint!r}")


def schema_of(record: type, top: bool = True, title: str | None = None, every_field: bool = True) -> dict[str, Any]:
    """The schema of a dataclass's JSON form: with `every_field`, a to_dict() that writes every field (all
    required); else records.to_json's (only the fields without a default required)."""
    hints = typing.get_type_hints(record)
    properties: dict[str, Any] = {}
    required = []
    for f in dataclasses.fields(record):
        hint = hints[f.name]
        if not every_field and records.omitted_when_none(f):
            hint = _without_none(hint)  # left out while None, never written as null
        schema = type_schema(hint, every_field)
        schema.update(records.schema_keywords(f))
        if "description" in f.metadata:
            schema = {"description": f.metadata["description"], **schema}
        properties[f.name] = schema
        if every_field or records.required(f):
            required.append(f.name)
    out: dict[str, Any] = {"type": "object", "required": required, "additionalProperties": False, "properties": properties}
    out |= getattr(record, "__schema__", {})
    if record.__doc__ and not record.__doc__.startswith(f"{record.__name__}("):
        out = {"description": " ".join(record.__doc__.split()), **out}
    if top:
        out = {"$schema": DRAFT, "title": title or record.__name__, **out}
    return out


def _without_none(hint: Any) -> Any:
    args = typing.get_args(hint)
    if typing.get_origin(hint) in (typing.Union, types.UnionType) and type(None) in args:
        rest = tuple(a for a in args if a is not type(None))
        return functools.reduce(operator.or_, rest)
    return hint


def file_schema(title: str, version_key: str, version: int, body: dict[str, Any], description: str) -> dict[str, Any]:
    """A versioned file format: a version field plus the given properties."""
    properties = {version_key: {"const": version}, **body}
    return {"$schema": DRAFT, "title": title, "description": description, "type": "object", "required": list(properties),
            "additionalProperties": False, "properties": properties}


def generated() -> dict[str, dict[str, Any]]:
    """Every schema this module writes, by file stem."""
    from simulator.review.cohort import CohortRow
    from simulator.review.export import EXPORT_VERSION
    from simulator.review.marks import SCHEMA_VERSION, Mark

    marks = file_schema(
        "consultsim marks file", "schema_version", SCHEMA_VERSION,
        {"session": {"type": "string"}, "marks": {"type": "array", "items": schema_of(Mark, top=False)}},
        "A course lead's marks for one session, oldest first (simulator/review/marks.py); appended to, never rewritten.",
    )
    session_row = schema_of(CohortRow, top=False)
    session_row["properties"] |= {
        "marks": {"type": "array", "items": schema_of(Mark, top=False)},
        "final": {"type": "object", "required": ["by", "tasks"], "additionalProperties": False,
                  "properties": {"by": {"type": "string"}, "tasks": {"type": "object", "additionalProperties": {"type": ["integer", "null"]}}}},
    }
    session_row["required"] += ["marks", "final"]
    review = file_schema(
        "consultsim cohort review", "consultsim_review", EXPORT_VERSION,
        {"sessions": {"type": "array", "items": session_row}, "problems": {"type": "array", "items": {"type": "string"}}},
        "consultsim review --format json: one object per session, the machine's marks, the course leads' and the final mark.",
    )
    from simulator.rubric.grade_format import GRADE_SCHEMA_VERSION, GradeFile
    from simulator.session.model import SCHEMA_VERSION as SESSION_VERSION
    from simulator.session.model import Session

    session = record_file_schema(
        Session, "session-v1", SESSION_VERSION, f"consultsim session, format version {SESSION_VERSION}",
        "One consultation: every turn with the reader's reading and the patient's state after it, what came out, and how to go on.",
    )
    grade = record_file_schema(
        GradeFile, "grade-v1", GRADE_SCHEMA_VERSION, f"consultsim grade report, format version {GRADE_SCHEMA_VERSION}",
        "consultsim grade --format json: one consultation's marks, each with its evidence, the co-production level, metrics and the patient's side.",
    )
    return {"marks-v1": marks, "review-v1": review, "session-v1": session, "grade-v1": grade}


def record_file_schema(record: type, stem: str, version: int, title: str, description: str) -> dict[str, Any]:
    """A file written by records.to_json (a session, a grade): the record's schema with the format's version first."""
    body = schema_of(record, top=False, every_field=False)
    return {
        "$schema": DRAFT, "$id": f"https://consultsim.invalid/schemas/{stem}.json", "title": title, "description": description,
        **{k: v for k, v in body.items() if k != "description"},
        "required": ["schema_version", *body["required"]],
        "properties": {"schema_version": {"const": version}, **body["properties"]},
    }


def write(folder: Path) -> list[Path]:
    written = []
    for stem, schema in generated().items():
        path = folder / f"{stem}.json"
        path.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    from simulator.resources import SCHEMA_DIR

    for path in write(SCHEMA_DIR):
        print(f"wrote {path}", file=sys.stderr)
