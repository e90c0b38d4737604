"""The turn reader, shared by the patient engine, the grader and the reply guard.

Names are imported when first used: a session record needs `analysis.turns` (the reading's records) without
loading the reader and its word lists.
"""

from __future__ import annotations

from simulator.lazy import lazy_exports

_WHERE = {"affect_events": "lexicon", "behaviour_vocabulary": "lexicon", "TurnReader": "reader", "CodeHit": "turns", "TurnAnalysis": "turns"}
__all__ = sorted(_WHERE)
__getattr__ = lazy_exports(__name__, _WHERE)
