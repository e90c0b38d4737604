"""Lint a scenario that breaks its schema: drop the list items the schema errors are in, keep the rest.

A trainer fixing a file wants every problem at once, not the schema's first and the references' after
those are fixed. The items holding schema errors are left out (their lines and columns kept for the
rest), the remainder is built and linted, and lint problems that only follow from an item left out
(a reference to a fact whose entry is broken) are not reported twice.
"""

from __future__ import annotations

from typing import Any

import jsonschema

from simulator import resources
from simulator.errors import Problem
from simulator.yamlpos import Located

Path = tuple[str | int, ...]
MAX_PASSES = 4  # leaving out an item can break a minItems; a few passes settle any real file


def salvage(located: Located, schema_name: str) -> tuple[Located, set[str]] | None:
    """The data with broken list items left out (positions still pointing at the file) and the ids of
    the items left out; None if what is broken is not inside a list item (a top-level field)."""
    validator = jsonschema.Draft202012Validator(resources.schema(schema_name))
    removed: set[Path] = set()
    current = located
    origin: dict[Path, Path] = {}
    for _ in range(MAX_PASSES):
        errors = list(validator.iter_errors(current.data))
        if not errors:
            return current, _ids(located.data, removed)
        for error in errors:
            item = _list_item(tuple(error.absolute_path), current.data)
            if item is None:
                return None
            removed.add(origin.get(item, item))
        current, origin = _without(located, removed)
    return None


def unrelated(problems: list[Problem], removed_ids: set[str]) -> list[Problem]:
    """Lint problems not caused by leaving items out (they quote the missing id)."""
    return [p for p in problems if not any(f"'{name}'" in p.message for name in removed_ids)]


def _list_item(path: Path, data: Any) -> Path | None:
    """The deepest list item containing `path` (itself, if it is one)."""
    deepest, node = None, data
    for depth, key in enumerate(path):
        if isinstance(node, list) and isinstance(key, int):
            deepest = path[: depth + 1]
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            break
    return deepest


def _without(located: Located, removed: set[Path]) -> tuple[Located, dict[Path, Path]]:
    """A copy of the data without the removed items, its positions, and each new path's original path."""
    positions: dict[Path, tuple[int, int]] = {}
    origin: dict[Path, Path] = {}

    def copy(node: Any, old: Path, new: Path) -> Any:
        origin[new] = old
        if old in located.positions:
            positions[new] = located.positions[old]
        if isinstance(node, dict):
            return {key: copy(value, (*old, key), (*new, key)) for key, value in node.items()}
        if isinstance(node, list):
            kept = [(i, value) for i, value in enumerate(node) if (*old, i) not in removed]
            return [copy(value, (*old, i), (*new, j)) for j, (i, value) in enumerate(kept)]
        return node

    data = copy(located.data, (), ())
    return Located(data, positions), origin


def _ids(data: Any, removed: set[Path]) -> set[str]:
    ids = set()
    for path in removed:
        node = data
        for key in path:
            node = node[key]
        if isinstance(node, dict) and isinstance(node.get("id"), str):
            ids.add(node["id"])
    return ids
