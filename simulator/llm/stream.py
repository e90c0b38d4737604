"""One streamed reply: its text deltas as they arrive, retried until its first words, then never again
(what has been shown cannot be taken back by a silent retry; a break raises StreamBroken with what arrived).

And `collect`: one reply streamed and gathered whole, for a caller that wants all of it (structured output),
so that a slow server that keeps sending is not taken for a dead one.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, cast

import openai

from simulator.llm.errors import LLMError, StreamBroken
from simulator.llm.results import ChatResult, Messages, Usage

if TYPE_CHECKING:
    from openai.types.chat import ChatCompletionMessageParam

    from simulator.llm.client import LLMClient


def collect(client: LLMClient, messages: Messages, params: dict[str, Any], on_piece: Callable[[], None] = lambda: None) -> ChatResult:
    """One reply, streamed and gathered whole (one HTTP request; the caller retries). The timeout runs between
    pieces, so a server that keeps sending, however slowly, is alive; `reply_budget` bounds the whole. Any end
    but a finished reply closes the connection, so that the server stops working on it."""
    settings = client.settings
    started = time.monotonic()
    typed = cast("list[ChatCompletionMessageParam]", messages)  # plain dicts of the shape the client types
    raw = client._openai.chat.completions.create(model=client.model, messages=typed, stream=True, **params)
    assert isinstance(raw, openai.Stream)  # stream=True; the **params hide that from the overloads
    parts: list[str] = []
    usage = Usage(requests=1)
    finish: str | None = None
    pieces = 0
    try:
        for chunk in raw:
            pieces += 1
            on_piece()
            if getattr(chunk, "usage", None):
                usage.add(chunk.usage)
            choices = getattr(chunk, "choices", None) or []
            if choices:
                finish = choices[0].finish_reason or finish
                delta = choices[0].delta
                if delta and delta.content:
                    parts.append(delta.content)
            if finish is None and time.monotonic() - started > settings.reply_budget:
                raise LLMError(
                    "too_slow",
                    f"the model server at {client.where} was still replying after {settings.reply_budget:g} s "
                    f"(it is answering, slowly: allow it longer with {settings.how_to_set('reply_budget')})",
                )
    finally:
        raw.close()  # before the end: the connection closes and the server stops generating
    if finish is None:
        if not pieces:
            raise empty_reply(client, messages)
        raise LLMError("dropped", f"the reply from the model server at {client.where} ended before it was finished")
    return ChatResult("".join(parts), finish, usage)


def empty_reply(client: LLMClient, messages: Messages) -> LLMError:
    """A stream that closed before its first piece. llama-cpp-python's server fails a prompt longer than its context
    this way (headers sent, then nothing), so retrying it is no use and the server is not down."""
    tokens = sum(len(str(m.get("content") or "")) for m in messages) // 4  # about four characters a token
    return LLMError(
        "empty_reply",
        f"the model server at {client.where} sent an empty reply, which is how a local llama-cpp-python server refuses a prompt "
        f"longer than its context: this one is about {tokens:,} tokens by a rough count; start the server with a larger context "
        "(llama-cpp-python --n_ctx, llama.cpp --ctx-size) or use a model that reads longer prompts",
    )


class ChatStream:
    """Iterate for the text deltas of one streamed reply. `.text` is what has arrived so far and
    `.result` the whole reply once iteration ends normally."""

    def __init__(self, client: LLMClient, messages: Messages, params: dict[str, Any]):
        self.client = client
        self.messages = messages
        self.params = params
        self.parts: list[str] = []
        self.finish_reason: str | None = None
        self.usage = Usage()
        self.result: ChatResult | None = None
        self._raw: Any = None
        self._iterator: Iterator[str] | None = None

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def __iter__(self) -> Iterator[str]:
        if self._iterator is None:
            self._iterator = self._run()
        return self._iterator

    def close(self) -> None:
        """Stop early (a guard found enough); closes the HTTP response."""
        if self._iterator is not None:
            self._iterator.close()  # type: ignore[attr-defined]
        if self._raw is not None:
            try:
                self._raw.close()
            except Exception:  # noqa: BLE001 - closing a dead stream
                pass

    def _absorb(self, chunk: Any) -> str:
        if getattr(chunk, "usage", None):
            self.usage.add(chunk.usage)
        choices = getattr(chunk, "choices", None) or []
        if not choices:
            return ""
        choice = choices[0]
        if choice.finish_reason:
            self.finish_reason = choice.finish_reason
        return (choice.delta.content if choice.delta else None) or ""

    def _open(self, params: dict[str, Any]) -> tuple[Any, Iterator[Any], str]:
        """Open the stream and read up to its first words (retried as a whole by the caller)."""
        client = self.client
        self.finish_reason = None  # a fresh try
        messages = cast("list[ChatCompletionMessageParam]", self.messages)  # plain dicts of the shape the client types
        raw = client._openai.chat.completions.create(model=client.model, messages=messages, stream=True, **params)
        assert isinstance(raw, openai.Stream)  # stream=True; the **params hide that from the overloads
        chunks = iter(raw)
        first = ""
        pieces = 0
        try:
            for chunk in chunks:
                pieces += 1
                first = self._absorb(chunk)
                if first or self.finish_reason:
                    break
        except BaseException:
            raw.close()
            raise
        if not pieces:
            raw.close()
            raise empty_reply(client, self.messages)
        return raw, chunks, first

    def _run(self) -> Iterator[str]:
        client = self.client
        self._raw, chunks, first = client.call_adapting(self._open, {"stream_options": {"include_usage": True}, **self.params})
        self.usage.requests += 1
        if first:
            self.parts.append(first)
            yield first
        try:
            for chunk in chunks:
                delta = self._absorb(chunk)
                if delta:
                    self.parts.append(delta)
                    yield delta
        except (openai.OpenAIError, OSError, ValueError) as error:
            cause = client.classify(error)
            raise StreamBroken(f"the reply from {client.where} broke off mid-stream: {cause.message}", self.text, cause.kind) from None
        finally:
            self._raw.close()
        if self.finish_reason is None:
            raise StreamBroken(f"the reply from {client.where} ended before it was finished", self.text, "dropped")
        self.result = ChatResult(self.text, self.finish_reason, self.usage)
