"""The saved sessions as a list: find one by id, the newest unfinished one, and the scenario to resume it with.

Headless: `consultsim sessions`, `consultsim resume` and the terminal UI's history all use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING

from simulator.errors import ConsultsimError, NotFound
from simulator.session.model import Session
from simulator.session.store import load, sessions_dir

if TYPE_CHECKING:
    from simulator.scenario import Scenario
    from simulator.session.keeper import SessionStore
    from simulator.workspace import Workspace

IDLE_CAP_SECONDS = 300.0  # a longer pause between turns counts as time away (closed, resumed the next day)


@dataclass(frozen=True)
class SavedSession:
    """One session file, loaded."""

    path: Path
    session: Session

    @property
    def id(self) -> str:
        return self.session.id

    @property
    def finished(self) -> bool:
        return self.session.status == "ended"

    @property
    def title(self) -> str:
        return self.session.scenario.name


def parse_time(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp)


def local_time(stamp: str) -> str:
    """A session timestamp (UTC) as local date and time, e.g. 2026-03-02 14:05."""
    return parse_time(stamp).astimezone().strftime("%Y-%m-%d %H:%M")


def active_seconds(session: Session, until: datetime | None = None) -> float:
    """Time spent in the consultation: the gaps between its turns, each capped at IDLE_CAP_SECONDS."""
    stamps = [parse_time(session.created), *(parse_time(t.timestamp) for t in session.turns)]
    if until is not None:
        stamps.append(until)
    return sum(min(max(0.0, (b - a).total_seconds()), IDLE_CAP_SECONDS) for a, b in pairwise(stamps))


def list_sessions(folder: Path | None = None) -> tuple[list[SavedSession], list[str]]:
    """Every readable session, newest first, and a message for each file that could not be read."""
    folder = folder or sessions_dir()
    found, problems = [], []
    for path in sorted(folder.glob("*.json")):
        try:
            found.append(SavedSession(path, load(path)))
        except ConsultsimError as error:
            problems.append(str(error))
    found.sort(key=lambda s: (s.session.updated, s.id), reverse=True)
    return found, problems


def find_session(session_id: str | None, folder: Path | None = None, store: SessionStore | None = None) -> SavedSession:
    """The session with this id (or a unique beginning of it); with no id, the newest unfinished one.
    Found in the store's summaries (keeper.py), so only the session found is read in full."""
    from simulator.session.keeper import SessionStore

    store = store or SessionStore(folder)
    sessions, _ = store.summaries()
    if session_id is None:
        unfinished = [s for s in sessions if not s.finished]
        if not unfinished:
            raise NotFound("no unfinished session to resume. Start one with: consultsim practise SCENARIO")
        return store.saved(unfinished[0])
    exact = [s for s in sessions if s.id == session_id]
    matches = exact or [s for s in sessions if s.id.startswith(session_id)]
    if not matches:
        raise NotFound(f"no session '{session_id}'. List them with: consultsim sessions")
    if len(matches) > 1:
        raise ConsultsimError(f"'{session_id}' matches {len(matches)} sessions: {', '.join(s.id for s in matches[:5])}")
    return store.saved(matches[0])


def scenario_for(session: Session, extra_dirs: list[Path] | None = None, workspace: Workspace | None = None) -> tuple[Scenario, str | None]:
    """The scenario a session was played with, and a warning if only a changed version of it was found
    (Workspace.scenario_for: the exact version, by sha256, preferred)."""
    from simulator.workspace import Workspace

    return (workspace or Workspace(extra_dirs or [])).scenario_for(session)


def format_duration(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}:{secs:02d}"


def resume_consultation(saved: SavedSession, extra_dirs: list[Path] | None = None, llm=None, workspace: Workspace | None = None):  # -> (Consultation, warning)
    """Reopen a saved session with its transcript and patient state; it keeps saving to the same file.
    `llm`: the model settings to voice the patient with (None: scripted)."""
    from simulator.consultation import Consultation  # the consultation imports the session package

    scenario, warning = scenario_for(saved.session, extra_dirs, workspace)
    return Consultation.resume(scenario, saved.session, saved.path, llm), warning
