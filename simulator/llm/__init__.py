"""Talking to OpenAI-compatible model servers: settings, one retry layer, a circuit breaker, and helpers
(chat, streaming chat, JSON valid for a schema) shared by the LLM patient and the LLM judge.

Headless: never imports the terminal UI.
"""

from simulator.llm.breaker import CircuitBreaker, breaker_for
from simulator.llm.client import ChatResult, ChatStream, JSONResult, LLMClient, Usage
from simulator.llm.errors import InvalidOutput, LLMError, StreamBroken
from simulator.llm.settings import LLMSettings, config_path, public_url, resolve_settings

__all__ = [
    "ChatResult",
    "ChatStream",
    "CircuitBreaker",
    "InvalidOutput",
    "JSONResult",
    "LLMClient",
    "LLMError",
    "LLMSettings",
    "StreamBroken",
    "Usage",
    "breaker_for",
    "config_path",
    "public_url",
    "resolve_settings",
]
