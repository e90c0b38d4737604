"""Read scenario files: YAML with positions, then the JSON Schema, then the typed model."""

from __future__ import annotations

from pathlib import Path

from simulator import resources
from simulator.documents import MAX_FILE_BYTES, YamlDocument, mapping_problem, read_document
from simulator.errors import FileProblems, NotFound, Problem
from simulator.scenario.model import Scenario, build_scenario
from simulator.schema_errors import schema_problems

SCENARIO_SCHEMA = "scenario-v1"
__all__ = ["MAX_FILE_BYTES", "check_file", "load_scenario", "read_document", "structural_problems"]


def structural_problems(document: YamlDocument) -> list[Problem]:
    """Problems that stop the file being a scenario at all (schema violations)."""
    return mapping_problem(document, "scenario") or schema_problems(document.located, resources.schema(SCENARIO_SCHEMA), document.file)


def load_scenario(path: str | Path, checked: bool = False) -> Scenario:
    """The typed scenario, or FileProblems listing every schema problem.

    checked: also lint it (not the self-tests, which `validate` runs), refusing a scenario that cannot
    play as written (a rule pointing at a fact that does not exist); for anything about to be played.
    """
    document = read_document(Path(path))
    problems = structural_problems(document)
    if problems:
        raise FileProblems(problems)
    scenario = build_scenario(document.located.data, source=document.file, sha256=document.sha256)
    if checked:
        from simulator.scenario.lint import lint  # lint runs the patient engine; keep imports one-way

        problems = lint(scenario, document.located, document.file, self_tests=False)
        if problems:
            how = f"cannot be played until the problems below are fixed; check it with: consultsim validate {document.file}"
            raise FileProblems([Problem(document.file, 0, 0, how), *problems])
    return scenario


def check_file(path: str | Path) -> list[Problem]:
    """Every problem in one scenario file: syntax, schema, then lint and self-tests."""
    from simulator.scenario.lint import lint  # lint runs the patient engine; keep imports one-way
    from simulator.scenario.salvage import salvage, unrelated

    try:
        document = read_document(Path(path))
    except FileProblems as error:
        return error.problems
    except NotFound as error:
        return [Problem(str(path), 0, 0, str(error).split(": ", 1)[-1])]
    problems = structural_problems(document)
    if not problems:
        scenario = build_scenario(document.located.data, source=document.file, sha256=document.sha256)
        return sorted(lint(scenario, document.located, document.file))
    if isinstance(document.located.data, dict) and (salvaged := salvage(document.located, SCENARIO_SCHEMA)):
        # Every problem at once: lint what is sound while the schema's problems are reported
        located, left_out = salvaged
        scenario = build_scenario(located.data, source=document.file, sha256=document.sha256)
        problems += unrelated(lint(scenario, located, document.file, self_tests=False), left_out)
    return sorted(set(problems))
