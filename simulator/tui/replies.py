"""Where the patient's reply comes from, as a stream of chunks the transcript shows as they arrive.

The UI consumes `ReplySource.stream(consultation, text)`: an async iterator of text chunks. The scripted
engine answers at once, so `PacedReplies` records the turn (the consultation saves it before anything is
shown) and then lets the words out at a natural pace. An engine that streams (a language model) plugs in
as another `ReplySource` that yields its chunks as they come; the screen does not change.
No Textual here.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from simulator.consultation import Consultation

_WORDS = re.compile(r"\S+\s*")


class ReplySource(Protocol):
    def stream(self, consultation: Consultation, text: str) -> AsyncIterator[str]:
        """Record the clinician's turn and yield the patient's reply in chunks. Raises if no reply can be had:
        nothing is recorded then, and the UI gives the clinician their words back."""
        ...


def chunks(text: str) -> list[str]:
    """Words with their trailing space: joined back, they are the text."""
    return _WORDS.findall(text) or [text]


class PacedReplies:
    """The scripted patient, paced: a short pause to 'think', then the words at reading speed.

    `pace` scales every delay; 0 shows the reply at once (tests, benchmarks).
    """

    def __init__(self, pace: float = 1.0, think: float = 0.4, per_word: float = 0.035, longest: float = 2.0):
        self.pace, self.think, self.per_word, self.longest = pace, think, per_word, longest

    async def stream(self, consultation: Consultation, text: str) -> AsyncIterator[str]:
        turn = await asyncio.to_thread(consultation.say, text)
        words = chunks(turn.text)
        if self.pace > 0:
            await asyncio.sleep(self.think * self.pace)
        delay = min(self.per_word, self.longest / max(1, len(words))) * self.pace
        for word in words:
            yield word
            if delay > 0:
                await asyncio.sleep(delay)
