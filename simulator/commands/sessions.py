"""`consultsim sessions`: the saved sessions, newest first."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from simulator.workspace import Workspace

FIXED_WIDTH = 64  # every column but the scenario's, with the spaces between them

def add_parser(commands: argparse._SubParsersAction) -> None:
    listing = commands.add_parser("sessions", help="list saved sessions, newest first")
    listing.add_argument("--format", choices=["text", "json"], default="text")
    listing.add_argument("--playtests", action="store_true", help="list the sessions `consultsim play` saved instead")
    listing.set_defaults(handler=cmd_sessions)


def cmd_sessions(args: argparse.Namespace, workspace: Workspace) -> int:
    from simulator.paths import data_dir
    from simulator.session.index import format_duration, local_time
    from simulator.session.keeper import SessionStore
    from simulator.session.store import PLAYTESTS

    store = SessionStore(data_dir(PLAYTESTS)) if args.playtests else workspace.store
    saved, problems = store.summaries()  # from the store's index: files unchanged since are not read again
    rows: list[dict[str, Any]] = [
        {
            "id": s.id,
            "scenario": s.scenario_id,
            "title": s.title,
            "created": s.created,
            "updated": s.updated,
            "status": s.status,
            "clinician_turns": s.clinician_turns,
            "active_seconds": round(s.active_seconds, 1),
            "path": str(s.path),
        }
        for s in saved
    ]
    if args.format == "json":
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    elif not rows:
        print("No playtests yet." if args.playtests else "No sessions yet. Start one with: consultsim practise SCENARIO (or just consultsim)")
    else:
        # one line per session in the terminal's width (80 columns: the scenario gets 15)
        width = min(40, max(12, shutil.get_terminal_size((80, 24)).columns - 1 - FIXED_WIDTH))
        print(f"{'ID':<22} {'SCENARIO':<{width}} {'DATE':<16} {'TIME':>5} {'TURNS':>5}  STATUS")
        for row in rows:
            print(
                f"{row['id'][:22]:<22} {_cut(row['scenario'] or '?', width):<{width}} {local_time(row['created']):<16} "
                f"{format_duration(row['active_seconds']):>5} {row['clinician_turns']:>5}  {'ended' if row['status'] == 'ended' else 'unfinished'}"
            )
    for problem in problems:
        print(f"warning: skipped {problem}", file=sys.stderr)
    return 0


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
