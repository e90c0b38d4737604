"""Find scenarios: the shipped ones, a folder of one's own, or a path."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from simulator import resources
from simulator.errors import FileProblems, NotFound, Problem
from simulator.scenario.loader import load_scenario
from simulator.scenario.model import Scenario

SUFFIXES = (".yaml", ".yml")


def scenario_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix in SUFFIXES and p.is_file()) if folder.is_dir() else []


@dataclass
class Catalog:
    """Scenarios from the shipped folder plus any extra folders; unusable files are kept as problems."""

    scenarios: list[Scenario]
    problems: list[Problem]

    @classmethod
    def load(cls, extra_dirs: list[Path] | None = None) -> Catalog:
        scenarios, problems = [], []
        for folder in [resources.shipped_scenarios_dir(), *(extra_dirs or [])]:
            if not folder.is_dir():
                problems.append(Problem(str(folder), 0, 0, "is not a folder"))
                continue
            for path in scenario_files(folder):
                try:
                    scenarios.append(load_scenario(path))
                except FileProblems as error:
                    problems.extend(error.problems)
        return cls(scenarios, problems)

    def find(self, scenario_id: str) -> Scenario | None:
        return next((s for s in self.scenarios if s.id == scenario_id), None)


def resolve(name: str, extra_dirs: list[Path] | None = None) -> Scenario:
    """A scenario by id (shipped or in extra_dirs) or by file path."""
    path = Path(name)
    if path.suffix in SUFFIXES or path.exists():
        return load_scenario(path)
    catalog = Catalog.load(extra_dirs)
    found = catalog.find(name)
    if found is None:
        known = ", ".join(s.id for s in catalog.scenarios) or "none"
        raise NotFound(f"no scenario called '{name}'. Known scenarios: {known}. A file path works too.")
    return found
