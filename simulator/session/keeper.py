"""The session store: one folder of sessions, with a summary of each kept in an index, so that a list of a
thousand opens without reading a thousand files, and each session's headline grade is worked out once.

The index lives in the cache folder, one per sessions folder. A summary is trusted while its file keeps
the size and modification time it had; a headline while the grader is the same (its version, rubrics
and reader weights) and only if the session was graded against the scenario version it recorded.
Sessions themselves, and drafts, are read and written by store.py, as before. Headless.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from simulator import __version__, resources
from simulator.errors import ConsultsimError
from simulator.paths import course_rubrics_dir, home
from simulator.session.index import SavedSession, active_seconds
from simulator.session.model import Session
from simulator.session.store import load, load_draft, save_draft, sessions_dir, write_private_json

INDEX_VERSION = 1


@dataclass(frozen=True)
class SessionSummary:
    """What a list of sessions shows of one, without the session itself."""

    path: Path
    id: str
    title: str
    scenario_id: str | None
    created: str
    updated: str
    status: str
    clinician_turns: int
    active_seconds: float

    @property
    def finished(self) -> bool:
        return self.status == "ended"

    @classmethod
    def of(cls, path: Path, session: Session) -> SessionSummary:
        return cls(
            path, session.id, session.scenario.name, session.scenario.id, session.created, session.updated, session.status,
            len(session.clinician_turns), round(active_seconds(session), 3),
        )


def grader_stamp() -> str:
    """What a headline grade depends on besides the session: consultsim, the rubrics, the reader's weights."""
    digest = hashlib.sha256(__version__.encode())
    course = sorted(course_rubrics_dir().glob("*.yaml")) if course_rubrics_dir().is_dir() else []
    for path in [*sorted(resources.shipped_rubrics_dir().glob("*.yaml")), *course, resources.DATA_DIR / resources.READER_MODEL]:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class SessionStore:
    def __init__(self, folder: Path | None = None):
        self._folder = folder
        self._lock = threading.Lock()
        self._index: dict[str, Any] | None = None
        self._changed = False
        self._stamp: str | None = None

    @property
    def folder(self) -> Path:
        """The sessions folder (made if need be; a DataFolderError says how to choose another)."""
        if self._folder is None:
            self._folder = sessions_dir()
        return self._folder

    # -- sessions ------------------------------------------------------------------------------------

    def load(self, path: Path) -> Session:
        return load(path)

    def saved(self, summary: SessionSummary) -> SavedSession:
        return SavedSession(summary.path, load(summary.path))

    def summaries(self) -> tuple[list[SessionSummary], list[str]]:
        """Every readable session, newest first, and a message for each file that could not be read."""
        index = self._files()
        found: list[SessionSummary] = []
        problems: list[str] = []
        seen = set()
        for path in sorted(self.folder.glob("*.json")):
            seen.add(path.name)
            try:
                info = path.stat()
            except OSError as error:
                problems.append(f"{path}: cannot be read ({error.strerror or error})")
                continue
            stat = [info.st_mtime_ns, info.st_size]
            entry = index.get(path.name)
            if entry is None or entry["stat"] != stat:
                try:
                    summary = SessionSummary.of(path, load(path))
                except ConsultsimError as error:
                    problems.append(str(error))
                    continue
                entry = index[path.name] = {"stat": stat, "summary": _summary_data(summary), "headline": None}
                self._changed = True
            found.append(SessionSummary(path=path, **entry["summary"]))
        for gone in set(index) - seen:
            del index[gone]
            self._changed = True
        found.sort(key=lambda s: (s.updated, s.id), reverse=True)
        self.flush()
        return found, problems

    # -- headline grades -----------------------------------------------------------------------------

    def headline(self, summary: SessionSummary) -> tuple[str, str] | None:
        entry = self._files().get(summary.path.name)
        if entry is None or entry.get("headline") is None or entry["headline"]["grader"] != self.stamp:
            return None
        return entry["headline"]["compact"], entry["headline"]["words"]

    def keep_headline(self, summary: SessionSummary, compact: str, words: str) -> None:
        """Remember a headline grade (made against the session's own scenario version) until the file changes."""
        with self._lock:
            entry = self._files().get(summary.path.name)
            if entry is not None and entry["summary"]["updated"] == summary.updated:
                entry["headline"] = {"grader": self.stamp, "compact": compact, "words": words}
                self._changed = True

    @property
    def stamp(self) -> str:
        if self._stamp is None:
            self._stamp = grader_stamp()
        return self._stamp

    # -- drafts --------------------------------------------------------------------------------------

    def draft(self, session_path: Path) -> str:
        return load_draft(session_path)

    def keep_draft(self, session_path: Path, text: str) -> None:
        save_draft(session_path, text)

    # -- the index -----------------------------------------------------------------------------------

    def index_path(self) -> Path:
        where = hashlib.sha256(str(self.folder.resolve()).encode("utf-8")).hexdigest()[:12]
        return home() / "cache" / f"sessions-{where}-v{INDEX_VERSION}.json"

    def _files(self) -> dict[str, Any]:
        if self._index is None:
            try:
                data = json.loads(self.index_path().read_text(encoding="utf-8"))
                ok = isinstance(data, dict) and data.get("consultsim") == __version__ and isinstance(data.get("files"), dict)
                self._index = data if ok else None
            except (OSError, ValueError, RecursionError):  # a damaged index is only rebuilt
                self._index = None
            if self._index is None or not all(_entry_ok(e) for e in self._index["files"].values()):
                self._index = {"consultsim": __version__, "files": {}}
        return self._index["files"]

    def flush(self) -> None:
        """Write the index if anything changed; one that cannot be written only costs time next start."""
        with self._lock:
            if not self._changed or self._index is None:
                return
            try:
                from simulator.paths import make_private_dir

                path = self.index_path()
                make_private_dir(path.parent)
                write_private_json(path, self._index)
                self._changed = False
            except (OSError, ConsultsimError):
                pass


def _summary_data(summary: SessionSummary) -> dict[str, Any]:
    data = asdict(summary)
    del data["path"]
    return data


_FIELDS: dict[str, Any] = {
    "id": str, "title": str, "scenario_id": (str, type(None)), "created": str, "updated": str, "status": str,
    "clinician_turns": int, "active_seconds": (int, float),
}


def _entry_ok(entry: Any) -> bool:
    """An index entry of the shape written above (a damaged or hand-edited index is rebuilt, never trusted)."""
    if not (isinstance(entry, dict) and isinstance(entry.get("stat"), list) and isinstance(entry.get("summary"), dict)):
        return False
    summary, headline = entry["summary"], entry.get("headline")
    if set(summary) != set(_FIELDS) or not all(isinstance(summary[k], kind) for k, kind in _FIELDS.items()):
        return False
    return headline is None or (isinstance(headline, dict) and all(isinstance(headline.get(k), str) for k in ("grader", "compact", "words")))
