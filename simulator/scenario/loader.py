"""Read scenario files: YAML with positions, then the JSON Schema, then the typed model."""

from __future__ import annotations

from pathlib import Path

from simulator import resources
from simulator.errors import FileProblems, NotFound, Problem
from simulator.documents import MAX_FILE_BYTES, YamlDocument, mapping_problem, read_document
from simulator.scenario.model import Scenario, build_scenario
from simulator.schema_errors import schema_problems

SCENARIO_SCHEMA = "scenario-v1"
__all__ = ["MAX_FILE_BYTES", "check_file", "load_scenario", "read_document", "structural_problems"]


def structural_problems(document: YamlDocument) -> list[Problem]:
    """Problems that stop the file being a scenario at all (schema violations)."""
    return mapping_problem(document, "scenario") or schema_problems(document.located, resources.schema(SCENARIO_SCHEMA), document.file)


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
