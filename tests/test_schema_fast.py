"""The compiled schema check (simulator/schema_fast.py) says valid exactly when jsonschema does."""

from __future__ import annotations

import copy
import json
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator import resources
from simulator.consultation import Consultation
from simulator.scenario import resolve
from simulator.schema_fast import Unsupported, compile_schema, json_equal, shipped_check

SESSION = resources.schema("session-v1")
JSONSCHEMA = jsonschema.Draft202012Validator(SESSION)


def _session() -> dict[str, Any]:
    consultation = Consultation.start(resolve("t2d-hypo-fear"), seed=1, autosave=False)
    for line in ("Hello Gary, what brings you in?", "How are the tablets going?", "That sounds hard. Bye then."):
        consultation.say(line)
    return json.loads(json.dumps(consultation.session.to_dict()))


VALID = _session()
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 3), st.floats(-20, 20, allow_nan=False), st.sampled_from([0.0, 1.0, 11.0, 2.5]),
    st.sampled_from(["", "x", "clinician", "patient", "ended", "open", "a" * 64, "0" * 64, "-bad", "api_key", "Token", "in_progress"]),
)
KEYS = st.sampled_from(["id", "code", "x", "plan"])
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=3), max_leaves=6)


def _paths(node: Any, path: tuple = ()) -> list[tuple]:
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _paths(value, (*path, i))
    return found


PATHS = _paths(VALID)


@st.composite
def mutated(draw: st.DrawFn) -> Any:
    data = copy.deepcopy(VALID)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(PATHS))
        parent: Any = data
        try:
            for key in path[:-1]:
                parent = parent[key]
        except (KeyError, IndexError, TypeError):
            continue
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if not path:
            data = draw(VALUES)
            continue
        key = path[-1]
        try:
            if action == "replace":
                parent[key] = draw(VALUES)
            elif action == "delete":
                del parent[key]
            elif isinstance(parent, dict):
                parent[draw(st.sampled_from(["extra", "api_key", "codes", "state", "model"]))] = draw(VALUES)
            elif isinstance(parent, list):
                parent.append(draw(VALUES))
        except (KeyError, IndexError, TypeError):
            continue
    return data


def test_a_played_session_is_valid_both_ways() -> None:
    check = shipped_check("session-v1")
    assert check is not None and check(VALID) and JSONSCHEMA.is_valid(VALID)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_the_compiled_check_agrees_with_jsonschema(data: Any) -> None:
    assert shipped_check("session-v1")(data) == JSONSCHEMA.is_valid(data)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("schema", "good", "bad"),
    [
        ({"type": "integer"}, [1, 2.0, -3], [True, 1.5, "1", None]),
        ({"type": "number", "minimum": 0}, [0, 0.5, 3], [-1, True, "x"]),
        ({"minimum": 0}, ["x", None, True], [-1]),  # bounds only bind numbers
        ({"enum": [1, "a"]}, [1, 1.0, "a"], [True, "b", [1]]),
        ({"const": False}, [False], [0, None]),
        ({"not": {"pattern": "(?i)key"}}, ["name"], ["API_KEY", 3]),  # a number passes the pattern, so fails the not
        ({"maxLength": 2, "minItems": 1}, ["ab", [1], 5], ["abc", []]),
        ({"if": {"properties": {"a": {"const": 1}}}, "then": {"required": ["b"]}}, [{"a": 2}, {"a": 1, "b": 0}], [{"a": 1}]),
        ({"anyOf": [{"type": "string"}, {"type": "null"}], "oneOf": [{"type": "string"}, {"maxLength": 3}]}, ["abcd", None], ["ab"]),
    ],
)
def test_keywords_mean_what_jsonschema_means(schema: dict, good: list, bad: list) -> None:
    check, reference = compile_schema(schema), jsonschema.Draft202012Validator(schema)
    for value in good:
        assert check(value) and reference.is_valid(value), value
    for value in bad:
        assert not check(value) and not reference.is_valid(value), value


def test_a_keyword_it_does_not_know_is_refused_not_ignored() -> None:
    with pytest.raises(Unsupported):
        compile_schema({"$ref": "#/$defs/x", "$defs": {"x": {}}})
    with pytest.raises(Unsupported):
        compile_schema({"properties": {"a": {"uniqueItems": True}}})


def test_json_equality() -> None:
    assert json_equal(1, 1.0) and not json_equal(True, 1) and not json_equal([True], [1]) and json_equal({"a": [1]}, {"a": [1.0]})
