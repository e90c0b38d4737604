"""Grade many files: in this process, or in worker processes, one per core, when there are enough files.

The workers are forked once what every grade needs is loaded (rubrics, scenarios, the reader), so each
starts with it rather than loading it again; files go out in chunks and reports come back in input order.
A model judge grades in this process only (its server, not this machine, sets the pace). Headless.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from simulator.errors import ConsultsimError, FileProblems

if TYPE_CHECKING:
    from simulator.rubric import GradeReport, Judge
    from simulator.workspace import Workspace

FILES_PER_WORKER = 8  # fewer files than this per core are graded here: forking would cost more than it saves
MAX_JOBS = 8


@dataclass
class Graded:
    """One file's report, or the messages saying why it could not be graded."""

    path: Path
    report: GradeReport | None = None
    warning: str | None = None
    problems: list[str] = field(default_factory=list)
    text: str | None = None  # the report rendered where it was graded, when asked (then `report` is None)


Render = Callable[["GradeReport"], str]


def grade_one(workspace: Workspace, path: Path, judge: Judge | None = None, render: Render | None = None) -> Graded:
    try:
        report, warning = workspace.grade_file(path, judge)
    except FileProblems as error:
        return Graded(path, problems=[str(problem) for problem in error.problems])
    except ConsultsimError as error:
        return Graded(path, problems=[str(error)])
    if render is not None:
        return Graded(path, None, warning, text=render(report))
    return Graded(path, report, warning)


def default_jobs() -> int:
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_JOBS))


def grade_files(
    workspace: Workspace, paths: list[Path], judge: Judge | None = None, jobs: int | None = None, render: Render | None = None
) -> Iterator[Graded]:
    """Every file graded, in order. `jobs`: worker processes (None: one per core; 1: none). `render`: each
    report rendered (to its JSON line, say) by the process that graded it, and only the text sent back:
    sending a report back and rendering it here took as long as grading it."""
    if judge is not None:  # a model judge: its server, not this machine, sets the pace
        return (grade_one(workspace, path, judge, render) for path in paths)
    return map_files(workspace, paths, lambda ws, path: grade_one(ws, path, None, render), jobs)


T = TypeVar("T")


def map_files(workspace: Workspace, paths: list[Path], work: Callable[[Workspace, Path], T], jobs: int | None = None) -> Iterator[T]:
    """`work(workspace, path)` for every path, in order: here, or in forked workers that start with what the
    workspace has loaded (the cohort review's rows use it too). `work` must not raise; its results are pickled."""
    jobs = min(jobs or default_jobs(), len(paths) // FILES_PER_WORKER)
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        for path in paths:
            yield work(workspace, path)
        return
    _prepare(workspace, paths)
    global _WORK
    _WORK = (workspace, work)  # what the forked workers find, loaded
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            yield from pool.imap(_in_worker, paths, chunksize=max(1, len(paths) // (jobs * 8)))
    finally:
        _WORK = None


_WORK: tuple[Workspace, Callable[[Workspace, Path], Any]] | None = None


def _in_worker(path: Path) -> Any:
    assert _WORK is not None
    return _WORK[1](_WORK[0], path)


def _prepare(workspace: Workspace, paths: list[Path]) -> None:
    """Load before forking what the files will need, so that no worker loads it again."""
    workspace.rules  # noqa: B018 - the rubrics
    workspace.calibration  # noqa: B018 - what calibration said of the machine's marks
    if any(path.suffix == ".json" for path in paths):
        workspace.catalog  # noqa: B018 - the scenarios of the sessions
    if any(path.suffix != ".json" for path in paths):
        workspace.reader().analyse("Hello, how can I help?")  # the transcripts' reader, its lexicon and weights
