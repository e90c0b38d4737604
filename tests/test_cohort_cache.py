"""The cohort review keeps each session's row between runs: a cohort reviewed again is not graded again,
and a changed file, or a changed grader, is."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from cohort_maker import make_cohort

from simulator.review import cohort as cohort_module
from simulator.review.cohort import ROW_CACHE, load_cohort
from simulator.workspace import Workspace


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cohort") / "sessions"
    make_cohort(folder, 6)
    return folder


def test_a_second_review_reads_rows_from_the_cache_and_regrades_only_what_changed(made: Path, tmp_path: Path, consultsim_home: Path,
                                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "cohort"
    shutil.copytree(made, folder)
    first = load_cohort(Workspace(), [folder], jobs=1)
    assert len(first.rows) == 6 and (consultsim_home / "cache" / ROW_CACHE).exists()
    graded: list[Path] = []
    real = cohort_module.review_one

    def counting(workspace, path):
        graded.append(path)
        return real(workspace, path)

    monkeypatch.setattr(cohort_module, "review_one", counting)
    again = load_cohort(Workspace(), [folder], jobs=1)
    assert graded == [] and [r.to_dict() for r in again.rows] == [r.to_dict() for r in first.rows]
    changed = sorted(folder.glob("*.json"))[2]
    data = json.loads(changed.read_text(encoding="utf-8"))
    data["learner"] = "Renamed Learner"
    changed.write_text(json.dumps(data), encoding="utf-8")
    third = load_cohort(Workspace(), [folder], jobs=1)
    assert graded == [changed]
    assert next(r for r in third.rows if r.path == str(changed)).learner == "Renamed Learner"


def test_a_changed_grader_or_a_damaged_cache_regrades_everything(made: Path, tmp_path: Path, consultsim_home: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    load_cohort(Workspace(), [made], jobs=1)
    cache = consultsim_home / "cache" / ROW_CACHE
    data = json.loads(cache.read_text(encoding="utf-8"))
    data["grader"] = "another-grader"
    cache.write_text(json.dumps(data), encoding="utf-8")
    graded: list[Path] = []
    real = cohort_module.review_one
    monkeypatch.setattr(cohort_module, "review_one", lambda ws, p: graded.append(p) or real(ws, p))
    assert len(load_cohort(Workspace(), [made], jobs=1).rows) == 6 and len(graded) == 6
    cache.write_text("{not json", encoding="utf-8")
    graded.clear()
    assert len(load_cohort(Workspace(), [made], jobs=1).rows) == 6 and len(graded) == 6
    assert (cache.stat().st_mode & 0o777) == 0o600
