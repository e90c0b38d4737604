"""Marks as CSV, for spreadsheets and gradebooks: a template to fill in, the filled file read back, marks out.

Reading is all or nothing: every problem in the whole file is reported, each as `FILE:LINE: what`, and
nothing is imported until there are none, so a course lead fixes the file once rather than row by row and
never has to work out which half of it went in. Headless.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path

from simulator.errors import ConsultsimError
from simulator.review.marks import COPRODUCTION_LEVELS, SCORES, Mark, _show, check_mark
from simulator.rubric.report import KALAMAZOO_TASKS, SELF_MANAGEMENT
from simulator.session.model import now as utc_now

MAX_CSV_BYTES = 20_000_000  # a cohort of thousands is a few hundred kB
MAX_MESSAGES = 50
INFO_COLUMNS = ("session", "learner", "scenario", "rater")
TAIL_COLUMNS = ("coproduction", "comment", "final", "reason")

_CRITERION_WORDS = {
    "met": "met", "yes": "met", "y": "met", "1": "met",
    "not_met": "not_met", "not met": "not_met", "not-met": "not_met", "no": "not_met", "0": "not_met",
    "not_applicable": "not_applicable", "not applicable": "not_applicable", "na": "not_applicable", "n/a": "not_applicable",
}
_YES_NO = {"yes": True, "y": True, "true": True, "1": True, "no": False, "n": False, "false": False, "0": False, "": False}
_LEVEL_WORDS = {level: level for level in COPRODUCTION_LEVELS} | {"recognizable": "recognisable"}
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet runs a cell that starts so as a formula


class MarksFileError(ConsultsimError):
    """A marks CSV that cannot be imported; the message lists its problems, one `FILE:LINE: what` a line."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        shown = problems[:MAX_MESSAGES]
        more = [f"... and {len(problems) - MAX_MESSAGES} more"] if len(problems) > MAX_MESSAGES else []
        super().__init__("\n".join(shown + more))


def columns(task_ids: Sequence[str] = KALAMAZOO_TASKS, criterion_ids: Sequence[str] = SELF_MANAGEMENT) -> list[str]:
    return [*INFO_COLUMNS, *task_ids, *criterion_ids, *TAIL_COLUMNS]


def marks_template(
    sessions: Sequence[tuple[str, str, str]], task_ids: Sequence[str] = KALAMAZOO_TASKS, criterion_ids: Sequence[str] = SELF_MANAGEMENT, rater: str = ""
) -> str:
    """A CSV with one row per (session id, learner, scenario), the mark cells empty for a course lead to fill in.
    Written to a file for Excel, encode it as utf-8-sig: without the BOM Excel reads UTF-8 as the local code page."""
    header = columns(task_ids, criterion_ids)
    rows = [[session_id, safe_cell(learner), safe_cell(scenario), safe_cell(rater)] + [""] * (len(header) - 4) for session_id, learner, scenario in sessions]
    return _csv_text([header, *rows])


def marks_csv(
    marks: Iterable[Mark], task_ids: Sequence[str] = KALAMAZOO_TASKS, criterion_ids: Sequence[str] = SELF_MANAGEMENT,
    sessions: Mapping[str, tuple[str, str]] | None = None,
) -> str:
    """Marks as CSV in the template's columns (so a gradebook, or read_marks_csv, can read it); `sessions`
    gives each session id's (learner, scenario). Pass one mark per session and rater, e.g. MarkStore.latest()."""
    sessions = sessions or {}
    rows: list[list[str]] = [columns(task_ids, criterion_ids)]
    for mark in marks:
        learner, scenario = sessions.get(mark.session, ("", ""))
        rows.append([
            mark.session, *map(safe_cell, (learner, scenario, mark.rater)),
            *(str(mark.tasks[t]) if t in mark.tasks else "" for t in task_ids),
            *(mark.criteria.get(c, "") for c in criterion_ids),
            mark.coproduction or "", safe_cell(mark.comment), "yes" if mark.final else "no", safe_cell(mark.reason or ""),
        ])
    return _csv_text(rows)


def read_marks_csv(
    path: Path, known_sessions: Collection[str], task_ids: Sequence[str] = KALAMAZOO_TASKS, criterion_ids: Sequence[str] = SELF_MANAGEMENT,
    rater: str | None = None, now: str | None = None,
) -> list[Mark]:
    """The marks a filled-in CSV holds, every one recorded at `now` (default: this moment); a row whose mark
    cells are all empty is skipped. MarksFileError, listing every problem in the file, if there is any."""
    text = _read_text(path)
    stamp = now or utc_now()
    known = set(known_sessions)
    problems: list[str] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    rows: list[tuple[int, list[str]]] = []
    try:
        last = 0
        for row in reader:
            rows.append((last + 1, row))  # the line the row starts on: a quoted cell may span several
            last = reader.line_num
    except csv.Error as error:
        start = last + 1
        what = "a quoted cell in the row starting on this line is never closed" if "end of data" in str(error) else f"not valid CSV ({error})"
        raise MarksFileError([f"{path}:{start}: {what}"]) from None
    rows = [(line, row) for line, row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise MarksFileError([f"{path}: the file is empty; a marks file starts with the header row: {','.join(columns(task_ids, criterion_ids))}"])

    header_line, header = rows[0]
    allowed = set(columns(task_ids, criterion_ids))
    canonical = {name.lower(): name for name in allowed}  # "Session" is the session column
    names = [canonical.get(cell.strip().lower(), cell.strip()) for cell in header]
    seen: set[str] = set()
    for name in names:
        if name and name not in allowed:
            close = difflib.get_close_matches(name, sorted(allowed), n=1)
            problems.append(f"{path}:{header_line}: unknown column {_show(name)}" + (f" (did you mean '{close[0]}'?)" if close else ""))
        elif name in seen:
            problems.append(f"{path}:{header_line}: column '{name}' appears twice")
        seen.add(name)
    if "session" not in names:
        problems.append(f"{path}:{header_line}: missing column 'session'")
        raise MarksFileError(problems)

    marks: list[Mark] = []
    first_line: dict[tuple[str, str], int] = {}
    mark_columns = [*task_ids, *criterion_ids, "coproduction", "comment", "reason"]
    for line, row in rows[1:]:
        where = f"{path}:{line}"
        cells = {name: row[i].strip() if i < len(row) else "" for i, name in enumerate(names) if name in allowed}
        stray = [cell for i, cell in enumerate(row) if cell.strip() and (i >= len(names) or not names[i])]
        if stray:
            problems.append(f"{where}: value {_show(stray[0])} is in a column with no header")
        if not any(cells.get(name) for name in mark_columns) and _YES_NO.get(cells.get("final", "").lower()) is False:
            continue  # a template row not filled in yet ("no" typed down the final column is not a mark)
        before = len(problems)
        session_id = cells["session"]
        if not session_id:
            problems.append(f"{where}: no session id")
        elif session_id not in known:
            problems.append(f"{where}: session {_show(session_id)} is not in this cohort")
        who = " ".join((_unsafe_cell(cells.get("rater", "")) or rater or "").split())
        if not who:
            problems.append(f"{where}: no rater: fill in the rater column or give the rater")
        tasks: dict[str, int] = {}
        for task in task_ids:
            score, problem = _score(task, cells.get(task, ""))
            if problem:
                problems.append(f"{where}: {problem}")
            elif score is not None:
                tasks[task] = score
        criteria: dict[str, str] = {}
        for criterion in criterion_ids:
            value = cells.get(criterion, "")
            if value:
                word = _CRITERION_WORDS.get(" ".join(value.lower().split()))
                if word is None:
                    problems.append(f"{where}: {criterion}: {_show(value)} is not met, not_met or not_applicable")
                else:
                    criteria[criterion] = word
        level = cells.get("coproduction", "")
        coproduction = _LEVEL_WORDS.get(level.lower()) if level else None
        if level and coproduction is None:
            problems.append(f"{where}: coproduction: {_show(level)} is not one of {', '.join(COPRODUCTION_LEVELS)}")
        final = _YES_NO.get(cells.get("final", "").lower())
        if final is None:
            problems.append(f"{where}: final: {_show(cells['final'])} is not yes or no")
        reason = _unsafe_cell(cells.get("reason", "")).replace("\r\n", "\n") or None
        if final and not reason:
            problems.append(f"{where}: reason: a final mark needs a reason")
        if session_id and who:
            key = (session_id, who.casefold())
            if key in first_line:
                problems.append(f"{where}: session {_show(session_id)} is marked twice by rater {_show(who)} (first on line {first_line[key]})")
            else:
                first_line[key] = line
        if len(problems) > before:
            continue
        mark = Mark(
            session=session_id, rater=who, time=stamp, tasks=tasks, criteria=criteria, coproduction=coproduction,
            comment=_unsafe_cell(cells.get("comment", "")).replace("\r\n", "\n"), final=bool(final), reason=reason,
        )
        problems += [f"{where}: {problem}" for problem in check_mark(mark, task_ids, criterion_ids)]  # e.g. a session id unfit to be a file name
        marks.append(mark)
    if problems:
        raise MarksFileError(problems)
    if not marks:
        raise MarksFileError([f"{path}: no marks to import: every row's mark cells are empty"])
    return marks


def _score(task: str, cell: str) -> tuple[int | None, str | None]:
    """(score, None), (None, None) for an empty cell, or (None, the problem); "3.0" is 3, a spreadsheet's way."""
    if not cell:
        return None, None
    if not _NUMBER.fullmatch(cell):
        return None, f"{task}: {_show(cell)} is not a score (a whole number 1-5)"
    number = float(cell)
    if not number.is_integer():
        return None, f"{task}: score {cell} is not a whole number (1-5)"
    if int(number) not in SCORES:
        return None, f"{task}: score {int(number)} is out of range (1-5)"
    return int(number), None


def _read_text(path: Path) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_CSV_BYTES:
            raise MarksFileError([f"{path}: too large for a marks file ({size:,} bytes; the limit is {MAX_CSV_BYTES:,})"])
        raw = path.read_bytes()
    except FileNotFoundError:
        raise MarksFileError([f"{path}: no such file"]) from None
    except IsADirectoryError:
        raise MarksFileError([f"{path}: is a folder, not a file"]) from None
    except OSError as error:
        raise MarksFileError([f"{path}: cannot be read ({error.strerror or error})"]) from None
    bom = raw.startswith(b"\xef\xbb\xbf")  # Excel's "CSV UTF-8" starts with one
    try:
        return raw[3:].decode("utf-8") if bom else raw.decode("utf-8")
    except UnicodeDecodeError as error:
        position = error.start + (3 if bom else 0)
        raise MarksFileError([f"{path}: not UTF-8 text (byte 0x{raw[position]:02x} at position {position}); save it as CSV UTF-8"]) from None


def _delimiter(text: str) -> str:
    """',' or, from a spreadsheet set to a language whose decimal mark is a comma, ';' (or a tab):
    told by the header row, whose names hold none of them."""
    header = text.lstrip("\r\n").split("\n", 1)[0]
    return max((",", ";", "\t"), key=header.count) if any(c in header for c in ",;\t") else ","


def safe_cell(text: str) -> str:
    """Text a spreadsheet shows rather than runs: a learner called '=HYPERLINK(...)' stays a name."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _unsafe_cell(text: str) -> str:
    """The text safe_cell protected, as it was."""
    return text[1:] if text.startswith("'") and text[1:].startswith(_FORMULA_START) else text


def _csv_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()
