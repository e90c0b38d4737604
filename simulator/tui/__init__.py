"""The terminal UI (Textual): a thin layer over the headless core. Nothing in the core imports this package.

Start it with `consultsim`; tests and benchmarks build it with `simulator.tui.app.make_app`.
"""
