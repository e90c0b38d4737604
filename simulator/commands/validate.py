"""`consultsim validate`: every problem in scenario files, as file:line:column: message."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from simulator.errors import ConsultsimError, Problem

if TYPE_CHECKING:
    from simulator.workspace import Workspace


def add_parser(commands: argparse._SubParsersAction) -> None:
    validate = commands.add_parser("validate", help="check scenario and rubric files and report every problem as file:line:column")
    validate.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="scenario or rubric files, or folders")
    validate.set_defaults(handler=cmd_validate)


def _scenario_paths(paths: list[Path]) -> tuple[list[Path], list[Problem]]:
    from simulator.paths import path_kind
    from simulator.scenario.catalog import SUFFIXES  # the scenario package loads YAML and the schema: not at start-up

    files, problems = [], []
    for path in paths:
        kind = path_kind(path)
        if kind == "folder":
            found = sorted(p for p in path.rglob("*") if p.suffix in SUFFIXES and p.is_file())
            if not found:
                problems.append(Problem(str(path), 0, 0, "no .yaml or .yml files in this folder"))
            files.extend(found)
        elif kind == "file":
            files.append(path)
        else:
            problems.append(Problem(str(path), 0, 0, "no such file or folder"))
    return files, problems


def _is_rubric(path: Path) -> bool:
    """Rubrics and scenarios share `validate`; a rubric file says which group of criteria it holds."""
    from simulator.documents import read_document
    from simulator.rubric.model import is_rubric_data

    try:
        return is_rubric_data(read_document(path).located.data)
    except ConsultsimError:
        return False  # check_file reports why the file cannot be read


def cmd_validate(args: argparse.Namespace, workspace: Workspace | None = None) -> int:  # checks files afresh: no workspace
    files, problems = _scenario_paths(args.paths)
    from simulator.rubric.model import check_rubric_file  # heavy: imported when validating, not at start-up
    from simulator.scenario import check_file

    for file in files:
        problems.extend(check_rubric_file(file) if _is_rubric(file) else check_file(file))
    for problem in problems:
        print(problem)
    bad_files = len({p.file for p in problems})
    if problems:
        print(f"{len(problems)} problem{'s' * (len(problems) != 1)} in {bad_files} file{'s' * (bad_files != 1)}", file=sys.stderr)
        return 1
    print(f"{len(files)} file{'s' * (len(files) != 1)} OK", file=sys.stderr)
    return 0
