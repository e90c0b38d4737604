"""Turn analysis shared by the patient engine and the grader."""

from simulator.analysis.lexicon import affect_events, behaviour_vocabulary
from simulator.analysis.turns import CodeHit, TurnAnalyser, TurnAnalysis

__all__ = ["CodeHit", "TurnAnalyser", "TurnAnalysis", "affect_events", "behaviour_vocabulary"]
