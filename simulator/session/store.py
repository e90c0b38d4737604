"""Where sessions live and how they are written: atomically, fsynced, private to the user (0600)."""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from simulator import resources
from simulator.errors import ConsultsimError, NotFound
from simulator.jsonfile import read_json
from simulator.paths import child_path, data_dir, make_private_dir
from simulator.schema_fast import shipped_check
from simulator.session.model import Session

STALE_TEMPORARY_SECONDS = 60.0  # a save takes milliseconds; an older temporary was left by a killed process


def sessions_dir() -> Path:
    folder = data_dir("sessions")
    sweep_temporaries(folder)
    return folder


def sweep_temporaries(folder: Path) -> int:
    """Remove the hidden temporaries a save killed half-way left behind; how many were removed."""
    removed, now = 0, time.time()
    for path in folder.glob(".*.tmp"):
        try:
            if now - path.stat().st_mtime > STALE_TEMPORARY_SECONDS:
                path.unlink()
                removed += 1
        except OSError:
            pass  # another process's, or gone already
    return removed


def write_private_text(path: Path, text: str) -> None:
    """Write so that a crash leaves either the old file or the new one, never half of one; mode 0600."""
    make_private_dir(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    try:  # make the rename itself durable
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:
        pass


def write_private_json(path: Path, data: Any) -> None:
    write_private_text(path, json.dumps(data, indent=2, ensure_ascii=False))


PLAYTESTS = "playtests"  # a trainer's `play` runs: kept apart so that `resume` and the history never pick them up


def save(session: Session, path: Path | None = None, folder: str = "sessions") -> Path:
    """Save to `path`, or as ID.json in the data folder's `folder` (sessions, or PLAYTESTS)."""
    if path is None:
        place = sessions_dir() if folder == "sessions" else data_dir(folder)
        path = child_path(place, f"{session.id}.json")
    target = path
    try:
        write_private_json(target, session.to_dict())
    except OSError as error:
        raise ConsultsimError(f"{target}: cannot save the session here ({error.strerror or error})") from None
    return target


def draft_path(session_path: Path) -> Path:
    """Beside the session: what the clinician has typed and not yet sent (`sessions` lists only *.json)."""
    return session_path.with_suffix(".draft")


def save_draft(session_path: Path, text: str) -> None:
    """Keep unsent words, so that a killed terminal loses none of them; no words, no file."""
    path = draft_path(session_path)
    try:
        if text.strip():
            write_private_text(path, text)
        else:
            path.unlink(missing_ok=True)
    except OSError as error:
        raise ConsultsimError(f"{path}: cannot keep what you typed here ({error.strerror or error})") from None


def load_draft(session_path: Path) -> str:
    try:
        return draft_path(session_path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def validate_session_data(data: Any) -> list[str]:
    check = shipped_check("session-v1")  # the fast check first: jsonschema only to say what is wrong
    if check is not None and check(data):
        return []
    import jsonschema  # a tenth of a second to import: only for a file that fails

    validator = jsonschema.Draft202012Validator(resources.schema("session-v1"))
    return [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}" for e in validator.iter_errors(data)]


def load(path: Path) -> Session:
    try:
        data = read_json(path)
    except NotFound:
        raise NotFound(f"{path}: no such session file") from None
    except ConsultsimError as error:
        raise ConsultsimError(f"{error}; not a readable session file") from None
    problems = validate_session_data(data)
    if problems:
        raise ConsultsimError(f"{path}: not a valid session file: {problems[0]}")
    return Session.from_dict(data)
