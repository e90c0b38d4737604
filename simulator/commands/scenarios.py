"""`consultsim scenarios`: list the scenarios one can play."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from simulator.workspace import Workspace


def add_parser(commands: argparse._SubParsersAction) -> None:
    listing = commands.add_parser("scenarios", help="list the scenarios you can play")
    listing.add_argument("--dir", type=Path, action="append", default=[], help="also list scenarios in this folder")
    listing.add_argument("--format", choices=["text", "json"], default="text")
    listing.set_defaults(handler=cmd_scenarios)


def cmd_scenarios(args: argparse.Namespace, workspace: Workspace) -> int:
    from simulator.scenario import ACTIVATION_LEVELS  # imported when used, to keep start-up quick

    catalog = workspace.catalog
    rows: list[dict[str, Any]] = [
        {
            "id": s.id,
            "title": s.title,
            "conditions": list(s.conditions),
            "setting": s.setting,
            "difficulty": s.difficulty,
            "activation": s.patient.activation,
            "activation_label": ACTIVATION_LEVELS[s.patient.activation],
            "duration_minutes": s.duration_minutes,
            "source": s.source,
        }
        for s in sorted(catalog.scenarios, key=lambda s: s.id)
    ]
    if args.format == "json":
        print(json.dumps(rows, indent=2))
    else:
        print(f"{'ID':<28} {'CONDITION':<28} {'DIFFICULTY':<12} ACTIVATION")
        for row in rows:
            condition = ", ".join(row["conditions"])
            print(f"{row['id']:<28} {condition[:28]:<28} {row['difficulty']:<12} {row['activation']} {row['activation_label']}")
            print(f"  {row['title']}")
    for problem in catalog.problems:
        print(f"warning: skipped {problem}", file=sys.stderr)
    return 0
