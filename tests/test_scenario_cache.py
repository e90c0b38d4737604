"""The scenario picker's catalogue cache: same scenarios as Catalog.load, checks skipped only for bytes seen valid."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from simulator.scenario import Catalog
from simulator.scenario import cache as scenario_cache
from simulator.scenario.cache import CACHE_NAME, load_catalog


def test_the_cached_catalogue_is_the_catalogue(consultsim_home: Path) -> None:
    fresh = Catalog.load()
    first, second = load_catalog(), load_catalog()
    assert fresh.scenarios == first.scenarios == second.scenarios
    assert [s.sha256 for s in second.scenarios] == [s.sha256 for s in fresh.scenarios]
    assert [s.source for s in second.scenarios] == [s.source for s in fresh.scenarios]
    path = consultsim_home / "cache" / CACHE_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(json.loads(path.read_text())["scenarios"]) == len(fresh.scenarios)


def test_a_cached_file_is_not_checked_again(consultsim_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load_catalog()
    monkeypatch.setattr(scenario_cache, "load_scenario", lambda path, **_: pytest.fail(f"{path} was checked again"))
    assert len(load_catalog().scenarios) == 6


def test_a_changed_file_is_checked_again_and_a_bad_one_is_reported_every_time(tmp_path: Path, example_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    good = mine / "mine.yaml"
    good.write_text(example_path.read_text().replace("id: t2d-hypo-fear", "id: mine"))
    assert "mine" in [s.id for s in load_catalog([mine]).scenarios]
    good.write_text(good.read_text().replace("difficulty: intermediate", "difficulty: impossible"))
    for _ in range(2):
        catalog = load_catalog([mine])
        assert "mine" not in [s.id for s in catalog.scenarios]
        assert any("impossible" in p.message for p in catalog.problems)


def test_a_new_schema_or_version_empties_the_cache(consultsim_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load_catalog()
    checked = []
    real = scenario_cache.load_scenario
    monkeypatch.setattr(scenario_cache, "_stamp", lambda: "another schema")
    monkeypatch.setattr(scenario_cache, "load_scenario", lambda path, **kw: checked.append(path) or real(path, **kw))
    load_catalog()
    assert len(checked) == 6


def test_a_broken_cache_file_is_ignored(consultsim_home: Path) -> None:
    path = consultsim_home / "cache" / CACHE_NAME
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    assert len(load_catalog().scenarios) == 6
    assert json.loads(path.read_text())["scenarios"]
