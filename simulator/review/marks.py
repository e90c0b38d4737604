"""A course lead's own marks for a graded session, kept beside the machine's grade report, never over it.

One file per session, `<marks folder>/<session id>.json`, holding every mark ever recorded for it in the
order recorded: the file is an audit trail, so a mark is only ever appended (a changed mind is a newer
mark). A rater's newest mark is their current view; the newest mark with `final` set overrides the
machine's mark as the final one, and must say why. Headless; CSV import and export are in marks_csv.py.
"""

from __future__ import annotations

import os
import secrets
import threading
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from simulator.errors import ConsultsimError, NotFound
from simulator.jsonfile import read_json
from simulator.paths import child_path, data_dir, make_private_dir, shorten
from simulator.rubric.report import KALAMAZOO_TASKS, SELF_MANAGEMENT
from simulator.session.model import now
from simulator.session.store import sweep_temporaries, write_private_json

SCHEMA_VERSION = 1
SCORES = range(1, 6)
CRITERION_VALUES = ("met", "not_met", "not_applicable")
COPRODUCTION_LEVELS = ("descriptive", "recognisable", "transformative")
MAX_SESSION_ID = 200  # the file name, plus the temporaries' prefixes and suffixes, must fit in 255 bytes

_FIELDS = ("session", "rater", "time", "tasks", "criteria", "coproduction", "comment", "final", "reason")


@dataclass
class Mark:
    """One rater's marks for one session, as recorded at `time` (ISO 8601, UTC)."""

    session: str
    rater: str
    time: str = field(metadata={"description": "when it was recorded, ISO 8601 in UTC"})
    # Kalamazoo task id -> 1..5
    tasks: dict[str, int] = field(default_factory=dict, metadata={"additionalProperties": {"type": "integer", "minimum": 1, "maximum": 5}})
    # criterion id -> one of CRITERION_VALUES
    criteria: dict[str, str] = field(default_factory=dict, metadata={"additionalProperties": {"enum": list(CRITERION_VALUES)}})
    coproduction: str | None = field(default=None, metadata={"enum": [*COPRODUCTION_LEVELS, None]})
    comment: str = ""
    final: bool = field(default=False, metadata={"description": "this mark, not the machine's, is the session's final mark"})
    reason: str | None = field(default=None, metadata={"description": "why it overrides the machine's; required when final"})

    def to_dict(self) -> dict[str, Any]:
        return {
            "session": self.session, "rater": self.rater, "time": self.time, "tasks": dict(self.tasks), "criteria": dict(self.criteria),
            "coproduction": self.coproduction, "comment": self.comment, "final": self.final, "reason": self.reason,
        }

    @classmethod
    def from_dict(cls, data: Any) -> Mark:
        """The mark `data` describes; ValueError saying what is wrong if it is not of to_dict()'s shape.
        Only the shape is checked: ids a course has since dropped from its rubric stay readable."""
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        unknown = sorted(set(data) - set(_FIELDS), key=str)
        if unknown:
            raise ValueError(f"unknown field {_show(str(unknown[0]))}")
        missing = [name for name in _FIELDS if name not in data]
        if missing:
            raise ValueError(f"missing field '{missing[0]}'")
        for name in ("session", "rater", "time", "comment"):
            if not isinstance(data[name], str):
                raise ValueError(f"'{name}' is not a string")
        for name in ("coproduction", "reason"):
            if data[name] is not None and not isinstance(data[name], str):
                raise ValueError(f"'{name}' is neither a string nor null")
        if type(data["final"]) is not bool:
            raise ValueError("'final' is not true or false")
        tasks, criteria = data["tasks"], data["criteria"]
        # bool is an int to Python, not a score to anyone
        if not isinstance(tasks, dict) or not all(type(score) is int for score in tasks.values()):
            raise ValueError("'tasks' is not an object of whole-number scores")
        if not isinstance(criteria, dict) or not all(isinstance(value, str) for value in criteria.values()):
            raise ValueError("'criteria' is not an object of strings")
        return cls(
            session=data["session"], rater=data["rater"], time=data["time"], tasks=dict(tasks), criteria=dict(criteria),
            coproduction=data["coproduction"], comment=data["comment"], final=data["final"], reason=data["reason"],
        )


def session_id_problem(session_id: str) -> str | None:
    """Why `session_id` cannot name a marks file, or None: it becomes a file name, so it must stay one."""
    if not session_id.strip():
        return "the session id is empty"
    if session_id.startswith("."):
        return f"session id {_show(session_id)} starts with '.'"
    if any(c in session_id for c in "/\\") or any(ord(c) < 32 or ord(c) == 127 for c in session_id):
        return f"session id {_show(session_id)} holds a path separator or a control character"
    if len(session_id.encode("utf-8")) > MAX_SESSION_ID:
        return f"session id {_show(session_id)} is longer than {MAX_SESSION_ID} bytes"
    return None


def check_mark(mark: Mark, task_ids: Collection[str] = KALAMAZOO_TASKS, criterion_ids: Collection[str] = SELF_MANAGEMENT) -> list[str]:
    """What is wrong with `mark`, in words (empty if nothing); ids are parameters since a course can add rubrics."""
    problems: list[str] = []
    unsafe = session_id_problem(mark.session)
    if unsafe:
        problems.append(unsafe)
    if not mark.rater.strip():
        problems.append("no rater")
    if not _is_utc(mark.time):
        problems.append(f"time {_show(mark.time)} is not an ISO 8601 UTC time")
    for task, score in mark.tasks.items():
        if task not in task_ids:
            problems.append(f"unknown task {_show(task)}")
        elif type(score) is not int:
            problems.append(f"{task}: score {_show(str(score))} is not a whole number (1-5)")
        elif score not in SCORES:
            problems.append(f"{task}: score {score} is out of range (1-5)")
    for criterion, value in mark.criteria.items():
        if criterion not in criterion_ids:
            problems.append(f"unknown criterion {_show(criterion)}")
        elif value not in CRITERION_VALUES:
            problems.append(f"{criterion}: {_show(str(value))} is not met, not_met or not_applicable")
    if mark.coproduction is not None and mark.coproduction not in COPRODUCTION_LEVELS:
        problems.append(f"coproduction: {_show(str(mark.coproduction))} is not one of {', '.join(COPRODUCTION_LEVELS)}")
    if mark.final and not (mark.reason or "").strip():
        problems.append("reason: a final mark needs a reason")
    if not (mark.tasks or mark.criteria or mark.coproduction or mark.comment.strip()):
        problems.append("the mark is empty (no score, criterion, co-production level or comment)")
    return problems


def _is_utc(text: str) -> bool:
    try:
        stamp = datetime.fromisoformat(text)
    except ValueError:
        return False
    return stamp.utcoffset() == timedelta(0)


def _show(text: str, limit: int = 60) -> str:
    """A value quoted for a one-line message (a value may hold line breaks that would fake a file:line)."""
    return "'" + shorten(" ".join(text.split()), limit) + "'"


class MarkStore:
    """Marks in `folder` (default: the data folder's `marks`), one JSON file per session, appended to only."""

    def __init__(self, folder: Path | None = None, task_ids: Collection[str] = KALAMAZOO_TASKS, criterion_ids: Collection[str] = SELF_MANAGEMENT):
        self._folder = folder
        self.task_ids = task_ids
        self.criterion_ids = criterion_ids
        self.problems: list[str] = []  # from the last all(): one message per marks file that could not be read
        self._lock = threading.Lock()

    @property
    def folder(self) -> Path:
        """The marks folder (made if need be; a DataFolderError says how to choose another)."""
        if self._folder is None:
            self._folder = data_dir("marks")
            sweep_temporaries(self._folder)  # left by a write killed half-way
        return self._folder

    def path(self, session_id: str) -> Path:
        problem = session_id_problem(session_id)
        if problem:
            raise ConsultsimError(f"cannot keep marks for this session: {problem}")
        return child_path(self.folder, f"{session_id}.json")

    # -- reading -------------------------------------------------------------------------------------

    def marks(self, session_id: str) -> list[Mark]:
        """Every mark recorded for the session, oldest first; a ConsultsimError if its file is not a marks file."""
        return _read(self.path(session_id), session_id)[1]

    def latest(self, session_id: str) -> dict[str, Mark]:
        """Each rater's newest mark: the one recorded last (file order, not the clocks of the raters' machines)."""
        return {mark.rater: mark for mark in self.marks(session_id)}

    def final(self, session_id: str) -> Mark | None:
        """The newest mark that overrides the machine's as the final mark, if any."""
        return next((mark for mark in reversed(self.marks(session_id)) if mark.final), None)

    def all(self) -> dict[str, list[Mark]]:
        """Every session's marks, by session id; a file that cannot be read is skipped and named in self.problems."""
        found: dict[str, list[Mark]] = {}
        problems: list[str] = []
        for path in sorted(self.folder.glob("*.json")):
            if session_id_problem(path.stem):  # hidden files, or names we never write
                continue
            try:
                found[path.stem] = _read(path, path.stem)[1]
            except ConsultsimError as error:
                problems.append(str(error))
        self.problems = problems
        return found

    # -- writing -------------------------------------------------------------------------------------

    def add(self, mark: Mark) -> None:
        """Append `mark` to its session's file; a corrupt file is left as it is and the mark refused."""
        self._check([mark])
        path = self.path(mark.session)
        with self._locked():
            raw = _read_for_append(path, mark.session)
            try:
                write_private_json(path, _file_data(mark.session, [*raw, mark.to_dict()]))
            except OSError as error:
                raise ConsultsimError(f"{path}: cannot record the mark here ({error.strerror or error})") from None

    def add_many(self, marks: Iterable[Mark]) -> int:
        """Append every mark (an import), or none if any is invalid or any file cannot be read or written.
        Each file is first written in full beside itself, then all are renamed into place: a failure while
        writing leaves every file as it was. How many marks were added."""
        marks = list(marks)
        self._check(marks)
        by_session: dict[str, list[Mark]] = {}
        for mark in marks:
            by_session.setdefault(mark.session, []).append(mark)
        paths = {session_id: self.path(session_id) for session_id in by_session}
        with self._locked():
            contents = {session_id: _read_for_append(paths[session_id], session_id) for session_id in by_session}
            staged: list[tuple[Path, Path]] = []
            try:
                for session_id, new in by_session.items():
                    path = paths[session_id]
                    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")  # swept if a crash leaves it
                    staged.append((temporary, path))
                    write_private_json(temporary, _file_data(session_id, [*contents[session_id], *(mark.to_dict() for mark in new)]))
                for temporary, path in staged:
                    os.replace(temporary, path)
            except OSError as error:
                for temporary, _ in staged:
                    temporary.unlink(missing_ok=True)
                raise ConsultsimError(f"{path}: cannot record the marks here ({error.strerror or error}); none were recorded") from None
            _sync(self.folder)
        return len(marks)

    def _check(self, marks: list[Mark]) -> None:
        problems = [f"{mark.session} ({mark.rater}): {problem}" for mark in marks for problem in check_mark(mark, self.task_ids, self.criterion_ids)]
        if problems:
            more = f"; ... and {len(problems) - 20} more" if len(problems) > 20 else ""
            raise ConsultsimError("cannot record the marks: " + "; ".join(problems[:20]) + more)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """One writer at a time, across processes too (the TUI and an import at once): a read-append-write
        that raced another would drop the other's mark from the audit trail."""
        with self._lock:
            try:
                import fcntl
            except ImportError:  # no advisory locks on this platform: the threading lock is all there is
                yield
                return
            try:
                make_private_dir(self.folder)
                fd = os.open(self.folder / ".marks.lock", os.O_RDWR | os.O_CREAT, 0o600)
            except OSError as error:
                raise ConsultsimError(f"{self.folder}: cannot record marks here ({error.strerror or error})") from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                yield
            finally:
                os.close(fd)  # releases the lock


def new_mark(session: str, rater: str, **fields: Any) -> Mark:
    """A mark recorded now."""
    return Mark(session=session, rater=rater, time=now(), **fields)


def _file_data(session_id: str, marks: list[dict[str, Any]]) -> dict[str, Any]:
    return {"schema_version": SCHEMA_VERSION, "session": session_id, "marks": marks}


def _read(path: Path, session_id: str) -> tuple[list[dict[str, Any]], list[Mark]]:
    """The file's marks, as stored and as Marks; none if there is no file; a ConsultsimError
    "PATH: not a marks file (...)" if it is not one of ours."""
    try:
        if not path.parent.is_dir() or not path.exists():
            return [], []
        if not os.access(path, os.R_OK):  # a file we cannot open is not thereby a foreign one
            raise ConsultsimError(f"{path}: cannot be read (permission denied)")
    except OSError as error:
        raise ConsultsimError(f"{path}: cannot be read ({error.strerror or error})") from None
    try:
        data = read_json(path)
    except NotFound:
        return [], []
    except ConsultsimError as error:
        why = str(error).removeprefix(str(path)).lstrip(":")
        raise ConsultsimError(f"{path}: not a marks file ({why.strip()})") from None
    try:
        marks = _marks_in(data, session_id)  # first: it checks that data["marks"] is there
        return data["marks"], marks
    except ValueError as error:
        raise ConsultsimError(f"{path}: not a marks file ({error})") from None


def _read_for_append(path: Path, session_id: str) -> list[dict[str, Any]]:
    """The marks as stored, to append to; a file we cannot read is never replaced (its marks would be lost)."""
    try:
        return _read(path, session_id)[0]
    except ConsultsimError as error:
        raise ConsultsimError(f"{error}; nothing was recorded and the file was left as it is") from None


def _marks_in(data: Any, session_id: str) -> list[Mark]:
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    version = data.get("schema_version")
    if type(version) is int and version > SCHEMA_VERSION:
        raise ValueError(f"schema_version {version}: written by a newer consultsim")
    if version != SCHEMA_VERSION or type(version) is not int:
        raise ValueError(f"no schema_version {SCHEMA_VERSION}")
    if set(data) != {"schema_version", "session", "marks"}:
        extra = sorted(set(data) - {"schema_version", "session", "marks"}, key=str)
        raise ValueError(f"unexpected field {_show(str(extra[0]))}" if extra else "no 'session' or no 'marks'")
    if data["session"] != session_id:
        raise ValueError(f"it holds the marks of session {_show(str(data['session']))}, not of '{session_id}'")
    if not isinstance(data["marks"], list):
        raise ValueError("'marks' is not a list")
    marks = []
    for number, item in enumerate(data["marks"], 1):
        try:
            mark = Mark.from_dict(item)
        except ValueError as error:
            raise ValueError(f"mark {number}: {error}") from None
        if mark.session != session_id:
            raise ValueError(f"mark {number} is for session {_show(mark.session)}")
        marks.append(mark)
    return marks


def _sync(folder: Path) -> None:
    """Make the renames durable (as write_private_text does for its own)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError:
        pass
