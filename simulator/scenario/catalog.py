"""Find scenarios: the shipped ones, a folder of one's own, or a path."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from simulator import resources
from simulator.errors import ConsultsimError, FileProblems, NotFound, Problem
from simulator.paths import path_kind, shorten
from simulator.scenario.loader import load_scenario
from simulator.scenario.model import Scenario

SUFFIXES = (".yaml", ".yml")
DUPLICATE = "has the same id"


def scenario_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix in SUFFIXES and p.is_file()) if folder.is_dir() else []


@dataclass
class Catalog:
    """Scenarios from the shipped folder plus any extra folders; unusable files are kept as problems."""

    scenarios: list[Scenario]
    problems: list[Problem]

    @classmethod
    def load(cls, extra_dirs: list[Path] | None = None, checked: bool = True) -> Catalog:
        """checked: leave out (as problems) scenarios that fail lint; False to find the scenario of a
        session already played."""
        scenarios, problems = [], []
        for folder in [resources.shipped_scenarios_dir(), *(extra_dirs or [])]:
            if not folder.is_dir():
                problems.append(Problem(str(folder), 0, 0, "is not a folder"))
                continue
            for path in scenario_files(folder):
                try:
                    scenarios.append(load_scenario(path, checked=checked))
                except FileProblems as error:
                    problems.extend(error.problems)
        kept, duplicates = without_duplicates(scenarios)
        return cls(kept, problems + duplicates)

    def find(self, scenario_id: str) -> Scenario | None:
        return next((s for s in self.scenarios if s.id == scenario_id), None)


def without_duplicates(scenarios: list[Scenario]) -> tuple[list[Scenario], list[Problem]]:
    """The first scenario of each id (shipped before --dir folders), and a problem for each file left
    out because an earlier one has its id: `play ID` could not tell them apart."""
    first: dict[str, Scenario] = {}
    problems = []
    for scenario in scenarios:
        if scenario.id in first:
            message = f"{DUPLICATE} '{scenario.id}' as {first[scenario.id].source}; give one of them another id"
            problems.append(Problem(scenario.source, 0, 0, message))
        else:
            first[scenario.id] = scenario
    return list(first.values()), problems


def resolve(name: str, extra_dirs: list[Path] | None = None, checked: bool = True, catalog: Catalog | None = None) -> Scenario:
    """A scenario by id (shipped or in extra_dirs) or by file path; checked as load_scenario says.
    `catalog`: one loaded already for these folders (a Workspace's, from the scenario cache)."""
    path = Path(name)
    try:
        is_path = path.suffix in SUFFIXES or path_kind(path) is not None
    except ConsultsimError:  # no file could have this name (too long): it can only be an id
        is_path = False
    if is_path:
        return load_scenario(path, checked=checked)
    catalog = catalog or Catalog.load(extra_dirs, checked=checked)
    found = catalog.find(name)
    twins = [p.file for p in catalog.problems if p.message.startswith(f"{DUPLICATE} '{name}' ")]
    if found is not None and twins:
        raise ConsultsimError(f"{len(twins) + 1} scenario files have the id '{name}' ({', '.join([found.source, *twins])}); play one by its path")
    if found is None:
        unusable = [p for p in catalog.problems if p.line == 0 and "cannot be played" in p.message and Path(p.file).stem == name]
        if unusable:
            raise FileProblems([p for p in catalog.problems if p.file == unusable[0].file])
        known = ", ".join(s.id for s in catalog.scenarios) or "none"
        raise NotFound(f"no scenario called '{shorten(name)}'. Known scenarios: {known}. A file path works too.")
    return found
