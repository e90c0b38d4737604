"""`consultsim resume [SESSION_ID]`: carry on an unfinished consultation (the newest by default)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from simulator.commands.practise import add_common, launch
from simulator.errors import ConsultsimError

if TYPE_CHECKING:
    from simulator.workspace import Workspace


def add_parser(commands: argparse._SubParsersAction) -> None:
    resume = commands.add_parser("resume", help="carry on an unfinished consultation (the newest unless you name one)")
    resume.add_argument("session", metavar="SESSION_ID", nargs="?", help="a session id or its first characters (see `consultsim sessions`)")
    add_common(resume)
    resume.set_defaults(handler=cmd_resume)


def cmd_resume(args: argparse.Namespace, workspace: Workspace) -> int:
    from simulator.session.index import find_session

    saved = find_session(args.session, store=workspace.store)
    if saved.finished:
        raise ConsultsimError(f"session {saved.id} has ended and cannot be resumed; re-read it in the history (consultsim, then ctrl+o)")
    return launch(args, workspace, saved=saved)
