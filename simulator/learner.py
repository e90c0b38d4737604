"""Who is practising: a name or id that each session records, so that a course lead can review a cohort.

Set once: `--learner NAME`, else $CONSULTSIM_LEARNER, else `name` under [learner] in the config file
(docs/review.md). Headless.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

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
    return clean_learner(table.get("name", ""), f"{path}: learner.name")
