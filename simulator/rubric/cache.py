"""The shipped rubrics, each file checked (YAML with positions, the schema, lint) the first time its exact
bytes are seen; after that its data comes from $CONSULTSIM_HOME/cache/rubrics-v1.json, keyed by the file's
sha256, with a stamp of what the check depends on (consultsim, the rubric schema, the behaviour codes).
Checking all four took longer than grading a folder of sessions; a file with problems is never cached.
The same scheme as scenario/cache.py. Headless.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from simulator import __version__, resources
from simulator.errors import ConsultsimError
from simulator.paths import home
from simulator.rubric.model import RUBRIC_SCHEMA, Rubric, build_rubric, load_rubric_data, shipped_rubrics_dir

CACHE_NAME = "rubrics-v1.json"


def _stamp() -> str:
    schema = json.dumps(resources.schema(RUBRIC_SCHEMA), sort_keys=True).encode("utf-8")
    codes = (resources.DATA_DIR / "lexicon" / "codes.yaml").read_bytes()  # lint checks the codes a rubric names
    return f"{__version__}:{hashlib.sha256(schema + codes).hexdigest()[:16]}"


def _read_cache(path: Path, stamp: str) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):  # a damaged cache is only rebuilt
        return {}
    ok = isinstance(data, dict) and data.get("stamp") == stamp and isinstance(data.get("rubrics"), dict)
    return data["rubrics"] if ok else {}


def load_rubrics(folder: Path | None = None, cache_dir: Path | None = None, extra: Path | None = None) -> list[Rubric]:
    """As load_shipped_rubrics, with checks remembered between runs; then the rubrics in `extra` (a course's
    own, if the folder exists), which may not reuse a shipped rubric's id."""
    folder = folder or shipped_rubrics_dir()
    cache_path = (cache_dir or home() / "cache") / CACHE_NAME
    stamp = _stamp()
    cached = _read_cache(cache_path, stamp)
    kept: dict[str, Any] = {}
    rubrics: list[Rubric] = []
    paths = sorted(folder.glob("*.yaml"))
    if extra is not None and extra.is_dir():
        paths += sorted(extra.glob("*.yaml"))
    for path in paths:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        kept[digest] = cached[digest] if digest in cached else load_rubric_data(path)  # FileProblems if it has any
        rubric = build_rubric(kept[digest], str(path))
        clash = next((r for r in rubrics if r.id == rubric.id), None)
        if clash is not None:
            raise ConsultsimError(f"{path}: rubric id '{rubric.id}' is already used by {clash.source}; give it an id of its own")
        rubrics.append(rubric)
    if kept != cached:
        from simulator.scenario.cache import write_cache

        write_cache(cache_path, {"stamp": stamp, "rubrics": kept})
    return rubrics
