"""Where the package's data lives, and cached loading of its data files."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import yaml

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"
SCHEMA_DIR = PACKAGE_DIR / "schemas"


def shipped_scenarios_dir() -> Path:
    """The shipped scenarios: a copy inside the wheel, or the repository's folder in a checkout."""
    for candidate in (PACKAGE_DIR / "_bundled" / "scenarios", PACKAGE_DIR.parent / "scenarios"):
        if candidate.is_dir():
            return candidate
    return PACKAGE_DIR.parent / "scenarios"


def shipped_rubrics_dir() -> Path:
    """The shipped rubrics: a copy inside the wheel, or the repository's folder in a checkout."""
    for candidate in (PACKAGE_DIR / "_bundled" / "rubrics", PACKAGE_DIR.parent / "rubrics"):
        if candidate.is_dir():
            return candidate
    return PACKAGE_DIR.parent / "rubrics"


READER_MODEL = "reader/model.json.gz"  # the turn reader's weights, under DATA_DIR (analysis/model.py)


@cache
def schema(name: str) -> dict[str, Any]:
    """A JSON Schema shipped in simulator/schemas, e.g. schema("scenario-v1")."""
    return json.loads((SCHEMA_DIR / f"{name}.json").read_text(encoding="utf-8"))


@cache
def data_file(relative: str) -> Any:
    """A YAML data file under simulator/data (lexicons, defaults). Shipped files are trusted."""
    return yaml.load((DATA_DIR / relative).read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
