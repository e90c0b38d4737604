"""`python -m simulator` is the same as the `consultsim` command."""

from simulator.cli import main

raise SystemExit(main())
