"""What the app is started with: shared by the app and its screens."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from simulator.tui.replies import PacedReplies, ReplySource, StreamedReplies
from simulator.workspace import Workspace

if TYPE_CHECKING:
    from simulator.llm.settings import LLMSettings


@dataclass
class Settings:
    """What the app is started with. Tests freeze `clock`, set `pace` to 0 and turn `blink` off."""

    dirs: list[Path] = field(default_factory=list)  # extra scenario folders (--dir)
    seed: int = 0
    clock: Callable[[], float] = time.monotonic
    replies: ReplySource = field(default_factory=PacedReplies)  # for the scripted patient
    streamed: ReplySource = field(default_factory=StreamedReplies)  # for a model patient
    llm: LLMSettings | None = None  # the model that voices the patient (None or scripted: offline)
    blink: bool = True  # cursor blink
    export_dir: Path | None = None  # where feedback exports go (default: $CONSULTSIM_HOME/reports)
    ready: Callable[[Any], None] | None = None  # called once the first screen is interactive (benchmark)
    workspace: Workspace = None  # type: ignore[assignment]  # what the process loads once; made from `dirs` if not given

    def __post_init__(self) -> None:
        if self.workspace is None:
            self.workspace = Workspace(self.dirs)
