"""The turn reader, shared by the patient engine, the grader and the reply guard.

Names are imported when first used: a session record needs `analysis.turns` (the reading's records) without
loading the reader and its word lists.
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "affect_events": "simulator.analysis.lexicon",
    "behaviour_vocabulary": "simulator.analysis.lexicon",
    "TurnReader": "simulator.analysis.reader",
    "CodeHit": "simulator.analysis.turns",
    "TurnAnalysis": "simulator.analysis.turns",
}
__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_WHERE[name]), name)
