"""Where the patient's reply comes from, as a stream of chunks the transcript shows as they arrive.

The UI consumes `ReplySource.stream(consultation, text)`: an async iterator of `ReplyChunk`s (a chunk with
`restart` set means: drop what was shown of this reply, a regenerated or replaced one follows). The scripted
engine answers at once, so `PacedReplies` records the turn (the consultation saves it before anything is
shown) and then lets the words out at a natural pace. `StreamedReplies` runs a model patient's turn in a
worker thread and passes its chunks on as the model produces them. No Textual here.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from simulator.consultation import Consultation
    from simulator.patient import ReplyChunk


class ReplySource(Protocol):
    def stream(self, consultation: Consultation, text: str) -> AsyncIterator[ReplyChunk]:
        """Record the clinician's turn and yield the patient's reply in chunks. Raises if no reply can be had:
        nothing is recorded then, and the UI gives the clinician their words back."""
        ...


class PacedReplies:
    """The scripted patient, paced: a short pause to 'think', then the words at reading speed.

    `pace` scales every delay; 0 shows the reply at once (tests, benchmarks).
    """

    def __init__(self, pace: float = 1.0, think: float = 0.4, per_word: float = 0.035, longest: float = 2.0):
        self.pace, self.think, self.per_word, self.longest = pace, think, per_word, longest

    async def stream(self, consultation: Consultation, text: str) -> AsyncIterator[ReplyChunk]:
        from simulator.patient.engine import word_chunks  # loaded with the engine, after start-up

        turn = await asyncio.to_thread(consultation.say, text)
        words = list(word_chunks(turn.text))
        if self.pace > 0:
            await asyncio.sleep(self.think * self.pace)
        delay = min(self.per_word, self.longest / max(1, len(words))) * self.pace
        for word in words:
            yield word
            if delay > 0:
                await asyncio.sleep(delay)


_DONE = object()


class StreamedReplies:
    """A model patient: its chunks as they come. The turn runs in a thread (the client is synchronous); each
    chunk is handed to the event loop, and the turn's end follows its last chunk in the loop's queue."""

    async def stream(self, consultation: Consultation, text: str) -> AsyncIterator[ReplyChunk]:
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[object] = asyncio.Queue()
        engine = consultation.engine
        engine.on_chunk = lambda chunk: loop.call_soon_threadsafe(queue.put_nowait, chunk)
        turn = asyncio.ensure_future(asyncio.to_thread(consultation.say, text))
        turn.add_done_callback(lambda _: queue.put_nowait(_DONE))
        try:
            while (item := await queue.get()) is not _DONE:
                yield item  # type: ignore[misc]
            turn.result()  # an engine failure is raised here, after what did arrive was shown
        finally:
            engine.on_chunk = None
