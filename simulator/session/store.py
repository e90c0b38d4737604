"""Where sessions live and how they are written: atomically, fsynced, private to the user (0600)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import jsonschema

from simulator import resources
from simulator.errors import ConsultsimError, NotFound
from simulator.paths import home  # re-exported: simulator.session.home
from simulator.session.model import Session


def sessions_dir() -> Path:
    folder = home() / "sessions"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def write_private_text(path: Path, text: str) -> None:
    """Write so that a crash leaves either the old file or the new one, never half of one; mode 0600."""
    path.parent.mkdir(parents=True, exist_ok=True)
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


def save(session: Session, path: Path | None = None) -> Path:
    target = path or sessions_dir() / f"{session.id}.json"
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
    validator = jsonschema.Draft202012Validator(resources.schema("session-v1"))
    return [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}" for e in validator.iter_errors(data)]


def load(path: Path) -> Session:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise NotFound(f"{path}: no such session file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ConsultsimError(f"{path}: not a readable session file ({error})") from None
    problems = validate_session_data(data)
    if problems:
        raise ConsultsimError(f"{path}: not a valid session file: {problems[0]}")
    return Session.from_dict(data)
