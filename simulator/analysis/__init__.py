"""The turn reader, shared by the patient engine, the grader and the reply guard."""

from simulator.analysis.lexicon import affect_events, behaviour_vocabulary
from simulator.analysis.reader import TurnReader
from simulator.analysis.turns import CodeHit, TurnAnalysis

__all__ = ["CodeHit", "TurnAnalysis", "TurnReader", "affect_events", "behaviour_vocabulary"]
