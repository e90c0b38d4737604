"""simulator/records.py: typed records to and from JSON, by their type hints, with the rules the generated
schemas follow (schema_gen)."""

from __future__ import annotations

from dataclasses import dataclass, field

import jsonschema
import pytest

from simulator.records import KEEP_NULL, from_json, to_json
from simulator.schema_gen import schema_of


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass
class Part:
    name: str
    spans: list[Span]
    by_name: dict[str, Span] = field(default_factory=dict)
    pair: tuple[int, ...] = ()
    note: str | None = None  # left out while None
    level: str | None = field(default=None, metadata=KEEP_NULL)  # written as null
    inner: Span | None = None


def test_a_record_round_trips_and_leaves_out_what_is_none() -> None:
    part = Part("a", [Span(0, 2)], {"x": Span(3, 4)}, (1, 2), inner=Span(5, 6))
    data = to_json(part)
    assert data == {"name": "a", "spans": [{"start": 0, "end": 2}], "by_name": {"x": {"start": 3, "end": 4}}, "pair": [1, 2],
                    "level": None, "inner": {"start": 5, "end": 6}}
    assert from_json(Part, data) == part
    data["spans"].append({"start": 9, "end": 9})
    assert len(part.spans) == 1  # what was written is a copy


def test_missing_fields_take_their_defaults_and_spare_keys_are_strict_only_when_asked() -> None:
    assert from_json(Part, {"name": "b", "spans": []}) == Part("b", [])
    older = {"name": "b", "spans": [{"start": 1, "end": 2, "old": True}], "gone": 1}
    assert from_json(Part, older) == Part("b", [Span(1, 2)])
    with pytest.raises(TypeError, match="old"):
        from_json(Part, older, strict=True)
    with pytest.raises(TypeError):
        from_json(Part, {"spans": []})  # a field without a default is missing


def test_the_schema_follows_the_same_rules() -> None:
    schema = schema_of(Part, every_field=False)
    assert schema["required"] == ["name", "spans"]
    part = to_json(Part("a", [Span(0, 2)]))
    jsonschema.validate(part, schema)
    jsonschema.validate({**part, "level": "x"}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**part, "note": None}, schema)  # never written as null, so not allowed
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**part, "spans": [{"start": 0}]}, schema)
