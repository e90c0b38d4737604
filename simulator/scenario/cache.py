"""A catalogue that remembers which scenario files already passed the schema, so the picker opens fast.

A file is checked (YAML with positions, then the JSON Schema) the first time its exact bytes are seen;
after that its parsed data is taken from $CONSULTSIM_HOME/cache/scenarios-v1.json, keyed by the file's
sha256 and the schema's digest. Files with problems are never cached: they are checked every time and
reported like `Catalog.load` does. Headless.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from simulator import __version__, resources
from simulator.errors import FileProblems, Problem
from simulator.paths import home
from simulator.scenario.catalog import Catalog, scenario_files, without_duplicates
from simulator.scenario.loader import SCENARIO_SCHEMA, load_scenario
from simulator.scenario.model import Scenario, build_scenario

CACHE_NAME = "scenarios-v1.json"


def _stamp() -> str:
    """What a cached check depends on: the schema and the code that reads it."""
    schema = json.dumps(resources.schema(SCENARIO_SCHEMA), sort_keys=True).encode("utf-8")
    return f"{__version__}:linted:{hashlib.sha256(schema).hexdigest()[:16]}"  # cached = passed load and lint


def _read_cache(path: Path, stamp: str) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):  # a damaged cache is only rebuilt
        return {}
    return data.get("scenarios", {}) if isinstance(data, dict) and data.get("stamp") == stamp else {}


def load_catalog(extra_dirs: list[Path] | None = None, cache_dir: Path | None = None) -> Catalog:
    """The same catalogue as `Catalog.load`, with checks remembered between runs."""
    cache_path = (cache_dir or home() / "cache") / CACHE_NAME
    stamp = _stamp()
    cached = _read_cache(cache_path, stamp)
    kept: dict[str, Any] = {}
    scenarios: list[Scenario] = []
    problems: list[Problem] = []
    for folder in [resources.shipped_scenarios_dir(), *(extra_dirs or [])]:
        if not folder.is_dir():
            problems.append(Problem(str(folder), 0, 0, "is not a folder"))
            continue
        for path in scenario_files(folder):
            try:
                raw = path.read_bytes()
            except OSError:
                raw = b""
            digest = hashlib.sha256(raw).hexdigest()
            if digest in cached:
                scenarios.append(build_scenario(cached[digest], source=str(path), sha256=digest))
                kept[digest] = cached[digest]
                continue
            try:
                scenario = load_scenario(path, checked=True)
            except FileProblems as error:
                problems.extend(error.problems)
                continue
            scenarios.append(scenario)
            kept[scenario.sha256] = scenario.raw
    if kept != cached:
        write_cache(cache_path, {"stamp": stamp, "scenarios": kept})
    kept_scenarios, duplicates = without_duplicates(scenarios)
    return Catalog(kept_scenarios, problems + duplicates)


def write_cache(path: Path, payload: dict[str, Any]) -> None:
    """Write a cache file, private to the user; one that cannot be written only costs time next start."""
    try:
        from simulator.paths import make_private_dir
        from simulator.session.store import write_private_json  # only when something changed

        make_private_dir(path.parent)
        write_private_json(path, payload)
    except OSError:
        pass
