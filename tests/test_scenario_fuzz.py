"""Property tests: whatever a trainer's editor (or cat) does to a scenario file, the loader answers with
a scenario or with clean Problems, never with any other exception.

Inputs are mutations of the shipped example: of its text (lines deleted, duplicated, swapped or
re-indented, YAML specials inserted, values replaced, anchors and aliases, deep nesting, alias bombs,
truncation, stray bytes) and of its parsed data (keys dropped, types changed, re-dumped).
"""

from __future__ import annotations

import copy
import io
import os
import re
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from simulator.cli import main
from simulator.errors import FileProblems, Problem
from simulator.resources import shipped_scenarios_dir
from simulator.scenario import Scenario, check_file, load_scenario

EXAMPLE_TEXT = (shipped_scenarios_dir() / "t2d-hypo-fear.yaml").read_text(encoding="utf-8")
EXAMPLE_LINES = EXAMPLE_TEXT.splitlines(keepends=True)
EXAMPLE_DATA = yaml.safe_load(EXAMPLE_TEXT)

# Kept far below the ~20,000 levels at which libyaml's recursive composer overflows the C stack
# (see test_scenario_validation.py::test_very_deep_nesting_does_not_crash_the_process).
MAX_FUZZ_DEPTH = 3_000

SCALE = int(os.environ.get("CONSULTSIM_FUZZ_SCALE", "1"))  # benchmarks/fuzz_inputs.py runs these longer
FUZZ = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


# -- the property -----------------------------------------------------------------------------------


def line_count(raw: bytes) -> int:
    """An upper bound on the lines YAML sees: it also breaks lines at \r, NEL, LS and PS."""
    return len(raw.decode("utf-8", errors="replace").splitlines()) + 1


def assert_clean_problems(problems: Any, path: Path, lines: int) -> None:
    assert isinstance(problems, list)
    for problem in problems:
        assert isinstance(problem, Problem), repr(problem)
        assert problem.file == str(path)
        assert isinstance(problem.line, int) and isinstance(problem.column, int)
        assert problem.line >= 0 and problem.column >= 0, str(problem)
        assert (problem.line == 0) == (problem.column == 0), str(problem)  # 0 only for "the whole file"
        assert problem.line <= lines + 1, f"line {problem.line} of a {lines}-line file: {problem}"
        assert isinstance(problem.message, str) and problem.message.strip(), repr(problem)
        assert "Traceback" not in problem.message
        assert "\n" not in str(problem), repr(problem)  # one problem, one line
        assert str(problem).startswith(str(path))


def loads_or_reports(path: Path, raw: bytes) -> list[Problem]:
    """check_file and load_scenario on one file: a scenario or clean Problems, and they agree."""
    lines = line_count(raw)
    problems = check_file(path)
    assert_clean_problems(problems, path, lines)
    try:
        scenario = load_scenario(path)
    except FileProblems as error:
        assert error.problems, "FileProblems with no problems"
        event("does not load: " + ("YAML" if error.problems[0].message.startswith("YAML syntax") else "other"))
        assert_clean_problems(error.problems, path, lines)
        # whatever stops a file loading, validate reports too (with what lint finds in the rest of it)
        assert set(error.problems) <= set(problems)
    else:
        event("loads, with lint problems" if problems else "loads, clean")
        assert isinstance(scenario, Scenario)
        assert scenario.id and scenario.facts and scenario.patient.behaviours
    return problems


def write_text(workdir: Path, text: str) -> tuple[Path, bytes]:
    path = workdir / "mutant.yaml"
    raw = text.encode("utf-8")
    path.write_bytes(raw)
    return path, raw


# -- strategies: scalars and characters -------------------------------------------------------------

YAML_SPECIALS = ":{}[]&*!|>%@\t-#'\",?~`\\\n "
CHARS = st.one_of(
    st.sampled_from(YAML_SPECIALS),
    st.characters(exclude_categories=("Cs",)),  # any character a text editor can save as UTF-8
)
SCALAR_WORDS = [
    "~", "null", "Null", "true", "False", "yes", "no", "on", "off", "y", "0", "-1", "7", "11", "120", "121",
    "1e3", "1.5e+3", "1.0e+400", "-0.0", ".nan", ".NaN", ".inf", "-.inf", "0x1F", "0o17", "017", "0b101", "1_000",
    "190:20:30", "12:30", "2024-01-01", "2024-01-01T10:00:00Z", "''", '""', "' '", '"\\t"', "[]", "{}", "[a, b]",
    "{a: 1}", "[[1], {b: [2]}]", "!!str 5", "!!int 5", "!!float 1.5", "!!bool true", "!!null ''", "!!binary aGk=",
    "!!timestamp 2024-01-01", "!!bool maybe", '!!int ""', "!!float x", "!!int 0x", "!!set {a, b}", "!!omap [a: 1]",
    "!!python/object/apply:os.system [echo]", "!custom x", "!<tag:example.com,2024:x> y", "|\n  block", ">-\n  folded",
    "*undefined", "&lonely x", "? complex", "- item", "'unterminated", '"bad \\q escape"', "%TAG", "@at", "`tick",
    "=", "<<", "<<: {a: 1}", "a: b: c", "---", "...", "#", "{value}", "rapport", "volunteered", "t2d-hypo-fear",
    "hypo_fear", "UPPER_ID", "id with spaces", "é", "\u202e", "\U0001F600", "\x85", "\u2028",
]
SCALARS = st.one_of(
    st.sampled_from(SCALAR_WORDS),
    st.integers(-(10**30), 10**30).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.text(CHARS, max_size=12),
)

_VALUE_LINE = re.compile(r"^(\s*(?:- )?[\w$]+:)([ \t]+)(.*?)(\n?)$", re.S)


def value_lines(lines: list[str]) -> list[int]:
    return [i for i, line in enumerate(lines) if _VALUE_LINE.match(line)]


def nested(kind: str, depth: int) -> str:
    if kind == "flow-list":
        return "[" * depth + "x" + "]" * depth
    if kind == "flow-map":
        return "{a: " * depth + "x" + "}" * depth
    if kind == "unclosed":
        return "[" * depth
    return "\n" + "".join(" " * (2 * i + 2) + "- " + "\n" for i in range(min(depth, 400))) + " " * 802 + "x"


# -- strategies: text mutations ---------------------------------------------------------------------


@st.composite
def mutation(draw: st.DrawFn, lines: list[str]) -> list[str]:
    """One edit to the file's lines."""
    lines = list(lines)
    if not lines:
        return [draw(st.text(CHARS, max_size=40))]
    kind = draw(
        st.sampled_from(
            ["delete", "duplicate", "swap", "insert", "truncate", "value", "value", "anchor", "nest", "indent", "join", "key"]
        )
    )
    i = draw(st.integers(0, len(lines) - 1))
    if kind == "delete":
        del lines[i : i + draw(st.integers(1, 4))]
    elif kind == "duplicate":
        lines[i:i] = lines[i : i + draw(st.integers(1, 6))]
    elif kind == "swap":
        j = draw(st.integers(0, len(lines) - 1))
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == "insert":
        line = lines[i]
        at = draw(st.integers(0, len(line)))
        lines[i] = line[:at] + draw(st.text(CHARS, min_size=1, max_size=12)) + line[at:]
    elif kind == "truncate":
        text = "".join(lines)
        return [text[: draw(st.integers(0, len(text)))]]
    elif kind == "indent":
        line = lines[i]
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        lines[i] = draw(st.sampled_from(["\t", " ", "", "   "])) * draw(st.integers(0, 3)) + " " * max(0, indent + draw(st.integers(-4, 4))) + stripped
    elif kind == "join":
        if i + 1 < len(lines):
            lines[i : i + 2] = [lines[i].rstrip("\n") + draw(st.sampled_from([" ", "", ": ", ", "])) + lines[i + 1]]
    else:
        candidates = value_lines(lines)
        if not candidates:
            return lines
        i = draw(st.sampled_from(candidates))
        key, space, _value, newline = _VALUE_LINE.match(lines[i]).groups()
        if kind == "value":
            lines[i] = f"{key}{space}{draw(SCALARS)}{newline}"
        elif kind == "key":
            new_key = draw(st.sampled_from(["id", "topics", "after", "<<", "''", "?", "- x", "patient", "facts", "disclose", "says"]))
            lines[i] = re.sub(r"[\w$]+:$", new_key + ":", key) + space + _value + newline
        elif kind == "nest":
            depth = draw(st.one_of(st.integers(1, 80), st.integers(1, MAX_FUZZ_DEPTH)))
            lines[i] = f"{key}{space}{nested(draw(st.sampled_from(['flow-list', 'flow-map', 'unclosed', 'block'])), depth)}{newline}"
        else:  # anchor here, alias somewhere else (maybe before the anchor, maybe inside it)
            name = draw(st.sampled_from(["a", "x1", "anchor", "&", "*"]))
            lines[i] = f"{key}{space}&{name} {_value}{newline}"
            j = draw(st.sampled_from(candidates))
            key_j, space_j, _, newline_j = _VALUE_LINE.match(lines[j]).groups()
            lines[j] = f"{key_j}{space_j}*{name}{newline_j}"
    return lines


@st.composite
def mutated_text(draw: st.DrawFn) -> str:
    lines = list(EXAMPLE_LINES)
    for _ in range(draw(st.integers(1, 4))):
        lines = draw(mutation(lines))
    return "".join(lines)


# -- strategies: data mutations ---------------------------------------------------------------------

JSONISH = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(10**20), 10**20),
        st.floats(),  # includes nan and +-inf
        st.text(CHARS, max_size=20),
        st.sampled_from(["", " ", "volunteered", "beginner", "hypo_fear", "medication", "{value}"]),
    ),
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(st.text(CHARS, max_size=8), children, max_size=4)),
    max_leaves=12,
)


def all_paths(data: Any, prefix: tuple = ()) -> list[tuple]:
    paths = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            paths += all_paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            paths += all_paths(value, (*prefix, index))
    return paths


def _parent(data: Any, path: tuple) -> Any:
    for part in path[:-1]:
        data = data[part]
    return data


EXAMPLE_PATHS = all_paths(EXAMPLE_DATA)[1:]
_IDENTIFIER = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
# every id-like word in the example (fact, topic, behaviour, plan ids, rules, kinds...) plus near misses
ID_POOL = sorted(
    {v for p in EXAMPLE_PATHS if isinstance(v := _parent(EXAMPLE_DATA, p)[p[-1]], str) and _IDENTIFIER.match(v)}
    | {"hypo_feer", "wrok", "empathy", "reflection", "lecturing", "x", "rapport", "open"}
)


DATA_MUTATIONS = ("drop", "retype", "retype", "wrap", "copy", "rename", "ident", "ident", "words")


@st.composite
def mutated_data(draw: st.DrawFn, kinds: tuple[str, ...] = DATA_MUTATIONS, whole: bool = True) -> Any:
    data = copy.deepcopy(EXAMPLE_DATA)
    for _ in range(draw(st.integers(1, 5))):
        paths = all_paths(data)[1:]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent, last = _parent(data, path), path[-1]
        kind = draw(st.sampled_from(kinds))
        value = parent[last]
        if kind == "ident" and isinstance(value, str) and _IDENTIFIER.match(value):
            parent[last] = draw(st.sampled_from(ID_POOL))  # a real-looking reference, maybe to the wrong thing
        elif kind == "words" and isinstance(value, str) and not _IDENTIFIER.match(value):
            parent[last] = draw(st.text(CHARS, min_size=1, max_size=60).filter(str.strip))  # e.g. a random clinician line
        elif kind in ("ident", "words"):
            continue
        elif kind == "drop":
            del parent[last]
        elif kind == "retype":
            parent[last] = draw(JSONISH)
        elif kind == "wrap":
            parent[last] = draw(st.sampled_from([[parent[last]], {"value": parent[last]}, str(parent[last])]))
        elif kind == "copy":  # a value from somewhere else in the file: right type, wrong place
            source = draw(st.sampled_from(EXAMPLE_PATHS))
            parent[last] = copy.deepcopy(_parent(EXAMPLE_DATA, source)[source[-1]])
        elif isinstance(parent, dict):
            parent[draw(st.text(CHARS, max_size=10))] = parent.pop(last)
    if whole and draw(st.integers(0, 20)) == 0:
        data = draw(JSONISH)
    return data


def dump(data: Any, flow: bool | None, sort_keys: bool, width: int) -> str:
    """yaml.safe_dump, with libyaml's emitter for speed (the same output rules)."""
    return yaml.dump(data, Dumper=yaml.CSafeDumper, default_flow_style=flow, sort_keys=sort_keys, allow_unicode=True, width=width)


# -- the tests --------------------------------------------------------------------------------------


@settings(FUZZ, max_examples=1000 * SCALE)
@given(text=mutated_text())
def test_mutated_text_loads_or_reports_problems(workdir: Path, text: str) -> None:
    path, raw = write_text(workdir, text)
    loads_or_reports(path, raw)


@settings(FUZZ, max_examples=420 * SCALE)
@given(data=mutated_data(), flow=st.sampled_from([None, False, True]), sort_keys=st.booleans(), width=st.sampled_from([80, 20, 10**6]))
def test_mutated_data_loads_or_reports_problems(workdir: Path, data: Any, flow: bool | None, sort_keys: bool, width: int) -> None:
    path, raw = write_text(workdir, dump(data, flow, sort_keys, width))
    problems = loads_or_reports(path, raw)
    if data == EXAMPLE_DATA:  # the mutations happened to cancel out
        assert problems == []


@settings(FUZZ, max_examples=150 * SCALE)
@given(data=mutated_data(kinds=("ident", "words"), whole=False), sort_keys=st.booleans())
def test_mutated_references_and_wording_load_or_report_problems(workdir: Path, data: Any, sort_keys: bool) -> None:
    """Right types, wrong references or new words: these reach the linter and run the self-tests."""
    path, raw = write_text(workdir, dump(data, None, sort_keys, 80))
    loads_or_reports(path, raw)


@settings(FUZZ, max_examples=300 * SCALE)
@given(
    at=st.integers(0, len(EXAMPLE_TEXT.encode("utf-8"))),
    junk=st.binary(min_size=1, max_size=8),
    bom=st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe"]),
)
def test_stray_bytes_load_or_report_problems(workdir: Path, at: int, junk: bytes, bom: bytes) -> None:
    raw = EXAMPLE_TEXT.encode("utf-8")
    raw = bom + raw[:at] + junk + raw[at:]
    path = workdir / "bytes.yaml"
    path.write_bytes(raw)
    loads_or_reports(path, raw)


@st.composite
def alias_bomb(draw: st.DrawFn) -> str:
    width, depth = draw(st.integers(2, 12)), draw(st.integers(1, 9))
    lines = [f"b0: &b0 [{', '.join(['lol'] * width)}]"]
    lines += [f"b{i}: &b{i} [{', '.join([f'*b{i - 1}'] * width)}]" for i in range(1, depth)]
    bomb = "\n".join(lines) + "\n"
    where = draw(st.sampled_from(["top", "end", "value"]))
    if where == "top":
        return bomb + EXAMPLE_TEXT
    if where == "end":
        return EXAMPLE_TEXT + bomb
    # the bomb goes off inside a real field
    indented = "\n".join("  " + line for line in lines)
    return EXAMPLE_TEXT.replace("affect:\n", f"affect:\n  bombs:\n  {indented.replace(chr(10), chr(10) + '  ')}\n", 1)


@settings(FUZZ, max_examples=12 * SCALE)
@given(text=alias_bomb())
def test_alias_bombs_load_or_report_problems(workdir: Path, text: str) -> None:
    path, raw = write_text(workdir, text)
    problems = loads_or_reports(path, raw)
    assert problems, "a file with extra top-level keys is never clean"


@settings(FUZZ, max_examples=100 * SCALE)
@given(
    depth=st.one_of(st.integers(55, 75), st.integers(1, MAX_FUZZ_DEPTH)),
    kind=st.sampled_from(["flow-list", "flow-map", "unclosed", "block"]),
    field=st.sampled_from(["conditions", "learning_objectives", "facts", "affect", "title"]),
)
def test_deep_nesting_loads_or_reports_problems(workdir: Path, depth: int, kind: str, field: str) -> None:
    text = re.sub(rf"^{field}:.*$", f"{field}: {nested(kind, depth)}", EXAMPLE_TEXT, count=1, flags=re.M)
    path, raw = write_text(workdir, text)
    loads_or_reports(path, raw)


@settings(FUZZ, max_examples=25 * SCALE)
@given(text=mutated_text())
def test_validate_command_on_mutated_files(workdir: Path, text: str) -> None:
    path, _ = write_text(workdir, text)
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = main(["validate", str(path)])
    assert status in (0, 1)
    assert "Traceback" not in out.getvalue() + err.getvalue()
    printed = out.getvalue().splitlines()
    if status == 0:
        assert printed == [] and err.getvalue().strip() == "1 file OK"
    else:
        assert printed, err.getvalue()
        assert re.match(rf"^{re.escape(str(path))}(:\d+:\d+)?: \S", printed[0]), printed[0]
        assert re.fullmatch(r"\d+ problems? in 1 file", err.getvalue().strip()), err.getvalue()
