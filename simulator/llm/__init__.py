"""Talking to OpenAI-compatible model servers: settings, one retry layer, a circuit breaker, and helpers
(chat, streaming chat, JSON valid for a schema) shared by the LLM patient and the LLM judge.

Headless: never imports the terminal UI. The names below load lazily, so reading settings (every
command does) does not import the openai client; only talking to a server does.
"""

from __future__ import annotations

from simulator.lazy import lazy_exports

_WHERE = {
    "ChatResult": "results",
    "ChatStream": "stream",
    "JSONResult": "results",
    "LLMClient": "client",
    "Usage": "results",
    "CircuitBreaker": "breaker",
    "breaker_for": "breaker",
    "InvalidOutput": "errors",
    "LLMError": "errors",
    "StreamBroken": "errors",
    "LLMSettings": "settings",
    "config_path": "settings",
    "public_url": "settings",
    "resolve_settings": "settings",
}

__all__ = sorted(_WHERE)
__getattr__ = lazy_exports(__name__, _WHERE)
