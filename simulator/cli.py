"""The `consultsim` command. Every user error is a message and exit status 1, never a traceback.

Each subcommand lives in simulator/commands/<name>.py with an `add_parser` that registers its handler.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from simulator import __version__
from simulator.commands import calibrate, grade, play, practise, resume, review, scenarios, sessions, validate
from simulator.errors import ConsultsimError
from simulator.llm.options import add_backend_arguments, settings_from_args

if TYPE_CHECKING:
    from simulator.workspace import Workspace

COMMANDS = [scenarios, validate, play, practise, resume, sessions, grade, review, calibrate]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # bad arguments are bad input too: status 1
        self.print_usage(sys.stderr)
        self.exit(1, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="consultsim", description="Practise long-term-condition consultations with a simulated patient.")
    parser.add_argument("--version", action="version", version=f"consultsim {__version__}")
    parser.add_argument("--plain", action="store_true", help="no subcommand: a line-by-line prompt instead of the terminal UI")
    parser.add_argument("--dir", type=Path, action="append", default=[], help="no subcommand: also offer the scenarios in this folder")
    parser.add_argument("--learner", metavar="NAME", help="who is practising (name or id), recorded in each session for the course lead's review")
    add_backend_arguments(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for command in COMMANDS:
        command.add_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from simulator.workspace import Workspace  # loads nothing until asked

    workspace = Workspace(getattr(args, "dir", None) or [], learner=getattr(args, "learner", None))  # the one this process loads and shares
    try:
        if args.command is None:
            return home(args, workspace)
        return args.handler(args, workspace)
    except ConsultsimError as error:
        print(f"consultsim: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("consultsim: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as error:  # the file system refused a name or a write the command did not foresee
        print(f"consultsim: {os_message(error)}", file=sys.stderr)
        return 1


def os_message(error: OSError) -> str:
    """'NAME: reason' with a long name shortened (a 300-character name fills the screen)."""
    from simulator.paths import shorten

    name = shorten(str(error.filename)) if error.filename is not None else ""
    reason = error.strerror or str(error)
    return f"{name}: {reason.lower() if reason else 'cannot be used'}" if name else reason


def home(args: argparse.Namespace, workspace: Workspace) -> int:
    """No subcommand: the terminal UI (or --plain); with no terminal to draw on, a welcome listing."""
    if args.plain or practise.is_terminal():
        return practise.launch(args, workspace)
    settings_from_args(args)  # a bad model setting is an error even here, not silently ignored
    return welcome(workspace)


def welcome(workspace: Workspace) -> int:
    print(f"consultsim {__version__}: practise long-term-condition consultations with a simulated patient.\n")
    scenarios.cmd_scenarios(argparse.Namespace(dir=[], format="text"), workspace)
    print("\nIn a terminal, `consultsim` opens the app; `consultsim --plain` is the same as a line-by-line prompt.")
    print("Play one by typing clinician lines (Ctrl-D to finish):  consultsim play t2d-hypo-fear --script -")
    print("Check a scenario you wrote:                              consultsim validate my-scenario.yaml")
    print("Review a cohort (course leads):                         consultsim review FOLDER")
    print("More: consultsim --help")
    return 0
