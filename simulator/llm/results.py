"""What a request to a model server gives back: the text, why it stopped, and the tokens it cost."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Messages = list[dict[str, Any]]  # chat messages as the OpenAI API takes them


@dataclass
class Usage:
    """Tokens as the server reports them (0 where it reports none), and the requests that got a reply."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0
    requests: int = 0

    def add(self, other: Any) -> None:
        if other is None:
            return
        self.prompt_tokens += int(getattr(other, "prompt_tokens", 0) or 0)
        self.completion_tokens += int(getattr(other, "completion_tokens", 0) or 0)
        self.total_tokens += int(getattr(other, "total_tokens", 0) or 0)
        self.requests += int(getattr(other, "requests", 0) or 0)

    def as_dict(self) -> dict[str, int]:
        return {"prompt_tokens": self.prompt_tokens, "completion_tokens": self.completion_tokens, "total_tokens": self.total_tokens, "requests": self.requests}


@dataclass(frozen=True)
class ChatResult:
    text: str
    finish_reason: str | None
    usage: Usage
    attempts: int = 1


@dataclass(frozen=True)
class JSONResult:
    data: Any
    text: str
    mode: str  # json_schema | json_object | text: how the server was asked for JSON
    asks: int  # requests that produced a reply (1 + re-asks)
    usage: Usage
