"""`consultsim practise SCENARIO` (or `practice`): straight into a consultation, in the terminal UI or --plain.

Also home of `launch`, which opens the UI (imported only here, when it is needed) or the plain prompt.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from simulator.llm.options import add_backend_arguments, settings_from_args, settings_to_resume

if TYPE_CHECKING:
    from simulator.scenario import Scenario
    from simulator.session.index import SavedSession
    from simulator.workspace import Workspace


def add_common(parser: argparse.ArgumentParser) -> None:
    """--plain, --dir, --seed and the model backend, shared by practise and resume. SUPPRESS keeps a value
    given before the subcommand (`consultsim --plain resume`)."""
    parser.add_argument("--plain", action="store_true", default=argparse.SUPPRESS, help="a line-by-line prompt with no box drawing (screen readers, pasting)")
    parser.add_argument("--dir", type=Path, action="append", default=argparse.SUPPRESS, help="also look for scenarios in this folder")
    parser.add_argument("--seed", type=int, default=argparse.SUPPRESS, help="the same seed gives the same patient wording (default 0)")
    parser.add_argument(
        "--learner", metavar="NAME", default=argparse.SUPPRESS,
        help="who is practising (name or id; or CONSULTSIM_LEARNER, or [learner] name in the config file), for the course lead's review",
    )
    add_backend_arguments(parser, default=argparse.SUPPRESS)


def add_parser(commands: argparse._SubParsersAction) -> None:
    practise = commands.add_parser("practise", aliases=["practice"], help="practise a consultation: straight to the patient")
    practise.add_argument("scenario", metavar="SCENARIO", help="a scenario id (see `consultsim scenarios`) or a file")
    add_common(practise)
    practise.set_defaults(handler=cmd_practise)


def cmd_practise(args: argparse.Namespace, workspace: Workspace) -> int:
    return launch(args, workspace, scenario=workspace.resolve(args.scenario))


def is_terminal() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def launch(args: argparse.Namespace, workspace: Workspace, scenario: Scenario | None = None, saved: SavedSession | None = None) -> int:
    """The terminal UI, or the plain prompt with --plain (or when there is no terminal to draw on).

    The model settings are read first, so that a bad one is an error here rather than inside the app; a resumed
    session keeps the voice it had unless flags say otherwise."""
    dirs, seed = getattr(args, "dir", None) or [], getattr(args, "seed", None) or 0
    llm = settings_to_resume(args, saved.session.engine) if saved is not None else settings_from_args(args)
    if saved is None and workspace.learner is None and is_terminal():
        from simulator.learner import answered, ask_once

        if not answered()[1]:  # the first start: ask who is practising, once
            workspace.learner = ask_once()
    if getattr(args, "plain", False) or not is_terminal():
        from simulator.plain import run_plain

        return run_plain(scenario=scenario, saved=saved, dirs=dirs, seed=seed, llm=llm, workspace=workspace)
    from simulator.tui.app import make_app  # the core never imports Textual; only this path does

    app = make_app(dirs=dirs, seed=seed, scenario=scenario, saved=saved, llm=llm, workspace=workspace)
    app.run()
    return app.return_code or 0
