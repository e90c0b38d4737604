"""The --backend, --model and --base-url options, for any subcommand that talks to a model."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import Any

from simulator.llm.settings import BACKENDS, LLMSettings, resolve_settings

OPTIONS = ("backend", "model", "base_url")


def add_backend_arguments(parser: argparse.ArgumentParser, default: Any = None) -> None:
    """`default=argparse.SUPPRESS` on a subcommand keeps a value given before it (`consultsim --model M resume`)."""
    group = parser.add_argument_group("model backend (docs/llm.md has every option)")
    group.add_argument("--backend", choices=BACKENDS, default=default, help="scripted (offline; the default) or openai (any OpenAI-compatible server)")
    group.add_argument("--model", default=default, help="the model to ask (or CONSULTSIM_MODEL); implies --backend openai")
    group.add_argument(
        "--base-url", default=default, metavar="URL",
        help="an OpenAI-compatible server, e.g. http://127.0.0.1:8080/v1 (or OPENAI_BASE_URL); none: the OpenAI API; implies --backend openai",
    )


def _flags(args: argparse.Namespace) -> dict[str, Any]:
    return {name: getattr(args, name, None) for name in OPTIONS}


def settings_from_args(args: argparse.Namespace) -> LLMSettings:
    """Flags over environment over config file over defaults (a bad setting is a ConsultsimError)."""
    return resolve_settings(_flags(args))


def settings_to_resume(args: argparse.Namespace, engine: Mapping[str, Any]) -> LLMSettings:
    """The settings to carry on a saved session with: the flags if any were given, else the model and server
    the session was voiced by (a key, if one is needed, still comes from the environment), else the defaults."""
    flags = _flags(args)
    if not any(value is not None for value in flags.values()) and engine.get("backend") == "openai":
        flags = {"backend": "openai", "model": engine.get("model"), "base_url": engine.get("base_url")}
    return resolve_settings(flags)
