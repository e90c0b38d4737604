"""The --backend, --model and --base-url options, and the two settings a user most often changes for a slow
or small server (--llm-timeout, --llm-concurrency), for any subcommand that talks to a model."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import Any

from simulator.llm.settings import BACKENDS, MAX_CONCURRENCY, LLMSettings, resolve_settings

OPTIONS = ("backend", "model", "base_url")  # which server and model: a resumed session keeps its own unless given
TUNING = {"llm_timeout": "timeout", "llm_concurrency": "concurrency"}  # argparse dest -> setting


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r}: give a number of seconds above 0")
    return value


def _concurrency(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= MAX_CONCURRENCY:
        raise argparse.ArgumentTypeError(f"{value}: give 1 to {MAX_CONCURRENCY}")
    return value


def add_backend_arguments(parser: argparse.ArgumentParser, default: Any = None) -> None:
    """`default=argparse.SUPPRESS` on a subcommand keeps a value given before it (`consultsim --model M resume`)."""
    group = parser.add_argument_group("model backend (docs/llm.md has every option)")
    group.add_argument("--backend", choices=BACKENDS, default=default, help="scripted (offline; the default) or openai (any OpenAI-compatible server)")
    group.add_argument("--model", default=default, help="the model to ask (or CONSULTSIM_MODEL); implies --backend openai")
    group.add_argument(
        "--base-url", default=default, metavar="URL",
        help="an OpenAI-compatible server, e.g. http://127.0.0.1:8080/v1 (or OPENAI_BASE_URL); none: the OpenAI API; implies --backend openai",
    )
    group.add_argument(
        "--llm-timeout", type=_positive_seconds, default=default, metavar="SECONDS",
        help="seconds to wait for a reply to start, or between two streamed pieces of it (default 60; raise it for a slow CPU server)",
    )
    group.add_argument(
        "--llm-concurrency", type=_concurrency, default=default, metavar="N",
        help="requests sent at once to the server (default: what a llama.cpp server says it takes, else 1)",
    )


def _flags(args: argparse.Namespace) -> dict[str, Any]:
    return {name: getattr(args, name, None) for name in OPTIONS}


def _tuning(args: argparse.Namespace) -> dict[str, Any]:
    return {setting: getattr(args, dest, None) for dest, setting in TUNING.items()}


def settings_from_args(args: argparse.Namespace) -> LLMSettings:
    """Flags over environment over config file over defaults (a bad setting is a ConsultsimError)."""
    return resolve_settings({**_flags(args), **_tuning(args)})


def settings_to_resume(args: argparse.Namespace, engine: Mapping[str, Any]) -> LLMSettings:
    """The settings to carry on a saved session with: the flags if any were given, else the model and server
    the session was voiced by (a key, if one is needed, still comes from the environment), else the defaults.
    --llm-timeout and --llm-concurrency apply either way."""
    flags = _flags(args)
    if not any(value is not None for value in flags.values()) and engine.get("backend") == "openai":
        flags = {"backend": "openai", "model": engine.get("model"), "base_url": engine.get("base_url")}
    return resolve_settings({**flags, **_tuning(args)})
