"""`consultsim grade`: grade sessions or transcripts and report with evidence."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from simulator.errors import ConsultsimError, NotFound
from simulator.llm.options import add_backend_arguments, settings_from_args

if TYPE_CHECKING:
    from simulator.rubric import GradeReport, Judge
    from simulator.workspace import Workspace

SUFFIXES = (".json", ".txt", ".md", ".transcript")


def add_parser(commands: argparse._SubParsersAction) -> None:
    grade = commands.add_parser("grade", help="grade sessions or transcripts (Kalamazoo, self-management, co-production)")
    grade.add_argument("inputs", nargs="+", type=Path, metavar="INPUT", help="session files, transcript files, or folders of them")
    grade.add_argument("--format", choices=["text", "json", "markdown", "html"], default="text")
    grade.add_argument("--out", type=Path, help="write the report here instead of printing it")
    grade.add_argument(
        "--judge", choices=["rules", "llm", "hybrid"], default="rules",
        help="rules (offline; the default), llm (a model grades every criterion) or hybrid (rules, with the model's view beside them)",
    )
    grade.add_argument(
        "--jobs", type=int, metavar="N",
        help="worker processes for many files (default: one per CPU core; 1 grades everything in this process)",
    )
    add_backend_arguments(grade)
    grade.set_defaults(handler=cmd_grade)


def input_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    from simulator.paths import path_kind

    for path in paths:
        kind = path_kind(path)
        if kind == "folder":
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in SUFFIXES and not p.name.startswith("."))
            if not found:
                raise ConsultsimError(f"{path}: no session or transcript files in this folder")
            files += found
        elif kind == "file":
            files.append(path)
        else:
            raise NotFound(f"{path}: no such file or folder")
    return files


def cmd_grade(args: argparse.Namespace, workspace: Workspace) -> int:
    from simulator.rubric.batch import grade_files

    if args.jobs is not None and args.jobs < 1:
        raise ConsultsimError("--jobs needs a number of processes, 1 or more")
    judge = _judge(args, workspace)
    files = input_files(args.inputs)
    lines = args.format == "json" and len(files) > 1  # JSON Lines, each rendered by the process that graded it
    reports: list[GradeReport] = []
    texts: list[str] = []
    failed = 0
    for graded in grade_files(workspace, files, judge, args.jobs, _json_line if lines else None):
        for problem in graded.problems:
            print(f"consultsim: {problem}", file=sys.stderr)
        if graded.report is None and graded.text is None:
            failed += 1
            continue
        if graded.text is not None:
            texts.append(graded.text)
        elif graded.report is not None:
            reports.append(graded.report)
        if graded.warning:
            print(f"consultsim: {graded.path}: {graded.warning}", file=sys.stderr)
    if len(texts) == 1:  # one report after all (the others failed): as one JSON document, like a single input
        texts = [json.dumps(json.loads(texts[0]), indent=2, ensure_ascii=False) + "\n"]
    if reports or texts:
        output = "".join(texts) if texts else _render(reports, args.format)
        if args.out:
            write_report(args.out, output)
            print(f"Report written: {args.out}", file=sys.stderr)
        else:
            sys.stdout.write(output)
    return 1 if failed else 0


def write_report(out: Path, output: str) -> None:
    """Reports hold what learners said: private (0600), and folders made for them 0700."""
    from simulator.paths import make_private_dir
    from simulator.session.store import write_private_text

    if out.is_dir():
        raise ConsultsimError(f"{out}: is a folder; give --out a file name, e.g. {out / 'report.html'}")
    try:
        make_private_dir(out.parent)
        write_private_text(out, output)
    except OSError as error:
        raise ConsultsimError(f"{out}: cannot write the report here ({error.strerror or error})") from None


def _judge(args: argparse.Namespace, workspace: Workspace) -> Judge | None:
    if args.judge == "rules":
        return None  # the workspace's rules judge
    settings = settings_from_args(args)
    if not settings.enabled:
        raise ConsultsimError(f"--judge {args.judge} needs a model: pass --model (and --base-url for a local server); see docs/llm.md")
    from simulator.rubric.llm_judge import LLMJudge

    print(f"Judge: {args.judge}, {settings.model} at {settings.public()['base_url']}", file=sys.stderr)
    return LLMJudge(settings, mode=args.judge, rubrics=workspace.rubrics)


def _json_line(report: GradeReport) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False) + "\n"


def _render(reports: list[GradeReport], fmt: str) -> str:
    if fmt == "json":
        if len(reports) == 1:
            return json.dumps(reports[0].to_dict(), indent=2, ensure_ascii=False) + "\n"
        return "".join(json.dumps(r.to_dict(), ensure_ascii=False) + "\n" for r in reports)  # JSON Lines
    from simulator.rubric.render import render_html, render_markdown, render_text  # Jinja: not for JSON
    if fmt == "markdown":
        return "\n\n---\n\n".join(render_markdown(r) for r in reports)
    if fmt == "html":
        return render_html(reports)
    return "\n".join(render_text(r) for r in reports)
