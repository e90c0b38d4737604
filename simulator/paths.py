"""Where the user's files live: $CONSULTSIM_HOME, or the platform's user data folder.

A module of its own so that finding the folder imports nothing else (the scenario picker's start-up path).
"""

from __future__ import annotations

import os
from pathlib import Path


def home() -> Path:
    """$CONSULTSIM_HOME, or the platform's user data folder."""
    override = os.environ.get("CONSULTSIM_HOME")
    if override:
        return Path(override).expanduser()
    import platformdirs  # only when needed: it imports `platform`, slow to load

    return platformdirs.user_data_path("consultsim", appauthor=False)
