"""Sessions: the record of one consultation, and where it is kept."""

from simulator.paths import home
from simulator.session.model import SCHEMA_VERSION, Session, Turn
from simulator.session.store import load, save, sessions_dir, write_private_json

__all__ = ["SCHEMA_VERSION", "Session", "Turn", "home", "load", "save", "sessions_dir", "write_private_json"]
