"""Who is practising: a name or id that each session records, so that a course lead can review a cohort.

Set once: `--learner NAME`, else $CONSULTSIM_LEARNER, else `name` under [learner] in the config file, else
the answer given when asked at the first start in a terminal (kept in the data folder's learner.json; asked
once, an empty answer included). docs/review.md. Headless.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from pathlib import Path

from simulator.errors import ConsultsimError

MAX_LENGTH = 200  # session-v1.json: learner


def clean_learner(value: str, where: str) -> str | None:
    name = " ".join(value.split())  # a name pasted with a newline or tabs is still one name
    if len(name) > MAX_LENGTH:
        raise ConsultsimError(f"{where}: a learner name or id of at most {MAX_LENGTH} characters, please")
    return name or None


def resolve_learner(flag: str | None = None, env: Mapping[str, str] | None = None) -> str | None:
    """The learner: the flag, the environment, the config file, or None (sessions then say "not given")."""
    from simulator.llm.settings import config_path, read_config_document

    env = os.environ if env is None else env
    if flag is not None:
        return clean_learner(flag, "--learner")
    if env.get("CONSULTSIM_LEARNER"):
        return clean_learner(env["CONSULTSIM_LEARNER"], "CONSULTSIM_LEARNER")
    path = config_path(env)
    table = read_config_document(path).get("learner", {})
    if not isinstance(table, dict) or not isinstance(table.get("name", ""), str):
        raise ConsultsimError(f'{path}: [learner] must be a table with name = "your name or id"')
    return clean_learner(table.get("name", ""), f"{path}: learner.name") or answered()[0]


PROFILE = "learner.json"


def _profile() -> Path:
    from simulator.paths import home

    return home() / PROFILE


def answered() -> tuple[str | None, bool]:
    """The name given when asked at the first start, and whether it was asked at all."""
    try:
        data = json.loads(_profile().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None, False
    if not isinstance(data, dict):
        return None, False
    name = data.get("learner")
    return (name if isinstance(name, str) and name.strip() else None), bool(data.get("asked"))


def remember_answer(name: str | None) -> None:
    from simulator.paths import make_private_dir
    from simulator.session.store import write_private_json

    path = _profile()
    make_private_dir(path.parent)
    write_private_json(path, {"learner": name, "asked": True})


def ask_once(read: Callable[[str], str] = input) -> str | None:
    """At the first start in a terminal with no learner set anywhere: ask, once, and remember the answer."""
    try:
        answer = read("Your name or learner id, recorded with your sessions for your course lead (Enter to skip): ")
    except EOFError:
        answer = ""
    name = clean_learner(answer, "your name")
    remember_answer(name)
    return name
