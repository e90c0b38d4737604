"""Screens of the terminal UI: picker, briefing, consultation, feedback, history, and a confirmation."""
