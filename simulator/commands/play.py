"""`consultsim play`: a consultation played headless from a script of clinician lines."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from simulator.errors import ConsultsimError
from simulator.llm.options import add_backend_arguments, settings_from_args

if TYPE_CHECKING:
    from simulator.consultation import Consultation
    from simulator.workspace import Workspace


def add_parser(commands: argparse._SubParsersAction) -> None:
    play = commands.add_parser("play", help="play a consultation headless from a script of clinician lines")
    play.add_argument("scenario", metavar="SCENARIO", help="a scenario id (see `consultsim scenarios`) or a file")
    play.add_argument("--script", required=True, metavar="FILE", help="clinician turns, one per line; - reads standard input")
    play.add_argument("--seed", type=int, default=0, help="the same seed gives the same patient wording (default 0)")
    play.add_argument(
        "--out", type=Path,
        help="where to save the session (default: the data folder's playtests folder, apart from learners' sessions)",
    )
    play.add_argument("--format", choices=["text", "json"], default="text")
    play.add_argument("--dir", type=Path, action="append", default=[], help="also look for scenarios in this folder")
    add_backend_arguments(play)
    play.set_defaults(handler=cmd_play)


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


def cmd_play(args: argparse.Namespace, workspace: Workspace) -> int:
    from simulator.consultation import Consultation  # the engine loads when a consultation starts, not at start-up
    from simulator.plain import LiveReply
    from simulator.session.store import PLAYTESTS

    scenario = workspace.resolve(args.scenario)
    settings = settings_from_args(args)
    if settings.enabled:
        print(f"Patient voiced by {settings.model} at {settings.public()['base_url']}", file=sys.stderr)
    text_mode = args.format == "text"
    live = LiveReply(sys.stdout) if text_mode and settings.enabled and sys.stdout.isatty() else None
    handle = _open_script(args.script)
    consultation: Consultation | None = None  # started at the first line: a script with none leaves no session file
    try:
        for line in _script_lines(handle):
            if consultation is None:
                consultation = Consultation.start(scenario, seed=args.seed, out=args.out, llm=settings, folder=PLAYTESTS)
                consultation.engine.on_chunk = live
            if live:
                print(f"Clinician: {line}", flush=True)
                live.start()
            reply = consultation.say(line)
            if live:
                live.finish(reply.text)
            elif text_mode:
                print(f"Clinician: {line}\nPatient: {reply.text}", flush=True)
            if text_mode:
                for note in consultation.notes_for(reply):
                    print(f"  (note: {note})", flush=True)
            if consultation.ended:
                break
    except UnicodeDecodeError:
        raise ConsultsimError(f"{args.script}: the script is not UTF-8 text") from None
    finally:
        if handle is not sys.stdin:
            handle.close()
    if consultation is None:
        raise ConsultsimError(f"{args.script}: the script has no clinician lines")
    session = consultation.session
    if text_mode:
        print(_play_summary(consultation))
    else:
        print(json.dumps(session.to_dict(), indent=2, ensure_ascii=False))
    print(f"Session saved: {consultation.path}", file=sys.stderr)
    if not args.out:
        print("A playtest, kept apart from learners' sessions: list them with consultsim sessions --playtests", file=sys.stderr)
    return 0


def _play_summary(consultation: Consultation) -> str:
    scenario, session, state = consultation.scenario, consultation.session, consultation.engine.state
    hidden = [f.id for f in scenario.hidden_facts]
    out = [d for d in session.disclosures if d.fact in hidden]
    lines = ["", f"-- {len(out)} of {len(hidden)} hidden facts came out ({100 * len(out) // max(1, len(hidden))}%)"]
    lines += [f"   turn {d.turn}: {d.fact} ({d.reason})" for d in out]
    plans = ", ".join(f"{p['plan']} (proposed by the {p['source']}, turn {p['turn']})" for p in state.plans) or "none"
    lines.append(f"-- plans agreed: {plans}")
    lines.append(f"-- rapport {state.rapport:.1f} ({state.affect}); activation {state.activation_level}")
    return "\n".join(lines)
