"""Scenario files: format, loading, validation and the catalogue."""

from simulator.scenario.catalog import Catalog, resolve
from simulator.scenario.loader import check_file, load_scenario
from simulator.scenario.model import ACTIVATION_LEVELS, Fact, Scenario

__all__ = ["ACTIVATION_LEVELS", "Catalog", "Fact", "Scenario", "check_file", "load_scenario", "resolve"]
