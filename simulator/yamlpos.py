"""Read YAML into plain JSON-like data while remembering where every value came from.

Trainers need `file:line:column` for every problem, so we compose the YAML node tree and build
the data ourselves, recording the position of each mapping key and sequence item. Timestamps stay
text, keys must be text, duplicate keys are errors, and alias bombs or cycles are refused.
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

Path = tuple[str | int, ...]
MAX_NODES = 200_000  # a scenario has a few thousand; more means an alias bomb
MAX_DEPTH = 64
_BRACKETS = re.compile(r"[\[\]{}]")

_SCALAR_TAGS = {
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:str",
}
# Tags a plain data file may carry (most implicitly); any other (!!python/..., !!binary, !custom) is refused:
# a loader elsewhere might act on it, and a trainer who wrote one meant something we would silently ignore.
_ALLOWED_TAGS = _SCALAR_TAGS | {"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"}


class YamlError(Exception):
    """The text is not YAML we can use; line and column are 1-based."""

    def __init__(self, message: str, line: int, column: int, path: Path = ()):
        super().__init__(message)
        self.message, self.line, self.column, self.path = message, line, column, path


@dataclass
class Located:
    """Data read from YAML plus the (line, column) of each path in it."""

    data: Any
    positions: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def where(self, path: Path) -> tuple[int, int]:
        """The position of `path`, or of its nearest ancestor that we know."""
        path = tuple(path)
        while path and path not in self.positions:
            path = path[:-1]
        return self.positions.get(path, (1, 1))


class _Lines:
    """Line and column from a character index, counting only '\n' as a line break, as editors do
    (YAML also breaks lines at U+0085, U+2028 and U+2029, which would shift every later position)."""

    def __init__(self, text: str):
        self.starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"] if "\n" in text else [0]

    def at(self, index: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, index)
        return line, index - self.starts[line - 1] + 1

    def mark(self, node: yaml.Node) -> tuple[int, int]:
        return self.at(node.start_mark.index)


def _too_deep(text: str) -> int | None:
    """Index where [ and { nest deeper than we accept: libyaml's composer recurses and can crash first."""
    depth = 0
    for match in _BRACKETS.finditer(text):
        depth = depth + 1 if match.group() in "[{" else max(0, depth - 1)
        if depth > MAX_DEPTH:
            return match.start()
    return None


class _Builder:
    def __init__(self, lines: _Lines) -> None:
        self.lines = lines
        self.positions: dict[Path, tuple[int, int]] = {}
        self.count = 0
        self.constructor = yaml.constructor.SafeConstructor()

    def build(self, node: yaml.Node, path: Path, active: set[int]) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise YamlError("the file is too large or uses too many aliases", *self.lines.mark(node), path)
        if len(path) > MAX_DEPTH:
            raise YamlError("the file is nested too deeply", *self.lines.mark(node), path)
        self.positions.setdefault(path, self.lines.mark(node))
        if node.tag not in _ALLOWED_TAGS:
            shown = node.tag.replace("tag:yaml.org,2002:", "!!")
            where = self.positions.get(path, self.lines.mark(node))  # at its key, like every other field's problem
            raise YamlError(f"the tag {shown} is not allowed in a data file; remove it and write plain text", *where, path)
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, path)
        if id(node) in active:
            raise YamlError("an alias refers to itself", *self.lines.mark(node), path)
        active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return [self.build(item, path + (i,), active) for i, item in enumerate(node.value)]
            assert isinstance(node, yaml.MappingNode)  # the composer makes only scalars, sequences and mappings
            return self.mapping(node, path, active)
        finally:
            active.discard(id(node))

    def scalar(self, node: yaml.ScalarNode, path: Path) -> Any:
        if node.tag not in _SCALAR_TAGS:
            return node.value  # timestamps, binary and custom tags stay as the text written
        try:
            value = self.constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError, KeyError, IndexError, TypeError):  # bad tagged scalars stay text
            return node.value
        if isinstance(value, float) and not math.isfinite(value):
            raise YamlError(f"'{node.value}' is not a number that can be used here", *self.positions.get(path, self.lines.mark(node)), path)
        return value

    def mapping(self, node: yaml.MappingNode, path: Path, active: set[int]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise YamlError("merge keys (<<) are not supported; write the fields out", *self.lines.mark(key_node), path)
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlError("a key must be plain text, not a list or mapping", *self.lines.mark(key_node), path)
            key = key_node.value if key_node.tag != "tag:yaml.org,2002:null" else ""
            if key in result:
                raise YamlError(f"'{key}' appears twice in the same mapping", *self.lines.mark(key_node), path + (key,))
            self.positions[path + (key,)] = self.lines.mark(key_node)
            result[key] = self.build(value_node, path + (key,), active)
            self.positions[path + (key,)] = self.lines.mark(key_node)  # report a field at its key, not its value
        return result


def load_located(text: str) -> Located:
    """Parse one YAML document; raise YamlError (with a position) if it cannot be used."""
    lines = _Lines(text)
    deep = _too_deep(text)
    if deep is not None:
        raise YamlError("the file is nested too deeply", *lines.at(deep))
    try:
        root = yaml.compose(text, Loader=yaml.CSafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = lines.at(mark.index) if mark else (1, 1)
        message = " ".join(part for part in (error.context, error.problem) if part) or "not valid YAML"
        raise YamlError(f"YAML syntax: {message}", line, column) from None
    except yaml.reader.ReaderError as error:
        found = f"U+{error.character:04X}" if isinstance(error.character, int) else repr(error.character)
        raise YamlError(f"YAML syntax: control characters are not allowed (found {found})", *lines.at(error.position)) from None
    except yaml.YAMLError as error:
        raise YamlError(f"YAML syntax: {' '.join(str(error).split())}", 1, 1) from None
    except RecursionError:
        raise YamlError("the file is nested too deeply", 1, 1) from None
    if root is None:
        return Located(None, {(): (1, 1)})
    builder = _Builder(lines)
    data = builder.build(root, (), set())
    return Located(data, builder.positions)
