"""Subcommands of `consultsim`, one module each."""
