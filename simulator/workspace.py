"""What one consultsim process loads once and shares: the scenarios (through their cache), the rubrics, a
turn reader per scenario, and the session store.

The CLI, the terminal UI and `--plain` each make one Workspace and pass it down; nothing below them loads
rubrics or scenarios on its own. Everything is loaded when first asked for, so making one costs nothing
(the picker's start-up path makes one). Headless: no Textual.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from simulator.errors import ConsultsimError, NotFound

if TYPE_CHECKING:
    from simulator.analysis import TurnReader
    from simulator.rubric import GradeReport, Judge
    from simulator.rubric.grader import RulesJudge
    from simulator.rubric.model import Rubric
    from simulator.scenario import Catalog, Scenario
    from simulator.session import Session
    from simulator.session.keeper import SessionStore


class Workspace:
    def __init__(self, dirs: Iterable[Path] = (), sessions: Path | None = None, learner: str | None = None):
        self.dirs = list(dirs)  # extra scenario folders (--dir)
        self._learner_flag = learner  # --learner, if given
        self._sessions = sessions  # the sessions folder (default: the data folder's)
        self._readers: dict[str | None, TurnReader] = {}
        self._at_path: dict[str, Scenario | None] = {}

    # -- what is loaded once ---------------------------------------------------------------------

    @cached_property
    def catalog(self) -> Catalog:
        """The playable scenarios: shipped and --dir, each file checked once ever (scenario/cache.py)."""
        from simulator.scenario.cache import load_catalog

        return load_catalog(self.dirs)

    @cached_property
    def unchecked_catalog(self) -> Catalog:
        """Every scenario that passes the schema, lint or not: for sessions played before a scenario changed."""
        from simulator.scenario import Catalog

        return Catalog.load(self.dirs, checked=False)

    @cached_property
    def rubrics(self) -> list[Rubric]:
        from simulator.paths import course_rubrics_dir
        from simulator.rubric.cache import load_rubrics  # checked once ever, like the scenarios

        return load_rubrics(extra=course_rubrics_dir())  # the shipped rubrics, then the course's own

    @cached_property
    def rules(self) -> RulesJudge:
        from simulator.rubric.grader import RulesJudge

        return RulesJudge(self.rubrics)

    def reader(self, scenario: Scenario | None = None) -> TurnReader:
        """The turn reader for a scenario (its topics added), or for a transcript; one of each per process."""
        key = scenario.sha256 if scenario is not None else None
        if key not in self._readers:
            from simulator.analysis import TurnReader

            self._readers[key] = TurnReader.for_scenario(scenario) if scenario is not None else TurnReader()
        return self._readers[key]

    @cached_property
    def learner(self) -> str | None:
        """Who is practising (simulator/learner.py): recorded in every new session."""
        from simulator.learner import resolve_learner

        return resolve_learner(self._learner_flag)

    @cached_property
    def store(self) -> SessionStore:
        from simulator.session.keeper import SessionStore

        return SessionStore(self._sessions)

    # -- scenarios -------------------------------------------------------------------------------

    def resolve(self, name: str) -> Scenario:
        """A scenario by id or file path, checked for play (scenario.catalog.resolve, with the cached catalogue)."""
        from simulator.scenario.catalog import resolve

        return resolve(name, self.dirs, catalog=self.catalog)

    def scenario_for(self, session: Session) -> tuple[Scenario, str | None]:
        """The scenario a session was played with, and a warning if only a changed version of it is found.

        The exact version (its sha256) first, from the catalogue or the file the session came from; else
        the file or a catalogued scenario with the same id. `grade` and the feedback screen both ask here."""
        wanted_id, wanted_sha = session.scenario.id, session.scenario.sha256
        for scenario in self.catalog.scenarios:
            if scenario.sha256 == wanted_sha and scenario.id == wanted_id:
                return scenario, None
        source = session.scenario.source
        at_source = self._scenario_at(source) if source else None
        if at_source is not None and at_source.sha256 == wanted_sha:
            return at_source, None
        candidates = [c for c in [at_source, *self.catalog.scenarios] if c is not None and c.id == wanted_id]
        if not candidates:
            candidates = [s for s in self.unchecked_catalog.scenarios if s.id == wanted_id]
        exact = next((c for c in candidates if c.sha256 == wanted_sha), None)
        if exact is not None:
            return exact, None
        if candidates:
            return candidates[0], f"the scenario '{wanted_id}' has changed since this session was played ({candidates[0].source})"
        raise NotFound(f"the scenario '{wanted_id}' of this session is not available (add its folder with --dir)")

    def _scenario_at(self, source: str) -> Scenario | None:
        """The scenario in a file, read once: one the catalogue holds (the same bytes) is not read again."""
        if source not in self._at_path:
            found = None
            try:
                digest = hashlib.sha256(Path(source).read_bytes()).hexdigest()
                found = next((s for s in self.catalog.scenarios if s.sha256 == digest), None)
                if found is None:
                    from simulator.scenario import load_scenario

                    found = load_scenario(source)
            except (OSError, ValueError, ConsultsimError):
                found = None
            self._at_path[source] = found
        return self._at_path[source]

    # -- grading ---------------------------------------------------------------------------------

    def grade_session(self, session: Session, scenario: Scenario | None = None, judge: Judge | None = None, source: str | None = None) -> GradeReport:
        from simulator.rubric import grade_session

        report = grade_session(session, scenario, judge or self.rules, source, reader=self.reader(scenario))
        trusted = {task: figures for task, figures in self.calibration.items() if task in report.kalamazoo}
        if trusted:
            report.extra["calibration"] = trusted
        return report

    @cached_property
    def calibration(self) -> dict[str, dict]:
        """Per task, how far the machine's mark has agreed with course leads (consultsim calibrate), if known."""
        from simulator.review.trust import recall

        return recall()

    def grade_saved(
        self, session: Session, scenario: Scenario | None = None, judge: Judge | None = None, source: str | None = None
    ) -> tuple[GradeReport, Scenario | None, str | None]:
        """A session graded against the scenario version it recorded (found if not given): the report, the
        scenario used, and a warning if that was a changed version or none could be found."""
        warning = None
        if scenario is None:
            try:
                scenario, warning = self.scenario_for(session)
            except ConsultsimError as error:
                warning = f"{error}; graded without its scenario-specific items"
        return self.grade_session(session, scenario, judge, source or session.id), scenario, warning

    def grade_file(self, path: Path, judge: Judge | None = None) -> tuple[GradeReport, str | None]:
        """A session file (JSON) or a plain transcript: the report, and a warning about the scenario used."""
        from simulator.rubric import from_transcript, looks_like_json
        from simulator.session.store import load as load_session
        from simulator.transcript import read_transcript

        if path.suffix == ".json" or looks_like_json(path):
            report, _, warning = self.grade_saved(load_session(path), judge=judge, source=str(path))
            return report, warning
        conversation = from_transcript(str(path), read_transcript(path), self.reader())
        return (judge or self.rules).grade(conversation), None
