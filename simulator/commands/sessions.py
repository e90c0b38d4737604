"""`consultsim sessions`: the saved sessions, newest first."""

from __future__ import annotations

import argparse
import json
import sys



def add_parser(commands: argparse._SubParsersAction) -> None:
    listing = commands.add_parser("sessions", help="list saved sessions, newest first")
    listing.add_argument("--format", choices=["text", "json"], default="text")
    listing.set_defaults(handler=cmd_sessions)


def cmd_sessions(args: argparse.Namespace) -> int:
    from simulator.session.index import active_seconds, format_duration, list_sessions, local_time

    saved, problems = list_sessions()
    rows = [
        {
            "id": s.id,
            "scenario": s.session.scenario.get("id"),
            "title": s.title,
            "created": s.session.created,
            "updated": s.session.updated,
            "status": s.session.status,
            "clinician_turns": len(s.session.clinician_turns),
            "active_seconds": round(active_seconds(s.session), 1),
            "path": str(s.path),
        }
        for s in saved
    ]
    if args.format == "json":
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    elif not rows:
        print("No sessions yet. Start one with: consultsim practise SCENARIO (or just consultsim)")
    else:
        print(f"{'ID':<23} {'SCENARIO':<26} {'DATE':<17} {'TIME':>6} {'TURNS':>5}  STATUS")
        for row in rows:
            print(
                f"{row['id']:<23} {row['scenario'][:26]:<26} {local_time(row['created']):<17} "
                f"{format_duration(row['active_seconds']):>6} {row['clinician_turns']:>5}  {'ended' if row['status'] == 'ended' else 'unfinished'}"
            )
    for problem in problems:
        print(f"warning: skipped {problem}", file=sys.stderr)
    return 0
