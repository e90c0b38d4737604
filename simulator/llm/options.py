"""The --backend, --model and --base-url options, for any subcommand that talks to a model."""

from __future__ import annotations

import argparse

from simulator.llm.settings import BACKENDS, LLMSettings, resolve_settings


def add_backend_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("model backend (docs/llm.md has every option)")
    group.add_argument("--backend", choices=BACKENDS, default=None, help="scripted (offline; the default) or openai (any OpenAI-compatible server)")
    group.add_argument("--model", default=None, help="the model to ask (or CONSULTSIM_MODEL); implies --backend openai")
    group.add_argument(
        "--base-url", default=None, metavar="URL",
        help="an OpenAI-compatible server, e.g. http://127.0.0.1:8080/v1 (or OPENAI_BASE_URL); none: the OpenAI API; implies --backend openai",
    )


def settings_from_args(args: argparse.Namespace) -> LLMSettings:
    """Flags over environment over config file over defaults (a bad setting is a ConsultsimError)."""
    flags = {name: getattr(args, name, None) for name in ("backend", "model", "base_url")}
    return resolve_settings(flags)
