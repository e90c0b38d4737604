"""consultsim: practise long-term-condition consultations with a simulated patient."""

__version__ = "0.1.0"
