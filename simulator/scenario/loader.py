"""Read scenario files: YAML with positions, then the JSON Schema, then the typed model."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from simulator import resources
from simulator.errors import FileProblems, NotFound, Problem
from simulator.scenario.model import Scenario, build_scenario
from simulator.schema_errors import schema_problems
from simulator.yamlpos import Located, YamlError, load_located

SCENARIO_SCHEMA = "scenario-v1"
MAX_FILE_BYTES = 2_000_000


@dataclass
class ScenarioDocument:
    """A scenario file as read: its text, data with positions, and digest."""

    file: str
    text: str
    located: Located
    sha256: str


def read_document(path: Path) -> ScenarioDocument:
    """Read and parse a YAML file; raise FileProblems with a position if it cannot be read."""
    file = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise NotFound(f"{file}: no such file") from None
    except IsADirectoryError:
        raise FileProblems([Problem(file, 0, 0, "is a folder, not a scenario file")]) from None
    except OSError as error:
        raise FileProblems([Problem(file, 0, 0, f"cannot be read: {error.strerror or error}")]) from None
    if len(raw) > MAX_FILE_BYTES:
        raise FileProblems([Problem(file, 1, 1, f"is too large for a scenario ({len(raw):,} bytes)")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise FileProblems([Problem(file, line, 1, "is not UTF-8 text; save it as UTF-8")]) from None
    try:
        located = load_located(text)
    except YamlError as error:
        raise FileProblems([Problem(file, error.line, error.column, error.message)]) from None
    return ScenarioDocument(file, text, located, hashlib.sha256(raw).hexdigest())


def structural_problems(document: ScenarioDocument) -> list[Problem]:
    """Problems that stop the file being a scenario at all (schema violations)."""
    data = document.located.data
    if not isinstance(data, dict):
        found = "nothing" if data is None else "a list" if isinstance(data, list) else "a single value"
        return [Problem(document.file, 1, 1, f"a scenario file must be a mapping of fields, but this holds {found}")]
    return schema_problems(document.located, resources.schema(SCENARIO_SCHEMA), document.file)


def load_scenario(path: str | Path) -> Scenario:
    """The typed scenario, or FileProblems listing every schema problem. Does not lint."""
    document = read_document(Path(path))
    problems = structural_problems(document)
    if problems:
        raise FileProblems(problems)
    return build_scenario(document.located.data, source=document.file, sha256=document.sha256)


def check_file(path: str | Path) -> list[Problem]:
    """Every problem in one scenario file: syntax, schema, then lint and self-tests."""
    from simulator.scenario.lint import lint  # lint runs the patient engine; keep imports one-way

    try:
        document = read_document(Path(path))
    except FileProblems as error:
        return error.problems
    except NotFound as error:
        return [Problem(str(path), 0, 0, str(error).split(": ", 1)[-1])]
    problems = structural_problems(document)
    if problems:
        return sorted(problems)
    scenario = build_scenario(document.located.data, source=document.file, sha256=document.sha256)
    return sorted(lint(scenario, document.located, document.file))
