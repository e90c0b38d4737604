"""Fixtures for the screens' snapshot tests (test_snapshots.py, test_review_screen.py)."""

from __future__ import annotations

import time
from importlib.metadata import version

import pytest

# The Textual release the SVG snapshots were drawn with; after upgrading, run the snapshot tests with
# --snapshot-update, look at the changed files, and change the version here.
RECORDED_WITH = "8.2.8"


@pytest.fixture
def recorded_textual() -> None:
    """Another Textual draws differently: fail with the reason (the test extra pins it), never skip silently."""
    if version("textual") != RECORDED_WITH:
        pytest.fail(
            f"snapshots recorded with Textual {RECORDED_WITH}, installed {version('textual')}: "
            "install the pinned one (pip install -e '.[test]') or redraw them and change RECORDED_WITH",
            pytrace=False,
        )


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()
