"""What the scenario picker lists, and a note of it from which the next start lists the same.

The scenario catalogue (simulator.scenario.cache) checks each file against the schema only once, but
loading it still imports PyYAML, the schema and the scenario model, reads the patients' shared lines
and builds every scenario: a tenth of the time the picker took to come up (benchmarks/bench_tui.py).
The picker shows a few fields of each scenario (`Entry`). Each time the catalogue is loaded they are
noted in $CONSULTSIM_HOME/cache/picker-v1.json, with the size and modification time of every scenario
file in the folders they came from and of the catalogue's cache file. A start with the same consultsim,
the same folders and the same files as the note, and no problem found last time, lists the scenarios
from the note; the catalogue itself is loaded when a scenario is chosen, and the list is redone then
if it differs. Any other start, or a note that cannot be read, loads the catalogue first, as before.

Headless, and nothing from simulator.scenario is imported here until the catalogue is loaded.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from simulator import __version__
from simulator.paths import home, make_private_dir

if TYPE_CHECKING:
    from simulator.scenario import Catalog

NOTE_NAME = "picker-v1.json"
PACKAGE = str(Path(__file__).resolve().parent.parent)  # the simulator package this note was made by


class Entry(NamedTuple):  # a NamedTuple rather than a dataclass: a third of the cost to define at start-up
    """A scenario as the picker shows it; the scenario itself is looked up by id and source when chosen."""

    id: str
    title: str
    conditions: tuple[str, ...]
    setting: str
    difficulty: str
    activation: int
    activation_label: str
    patient_name: str
    patient_age: int
    patient_occupation: str
    duration_minutes: int
    learning_objectives: tuple[str, ...]
    source: str
    shipped: bool  # from the shipped folder (else `source` is shown)


def entries(catalog: Catalog) -> list[Entry]:
    from simulator.resources import shipped_scenarios_dir
    from simulator.scenario import ACTIVATION_LEVELS

    shipped = shipped_scenarios_dir().resolve()
    return [
        Entry(
            id=s.id,
            title=s.title,
            conditions=tuple(s.conditions),
            setting=s.setting,
            difficulty=s.difficulty,
            activation=s.patient.activation,
            activation_label=ACTIVATION_LEVELS[s.patient.activation],
            patient_name=s.patient.name,
            patient_age=s.patient.age,
            patient_occupation=s.patient.occupation,
            duration_minutes=s.duration_minutes,
            learning_objectives=tuple(s.learning_objectives),
            source=s.source,
            shipped=Path(s.source).parent.resolve() == shipped,
        )
        for s in catalog.scenarios
    ]


def _note_path() -> Path:
    return home() / "cache" / NOTE_NAME


def _stat(path: Path) -> list[int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


def _listing(folder: str, suffixes: tuple[str, ...]) -> dict[str, list[int]]:
    """The scenario files of a folder (as simulator.scenario.catalog.scenario_files finds them), by size and time."""
    listing = {}
    with os.scandir(folder) as found:
        for item in found:
            if os.path.splitext(item.name)[1] in suffixes and item.is_file():
                st = item.stat()
                listing[item.name] = [st.st_size, st.st_mtime_ns]
    return listing


def noted_entries(dirs: list[Path]) -> list[Entry] | None:
    """The entries of the last load, if nothing they depend on has changed since; else None."""
    try:
        note: dict[str, Any] = json.loads(_note_path().read_text(encoding="utf-8"))
        if (note["consultsim"], note["package"], note["dirs"]) != (__version__, PACKAGE, [str(d) for d in dirs]):
            return None
        suffixes = tuple(note["suffixes"])
        if any(_listing(folder, suffixes) != listing for folder, listing in note["folders"]):
            return None
        if _stat(Path(note["cache"][0])) != note["cache"][1]:
            return None
        return [
            Entry(**{**e, "conditions": tuple(e["conditions"]), "learning_objectives": tuple(e["learning_objectives"])})
            for e in note["entries"]
        ]
    except (OSError, ValueError, KeyError, TypeError, IndexError, RecursionError):
        return None


def write_note(dirs: list[Path], catalog: Catalog, listed: list[Entry]) -> None:
    """Note the entries of a catalogue just loaded, unless it had problems (they are to be reported each start)."""
    from simulator.resources import shipped_scenarios_dir
    from simulator.scenario.cache import CACHE_NAME
    from simulator.scenario.catalog import SUFFIXES

    cache = home() / "cache" / CACHE_NAME
    if catalog.problems or _stat(cache) is None:
        return
    try:
        note = {
            "consultsim": __version__,
            "package": PACKAGE,
            "dirs": [str(d) for d in dirs],
            "suffixes": list(SUFFIXES),
            "folders": [[str(folder), _listing(str(folder), SUFFIXES)] for folder in [shipped_scenarios_dir(), *dirs]],
            "cache": [str(cache), _stat(cache)],
            "entries": [entry._asdict() for entry in listed],
        }
        path = _note_path()
        make_private_dir(path.parent)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            with os.fdopen(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as handle:
                json.dump(note, handle, ensure_ascii=False)
            os.replace(temporary, path)  # whole or not at all; private to the user like the catalogue's cache
        finally:
            temporary.unlink(missing_ok=True)
    except OSError:
        pass  # a note that cannot be written only costs time at the next start
