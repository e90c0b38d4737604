"""The `consultsim` command. Every user error is a message and exit status 1, never a traceback."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn, TextIO

from simulator import __version__
from simulator.consultation import Consultation
from simulator.errors import ConsultsimError, Problem
from simulator.scenario import ACTIVATION_LEVELS, Catalog, check_file, resolve
from simulator.scenario.catalog import SUFFIXES


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # bad arguments are bad input too: status 1
        self.print_usage(sys.stderr)
        self.exit(1, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="consultsim", description="Practise long-term-condition consultations with a simulated patient.")
    parser.add_argument("--version", action="version", version=f"consultsim {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    listing = commands.add_parser("scenarios", help="list the scenarios you can play")
    listing.add_argument("--dir", type=Path, action="append", default=[], help="also list scenarios in this folder")
    listing.add_argument("--format", choices=["text", "json"], default="text")

    validate = commands.add_parser("validate", help="check scenario files and report every problem as file:line:column")
    validate.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="scenario files or folders")

    play = commands.add_parser("play", help="play a consultation headless from a script of clinician lines")
    play.add_argument("scenario", metavar="SCENARIO", help="a scenario id (see `consultsim scenarios`) or a file")
    play.add_argument("--script", required=True, metavar="FILE", help="clinician turns, one per line; - reads standard input")
    play.add_argument("--seed", type=int, default=0, help="the same seed gives the same patient wording (default 0)")
    play.add_argument("--out", type=Path, help="where to save the session (default: the sessions folder)")
    play.add_argument("--format", choices=["text", "json"], default="text")
    play.add_argument("--dir", type=Path, action="append", default=[], help="also look for scenarios in this folder")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command is None:
            return welcome()
        return {"scenarios": cmd_scenarios, "validate": cmd_validate, "play": cmd_play}[args.command](args)
    except ConsultsimError as error:
        print(f"consultsim: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("consultsim: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


def welcome() -> int:
    print(f"consultsim {__version__}: practise long-term-condition consultations with a simulated patient.\n")
    cmd_scenarios(argparse.Namespace(dir=[], format="text"))
    print("\nPlay one by typing clinician lines (Ctrl-D to finish):  consultsim play t2d-hypo-fear --script -")
    print("Check a scenario you wrote:                              consultsim validate my-scenario.yaml")
    print("More: consultsim --help")
    return 0


def cmd_scenarios(args: argparse.Namespace) -> int:
    catalog = Catalog.load(args.dir)
    rows = [
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


def _scenario_paths(paths: list[Path]) -> tuple[list[Path], list[Problem]]:
    files, problems = [], []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix in SUFFIXES and p.is_file())
            if not found:
                problems.append(Problem(str(path), 0, 0, "no .yaml or .yml files in this folder"))
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            problems.append(Problem(str(path), 0, 0, "no such file or folder"))
    return files, problems


def cmd_validate(args: argparse.Namespace) -> int:
    files, problems = _scenario_paths(args.paths)
    for file in files:
        problems.extend(check_file(file))
    for problem in problems:
        print(problem)
    bad_files = len({p.file for p in problems})
    if problems:
        print(f"{len(problems)} problem{'s' * (len(problems) != 1)} in {bad_files} file{'s' * (bad_files != 1)}", file=sys.stderr)
        return 1
    print(f"{len(files)} file{'s' * (len(files) != 1)} OK", file=sys.stderr)
    return 0


def _script_lines(handle: TextIO) -> Iterator[str]:
    for raw in handle:
        line = raw.strip()
        if line and not line.startswith("#"):
            yield line


def _open_script(name: str) -> TextIO:
    if name == "-":
        return sys.stdin
    try:
        return open(name, encoding="utf-8")  # noqa: SIM115 - closed by the caller
    except OSError as error:
        raise ConsultsimError(f"{name}: cannot read the script ({error.strerror or error})") from None


def cmd_play(args: argparse.Namespace) -> int:
    scenario = resolve(args.scenario, args.dir)
    consultation = Consultation.start(scenario, seed=args.seed, out=args.out)
    text_mode = args.format == "text"
    handle = _open_script(args.script)
    try:
        for line in _script_lines(handle):
            reply = consultation.say(line)
            if text_mode:
                print(f"Clinician: {line}\nPatient: {reply.text}", flush=True)
            if consultation.ended:
                break
    except UnicodeDecodeError:
        raise ConsultsimError(f"{args.script}: the script is not UTF-8 text") from None
    finally:
        if handle is not sys.stdin:
            handle.close()
    session = consultation.session
    if not session.clinician_turns:
        raise ConsultsimError(f"{args.script}: the script has no clinician lines")
    if text_mode:
        print(_play_summary(consultation))
    else:
        print(json.dumps(session.to_dict(), indent=2, ensure_ascii=False))
    print(f"Session saved: {consultation.path}", file=sys.stderr)
    return 0


def _play_summary(consultation: Consultation) -> str:
    scenario, session, state = consultation.scenario, consultation.session, consultation.engine.state
    hidden = [f.id for f in scenario.hidden_facts]
    out = [d for d in session.disclosures if d["fact"] in hidden]
    lines = ["", f"-- {len(out)} of {len(hidden)} hidden facts came out ({100 * len(out) // max(1, len(hidden))}%)"]
    lines += [f"   turn {d['turn']}: {d['fact']} ({d['reason']})" for d in out]
    plans = ", ".join(f"{p['plan']} (proposed by the {p['source']}, turn {p['turn']})" for p in state.plans) or "none"
    lines.append(f"-- plans agreed: {plans}")
    lines.append(f"-- rapport {state.rapport:.1f} ({state.affect}); activation {state.activation_level}")
    return "\n".join(lines)
